/**
 * Sentry's cursor pagination: every list response carries
 * `Link: <…>; rel="previous"; results="false"; cursor="…", <…>; rel="next"; results="true"; cursor="…"`.
 * We follow `rel="next"` while `results="true"`, sending its `cursor` as a query parameter.
 */

export interface LinkEntry {
  url: string;
  params: Record<string, string>;
}

export function parseLinkHeader(value: string | undefined): LinkEntry[] {
  if (!value) return [];
  const out: LinkEntry[] = [];
  const re = /<([^>]*)>((?:\s*;\s*[A-Za-z_-]+\s*=\s*(?:"[^"]*"|[^;,\s]*))*)/g;
  for (const m of value.matchAll(re)) {
    const params: Record<string, string> = {};
    for (const p of m[2]!.matchAll(/;\s*([A-Za-z_-]+)\s*=\s*(?:"([^"]*)"|([^;,\s]*))/g)) {
      params[p[1]!.toLowerCase()] = p[2] ?? p[3] ?? "";
    }
    out.push({ url: m[1]!, params });
  }
  return out;
}

/** The cursor of the next page, or undefined when there is none. */
export function nextCursor(link: string | undefined): string | undefined {
  const next = parseLinkHeader(link).find((e) => e.params.rel === "next");
  if (next?.params.results !== "true") return undefined;
  return next.params.cursor || undefined;
}
