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
import { shiftEdit } from "../sourcemaps/mappings-shift.js";

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

const isSemicolon = (text: string, i: number) => text.charCodeAt(i) === 59; /* ; */

function planEdit(text: string, debugId: string, at: At): MapEdit | undefined {
  let first = 0;
  while (isWs(text.charCodeAt(first))) first++;
  let close = text.length - 1;
  while (close > 0 && isWs(text.charCodeAt(close))) close--;
  if (text.charCodeAt(first) !== 0x7b /* { */ || text.charCodeAt(close) !== 0x7d /* } */) return undefined;
  const quote = mappingsValue(text);
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
  const e = planEdit(text, debugId, at);
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
 * it, so the rest of the map (multi-byte UTF-8 included) is neither decoded nor encoded.
 */
export function editMapBytes(bytes: Uint8Array, debugId: string, at: At): Uint8Array | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const e = planEdit(buf.toString("latin1"), debugId, at);
  if (e === undefined) return undefined;
  return Buffer.concat([
    buf.subarray(0, e.from),
    Buffer.from(e.insert, "latin1"),
    buf.subarray(e.to, e.keep),
    buf.subarray(e.end, e.last),
    Buffer.from(e.member, "latin1"),
    buf.subarray(e.last),
  ]);
}
