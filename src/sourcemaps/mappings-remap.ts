/**
 * Re-encode a regular map's `mappings` with its source and name indices renumbered, one line at a
 * time, without decoding the whole map into arrays: for a map of several MB the decoded segments
 * take hundreds of MB, and upload rewrites every map. Lines are decoded into one reused typed
 * array, sorted by column when they are not (as a decoder does), and written as VLQ straight into
 * a byte buffer. The result equals encode(renumbered decode(mappings)).
 *
 * Most real maps come out unchanged (sources and names already numbered in order of first use,
 * every line sorted, every value in its shortest form): nothing is written until a line differs,
 * and a map with no such line is returned as it came, without a copy.
 */

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_CODE = Uint8Array.from(B64, (c) => c.charCodeAt(0));
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUE[B64.charCodeAt(i)] = i;

/** Fields per segment in the line buffer: column, source, line, column, name, field count. */
const W = 6;

/**
 * `mappings` with every source index `s` replaced by `source(s)` and every name index `n` by
 * `name(n)` (called once per index, in order of first use). Undefined when `mappings` is not
 * plainly decodable (a bad character, a truncated value, a segment of 2 or 3 fields): the caller
 * falls back.
 */
export function remapMappings(
  mappings: string,
  source: (index: number) => number,
  name: (index: number) => number,
): string | undefined {
  const sourceOf: number[] = [];
  const nameOf: number[] = [];
  const mapSource = (i: number): number => {
    let v = sourceOf[i];
    if (v === undefined) sourceOf[i] = v = source(i);
    return v;
  };
  const mapName = (i: number): number => {
    let v = nameOf[i];
    if (v === undefined) nameOf[i] = v = name(i);
    return v;
  };
  // No output until a line differs from its input; then the input before it is copied.
  let out: Uint8Array | undefined;
  let o = 0;
  const put = (byte: number) => {
    if (o === out!.length) {
      const bigger = new Uint8Array(out!.length * 2);
      bigger.set(out!);
      out = bigger;
    }
    out![o++] = byte;
  };
  const vlq = (value: number) => {
    let v = value < 0 ? (-value << 1) | 1 : value << 1;
    do {
      let digit = v & 31;
      v >>>= 5;
      if (v > 0) digit |= 32;
      put(B64_CODE[digit]!);
    } while (v > 0);
  };
  let line = new Int32Array(W * 64);
  // Running values of the input (absolute), and of the output (for deltas).
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  let nm = 0;
  let oSrc = 0;
  let oLine = 0;
  let oCol = 0;
  let oName = 0;
  const n = mappings.length;
  let pos = 0;
  let first = true;
  while (pos <= n) {
    const lineStart = pos;
    // Decode one line into `line`, noting whether the input is in the form an encoder writes:
    // one comma between segments, none around them, every value in its shortest form.
    let count = 0;
    let col = 0;
    let sorted = true;
    let canonical = true;
    let commas = 0;
    let prevCol = -1;
    while (pos < n && mappings.charCodeAt(pos) !== 59) {
      const c0 = mappings.charCodeAt(pos);
      if (c0 === 44 /* , */) {
        pos++;
        if (count === 0 || ++commas > 1) canonical = false;
        continue;
      }
      commas = 0;
      let fields = 0;
      const base = count * W;
      if (base + W > line.length) {
        const bigger = new Int32Array(line.length * 2);
        bigger.set(line);
        line = bigger;
      }
      while (pos < n) {
        const c = mappings.charCodeAt(pos);
        if (c === 44 || c === 59) break;
        let value = 0;
        let shift = 0;
        let d = 0;
        for (;;) {
          if (pos >= n) return undefined;
          const ch = mappings.charCodeAt(pos++);
          d = ch < 128 ? B64_VALUE[ch]! : -1;
          if (d < 0) return undefined;
          // Integer arithmetic below 2^30; the seventh digit (rare) in floating point.
          if (shift < 30) value |= (d & 31) << shift;
          else value += (d & 31) * 2 ** shift;
          shift += 5;
          if ((d & 32) === 0) break;
          if (shift > 30) return undefined;
        }
        // A trailing zero digit, or a negative zero, is not how an encoder writes a value.
        if ((shift > 5 && d === 0) || value === 1) canonical = false;
        const delta =
          value < 0x40000000
            ? value & 1
              ? -(value >>> 1)
              : value >>> 1
            : value % 2 === 1
              ? -Math.floor(value / 2)
              : Math.floor(value / 2);
        if (fields === 0) col += delta;
        else if (fields === 1) src += delta;
        else if (fields === 2) srcLine += delta;
        else if (fields === 3) srcCol += delta;
        else if (fields === 4) nm += delta;
        else return undefined;
        fields++;
      }
      if (fields !== 1 && fields !== 4 && fields !== 5) return undefined;
      line[base] = col;
      line[base + 1] = src;
      line[base + 2] = srcLine;
      line[base + 3] = srcCol;
      line[base + 4] = nm;
      line[base + 5] = fields;
      if (col < prevCol) sorted = false;
      prevCol = col;
      count++;
    }
    if (commas > 0) canonical = false;
    pos++;
    if (out === undefined && canonical && sorted) {
      // Unchanged when every index keeps its number (indices are mapped in this, the output's,
      // order of first use).
      let same = true;
      for (let k = 0; k < count && same; k++) {
        const b = k * W;
        const fields = line[b + 5]!;
        if (fields === 1) continue;
        if (mapSource(line[b + 1]!) !== line[b + 1]) same = false;
        else if (fields === 5 && mapName(line[b + 4]!) !== line[b + 4]) same = false;
      }
      if (same) {
        // The output's running values are the input's.
        oSrc = src;
        oLine = srcLine;
        oCol = srcCol;
        oName = nm;
        first = false;
        continue;
      }
    }
    if (out === undefined) {
      // The lines before this one, as they were (and the `;` that ends the last of them).
      out = new Uint8Array(Math.max(64, mappings.length + (mappings.length >> 3)));
      for (; o < lineStart; o++) out[o] = mappings.charCodeAt(o);
    } else if (!first) put(59 /* ; */);
    first = false;
    // Segment order: by column, stable (a decoder sorts an unsorted line this way).
    let order: number[] | undefined;
    if (!sorted) {
      order = Array.from({ length: count }, (_, i) => i);
      order.sort((a, b) => line[a * W]! - line[b * W]! || a - b);
    }
    let lastCol = 0;
    for (let k = 0; k < count; k++) {
      const b = (order ? order[k]! : k) * W;
      if (k > 0) put(44 /* , */);
      vlq(line[b]! - lastCol);
      lastCol = line[b]!;
      const fields = line[b + 5]!;
      if (fields === 1) continue;
      const s = mapSource(line[b + 1]!);
      vlq(s - oSrc);
      oSrc = s;
      vlq(line[b + 2]! - oLine);
      oLine = line[b + 2]!;
      vlq(line[b + 3]! - oCol);
      oCol = line[b + 3]!;
      if (fields === 5) {
        const m = mapName(line[b + 4]!);
        vlq(m - oName);
        oName = m;
      }
    }
  }
  if (out === undefined) return mappings;
  return Buffer.from(out.buffer, out.byteOffset, o).toString("latin1");
}
