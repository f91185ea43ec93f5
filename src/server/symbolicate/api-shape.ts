/**
 * A stored event in the shape real Sentry's event API returns it: `entries` (exception with
 * `stacktrace` and `rawStacktrace`, frames camelCased with `context` as `[lineNo, text]` pairs),
 * `errors` as `{type, message, data}`, tags as `{key, value}`.
 */
import type { StoredEvent } from "../state.js";

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
}

function frameContext(f: Json): [number, string][] {
  const line = typeof f.lineno === "number" ? f.lineno : undefined;
  if (line === undefined || typeof f.context_line !== "string") return [];
  const pre = Array.isArray(f.pre_context) ? (f.pre_context as string[]) : [];
  const post = Array.isArray(f.post_context) ? (f.post_context as string[]) : [];
  return [
    ...pre.map((t, i): [number, string] => [line - pre.length + i, t]),
    [line, f.context_line],
    ...post.map((t, i): [number, string] => [line + 1 + i, t]),
  ];
}

export function apiFrame(f: Json): Json {
  return {
    filename: f.filename ?? null,
    absPath: f.abs_path ?? null,
    module: f.module ?? null,
    package: f.package ?? null,
    platform: f.platform ?? null,
    instructionAddr: f.instruction_addr ?? null,
    symbolAddr: f.symbol_addr ?? null,
    function: f.function ?? null,
    rawFunction: f.raw_function ?? null,
    symbol: f.symbol ?? null,
    context: frameContext(f),
    lineNo: f.lineno ?? null,
    colNo: f.colno ?? null,
    inApp: f.in_app ?? null,
    trust: f.trust ?? null,
    errors: null,
    lock: null,
    sourceLink: null,
    vars: f.vars ?? null,
    data: f.data ?? {},
  };
}

function apiStacktrace(st: unknown): Json | null {
  const s = obj(st);
  if (!s) return null;
  const frames = Array.isArray(s.frames) ? (s.frames as unknown[]).map((f) => apiFrame(obj(f) ?? {})) : [];
  return {
    frames,
    framesOmitted: null,
    registers: null,
    hasSystemFrames: frames.some((f) => f.inApp === false) && frames.some((f) => f.inApp === true),
  };
}

const TITLE_MAX = 140;

function title(ev: Json): string {
  const exc = obj(ev.exception)?.values;
  if (Array.isArray(exc) && exc.length > 0) {
    const last = obj(exc[exc.length - 1]) ?? {};
    const t = typeof last.type === "string" ? last.type : "Error";
    const v = typeof last.value === "string" ? last.value : "";
    return (v ? `${t}: ${v}` : t).slice(0, TITLE_MAX);
  }
  const m = obj(ev.logentry)?.formatted ?? obj(ev.logentry)?.message ?? ev.message;
  return typeof m === "string" && m ? m.slice(0, TITLE_MAX) : "<unlabeled event>";
}

function tags(ev: Json): { key: string; value: string }[] {
  const t = ev.tags;
  const pairs: [string, unknown][] = Array.isArray(t)
    ? (t as unknown[]).filter(Array.isArray).map((p) => [String((p as unknown[])[0]), (p as unknown[])[1]])
    : Object.entries(obj(t) ?? {});
  const out = pairs.map(([key, value]) => ({ key, value: String(value) }));
  if (typeof ev.release === "string") out.push({ key: "release", value: ev.release });
  if (typeof ev.dist === "string") out.push({ key: "dist", value: ev.dist });
  if (typeof ev.environment === "string") out.push({ key: "environment", value: ev.environment });
  if (typeof ev.level === "string") out.push({ key: "level", value: ev.level });
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * The event's time, or `fallback` (its arrival) when it has none a date can hold: Relay drops an
 * invalid timestamp, and a number like 99999999999999 seconds is past any date.
 */
function dateOf(ev: Json, fallback: string): string {
  const ts = ev.timestamp;
  const d = typeof ts === "number" ? new Date(ts * 1000) : typeof ts === "string" ? new Date(ts) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : fallback;
}

/** The list entry (`GET /projects/{org}/{project}/events/`). */
export function apiEventSummary(stored: StoredEvent): Json {
  const ev = stored.event ?? {};
  return {
    id: stored.id,
    eventID: stored.id,
    groupID: null,
    projectID: String(stored.projectId),
    title: title(ev),
    message: typeof ev.message === "string" ? ev.message : title(ev),
    platform: ev.platform ?? null,
    dateCreated: dateOf(ev, stored.receivedAt),
    "event.type": ev.type ?? "error",
    tags: tags(ev),
    user: ev.user ?? null,
  };
}

/** The details (`GET /projects/{org}/{project}/events/{event_id}/`). */
export function apiEvent(stored: StoredEvent, neighbours: { previous: string | null; next: string | null }): Json {
  const ev = stored.event ?? {};
  const entries: Json[] = [];
  const values = obj(ev.exception)?.values;
  if (Array.isArray(values)) {
    const vs = values.map((v) => {
      const e = obj(v) ?? {};
      return {
        type: e.type ?? null,
        value: e.value ?? null,
        mechanism: e.mechanism ?? null,
        threadId: e.thread_id ?? null,
        module: e.module ?? null,
        stacktrace: apiStacktrace(e.stacktrace),
        rawStacktrace: apiStacktrace(e.raw_stacktrace),
      };
    });
    entries.push({
      type: "exception",
      data: { values: vs, excOmitted: null, hasSystemFrames: vs.some((v) => v.stacktrace?.hasSystemFrames) },
    });
  }
  if (obj(ev.stacktrace)) entries.push({ type: "stacktrace", data: apiStacktrace(ev.stacktrace) });
  const threads = obj(ev.threads)?.values;
  if (Array.isArray(threads)) {
    entries.push({
      type: "threads",
      data: {
        values: threads.map((t) => {
          const th = obj(t) ?? {};
          return {
            id: th.id ?? null,
            name: th.name ?? null,
            crashed: th.crashed ?? false,
            current: th.current ?? false,
            stacktrace: apiStacktrace(th.stacktrace),
            rawStacktrace: apiStacktrace(th.raw_stacktrace),
          };
        }),
      },
    });
  }
  if (obj(ev.debug_meta)) entries.push({ type: "debugmeta", data: ev.debug_meta });
  const errors = Array.isArray(ev.errors)
    ? (ev.errors as unknown[]).map((e) => {
        const { type, ...data } = obj(e) ?? {};
        return { type, message: String(type), data };
      })
    : [];
  return {
    ...apiEventSummary(stored),
    size: stored.items.reduce((n, i) => n + i.size, 0),
    entries,
    dist: ev.dist ?? null,
    release: typeof ev.release === "string" ? { version: ev.release } : null,
    contexts: ev.contexts ?? {},
    context: ev.extra ?? {},
    sdk: ev.sdk ?? null,
    packages: ev.modules ?? {},
    type: ev.type ?? "error",
    metadata: {},
    culprit: ev.culprit ?? ev.transaction ?? null,
    location: null,
    fingerprints: [],
    errors,
    dateReceived: stored.receivedAt,
    crashFile: null,
    occurrence: null,
    nextEventID: neighbours.next,
    previousEventID: neighbours.previous,
    _meta: {},
  };
}
