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
const PREAMBLE_RE = new RegExp(`^${PREAMBLE}`);
/** Blank space and comments after a string literal (a line break among them allows ASI). */
const GAP_RE = new RegExp(`(?:${WS}|/\\*[\\s\\S]*?\\*/|//[^\\n\\r\\u2028\\u2029]*)*`, "y");
const LINE_BREAK_RE = /[\n\r\u2028\u2029]/;
const SHEBANG_RE = /^#![^\n]*(?:\n|$)/;

export interface Directive {
  /** The quote used, `"` or `'`. */
  quote: string;
  /** The text between the quotes, as written. */
  text: string;
}

export interface Prologue {
  /** Where the snippet goes: after the last directive (UTF-16 offset), or after the preamble. */
  end: number;
  directives: Directive[];
}

/** A string literal starting at `at` (a quote): the offset after its closing quote, or -1. */
function stringEnd(js: string, at: number): number {
  const q = js.charCodeAt(at);
  for (let i = at + 1; i < js.length; i++) {
    const c = js.charCodeAt(i);
    if (c === q) return i + 1;
    if (c === 92 /* \\ */) i++;
    else if (c === 10 || c === 13) return -1;
  }
  return -1;
}

/**
 * Whether code starting at `at`, after a line break, begins a new statement — so automatic
 * semicolon insertion ends the string statement before it — rather than continuing the expression
 * (`(`, `[`, `.`, a template, an operator, `in`/`instanceof`). When unsure, it continues.
 */
function startsStatement(js: string, at: number): boolean {
  if (at >= js.length) return true;
  const c = js[at]!;
  if (c === '"' || c === "'" || c === "{" || c === "}" || c === ";" || c === "~") return true;
  if (c === "!") return js[at + 1] !== "=";
  if (/[0-9]/.test(c)) return true;
  if (/[A-Za-z_$]/.test(c)) return !/^(?:in|instanceof)(?![\w$])/.test(js.slice(at, at + 11));
  return false;
}

/**
 * The program's directive prologue: the string-literal statements (`"use strict";`,
 * `'use client'`) that open it, after a hashbang, blank space and comments. The snippet goes
 * after all of them: a statement before a directive turns it into a plain string.
 *
 * Where sentry-cli 3.8.0 is right — no directive, or one directive ended by `;` — the offset is
 * its own, quirk included: a single-quoted directive takes the line break after its `;`.
 */
export function directivePrologue(js: string): Prologue {
  const preamble = PREAMBLE_RE.exec(js)![0].length;
  const directives: Directive[] = [];
  let end = preamble;
  let pos = preamble;
  for (;;) {
    const c = js[pos];
    if (c !== '"' && c !== "'") break;
    const close = stringEnd(js, pos);
    if (close === -1) break;
    GAP_RE.lastIndex = close;
    const gap = GAP_RE.exec(js)![0];
    const next = close + gap.length;
    let stmtEnd: number;
    if (js[next] === ";") {
      stmtEnd = next + 1;
      // sentry-cli's quirk for a single-quoted directive (its line break moves up with it).
      if (c === "'" && next === close && (js[stmtEnd] === "\n" || js[stmtEnd] === "\r")) stmtEnd++;
    } else if ((LINE_BREAK_RE.test(gap) || next >= js.length) && startsStatement(js, next)) stmtEnd = close;
    else break;
    directives.push({ quote: c, text: js.slice(pos + 1, close - 1) });
    end = stmtEnd;
    GAP_RE.lastIndex = stmtEnd;
    pos = stmtEnd + GAP_RE.exec(js)![0].length;
  }
  return { end, directives };
}

export interface InsertionPoint {
  /** UTF-16 offset in the original text. */
  offset: number;
  /** 0-based line (counted in `\n`) and column (UTF-16 units) of `offset`. */
  line: number;
  column: number;
}

/** Where sentry-cli inserts the snippet into a file that has a regular source map. */
export function insertionPoint(js: string): InsertionPoint {
  return positionOf(js, directivePrologue(js).end);
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
 * the program's `"use …"` directives (so the snippet runs in the same mode, and the module keeps
 * them) and the snippet. Sections shift down by exactly one line. (sentry-cli repeats only the
 * first directive.)
 */
export function injectWithIndexMap(js: string, debugId: string): string {
  const sb = SHEBANG_RE.exec(js);
  const head = sb ? sb[0] : "";
  const body = js.slice(head.length);
  const prefix = directivePrologue(js)
    .directives.filter((d) => USE_RE.test(d.text))
    .map((d) => `${d.quote}${d.text}${d.quote};`)
    .join("");
  const sep = head !== "" && !head.endsWith("\n") ? "\n" : "";
  return head + sep + prefix + snippet(debugId) + "\n" + body + "\n" + debugIdComment(debugId) + "\n";
}

const USE_RE = new RegExp(`^use${WS}[^"'\\r\\n]*$`);

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
