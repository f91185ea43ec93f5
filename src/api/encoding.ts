/**
 * URL encoding of path segments and query strings the way sentry-cli 3.8 does it
 * (sentry-cli-wire.md §1 "Path segments"): controls, non-ASCII and `space " # < > + \` ? { } %` are
 * percent-encoded; a `/` inside a segment, and a whole segment of `.` or `..`, become U+FFFD so a
 * value can never change the path's shape (the server then answers 404).
 */

const PATH_SEGMENT_SPECIAL = new Set([" ", '"', "#", "<", ">", "+", "`", "?", "{", "}", "%"]);
const REPLACEMENT = "\uFFFD";

function encodeByte(b: number): string {
  return "%" + b.toString(16).toUpperCase().padStart(2, "0");
}

/** Percent-encode one path segment (org slug, project slug, release version, …). */
export function encodePathSegment(value: string | number): string {
  let v = String(value).split("/").join(REPLACEMENT);
  if (v === "." || v === "..") v = REPLACEMENT;
  let out = "";
  for (const ch of v) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f || code > 0x7f) {
      for (const b of Buffer.from(ch, "utf8")) out += encodeByte(b);
    } else if (PATH_SEGMENT_SPECIAL.has(ch)) {
      out += encodeByte(code);
    } else {
      out += ch;
    }
  }
  return out;
}

/** Decode a segment for display in messages (`1.0%2B1` → `1.0+1`). */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export type QueryValue = string | number | boolean | undefined | Array<string | number>;

/**
 * Append query parameters to a URL. Arrays repeat the key (`project=1&project=2`), undefined values
 * are skipped; spaces are `%20`, never `+`.
 */
export function appendQuery(url: URL, query: Record<string, QueryValue> | undefined): void {
  if (!query) return;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [v];
    for (const item of values) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(item))}`);
  }
  if (parts.length === 0) return;
  const existing = url.search.replace(/^\?/, "");
  url.search = "?" + (existing ? existing + "&" : "") + parts.join("&");
}
