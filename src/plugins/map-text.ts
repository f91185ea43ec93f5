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
import { shiftMappings } from "../sourcemaps/mappings-shift.js";

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Offsets where `"key"` occurs as an object key (an unescaped quote, then `:`), each at the `:`'s value. */
function keyValues(text: string, key: string): number[] {
  const token = `"${key}"`;
  const out: number[] = [];
  for (let i = text.indexOf(token); i !== -1; i = text.indexOf(token, i + 1)) {
    let b = i - 1;
    while (b >= 0 && text.charCodeAt(b) === 92 /* \ */) b--;
    if ((i - 1 - b) % 2 === 1) continue; // an escaped quote: inside a string
    let j = i + token.length;
    while (isWs(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) !== 0x3a /* : */) continue; // a string value, not a key
    j++;
    while (isWs(text.charCodeAt(j))) j++;
    out.push(j);
  }
  return out;
}

function trimSemicolons(mappings: string): string {
  let end = mappings.length;
  while (end > 0 && mappings.charCodeAt(end - 1) === 59 /* ; */) end--;
  return mappings.slice(0, end);
}

/**
 * The map text with its mappings moved as inject moves them for a snippet inserted at (line,
 * column) and `"debugId"` added last; undefined when the map is not one this edit takes.
 */
export function editMapText(text: string, debugId: string, at: { line: number; column: number }): string | undefined {
  let first = 0;
  while (isWs(text.charCodeAt(first))) first++;
  let close = text.length - 1;
  while (close > 0 && isWs(text.charCodeAt(close))) close--;
  if (text.charCodeAt(first) !== 0x7b /* { */ || text.charCodeAt(close) !== 0x7d /* } */) return undefined;
  for (const key of ["sections", "debugId", "debug_id"]) if (keyValues(text, key).length > 0) return undefined;
  const found = keyValues(text, "mappings");
  if (found.length !== 1) return undefined;
  const start = found[0]!;
  if (text.charCodeAt(start) !== 0x22 /* " */) return undefined;
  const end = text.indexOf('"', start + 1);
  if (end === -1) return undefined;
  const mappings = text.slice(start + 1, end);
  if (mappings.includes("\\")) return undefined;
  let last = close - 1;
  while (last > start && isWs(text.charCodeAt(last))) last--;
  const shifted = trimSemicolons(shiftMappings(mappings, at.line, at.column));
  return (
    text.slice(0, start + 1) + shifted + text.slice(end, last + 1) + `,"debugId":"${debugId}"` + text.slice(last + 1)
  );
}
