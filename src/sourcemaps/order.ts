/**
 * The one order sentry-cli sorts names and paths in: their UTF-8 bytes (Rust's `str` order).
 */

/**
 * Order of the strings' UTF-8 bytes (code point order), without encoding them: UTF-16 code units
 * already sort that way unless a surrogate meets a character above U+DFFF, which falls back to
 * comparing the encodings.
 */
export function byteCompare(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if ((x >= 0xd800 && x <= 0xdfff) || (y >= 0xd800 && y <= 0xdfff))
      return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/**
 * Compare `/`-separated paths component by component, bytewise (how sentry-cli orders reports).
 * In one pass, without splitting: at the first difference, a side whose component ends there
 * (a `/`, or the end of the path) has the shorter component, a prefix of the other, so it comes
 * first; otherwise the two characters decide. Only a surrogate at the difference takes the
 * slower way (`byteCompare` of the components).
 */
export function comparePaths(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x === 47 /* / */) return -1;
    if (y === 47) return 1;
    if ((x >= 0xd800 && x <= 0xdfff) || (y >= 0xd800 && y <= 0xdfff)) return comparePathsSplit(a, b);
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** `comparePaths` the plain way: split into components, each compared bytewise. */
export function comparePathsSplit(a: string, b: string): number {
  const pa = a.split("/");
  const pb = b.split("/");
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const c = byteCompare(pa[i]!, pb[i]!);
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}
