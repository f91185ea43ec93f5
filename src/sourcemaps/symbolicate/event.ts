/**
 * A whole JavaScript event, processed as Sentry processes it when it arrives: every frame of every
 * exception and thread stack trace (and a top-level one), the raw frames kept as
 * `raw_stacktrace`, processing errors listed in `errors` as Sentry lists them. Also the per-frame
 * report real Sentry's source-map debug endpoint gives (`source-map-debug-blue-thunder-edition`).
 */
import type { ArtifactStore } from "./artifacts.js";
import { normalizeId } from "./artifacts.js";
import { type EventContext, type Frame, type FrameOutcome, ProcessingCache, processFrame } from "./frame.js";

export type EventJson = Record<string, unknown>;

/** Platforms Sentry runs JavaScript processing for. */
export const JS_PLATFORMS = new Set(["javascript", "node"]);

export interface StacktraceOutcome {
  /** Where it sits: `exception.values.0`, `threads.values.1`, `stacktrace`. */
  path: string;
  kind: "exception" | "thread" | "event";
  frames: FrameOutcome[];
}

export interface ProcessedEvent {
  event: EventJson;
  stacktraces: StacktraceOutcome[];
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | null {
  return typeof v === "string" && v !== "" ? v : null;
}

/** The event's `debug_meta.images` of type `sourcemap`, as code_file → debug id. */
export function sourcemapImages(event: EventJson): Map<string, string> {
  const out = new Map<string, string>();
  const images = obj(event.debug_meta)?.images;
  if (!Array.isArray(images)) return out;
  for (const img of images) {
    const i = obj(img);
    if (i?.type !== "sourcemap" || typeof i.code_file !== "string") continue;
    const id = normalizeId(i.debug_id);
    if (id && !out.has(i.code_file)) out.set(i.code_file, id);
  }
  return out;
}

export function eventContext(event: EventJson, store: ArtifactStore): EventContext {
  const images = sourcemapImages(event);
  return {
    release: str(event.release),
    dist: str(event.dist),
    images,
    hasDebugMeta: images.size > 0,
    store,
    cache: new ProcessingCache(),
  };
}

interface Container {
  path: string;
  kind: StacktraceOutcome["kind"];
  holder: Record<string, unknown>;
}

function containers(event: EventJson): Container[] {
  const out: Container[] = [];
  for (const [key, kind] of [
    ["exception", "exception"],
    ["threads", "thread"],
  ] as const) {
    const values = obj(event[key])?.values;
    if (!Array.isArray(values)) continue;
    values.forEach((v, i) => {
      const h = obj(v);
      if (h && obj(h.stacktrace)) out.push({ path: `${key}.values.${i}`, kind, holder: h });
    });
  }
  if (obj(event.stacktrace)) out.push({ path: "stacktrace", kind: "event", holder: event });
  return out;
}

/**
 * Relay's frame normalization, which runs before processing: a frame without `abs_path` gets its
 * `filename` (the Node SDK sends only `filename`).
 */
export function normalizeFrames(event: EventJson): void {
  for (const c of containers(event)) {
    const frames = obj(c.holder.stacktrace)?.frames;
    if (!Array.isArray(frames)) continue;
    for (const f of frames) {
      const fr = obj(f);
      if (fr && (typeof fr.abs_path !== "string" || fr.abs_path === "") && typeof fr.filename === "string")
        fr.abs_path = fr.filename;
    }
  }
}

/** Sentry's processing-error entry for a frame that did not (fully) resolve. */
function processingError(o: FrameOutcome): Record<string, unknown> | undefined {
  const r = o.reason;
  if (!r) return undefined;
  const url = (o.raw.abs_path ?? o.raw.filename) as string;
  switch (r.code) {
    case "missing_source_content":
      return { type: "js_missing_source_content", source: r.source, sourcemap: r.map };
    case "invalid_location":
      return { type: "js_invalid_sourcemap_location", column: r.column, row: r.line, source: url };
    case "sourcemap_invalid":
      return { type: "js_invalid_source", url: r.name };
    case "no_location":
      return { type: "js_no_column", url };
    case "sourcemap_not_found":
      return { type: "js_missing_sourcemap", url: r.name };
    default:
      return { type: "js_no_source", url, reason: r.code };
  }
}

/**
 * Process the event's stack traces against `store`. The input is not changed; the returned event
 * has resolved frames, `raw_stacktrace` beside every stack trace it touched and Sentry's
 * processing `errors`.
 */
export function processEvent(input: EventJson, store: ArtifactStore): ProcessedEvent {
  const event = structuredClone(input);
  normalizeFrames(event);
  const ctx = eventContext(event, store);
  const stacktraces: StacktraceOutcome[] = [];
  const errors: Record<string, unknown>[] = Array.isArray(event.errors) ? [...event.errors] : [];
  const seenErrors = new Set<string>();
  for (const c of containers(event)) {
    const st = obj(c.holder.stacktrace)!;
    const frames = Array.isArray(st.frames) ? (st.frames as unknown[]) : [];
    const outcomes = frames.map((f) => processFrame(ctx, obj(f) ?? {}));
    stacktraces.push({ path: c.path, kind: c.kind, frames: outcomes });
    if (outcomes.every((o) => o.status === "skipped")) continue;
    c.holder.raw_stacktrace = { ...st, frames: outcomes.map((o) => o.raw) };
    c.holder.stacktrace = { ...st, frames: outcomes.map((o) => o.processed) };
    for (const o of outcomes) {
      const e = processingError(o);
      if (!e) continue;
      const key = JSON.stringify(e);
      if (seenErrors.has(key)) continue;
      seenErrors.add(key);
      errors.push(e);
    }
  }
  if (errors.length > 0) event.errors = errors;
  return { event, stacktraces };
}

/** Whether `serve` processes this event as JavaScript. */
export function isJavaScriptEvent(event: EventJson): boolean {
  return typeof event.platform === "string" && JS_PLATFORMS.has(event.platform);
}

const MIN_JS_SDK_FOR_DEBUG_IDS = [7, 56, 0];
const NO_DEBUG_ID_SDKS = new Set([
  "sentry.javascript.capacitor",
  "sentry.javascript.wasm",
  "sentry.javascript.cordova",
]);

function versionAtLeast(v: string, min: number[]): boolean {
  const parts = v.split(/[.-]/).map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < min.length; i++) {
    const a = Number.isFinite(parts[i]) ? parts[i]! : 0;
    if (a !== min[i]) return a > min[i]!;
  }
  return true;
}

/** The SDK's debug-id support as real Sentry grades it. */
export function sdkDebugIdSupport(event: EventJson): {
  support: "not-supported" | "unofficial-sdk" | "needs-upgrade" | "full";
  min: string | null;
} {
  const sdk = obj(event.sdk);
  const name = typeof sdk?.name === "string" ? sdk.name : undefined;
  if (!name?.startsWith("sentry.javascript.")) return { support: "unofficial-sdk", min: null };
  if (NO_DEBUG_ID_SDKS.has(name)) return { support: "not-supported", min: null };
  const version = typeof sdk?.version === "string" ? sdk.version : undefined;
  if (!version) return { support: "unofficial-sdk", min: null };
  let min = MIN_JS_SDK_FOR_DEBUG_IDS;
  if (name === "sentry.javascript.react-native") min = [5, 11, 1];
  else if (name === "sentry.javascript.electron") min = [4, 6, 0];
  else if (name === "sentry.javascript.nextjs" || name === "sentry.javascript.sveltekit") min = [8, 0, 0];
  return { support: versionAtLeast(version, min) ? "full" : "needs-upgrade", min: min.join(".") };
}

/**
 * Real Sentry's `source-map-debug-blue-thunder-edition` answer for an event: for every exception,
 * per raw frame, the debug-id process and the release process, plus the event-level flags.
 */
export function debugReport(raw: EventJson, store: ArtifactStore): Record<string, unknown> {
  const { stacktraces } = processEvent(raw, store);
  const release = str(raw.release);
  const { support, min } = sdkDebugIdSupport(raw);
  const sdk = obj(raw.sdk);
  return {
    dist: str(raw.dist),
    release,
    exceptions: stacktraces
      .filter((s) => s.kind === "exception")
      .map((s) => ({
        frames: s.frames.map((f) => ({
          debug_id_process: f.debugIdProcess,
          release_process: f.releaseProcess,
          scraping_process: { source_file: null, source_map: null },
        })),
      })),
    has_debug_ids: sourcemapImages(raw).size > 0,
    min_debug_id_sdk_version: min,
    sdk_version: typeof sdk?.version === "string" ? sdk.version : null,
    project_has_some_artifact_bundle: store.hasAnyBundle(),
    release_has_some_artifact: release ? store.releaseHasArtifact(release) : false,
    has_uploaded_some_artifact_with_a_debug_id: store.hasAnyDebugIdArtifact(),
    sdk_debug_id_support: support,
    has_scraping_data: false,
  };
}

export type { Frame, FrameOutcome };
