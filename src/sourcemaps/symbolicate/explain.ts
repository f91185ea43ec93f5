/**
 * Why each in-app frame of an event resolves or not, in words a person can act on. Verdicts come
 * from two places that apply the same rules: the frame outcomes of `processEvent` (offline, and
 * `serve` itself), or a server's own answer — its processed event and its source-map debug report
 * — so an explanation of a real Sentry event never drifts from what that server did.
 */
import type { ProcessedEvent } from "./event.js";
import type { Frame, Reason } from "./frame.js";

type Json = Record<string, unknown>;

export interface FrameVerdict {
  /** Index of the exception (0 = first in `exception.values`) and of the frame, newest frame first. */
  exception: number;
  /** The frame as the SDK sent it. */
  raw: { file: string | null; line: number | null; column: number | null; function: string | null };
  status: "resolved" | "unresolved";
  resolvedWith?: "debug-id" | "release";
  /** The original position, when the map gave one. */
  original?: { file: string; line: number; column: number; function: string | null; code: string | null };
  reason?: Reason;
}

export interface Explanation {
  eventId: string | null;
  release: string | null;
  dist: string | null;
  hasDebugMeta: boolean;
  frames: FrameVerdict[];
  resolved: number;
  total: number;
}

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
}
const s = (v: unknown): string | null => (typeof v === "string" ? v : null);
const n = (v: unknown): number | null => (typeof v === "number" ? v : null);

function rawOf(f: Frame) {
  return { file: s(f.abs_path) ?? s(f.filename), line: n(f.lineno), column: n(f.colno), function: s(f.function) };
}

/** Verdicts from processing outcomes (offline `explain`, and tests of `serve`). */
export function explainProcessed(p: ProcessedEvent, event: Json): Explanation {
  const frames: FrameVerdict[] = [];
  p.stacktraces
    .filter((st) => st.kind === "exception")
    .forEach((st, exception) => {
      for (const o of [...st.frames].reverse()) {
        if (o.status === "skipped" || !o.inApp) continue;
        const v: FrameVerdict = {
          exception,
          raw: rawOf(o.raw),
          status: o.status === "resolved" ? "resolved" : "unresolved",
        };
        if (o.resolvedWith) v.resolvedWith = o.resolvedWith;
        if (o.status === "resolved" || o.status === "partial") {
          const f = o.processed;
          v.original = {
            file: s(f.abs_path) ?? "",
            line: n(f.lineno) ?? 0,
            column: n(f.colno) ?? 0,
            function: s(f.function),
            code: s(f.context_line),
          };
        }
        if (o.reason) v.reason = o.reason;
        frames.push(v);
      }
    });
  return summarize(event, frames, p.stacktraces.length > 0 && hasImages(event));
}

function hasImages(event: Json): boolean {
  const images = obj(event.debug_meta)?.images;
  return Array.isArray(images) && images.some((i) => obj(i)?.type === "sourcemap");
}

function summarize(event: Json, frames: FrameVerdict[], hasDebugMeta: boolean): Explanation {
  return {
    eventId: s(event.event_id) ?? s(event.eventID) ?? s(event.id),
    release: s(event.release) ?? s(obj(event.release)?.version),
    dist: s(event.dist),
    hasDebugMeta,
    frames,
    resolved: frames.filter((f) => f.status === "resolved").length,
    total: frames.length,
  };
}

/** The reason a frame does not resolve, read from a server's debug report for that frame. */
export function reasonFromReport(
  frame: Json,
  report: Json,
  errors: Json[],
  rawFile: string | null,
): Reason | undefined {
  const d = obj(frame.debug_id_process) ?? {};
  const r = obj(frame.release_process);
  const debugId = s(d.debug_id);
  const releaseFoundMap = r?.source_map_lookup_result === "found";
  if (debugId && d.uploaded_source_map_with_correct_debug_id !== true && !releaseFoundMap) {
    return {
      code: "debug_id_not_uploaded",
      debugId,
      sourceUploaded: d.uploaded_source_file_with_correct_debug_id === true,
    };
  }
  if (!debugId && !r) {
    return report.has_debug_ids === true ? { code: "no_debug_id_for_file", codeFiles: [] } : { code: "no_debug_meta" };
  }
  if (r && !(debugId && d.uploaded_source_map_with_correct_debug_id === true)) {
    const release = s(report.release) ?? "";
    const tried = Array.isArray(r.matching_source_file_names) ? (r.matching_source_file_names as string[]) : [];
    if (r.source_file_lookup_result === "unsuccessful") return { code: "source_not_found", release, tried, debugId };
    if (r.source_file_lookup_result === "wrong-dist")
      return { code: "dist_mismatch", release, name: tried[0] ?? "", eventDist: s(report.dist), artifactDists: [] };
    if (!s(r.source_map_reference)) return { code: "no_sourcemap_reference", file: tried[0] ?? "" };
    if (r.source_map_lookup_result !== "found")
      return {
        code: "sourcemap_not_found",
        file: tried[0] ?? "",
        reference: s(r.source_map_reference)!,
        name: s(r.matching_source_map_name) ?? "",
        wrongDist: r.source_map_lookup_result === "wrong-dist",
      };
  }
  // Found everything: the map itself did not give a position.
  for (const e of errors) {
    const data = obj(e.data) ?? e;
    if (e.type === "js_invalid_sourcemap_location" && (data.source === rawFile || rawFile === null))
      return { code: "invalid_location", line: n(data.row) ?? 0, column: n(data.column) ?? 0, map: "" };
    if (e.type === "js_invalid_source") return { code: "sourcemap_invalid", name: s(data.url) ?? "", message: "" };
  }
  return undefined;
}

function apiFrameRaw(f: Json) {
  return { file: s(f.absPath) ?? s(f.filename), line: n(f.lineNo), column: n(f.colNo), function: s(f.function) };
}

/**
 * Verdicts from a server: its event (`GET …/events/{id}/`, frames processed and raw) and its
 * source-map debug report (`…/source-map-debug-blue-thunder-edition/`).
 */
export function explainFromServer(event: Json, report: Json): Explanation {
  const entries = Array.isArray(event.entries) ? (event.entries as Json[]) : [];
  const exc = entries.find((e) => e.type === "exception");
  const values = (obj(exc?.data)?.values as Json[] | undefined) ?? [];
  const errors = Array.isArray(event.errors) ? (event.errors as Json[]) : [];
  const reportExc = Array.isArray(report.exceptions) ? (report.exceptions as Json[]) : [];
  const frames: FrameVerdict[] = [];
  values.forEach((v, exception) => {
    const processed = (obj(v.stacktrace)?.frames as Json[] | undefined) ?? [];
    const raw = (obj(v.rawStacktrace)?.frames as Json[] | undefined) ?? processed;
    const rep = (obj(reportExc[exception])?.frames as Json[] | undefined) ?? [];
    for (let i = processed.length - 1; i >= 0; i--) {
      const p = processed[i]!;
      const r = raw[i] ?? p;
      if (r.inApp === false || p.inApp === false) continue;
      const rawInfo = apiFrameRaw(r);
      if (!rawInfo.file || /^(node:|<|\[native code\]|native$)/.test(rawInfo.file)) continue;
      const data = obj(p.data) ?? {};
      const mapped = data.symbolicated === true;
      const ctx = Array.isArray(p.context) ? (p.context as [number, string][]) : [];
      const missing = errors.find(
        (e) => e.type === "js_missing_source_content" && s(obj(e.data)?.source) === s(p.absPath),
      );
      const v2: FrameVerdict = { exception, raw: rawInfo, status: mapped && !missing ? "resolved" : "unresolved" };
      const rw = s(data.resolved_with);
      if (mapped && (rw === "debug-id" || rw === "release")) v2.resolvedWith = rw;
      if (mapped) {
        v2.original = {
          file: s(p.absPath) ?? s(p.filename) ?? "",
          line: n(p.lineNo) ?? 0,
          column: n(p.colNo) ?? 0,
          function: s(p.function),
          code: ctx.find((c) => c[0] === p.lineNo)?.[1] ?? null,
        };
      }
      if (missing)
        v2.reason = { code: "missing_source_content", source: s(p.absPath) ?? "", map: s(data.sourcemap) ?? "" };
      else if (!mapped) {
        const reason = reasonFromReport(obj(rep[i]) ?? {}, report, errors, rawInfo.file);
        if (reason) v2.reason = reason;
      }
      frames.push(v2);
    }
  });
  return {
    ...summarize({ ...event, event_id: s(event.eventID) ?? s(event.id) }, frames, report.has_debug_ids === true),
    release: s(report.release) ?? s(obj(event.release)?.version),
    dist: s(report.dist) ?? s(event.dist),
  };
}

function q(x: string): string {
  return `'${x}'`;
}

/** `~/static/js/app.js` → `~/static/js`: the prefix an upload of the file's folder needs. */
function prefixFor(name: string): string {
  const path = name.startsWith("~") ? name.slice(1) : name;
  const dir = path.slice(0, path.lastIndexOf("/"));
  return `~${dir || "/"}`;
}

/** One line saying why, and one saying what to do. */
export function describeReason(r: Reason): { why: string; fix: string } {
  switch (r.code) {
    case "no_location":
      return { why: `the frame has ${r.detail}`, fix: "nothing to map; the SDK did not report a position" };
    case "no_debug_meta":
      return {
        why: "the event carries no debug_meta (no debug ids) and no release to look files up by",
        fix: "run `sentry-ship sourcemaps inject` on the build before deploying it, with an SDK of 7.56.0 or newer; or set `release` in the SDK and upload with --release",
      };
    case "no_debug_id_for_file":
      return {
        why: `the event's debug_meta has no image for this file${r.codeFiles.length ? ` (it has ${r.codeFiles.join(", ")})` : ""}, and no release`,
        fix: "inject debug ids into every file of the build (`sentry-ship sourcemaps inject DIR`), or set `release` in the SDK",
      };
    case "debug_id_not_uploaded":
      return {
        why: `debug id ${r.debugId} was never uploaded${r.sourceUploaded ? " as a source map (only the minified file was)" : ""}${r.local ? ` (the local file ${r.local} carries it)` : ""}`,
        fix: `upload the build that ran: \`sentry-ship sourcemaps upload ${r.local ? r.local.replace(/\/[^/]*$/, "") || "." : "DIR"}\``,
      };
    case "source_not_found": {
      const want = r.tried[r.tried.length - 1] ?? "";
      const why = `no artifact named ${r.tried.map(q).join(" or ")} in release ${r.release}${
        r.similar ? ` while ${q(r.similar.name)} exists` : ""
      }`;
      const prefix = r.similar?.urlPrefix ?? prefixFor(want);
      return {
        why,
        fix: r.similar
          ? `upload with --url-prefix ${q(prefix)}`
          : `upload the folder holding this file with --release ${r.release} --url-prefix ${q(prefix)}${r.debugId ? "" : ", or inject debug ids"}`,
      };
    }
    case "dist_mismatch":
      return {
        why: `${q(r.name)} is in release ${r.release} but with dist ${r.artifactDists.length ? r.artifactDists.map((d) => (d === null ? "(none)" : q(d))).join(", ") : "other than the event's"}; the event has dist ${r.eventDist === null ? "(none)" : q(r.eventDist)}`,
        fix:
          r.eventDist === null
            ? "upload without --dist, or set `dist` in the SDK"
            : `upload with --dist ${q(r.eventDist)}`,
      };
    case "no_sourcemap_reference":
      return {
        why: `${q(r.file)} names no source map (no sourceMappingURL comment, no Sourcemap header)`,
        fix: "build with source maps linked from the files, or inject debug ids (`sentry-ship sourcemaps inject`)",
      };
    case "sourcemap_not_found":
      return {
        why: `${q(r.file)} points at ${q(r.reference)}, but no artifact ${q(r.name)}${r.wrongDist ? " with the event's dist" : ""} was uploaded`,
        fix: "upload the .map files together with the JS files (same --release, --dist and --url-prefix)",
      };
    case "sourcemap_invalid":
      return {
        why: `the source map ${q(r.name)} cannot be read${r.message ? `: ${r.message}` : ""}`,
        fix: "upload a valid source map",
      };
    case "invalid_location":
      return {
        why: `line ${r.line}, column ${r.column} lies outside the source map${r.map ? ` ${q(r.map)}` : ""}: the map belongs to another build`,
        fix: "upload the maps of the build that is deployed (rebuild, inject and upload in the same job)",
      };
    case "missing_source_content":
      return {
        why: `the map has no sourcesContent for ${q(r.source)} and that source was not uploaded`,
        fix: "build maps with sourcesContent, or upload the original sources too",
      };
  }
}

function where(raw: FrameVerdict["raw"]): string {
  return `${raw.file ?? "?"}:${raw.line ?? "?"}:${raw.column ?? "?"}`;
}

export function renderExplanation(e: Explanation): string[] {
  const out: string[] = [];
  const head = [
    e.eventId ? `Event ${e.eventId}` : "Event",
    `release ${e.release ?? "(none)"}`,
    `dist ${e.dist ?? "(none)"}`,
    e.hasDebugMeta ? "debug ids: yes" : "debug ids: none",
  ];
  out.push(head.join(", "));
  if (e.frames.length === 0) {
    out.push("  the event has no in-app JavaScript frames");
    return out;
  }
  e.frames.forEach((f, i) => {
    out.push(`  ${i + 1}. ${f.raw.function ?? "?"} at ${where(f.raw)}`);
    if (f.original) {
      const o = f.original;
      const by = f.resolvedWith ? ` (by ${f.resolvedWith})` : "";
      out.push(
        `     ${f.status === "resolved" ? "resolved" : "mapped"}${by} → ${o.file}:${o.line}:${o.column}${o.function ? ` in ${o.function}` : ""}`,
      );
      if (o.code !== null) out.push(`       ${o.line} | ${o.code.trim()}`);
    }
    if (f.status !== "resolved") {
      if (f.reason) {
        const d = describeReason(f.reason);
        out.push(`     not resolved [${f.reason.code}]: ${d.why}`);
        out.push(`     fix: ${d.fix}`);
      } else out.push("     not resolved");
    }
  });
  out.push(`${e.resolved} of ${e.total} in-app frame${e.total === 1 ? "" : "s"} resolve${e.total === 1 ? "s" : ""}.`);
  return out;
}
