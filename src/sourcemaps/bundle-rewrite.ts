/**
 * "Rewriting sources" as sentry-cli 3.8.0 does it before bundling a map: the map is decoded (index
 * maps flattened) and rebuilt, so only sources and names that a mapping uses survive (in first-use order), unknown
 * keys and an empty sourceRoot are dropped, and --strip-prefix / --strip-common-prefix shorten
 * the source paths. Mappings are re-encoded from the decoded segments (lossless).
 */
import { decode, encode, type SourceMapSegment } from "@jridgewell/sourcemap-codec";
import { InputError } from "../errors.js";
import { parseSourceMapJson } from "./map-json.js";
import { remapMappings } from "./mappings-remap.js";

export interface RewriteOptions {
  stripPrefixes: string[];
  stripCommonPrefix: boolean;
}

/** Parse a source map's JSON (./map-json.ts: the rules inject uses too) or throw an InputError naming the file. */
export function parseMapJson(text: string, displayPath: string): Record<string, unknown> {
  try {
    return parseSourceMapJson(text);
  } catch (e) {
    throw new InputError(`${displayPath} is not a valid source map: ${(e as Error).message}`);
  }
}

/** The bytes a map file is uploaded as: parsed (or an InputError naming it) and rewritten. */
export function rewriteMapBytes(raw: Buffer, displayPath: string, opts: RewriteOptions): Buffer {
  const map = parseMapJson(raw.toString("utf8"), displayPath);
  return Buffer.from(JSON.stringify(rewriteSourceMap(map, opts)), "utf8");
}

/**
 * The common prefix of the absolute source paths, in whole path components (the file name
 * counts as one, so a single source is its own prefix), as sentry-cli's map library finds it.
 */
export function commonSourcePrefix(sources: string[]): string | undefined {
  const abs = sources.filter((s) => s.startsWith("/"));
  if (abs.length === 0) return undefined;
  let parts = abs[0]!.split("/");
  for (const s of abs.slice(1)) {
    const p = s.split("/");
    let i = 0;
    while (i < parts.length && i < p.length && parts[i] === p[i]) i++;
    parts = parts.slice(0, i);
  }
  const prefix = parts.join("/");
  return prefix.length > 1 ? prefix : undefined;
}

/**
 * A source without the first prefix it starts with, cut at a `/`. As in sentry-cli, a source
 * that is the prefix itself is kept.
 */
function strip(source: string, prefixes: string[]): string {
  for (const p of prefixes) {
    const pre = p.replace(/\/+$/, "");
    if (pre && source.startsWith(pre + "/")) return source.slice(pre.length).replace(/^\/+/, "");
  }
  return source;
}

interface Flat {
  sources: string[];
  contents: Array<string | null>;
  names: string[];
  lines: SourceMapSegment[][];
}

/** Decode a regular map, or flatten an index map's sections (recursively) into one. */
function flatten(map: Record<string, unknown>): Flat | undefined {
  if (Array.isArray(map.sections)) {
    const out: Flat = { sources: [], contents: [], names: [], lines: [] };
    const srcIdx = new Map<string, number>();
    const nameIdx = new Map<string, number>();
    for (const sec of map.sections as Array<Record<string, unknown>>) {
      const off = (sec?.offset ?? {}) as { line?: number; column?: number };
      const sub = sec?.map && typeof sec.map === "object" ? flatten(sec.map as Record<string, unknown>) : undefined;
      if (!sub) return undefined; // `url` sections and malformed ones are left alone
      const lineOff = off.line ?? 0;
      const colOff = off.column ?? 0;
      const s = sub.sources.map((name, i) => {
        let k = srcIdx.get(name);
        if (k === undefined) {
          k = out.sources.length;
          srcIdx.set(name, k);
          out.sources.push(name);
          out.contents.push(sub.contents[i] ?? null);
        } else if (out.contents[k] === null && sub.contents[i] != null) out.contents[k] = sub.contents[i]!;
        return k;
      });
      const n = sub.names.map((name) => {
        let k = nameIdx.get(name);
        if (k === undefined) {
          k = out.names.length;
          nameIdx.set(name, k);
          out.names.push(name);
        }
        return k;
      });
      sub.lines.forEach((line, li) => {
        const target = lineOff + li;
        while (out.lines.length <= target) out.lines.push([]);
        const into = out.lines[target] ?? [];
        for (const seg of line) {
          const col = seg[0] + (li === 0 ? colOff : 0);
          if (seg.length === 1) {
            into.push([col]);
            continue;
          }
          // A source or name index the section does not have stays out of range (-1), and reads
          // as the empty source or name below, as it does in a regular map.
          const src = s[seg[1]] ?? -1;
          if (seg.length === 4) into.push([col, src, seg[2], seg[3]]);
          else into.push([col, src, seg[2], seg[3], n[seg[4]] ?? -1]);
        }
        out.lines[target] = into;
      });
    }
    for (const line of out.lines) line.sort((a, b) => a[0] - b[0]);
    return out;
  }
  if (typeof map.mappings !== "string") return undefined;
  return {
    sources: Array.isArray(map.sources) ? map.sources.map((x) => (x === null ? "" : String(x))) : [],
    contents: Array.isArray(map.sourcesContent)
      ? map.sourcesContent.map((c) => (typeof c === "string" ? c : null))
      : [],
    names: Array.isArray(map.names) ? map.names.map(String) : [],
    lines: decode(map.mappings),
  };
}

/**
 * A React Native (Metro/Hermes) map's `x_facebook_sources`: one entry per source, null or a list
 * of function maps (`{names, mappings}`). sentry-cli keeps it as it was read, in these keys
 * only; undefined when the map has none or it has another shape.
 */
function facebookSources(map: Record<string, unknown>): unknown[] | undefined {
  const raw = map.x_facebook_sources;
  if (!Array.isArray(raw)) return undefined;
  const out: unknown[] = [];
  for (const entry of raw) {
    if (entry === null) {
      out.push(null);
      continue;
    }
    if (!Array.isArray(entry)) return undefined;
    const fns: Array<{ names: string[]; mappings: string }> = [];
    for (const fn of entry) {
      const f = fn as { names?: unknown; mappings?: unknown } | null;
      if (!f || !Array.isArray(f.names) || typeof f.mappings !== "string") return undefined;
      if (!f.names.every((n) => typeof n === "string")) return undefined;
      fns.push({ names: f.names as string[], mappings: f.mappings });
    }
    out.push(fns);
  }
  return out;
}

/**
 * Rebuild `map` (regular, or an index map, which is flattened as sentry-cli does). Maps that
 * cannot be decoded are returned unchanged. A Hermes map (with `x_facebook_sources`) keeps that
 * key as it was and, as in sentry-cli, loses its ignoreList.
 */
export function rewriteSourceMap(map: Record<string, unknown>, opts: RewriteOptions): Record<string, unknown> {
  // A regular map is renumbered line by line (./mappings-remap.ts); an index map is flattened.
  const regular = !Array.isArray(map.sections) && typeof map.mappings === "string";
  const flat: Flat | undefined = regular
    ? {
        sources: Array.isArray(map.sources) ? map.sources.map((x) => (x === null ? "" : String(x))) : [],
        contents: Array.isArray(map.sourcesContent)
          ? map.sourcesContent.map((c) => (typeof c === "string" ? c : null))
          : [],
        names: Array.isArray(map.names) ? map.names.map(String) : [],
        lines: [],
      }
    : flatten(map);
  if (!flat) return map;
  const { sources, contents, names } = flat;
  const prefixes = [...opts.stripPrefixes];
  if (opts.stripCommonPrefix) {
    const c = commonSourcePrefix(sources);
    if (c) prefixes.push(c);
  }
  // Sources and names are identified by value, as a source map builder does.
  const srcMap = new Map<string, number>();
  const nameMap = new Map<string, number>();
  const newSources: string[] = [];
  const newContents: Array<string | null> = [];
  const newNames: string[] = [];
  const sourceIndex = (i: number): number => {
    const srcName = sources[i] ?? "";
    let s = srcMap.get(srcName);
    if (s === undefined) {
      s = newSources.length;
      srcMap.set(srcName, s);
      newSources.push(strip(srcName, prefixes));
      newContents.push(contents[i] ?? null);
    }
    return s;
  };
  const nameIndex = (i: number): number => {
    const nm = names[i] ?? "";
    let n = nameMap.get(nm);
    if (n === undefined) {
      n = newNames.length;
      nameMap.set(nm, n);
      newNames.push(nm);
    }
    return n;
  };
  let mappings = regular ? remapMappings(map.mappings as string, sourceIndex, nameIndex) : undefined;
  if (mappings === undefined) {
    // Not plainly decodable: start the numbering again, over the decoder's reading.
    srcMap.clear();
    nameMap.clear();
    newSources.length = 0;
    newContents.length = 0;
    newNames.length = 0;
    const lines = regular ? decode(map.mappings as string) : flat.lines;
    mappings = encode(
      lines.map((line) =>
        line.map((seg): SourceMapSegment => {
          if (seg.length === 1) return seg;
          const s = sourceIndex(seg[1]);
          return seg.length === 5 ? [seg[0], s, seg[2], seg[3], nameIndex(seg[4])] : [seg[0], s, seg[2], seg[3]];
        }),
      ),
    );
  }
  const result: Record<string, unknown> = { version: 3 };
  if (typeof map.file === "string") result.file = map.file;
  result.sources = newSources;
  if (typeof map.sourceRoot === "string" && map.sourceRoot !== "") result.sourceRoot = map.sourceRoot;
  if (newContents.some((c) => c !== null)) result.sourcesContent = newContents;
  result.names = newNames;
  result.mappings = mappings;
  const fbSources = regular ? facebookSources(map) : undefined;
  if (fbSources) result.x_facebook_sources = fbSources;
  else if (Array.isArray(map.ignoreList)) {
    const il = (map.ignoreList as unknown[])
      .map((i) => srcMap.get(sources[Number(i)] ?? "\0"))
      .filter((i): i is number => i !== undefined);
    if (il.length > 0) result.ignoreList = il;
  }
  const debugId = map.debugId ?? map.debug_id;
  if (typeof debugId === "string") result.debugId = debugId;
  return result;
}
