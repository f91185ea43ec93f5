/**
 * One JavaScript frame, processed as Sentry's JavaScript processing does: the debug-id route
 * first (the event's `debug_meta` image whose `code_file` is the frame's `abs_path`, looked up in
 * the uploaded artifacts), then the release route (artifact names from the `abs_path`, the
 * file's map reference, a dist that must match). The map turns the position into the original
 * file, line, column and function; the context lines come from `sourcesContent` or an uploaded
 * original source. A frame that does not resolve says why, with one named reason.
 */
import {
  FlattenMap,
  GREATEST_LOWER_BOUND,
  originalPositionFor,
  sourceContentFor,
  type TraceMap,
} from "@jridgewell/trace-mapping";
import { parseMapJson } from "../bundle-rewrite.js";
import { parseDataUrl } from "../map-reference.js";
import { type Artifact, type ArtifactStore, header, normalizeId, SOURCE_TYPES } from "./artifacts.js";
import { candidateNames, displayFilename, joinUrl, sourceMapReference } from "./names.js";

export type Frame = Record<string, unknown>;

/** Why a frame does not (fully) resolve. The first applicable one is reported. */
export type Reason =
  | { code: "no_location"; detail: string }
  | { code: "no_debug_meta" }
  | { code: "no_debug_id_for_file"; codeFiles: string[] }
  | { code: "debug_id_not_uploaded"; debugId: string; sourceUploaded: boolean; local?: string }
  | {
      code: "source_not_found";
      release: string;
      tried: string[];
      /** An artifact of the release with the same file name, and the `--url-prefix` that would have matched. */
      similar?: { name: string; urlPrefix: string };
      debugId: string | null;
    }
  | { code: "dist_mismatch"; release: string; name: string; eventDist: string | null; artifactDists: (string | null)[] }
  | { code: "no_sourcemap_reference"; file: string }
  | { code: "sourcemap_not_found"; file: string; reference: string; name: string; wrongDist: boolean }
  | { code: "sourcemap_invalid"; name: string; message: string }
  | { code: "invalid_location"; line: number; column: number; map: string }
  | { code: "missing_source_content"; source: string; map: string };

export interface DebugIdProcess {
  debug_id: string | null;
  uploaded_source_file_with_correct_debug_id: boolean;
  uploaded_source_map_with_correct_debug_id: boolean;
}

export type LookupResult = "found" | "wrong-dist" | "unsuccessful";

export interface ReleaseProcess {
  abs_path: string;
  matching_source_file_names: string[];
  matching_source_map_name: string | null;
  source_map_reference: string | null;
  source_file_lookup_result: LookupResult;
  source_map_lookup_result: LookupResult;
}

export interface FrameOutcome {
  /** `skipped`: not a frame JavaScript processing touches (no file, `node:` internals, native code). */
  status: "resolved" | "partial" | "unresolved" | "skipped";
  inApp: boolean;
  raw: Frame;
  processed: Frame;
  resolvedWith?: "debug-id" | "release";
  /** The map used, by name. */
  sourceMap?: string;
  reason?: Reason;
  debugIdProcess: DebugIdProcess;
  releaseProcess: ReleaseProcess | null;
}

export interface EventContext {
  release: string | null;
  dist: string | null;
  /** `debug_meta.images` of type `sourcemap`: code_file → debug id. */
  images: Map<string, string>;
  hasDebugMeta: boolean;
  store: ArtifactStore;
  cache: ProcessingCache;
}

/**
 * Parsed maps of stored files, kept across events (most recently used last, at most
 * SHARED_MAPS): the next event from the same build needs no parse.
 */
const SHARED_MAPS = 16;
class SharedMaps {
  private readonly entries = new Map<object, TraceMap | Error>();
  get(key: object): TraceMap | Error | undefined {
    const m = this.entries.get(key);
    if (m !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, m);
    }
    return m;
  }
  set(key: object, m: TraceMap | Error): void {
    this.entries.set(key, m);
    while (this.entries.size > SHARED_MAPS) this.entries.delete(this.entries.keys().next().value!);
  }
}
const sharedMaps = new SharedMaps();

/** Parsed maps and split sources, shared by the frames of one event. */
export class ProcessingCache {
  private readonly maps = new Map<Artifact, TraceMap | Error>();
  private readonly inline = new Map<string, TraceMap | Error>();
  private readonly lines = new Map<Artifact, string[]>();

  map(a: Artifact): TraceMap | Error {
    let m = this.maps.get(a) ?? (a.cacheKey ? sharedMaps.get(a.cacheKey) : undefined);
    if (m === undefined) {
      m = parseMap(() => a.text(), a.url);
      if (a.cacheKey) sharedMaps.set(a.cacheKey, m);
    }
    this.maps.set(a, m);
    return m;
  }

  /** A map from a `data:` URL. */
  inlineMap(text: string): TraceMap | Error {
    let m = this.inline.get(text);
    if (m === undefined) {
      m = parseMap(() => text, "the inline source map");
      this.inline.set(text, m);
    }
    return m;
  }

  linesOf(a: Artifact): string[] {
    let l = this.lines.get(a);
    if (!l) {
      l = a.text().split(/\r?\n/);
      this.lines.set(a, l);
    }
    return l;
  }
}

function parseMap(text: () => string, name: string): TraceMap | Error {
  try {
    const m = new FlattenMap(parseMapJson(text(), name) as never) as TraceMap;
    originalPositionFor(m, { line: 1, column: 0 }); // decode now: a bad mapping fails here, not later
    return m;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

const CONTEXT_LINES = 5;

/** Frames JavaScript processing leaves alone. */
export function isProcessable(frame: Frame): boolean {
  const p = frame.abs_path ?? frame.filename;
  if (typeof p !== "string" || p === "") return false;
  if (/^(node:|<|\[native code\]|native$|internal\/)/.test(p)) return false;
  return true;
}

function distMatches(a: Artifact, dist: string | null): boolean {
  return (a.dist ?? "") === (dist ?? "");
}

interface SourceLookup {
  found?: { name: string; artifact: Artifact };
  /** Artifacts that matched a name but not the dist. */
  wrongDist: Artifact[];
}

function lookupByNames(store: ArtifactStore, release: string, dist: string | null, names: string[]): SourceLookup {
  const wrongDist: Artifact[] = [];
  for (const name of names) {
    const arts = store.byName(release, name);
    const ok = arts.filter((a) => distMatches(a, dist));
    const pick = ok.find((a) => a.type !== "source_map") ?? ok[0];
    if (pick) return { found: { name, artifact: pick }, wrongDist };
    wrongDist.push(...arts);
  }
  return { wrongDist };
}

function basename(p: string): string {
  const clean = p.split(/[?#]/)[0]!;
  return clean.slice(clean.lastIndexOf("/") + 1);
}

/** An artifact of the release that has the frame's file name under another path: what `--url-prefix` would fix. */
function similarName(
  store: ArtifactStore,
  release: string,
  tried: string[],
): { name: string; urlPrefix: string } | undefined {
  const want = tried[tried.length - 1]!; // `~/path` without query
  const base = basename(want);
  if (!base) return undefined;
  const candidates = store.namesIn(release).filter((n) => basename(n) === base && n !== want);
  const best = candidates.sort((a, b) => b.length - a.length)[0];
  if (!best) return undefined;
  // `~/app.js` uploaded while the frame asks for `~/static/app.js`: the prefix is what the frame has more.
  const wantPath = want.startsWith("~") ? want.slice(1) : want;
  const havePath = best.startsWith("~") ? best.slice(1) : best.replace(/^[a-z]+:\/\/[^/]*/i, "");
  if (wantPath.endsWith(havePath)) {
    const extra = wantPath.slice(0, wantPath.length - havePath.length);
    return { name: best, urlPrefix: `~${extra || "/"}` };
  }
  return { name: best, urlPrefix: `~${wantPath.slice(0, wantPath.lastIndexOf("/")) || "/"}` };
}

interface ReleaseRoute {
  process: ReleaseProcess;
  source?: { name: string; artifact: Artifact };
  map?: { name: string; artifact?: Artifact; inline?: string };
  reason?: Reason;
}

function releaseRoute(ctx: EventContext, absPath: string, debugId: string | null): ReleaseRoute {
  const release = ctx.release!;
  const names = candidateNames(absPath);
  const process: ReleaseProcess = {
    abs_path: absPath,
    matching_source_file_names: names,
    matching_source_map_name: null,
    source_map_reference: null,
    source_file_lookup_result: "unsuccessful",
    source_map_lookup_result: "unsuccessful",
  };
  const src = lookupByNames(ctx.store, release, ctx.dist, names);
  if (!src.found) {
    if (src.wrongDist.length > 0) {
      process.source_file_lookup_result = "wrong-dist";
      return {
        process,
        reason: {
          code: "dist_mismatch",
          release,
          name: src.wrongDist[0]!.url,
          eventDist: ctx.dist,
          artifactDists: [...new Set(src.wrongDist.map((a) => a.dist))],
        },
      };
    }
    const similar = similarName(ctx.store, release, names);
    return {
      process,
      reason: { code: "source_not_found", release, tried: names, ...(similar ? { similar } : {}), debugId },
    };
  }
  process.source_file_lookup_result = "found";
  const source = src.found;
  let text: string;
  try {
    text = source.artifact.text();
  } catch {
    text = "";
  }
  const ref = sourceMapReference(source.artifact.headers, text);
  if (!ref) {
    // A file that carries a debug id finds its map by that id even on this route.
    const fileId = normalizeId(header(source.artifact.headers, "debug-id"));
    const byId = fileId ? ctx.store.byDebugId(fileId).find((a) => a.type === "source_map") : undefined;
    if (byId) return { process, source, map: { name: byId.url, artifact: byId } };
    return { process, source, reason: { code: "no_sourcemap_reference", file: source.name } };
  }
  process.source_map_reference = ref;
  if (ref.startsWith("data:")) {
    process.source_map_reference = "Inline Sourcemap";
    process.source_map_lookup_result = "found";
    return { process, source, map: { name: source.name, inline: parseDataUrl(ref)?.json ?? "" } };
  }
  const mapName = joinUrl(source.name, ref);
  process.matching_source_map_name = mapName;
  const maps = ctx.store.byName(release, mapName);
  const okMap = maps.find((a) => distMatches(a, ctx.dist));
  if (okMap) {
    process.source_map_lookup_result = "found";
    return { process, source, map: { name: mapName, artifact: okMap } };
  }
  process.source_map_lookup_result = maps.length > 0 ? "wrong-dist" : "unsuccessful";
  return {
    process,
    source,
    reason: {
      code: "sourcemap_not_found",
      file: source.name,
      reference: ref,
      name: mapName,
      wrongDist: maps.length > 0,
    },
  };
}

/** The original name of the function the frame is in, through the map token of its declaration. */
function originalFunction(
  ctx: EventContext,
  generated: Artifact | undefined,
  map: TraceMap,
  line: number,
  column: number,
  minified: unknown,
): string | undefined {
  if (typeof minified !== "string" || !generated) return undefined;
  const parts = minified.split(".");
  const short = parts[parts.length - 1]!;
  if (!/^[A-Za-z_$][\w$]*$/.test(short)) return undefined;
  const lines = ctx.cache.linesOf(generated);
  const id = short.replace(/\$/g, "\\$");
  const decl = new RegExp(
    `(?:function\\s*\\*?\\s*(${id})\\s*\\(|(?:^|[^\\w$.])(${id})\\s*[:=]\\s*(?:async\\s*)?(?:function\\b|\\([^()]*\\)\\s*=>|[A-Za-z_$][\\w$]*\\s*=>)|(?:^|[\\s;{},])(${id})\\s*\\([^()]*\\)\\s*\\{)`,
    "g",
  );
  for (let l = Math.min(line - 1, lines.length - 1); l >= 0; l--) {
    const text = lines[l]!;
    const limit = l === line - 1 ? column - 1 : text.length;
    let best = -1;
    decl.lastIndex = 0;
    for (let m = decl.exec(text); m !== null; m = decl.exec(text)) {
      const name = m[1] ?? m[2] ?? m[3]!;
      const at = m.index + m[0].indexOf(name, m[0].startsWith("function") ? 8 : 0);
      if (at > limit) break;
      best = at;
    }
    if (best >= 0) {
      const pos = originalPositionFor(map, { line: l + 1, column: best, bias: GREATEST_LOWER_BOUND });
      if (pos.name) return parts.length > 1 ? [...parts.slice(0, -1), pos.name].join(".") : pos.name;
      return undefined;
    }
  }
  return undefined;
}

function originalSource(
  ctx: EventContext,
  map: TraceMap,
  source: string,
  absPath: string,
  mapArtifact: Artifact | undefined,
): string[] | undefined {
  const content = sourceContentFor(map, source);
  if (content != null) return content.split(/\r?\n/);
  const candidates: Artifact[] = [];
  if (mapArtifact?.debugId) {
    candidates.push(...ctx.store.byDebugId(mapArtifact.debugId).filter((a) => a.url === absPath));
  }
  if (ctx.release) candidates.push(...ctx.store.byName(ctx.release, absPath).filter((a) => distMatches(a, ctx.dist)));
  const file = candidates.find((a) => a.type !== "source_map");
  if (!file) return undefined;
  try {
    return ctx.cache.linesOf(file);
  } catch {
    return undefined;
  }
}

export function processFrame(ctx: EventContext, frame: Frame): FrameOutcome {
  const raw = structuredClone(frame);
  const inApp = frame.in_app !== false;
  const absPath = (typeof frame.abs_path === "string" ? frame.abs_path : frame.filename) as string | undefined;
  const noDebug: DebugIdProcess = {
    debug_id: null,
    uploaded_source_file_with_correct_debug_id: false,
    uploaded_source_map_with_correct_debug_id: false,
  };
  if (!isProcessable(frame) || absPath === undefined) {
    return { status: "skipped", inApp, raw, processed: frame, debugIdProcess: noDebug, releaseProcess: null };
  }

  // The debug-id route.
  const debugId = ctx.images.get(absPath) ?? null;
  const byId = debugId ? ctx.store.byDebugId(debugId) : [];
  const idMap = byId.find((a) => a.type === "source_map");
  const idSource = byId.find((a) => a.type !== undefined && SOURCE_TYPES.has(a.type));
  const debugIdProcess: DebugIdProcess = {
    debug_id: debugId,
    uploaded_source_file_with_correct_debug_id: idSource !== undefined,
    uploaded_source_map_with_correct_debug_id: idMap !== undefined,
  };
  const rel = ctx.release ? releaseRoute(ctx, absPath, debugId) : undefined;
  const out = (o: Partial<FrameOutcome> & Pick<FrameOutcome, "status">): FrameOutcome => ({
    inApp,
    raw,
    processed: o.processed ?? frame,
    debugIdProcess,
    releaseProcess: rel?.process ?? null,
    ...o,
  });

  let mapArtifact: Artifact | undefined;
  let mapName: string;
  let inline: string | undefined;
  let generated: Artifact | undefined;
  let resolvedWith: "debug-id" | "release";
  if (idMap) {
    mapArtifact = idMap;
    mapName = idMap.url;
    generated = idSource;
    resolvedWith = "debug-id";
  } else if (rel?.map) {
    mapArtifact = rel.map.artifact;
    inline = rel.map.inline;
    mapName = rel.map.name;
    generated = rel.source?.artifact;
    resolvedWith = "release";
  } else {
    let reason: Reason;
    if (debugId) {
      reason = {
        code: "debug_id_not_uploaded",
        debugId,
        sourceUploaded: idSource !== undefined,
        ...(ctx.store.describeDebugId?.(debugId) ? { local: ctx.store.describeDebugId(debugId)! } : {}),
      };
    } else if (rel?.reason) reason = rel.reason;
    else if (!ctx.hasDebugMeta) reason = { code: "no_debug_meta" };
    else reason = { code: "no_debug_id_for_file", codeFiles: [...ctx.images.keys()] };
    return out({ status: "unresolved", reason, processed: withData(frame, { symbolicated: false }) });
  }

  const lineno = frame.lineno;
  const colno = frame.colno;
  if (typeof lineno !== "number" || typeof colno !== "number") {
    return out({
      status: "unresolved",
      reason: { code: "no_location", detail: typeof lineno !== "number" ? "no line number" : "no column number" },
      processed: withData(frame, { symbolicated: false }),
    });
  }
  const map = mapArtifact ? ctx.cache.map(mapArtifact) : ctx.cache.inlineMap(inline ?? "");
  if (map instanceof Error) {
    return out({
      status: "unresolved",
      reason: { code: "sourcemap_invalid", name: mapName, message: map.message },
      processed: withData(frame, { symbolicated: false, sourcemap: mapName }),
    });
  }
  const pos = originalPositionFor(map, { line: lineno, column: Math.max(0, colno - 1), bias: GREATEST_LOWER_BOUND });
  if (pos.source === null || pos.line === null || pos.column === null) {
    return out({
      status: "unresolved",
      resolvedWith,
      sourceMap: mapName,
      reason: { code: "invalid_location", line: lineno, column: colno, map: mapName },
      processed: withData(frame, { symbolicated: false, sourcemap: mapName }),
    });
  }
  const originalAbs = joinUrl(mapName, pos.source);
  const processed: Frame = { ...frame };
  processed.abs_path = originalAbs;
  processed.filename = displayFilename(originalAbs);
  processed.lineno = pos.line;
  processed.colno = pos.column + 1;
  const fn = originalFunction(ctx, generated, map, lineno, colno, frame.function);
  if (fn) processed.function = fn;
  delete processed.pre_context;
  delete processed.context_line;
  delete processed.post_context;
  const lines = originalSource(ctx, map, pos.source, originalAbs, mapArtifact);
  processed.data = { ...(frame.data as object), sourcemap: mapName, resolved_with: resolvedWith, symbolicated: true };
  if (!lines) {
    return out({
      status: "partial",
      resolvedWith,
      sourceMap: mapName,
      processed,
      reason: { code: "missing_source_content", source: originalAbs, map: mapName },
    });
  }
  const at = pos.line - 1;
  processed.pre_context = lines.slice(Math.max(0, at - CONTEXT_LINES), at);
  processed.context_line = lines[at] ?? "";
  processed.post_context = lines.slice(at + 1, at + 1 + CONTEXT_LINES);
  return out({ status: "resolved", resolvedWith, sourceMap: mapName, processed });
}

function withData(frame: Frame, data: Record<string, unknown>): Frame {
  return { ...frame, data: { ...(frame.data as object), ...data } };
}
