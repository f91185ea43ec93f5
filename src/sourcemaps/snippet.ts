/**
 * The runtime snippet Sentry SDKs read (`_sentryDebugIds`), where sentry-cli 3.8.0 puts it, and
 * the three JS edits it makes: with a regular map (snippet after the prologue), with an index map
 * (one line at the top), and without a map (snippet at the end).
 */

export function snippet(debugId: string): string {
  return (
    '!function(){try{var e="undefined"!=typeof window?window:"undefined"!=typeof global?global:' +
    '"undefined"!=typeof globalThis?globalThis:"undefined"!=typeof self?self:{},n=(new e.Error).stack;' +
    'n&&(e._sentryDebugIds=e._sentryDebugIds||{},e._sentryDebugIds[n]="' +
    debugId +
    '")}catch(e){}}();'
  );
}

export function debugIdComment(debugId: string): string {
  return `//# debugId=${debugId}`;
}

// Unicode White_Space (what sentry-cli's regex engine means by \s; JS's \s also has U+FEFF).
const WS = "[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
/** Optional hashbang, then blank space, block comments and line comments. */
const PREAMBLE = `(#![^\\n]*[\\n\\r])?(?:${WS}|/\\*[\\s\\S]*?\\*/|//[^\\n]*[\\n\\r])*`;
/** …then one optional directive: `"…";` or `'…';` (the single-quoted form takes its newline). */
const PRE_INJECT_RE = new RegExp(`^${PREAMBLE}(?:"[^"]*";|'[^']*';[\\n\\r]?)?`);
/** For index maps: the preamble, then a `"use …"` directive whose text is repeated on line 1. */
const INDEX_DIRECTIVE_RE = new RegExp(`^${PREAMBLE}(["'])(use${WS}[^"'\\r\\n]*)\\2`);
const SHEBANG_RE = /^#![^\n]*(?:\n|$)/;

export interface InsertionPoint {
  /** UTF-16 offset in the original text. */
  offset: number;
  /** 0-based line (counted in `\n`) and column (UTF-16 units) of `offset`. */
  line: number;
  column: number;
}

/** Where sentry-cli inserts the snippet into a file that has a regular source map. */
export function insertionPoint(js: string): InsertionPoint {
  const m = PRE_INJECT_RE.exec(js);
  const offset = m ? m[0].length : 0;
  return positionOf(js, offset);
}

export function positionOf(text: string, offset: number): InsertionPoint {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { offset, line, column: offset - lineStart };
}

/** The file with a regular map: `"\n" + snippet + "\n"` at the insertion point, debugId line appended. */
export function injectWithMap(js: string, debugId: string, at: InsertionPoint = insertionPoint(js)): string {
  return (
    js.slice(0, at.offset) +
    "\n" +
    snippet(debugId) +
    "\n" +
    js.slice(at.offset) +
    "\n" +
    debugIdComment(debugId) +
    "\n"
  );
}

/** Lines inserted before original line `at.line` (the snippet line and the split remainder). */
export const INSERTED_LINES = 2;

/**
 * The file with an index map: sentry-cli keeps a hashbang line first, then adds ONE line made of
 * the leading `"use …";` directive (if any, so the snippet runs in the same mode) and the snippet.
 * Sections shift down by exactly one line.
 */
export function injectWithIndexMap(js: string, debugId: string): string {
  const sb = SHEBANG_RE.exec(js);
  const head = sb ? sb[0] : "";
  const body = js.slice(head.length);
  const d = INDEX_DIRECTIVE_RE.exec(js);
  const prefix = d ? `${d[2]}${d[3]}${d[2]};` : "";
  const sep = head !== "" && !head.endsWith("\n") ? "\n" : "";
  return head + sep + prefix + snippet(debugId) + "\n" + body + "\n" + debugIdComment(debugId) + "\n";
}

/** Split like Rust's BufRead::lines: `\n` or `\r\n` end a line; no empty line after a final newline. */
export function rustLines(text: string): string[] {
  if (text === "") return [];
  const parts = text.split("\n");
  if (parts[parts.length - 1] === "") parts.pop();
  else {
    // The last line had no newline: its trailing \r stays.
    const last = parts.pop()!;
    return [...parts.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l)), last];
  }
  return parts.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

function isSourceMappingLine(line: string): boolean {
  return line.startsWith("//# sourceMappingURL=") || line.startsWith("//@ sourceMappingURL=");
}

/**
 * The file without a map: lines rewritten with `\n`, the snippet appended, then the (last)
 * sourceMappingURL comment, then the debugId comment — so no line of the original code moves.
 */
export function injectWithoutMap(js: string, debugId: string): string {
  const lines = rustLines(js);
  let smIdx = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (isSourceMappingLine(lines[i]!)) {
      smIdx = i;
      break;
    }
  }
  const sm = smIdx >= 0 ? lines.splice(smIdx, 1)[0] : undefined;
  let out = lines.map((l) => l + "\n").join("");
  out += snippet(debugId) + "\n";
  if (sm !== undefined) out += sm + "\n";
  return out + debugIdComment(debugId) + "\n";
}
