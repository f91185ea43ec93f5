/**
 * A bundler-made map injected as text: the `mappings` string shifted and `"debugId"` appended,
 * every other byte kept — without parsing the whole map (large `sourcesContent` included) into
 * objects and writing it out again, which was most of what injecting a build cost.
 *
 * The map is the JSON text the bundler just wrote, so it is taken to be valid JSON, and then a
 * key is found without walking the values: in valid JSON an unescaped `"mappings"` followed by a
 * `:` can only be an object key. The edit applies when there is exactly one `mappings` key and
 * no `sections` (an index map), `debugId` or `debug_id` key anywhere, and the `mappings` value
 * is a plain string; otherwise the result is undefined and the caller parses the map instead.
 */
import { type Chars, shiftEdit } from "../sourcemaps/mappings-shift.js";

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** The keys the edit looks for: `mappings`, and those that make it leave the map to the parser. */
const KEY_RE = /"(mappings|sections|debugId|debug_id)"/g;

/**
 * Where the one `mappings` key's value starts, or undefined when the map has another key the
 * edit does not take (`sections`, `debugId`, `debug_id`) or not exactly one `mappings`. One pass
 * over the text for all four keys: the scan is most of what the edit costs on a large map.
 */
function mappingsValue(text: string): number | undefined {
  let found: number | undefined;
  KEY_RE.lastIndex = 0;
  for (let m = KEY_RE.exec(text); m !== null; m = KEY_RE.exec(text)) {
    const i = m.index;
    let b = i - 1;
    while (b >= 0 && text.charCodeAt(b) === 92 /* \ */) b--;
    if ((i - 1 - b) % 2 === 1) continue; // an escaped quote: inside a string
    let j = i + m[0].length;
    while (isWs(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) !== 0x3a /* : */) continue; // a string value, not a key
    if (m[1] !== "mappings" || found !== undefined) return undefined;
    j++;
    while (isWs(text.charCodeAt(j))) j++;
    found = j;
  }
  return found;
}

/**
 * Where the `mappings` value starts in a map's bytes laid out one member per line, as esbuild
 * writes its maps (`{`, a `  "key": value` line per member, `}`): the keys are read at the line
 * starts alone — a line break cannot be inside a JSON string, and there are a handful — so the
 * values (`sourcesContent`, most of the map) are never scanned. Undefined when the map is laid
 * out otherwise, or has a key the edit does not take, or not exactly one `mappings`: the caller
 * then scans the whole text (`mappingsValue`).
 */
function mappingsValueByLine(buf: Buffer): number | undefined {
  if (buf[0] !== 0x7b /* { */ || buf[1] !== 0x0a) return undefined;
  let found: number | undefined;
  for (let line = 2; line < buf.length; ) {
    const next = buf.indexOf(0x0a, line);
    if (buf[line] === 0x7d /* } */ && (next === -1 || next === buf.length - 1)) return found;
    // A member: two spaces, the key, `": `.
    if (buf[line] !== 0x20 || buf[line + 1] !== 0x20 || buf[line + 2] !== 0x22 /* " */) return undefined;
    const close = buf.indexOf(0x22, line + 3);
    if (close === -1 || buf[close + 1] !== 0x3a /* : */ || buf[close + 2] !== 0x20) return undefined;
    const key = buf.toString("latin1", line + 3, close);
    if (key === "mappings" && found === undefined) found = close + 3;
    else if (key === "mappings" || key === "sections" || key === "debugId" || key === "debug_id") return undefined;
    if (next === -1) return undefined;
    line = next + 1;
  }
  return undefined;
}

/** A map's bytes read as text, a character per byte (one-byte, latin1). */
function bytesAsText(buf: Buffer): MapChars {
  return {
    length: buf.length,
    charCodeAt: (i) => buf[i] ?? Number.NaN,
    indexOf: (search, from) => buf.indexOf(search, from, "latin1"),
    slice: (start, end) => buf.toString("latin1", start, end),
  };
}

/** The map as the edit reads it: its text, or its bytes (`bytesAsText`). */
interface MapChars extends Chars {
  length: number;
  charCodeAt(i: number): number;
}

/**
 * The edit, in offsets of the map's text: the mappings value runs from `start` to `end`; its
 * characters from `from` to `to` become `insert` and those from `keep` to `end` (semicolons a
 * shifted map does not end with) go; the id goes in after `last`.
 */
interface MapEdit {
  start: number;
  end: number;
  from: number;
  to: number;
  insert: string;
  keep: number;
  last: number;
  member: string;
}

/** Where a snippet went (0-based line and column); undefined: the mappings stay as they are. */
type At = { line: number; column: number } | undefined;

const isSemicolon = (text: MapChars, i: number) => text.charCodeAt(i) === 59; /* ; */

/** The edit of a map whose `mappings` value starts at `quote` (`mappingsValue`). */
function planEdit(text: MapChars, quote: number | undefined, debugId: string, at: At): MapEdit | undefined {
  let first = 0;
  while (isWs(text.charCodeAt(first))) first++;
  let close = text.length - 1;
  while (close > 0 && isWs(text.charCodeAt(close))) close--;
  if (text.charCodeAt(first) !== 0x7b /* { */ || text.charCodeAt(close) !== 0x7d /* } */) return undefined;
  if (quote === undefined || text.charCodeAt(quote) !== 0x22 /* " */) return undefined;
  const start = quote + 1;
  const end = text.indexOf('"', start);
  if (end === -1) return undefined;
  const backslash = text.indexOf("\\", start);
  if (backslash !== -1 && backslash < end) return undefined;
  let last = close - 1;
  while (last > start && isWs(text.charCodeAt(last))) last--;
  const edit = {
    start,
    end,
    from: end,
    to: end,
    insert: "",
    keep: end,
    last: last + 1,
    member: `,"debugId":"${debugId}"`,
  };
  if (at === undefined) return edit;
  const shift = shiftEdit(text, start, end, at.line, at.column);
  if (shift !== undefined) Object.assign(edit, shift);
  // Inject's shifted mappings end without semicolons: drop those the map ends with (into the
  // inserted text, and before it, when nothing else follows).
  while (edit.keep > edit.to && isSemicolon(text, edit.keep - 1)) edit.keep--;
  if (edit.keep === edit.to) {
    edit.insert = edit.insert.replace(/;+$/, "");
    if (edit.insert === "") while (edit.from > start && isSemicolon(text, edit.from - 1)) edit.from--;
  }
  return edit;
}

/**
 * The map text with its mappings moved as inject moves them for a snippet inserted at (line,
 * column) and `"debugId"` added last; undefined when the map is not one this edit takes.
 */
export function editMapText(text: string, debugId: string, at: At): string | undefined {
  return editMap(text, debugId, at)?.text;
}

/** `editMapText`, with the `mappings` the edited text holds. */
export function editMap(text: string, debugId: string, at: At): { text: string; mappings: string } | undefined {
  const e = planEdit(text, mappingsValue(text), debugId, at);
  if (e === undefined) return undefined;
  const mappings = text.slice(e.start, e.from) + e.insert + text.slice(e.to, e.keep);
  return {
    text: text.slice(0, e.start) + mappings + text.slice(e.end, e.last) + e.member + text.slice(e.last),
    mappings,
  };
}

/**
 * `editMapText` over the map's bytes (UTF-8): the same edit, read from the bytes as one-byte
 * (latin1) text — a character per byte, so every offset is a byte offset, and the keys and
 * mappings the edit reads and writes are ASCII — and made by copying the untouched bytes around
 * it, so the rest of the map (multi-byte UTF-8 included) is neither decoded nor encoded. A map
 * laid out as esbuild writes it is read where the edit needs it only (`mappingsValueByLine`);
 * another is made one string to be scanned whole. The result is the pieces the edited map is made
 * of, in order, most of them views of `bytes`: written as they are, the map is never copied.
 */
export function editMapPieces(bytes: Uint8Array, debugId: string, at: At): Uint8Array[] | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const byLine = mappingsValueByLine(buf);
  let e: MapEdit | undefined;
  if (byLine !== undefined) e = planEdit(bytesAsText(buf), byLine, debugId, at);
  else {
    const text = buf.toString("latin1");
    e = planEdit(text, mappingsValue(text), debugId, at);
  }
  if (e === undefined) return undefined;
  return [
    buf.subarray(0, e.from),
    Buffer.from(e.insert, "latin1"),
    buf.subarray(e.to, e.keep),
    buf.subarray(e.end, e.last),
    Buffer.from(e.member, "latin1"),
    buf.subarray(e.last),
  ];
}
