/**
 * Moving a source map's mappings down by the lines inject inserts — by editing the `mappings`
 * string, never by decoding and re-encoding it, so no segment is lost or reordered.
 *
 * Only the line the snippet splits (when it goes in mid-line, after a same-line directive or
 * comment) is touched segment by segment: its segments left of the split stay, the rest move to
 * the new line (their first column re-based, every other byte kept), and the segment covering the
 * split point is repeated at column 0 of the new line, as sentry-cli 3.8.0 does.
 */
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;

function encodeVlq(value: number): string {
  let v = value < 0 ? (-value << 1) | 1 : value << 1;
  let out = "";
  do {
    let digit = v & 31;
    v >>>= 5;
    if (v > 0) digit |= 32;
    out += B64[digit];
  } while (v > 0);
  return out;
}

/** Decode the VLQ fields of one segment; undefined when malformed. */
function segmentFields(seg: string): number[] | undefined {
  const fields: number[] = [];
  let shift = 0;
  let value = 0;
  for (let i = 0; i < seg.length; i++) {
    const c = seg.charCodeAt(i);
    const d = c < 128 ? B64_VALUE[c]! : -1;
    if (d < 0) return undefined;
    value += (d & 31) * 2 ** shift;
    if (d & 32) {
      shift += 5;
      if (shift > 30) return undefined;
    } else {
      const neg = value % 2 === 1;
      const abs = Math.floor(value / 2);
      fields.push(neg ? -abs : abs);
      shift = 0;
      value = 0;
    }
  }
  if (shift !== 0) return undefined;
  return fields;
}

/** Length of the first VLQ field of a segment. */
function firstFieldLength(seg: string): number {
  for (let i = 0; i < seg.length; i++) {
    const d = B64_VALUE[seg.charCodeAt(i)]!;
    if (!(d & 32)) return i + 1;
  }
  return seg.length;
}

/**
 * Why a `mappings` string is invalid, or undefined when it is valid: only base64 digits, `,` and
 * `;`; every VLQ complete; segments of 1, 4 or 5 fields; no absolute value below zero; source
 * and name indexes within `sources`/`names` when those lengths are given.
 */
export function mappingsProblem(mappings: string, sourcesLength?: number, namesLength?: number): string | undefined {
  // (The library decoder that resolves maps later never rejects a string: it has nothing to add.)
  if (mappingsValid(mappings, sourcesLength, namesLength)) return undefined;
  return describeMappingsProblem(mappings, sourcesLength, namesLength);
}

/**
 * The checks of `mappingsProblem` in one pass over the characters, without building strings or
 * arrays: true when the mappings are valid. (When they are not, the slower pass says why.) A
 * value is gathered with integer shifts while it fits in 30 bits — every real one does — and
 * with floating-point arithmetic for a sixth digit.
 */
function mappingsValid(m: string, sourcesLength?: number, namesLength?: number): boolean {
  const maxSource = sourcesLength ?? Infinity;
  const maxName = namesLength ?? Infinity;
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  let name = 0;
  let col = 0;
  let field = 0;
  let shift = 0;
  let value = 0;
  const n = m.length;
  for (let i = 0; i < n; i++) {
    const c = m.charCodeAt(i);
    if (c === 44 /* , */ || c === 59 /* ; */) {
      // A segment has 1, 4 or 5 fields (or none: an empty segment).
      if (shift !== 0 || (field > 1 && field !== 4 && field !== 5)) return false;
      field = 0;
      if (c === 59) col = 0;
      continue;
    }
    const d = c < 128 ? B64_VALUE[c]! : -1;
    if (d < 0) return false;
    let v: number;
    if (shift < 30) {
      value |= (d & 31) << shift;
      if (d & 32) {
        shift += 5;
        continue;
      }
      v = value & 1 ? -(value >>> 1) : value >>> 1;
    } else {
      // A seventh digit would be past 35 bits.
      if (d & 32) return false;
      const big = value + (d & 31) * 2 ** 30;
      const half = Math.floor(big / 2);
      v = big % 2 === 1 ? -half : half;
    }
    value = 0;
    shift = 0;
    switch (field++) {
      case 0:
        col += v;
        if (col < 0) return false;
        break;
      case 1:
        src += v;
        break;
      case 2:
        srcLine += v;
        break;
      case 3:
        srcCol += v;
        if (src < 0 || srcLine < 0 || srcCol < 0 || src >= maxSource) return false;
        break;
      case 4:
        name += v;
        if (name < 0 || name >= maxName) return false;
        break;
      default:
        return false;
    }
  }
  return shift === 0 && (field <= 1 || field === 4 || field === 5);
}

/** Longest excerpt of a bad value an error quotes. */
const EXCERPT_CHARS = 80;

/** `value` quoted, cut to EXCERPT_CHARS (a broken map can hold one 200 KB "segment"). */
export function excerpt(value: string): string {
  return value.length <= EXCERPT_CHARS
    ? JSON.stringify(value)
    : `${JSON.stringify(value.slice(0, EXCERPT_CHARS))}… (${value.length} characters)`;
}

/** The reference (slower) check, which also says what is wrong. */
export function describeMappingsProblem(
  mappings: string,
  sourcesLength?: number,
  namesLength?: number,
): string | undefined {
  if (!/^[A-Za-z0-9+/,;]*$/.test(mappings)) {
    const bad = /[^A-Za-z0-9+/,;]/.exec(mappings)!;
    return `mappings contain an invalid character ${JSON.stringify(bad[0])} at offset ${bad.index}`;
  }
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  let name = 0;
  let line = 0;
  let pos = 0;
  const n = mappings.length;
  while (pos <= n) {
    let end = pos;
    while (end < n && mappings.charCodeAt(end) !== 59 /* ; */) end++;
    let col = 0;
    let segStart = pos;
    while (segStart < end) {
      let segEnd = segStart;
      while (segEnd < end && mappings.charCodeAt(segEnd) !== 44 /* , */) segEnd++;
      const seg = mappings.slice(segStart, segEnd);
      if (seg !== "") {
        const f = segmentFields(seg);
        const where = `line ${line + 1}, segment ${excerpt(seg)}`;
        if (!f) return `mappings have a truncated value at ${where}`;
        if (f.length !== 1 && f.length !== 4 && f.length !== 5)
          return `mappings have a segment of ${f.length} fields at ${where}`;
        col += f[0]!;
        if (col < 0) return `mappings have a negative column at ${where}`;
        if (f.length >= 4) {
          src += f[1]!;
          srcLine += f[2]!;
          srcCol += f[3]!;
          if (src < 0 || srcLine < 0 || srcCol < 0) return `mappings have a negative source position at ${where}`;
          if (sourcesLength !== undefined && src >= sourcesLength)
            return `mappings refer to source ${src} of ${sourcesLength} at ${where}`;
        }
        if (f.length === 5) {
          name += f[4]!;
          if (name < 0) return `mappings have a negative name index at ${where}`;
          if (namesLength !== undefined && name >= namesLength)
            return `mappings refer to name ${name} of ${namesLength} at ${where}`;
        }
      }
      segStart = segEnd + 1;
    }
    line++;
    pos = end + 1;
  }
  return undefined;
}

/**
 * `mappings` for the file with `lines` (≥ 1) lines inserted at generated (line, column): lines
 * before `line` keep their bytes, every later line moves down by `lines`.
 */
export function shiftMappings(mappings: string, line: number, column: number, lines = 2): string {
  const e = shiftEdit(mappings, 0, mappings.length, line, column, lines);
  return e === undefined ? mappings : mappings.slice(0, e.from) + e.insert + mappings.slice(e.to);
}

/** A change to a `mappings` string: the characters from `from` to `to` become `insert`. */
export interface MappingsEdit {
  from: number;
  to: number;
  insert: string;
}

/** Text the shift reads: a string, or a map's bytes read as one (../plugins/map-text.ts). */
export interface Chars {
  indexOf(search: string, from: number): number;
  slice(start: number, end: number): string;
}

/**
 * `shiftMappings` as an edit of the mappings held in `text` from `start` to `end` (a map's
 * JSON text, say, so the mappings need not be copied out of it): offsets are in `text`.
 * Undefined when nothing is mapped at or after the insertion point (the mappings stay).
 */
export function shiftEdit(
  text: Chars,
  start: number,
  end: number,
  line: number,
  column: number,
  lines = 2,
): MappingsEdit | undefined {
  let from = start;
  for (let i = 0; i < line; i++) {
    const semi = text.indexOf(";", from);
    if (semi === -1 || semi >= end) return undefined;
    from = semi + 1;
  }
  const semis = ";".repeat(lines);
  if (column === 0) return { from, to: from, insert: semis };
  let to = text.indexOf(";", from);
  if (to === -1 || to > end) to = end;
  return { from, to, insert: splitLine(text.slice(from, to), column, semis) };
}

/**
 * One generated line's segments, split at `column` by `semis`. Segments are decoded only up to
 * the split; the rest of the line (on a minified bundle, most of the map) is copied as it is: its
 * columns are relative to the first moved segment.
 */
function splitLine(segments: string, column: number, semis: string): string {
  const left: string[] = [];
  const right: string[] = [];
  let col = 0;
  let lastLeft: number[] | undefined;
  let movedFirstCol: number | undefined;
  for (let pos = 0; pos < segments.length; ) {
    let next = segments.indexOf(",", pos);
    if (next === -1) next = segments.length;
    if (next > pos) {
      const seg = segments.slice(pos, next);
      const f = segmentFields(seg)!;
      col += f[0]!;
      if (col < column) {
        left.push(seg);
        lastLeft = f;
      } else {
        movedFirstCol = col - column;
        right.push(encodeVlq(movedFirstCol) + seg.slice(firstFieldLength(seg)));
        const rest = segments.slice(next);
        if (!rest.includes(",,") && !rest.endsWith(",")) right.push(rest.slice(1));
        else for (const r of rest.split(",")) if (r !== "") right.push(r);
        if (right.at(-1) === "") right.pop();
        break;
      }
    }
    pos = next + 1;
  }
  // The segment covering the split point keeps covering the moved text: repeat it at column 0
  // (all its other fields unchanged, i.e. zero deltas).
  if (lastLeft && movedFirstCol !== 0) right.unshift("A".repeat(lastLeft.length));
  return left.join(",") + semis + right.join(",");
}

export interface IndexSection {
  offset: { line: number; column: number };
  [key: string]: unknown;
}

/** Whether every section of an index map has a numeric offset. */
export function sectionsProblem(sections: unknown): string | undefined {
  if (!Array.isArray(sections)) return "sections is not an array";
  for (const [i, s] of sections.entries()) {
    const o = (s as IndexSection | null)?.offset;
    if (!o || typeof o.line !== "number" || typeof o.column !== "number" || o.line < 0 || o.column < 0) {
      return `section ${i} has no valid offset`;
    }
  }
  return undefined;
}

/** Index map sections moved down by `lines` (inject adds exactly one line at the top). */
export function shiftSections(sections: IndexSection[], lines = 1): IndexSection[] {
  return sections.map((s) => ({ ...s, offset: { ...s.offset, line: s.offset.line + lines } }));
}
