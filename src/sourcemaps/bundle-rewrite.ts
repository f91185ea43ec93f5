/**
 * "Rewriting sources" as sentry-cli 3.8.0 does it before bundling a map: the map is decoded and
 * rebuilt, so only sources and names that a mapping uses survive (in first-use order), unknown
 * keys and an empty sourceRoot are dropped, and --strip-prefix / --strip-common-prefix shorten
 * the source paths. Mappings are re-encoded from the decoded segments (lossless).
 */
import { decode, encode, type SourceMapSegment } from "@jridgewell/sourcemap-codec";

export interface RewriteOptions {
  stripPrefixes: string[];
  stripCommonPrefix: boolean;
}

/** Common directory prefix of the absolute source paths (symbolic's find_common_prefix). */
export function commonSourcePrefix(sources: string[]): string | undefined {
  const abs = sources.filter((s) => s.startsWith("/"));
  if (abs.length === 0) return undefined;
  let parts = abs[0]!.split("/").slice(0, -1);
  for (const s of abs.slice(1)) {
    const p = s.split("/").slice(0, -1);
    let i = 0;
    while (i < parts.length && i < p.length && parts[i] === p[i]) i++;
    parts = parts.slice(0, i);
  }
  const prefix = parts.join("/");
  return prefix.length > 1 ? prefix : undefined;
}

function strip(source: string, prefixes: string[]): string {
  for (const p of prefixes) {
    const pre = p.replace(/\/+$/, "");
    if (pre && (source === pre || source.startsWith(pre + "/"))) return source.slice(pre.length).replace(/^\/+/, "");
  }
  return source;
}

/** Rebuild `map` (a parsed regular source map); index maps are returned unchanged. */
export function rewriteSourceMap(map: Record<string, unknown>, opts: RewriteOptions): Record<string, unknown> {
  if (Array.isArray(map.sections) || typeof map.mappings !== "string") return map;
  const sources = Array.isArray(map.sources) ? map.sources.map((s) => (s === null ? "" : String(s))) : [];
  const contents = Array.isArray(map.sourcesContent) ? map.sourcesContent : [];
  const names = Array.isArray(map.names) ? map.names.map(String) : [];
  const prefixes = [...opts.stripPrefixes];
  if (opts.stripCommonPrefix) {
    const c = commonSourcePrefix(sources);
    if (c) prefixes.push(c);
  }
  const srcMap = new Map<number, number>();
  const nameMap = new Map<number, number>();
  const newSources: string[] = [];
  const newContents: Array<string | null> = [];
  const newNames: string[] = [];
  const lines = decode(map.mappings);
  const out: SourceMapSegment[][] = lines.map((line) =>
    line.map((seg): SourceMapSegment => {
      if (seg.length === 1) return seg;
      let s = srcMap.get(seg[1]);
      if (s === undefined) {
        s = newSources.length;
        srcMap.set(seg[1], s);
        newSources.push(strip(sources[seg[1]] ?? "", prefixes));
        const c = contents[seg[1]];
        newContents.push(typeof c === "string" ? c : null);
      }
      if (seg.length === 5) {
        let n = nameMap.get(seg[4]);
        if (n === undefined) {
          n = newNames.length;
          nameMap.set(seg[4], n);
          newNames.push(names[seg[4]] ?? "");
        }
        return [seg[0], s, seg[2], seg[3], n];
      }
      return [seg[0], s, seg[2], seg[3]];
    }),
  );
  const result: Record<string, unknown> = { version: 3 };
  if (typeof map.file === "string") result.file = map.file;
  result.sources = newSources;
  if (typeof map.sourceRoot === "string" && map.sourceRoot !== "") result.sourceRoot = map.sourceRoot;
  if (newContents.some((c) => c !== null)) result.sourcesContent = newContents;
  result.names = newNames;
  result.mappings = encode(out);
  if (Array.isArray(map.ignoreList)) {
    const il = (map.ignoreList as unknown[]).map((i) => srcMap.get(Number(i))).filter((i): i is number => i !== undefined);
    if (il.length > 0) result.ignoreList = il;
  }
  const debugId = map.debugId ?? map.debug_id;
  if (typeof debugId === "string") result.debugId = debugId;
  return result;
}
