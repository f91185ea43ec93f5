/**
 * Split items, in order, into groups of at most `maxCount` items whose sizes (plus `base` per
 * group) stay within `maxBytes`. Every group holds at least one item, however large.
 */
export function pack<T>(
  items: Iterable<T>,
  size: (item: T) => number,
  maxBytes: number,
  maxCount = Infinity,
  base = 0,
): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = base;
  for (const item of items) {
    const n = size(item);
    if (cur.length > 0 && (cur.length >= maxCount || bytes + n > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = base;
    }
    cur.push(item);
    bytes += n;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
