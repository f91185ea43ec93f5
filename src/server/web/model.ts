/**
 * Reading the server's state the way the pages show it: events with their title, level, release
 * and environment; the bundle files a release or a resolved frame refers to. Plain functions over
 * `ServerState`, nothing cached: every page shows the state as it is.
 */
import { header, normalizeId } from "../../sourcemaps/symbolicate/artifacts.js";
import type { Bundle, Org, Project, ServerState, StoredEvent } from "../state.js";
import { apiEventSummary } from "../symbolicate/api-shape.js";

export type Json = Record<string, unknown>;

export function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** Events that carried an error/message event, newest first. */
export function listedEvents(state: ServerState): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (let i = state.events.length - 1; i >= 0; i--) {
    const e = state.events[i]!;
    if (e.event !== undefined) out.push(e);
  }
  return out;
}

export interface EventRow {
  id: string;
  title: string;
  level: string;
  project: string;
  release: string | undefined;
  environment: string | undefined;
  time: string;
}

export function eventRow(state: ServerState, e: StoredEvent): EventRow {
  const ev = e.event ?? {};
  const summary = apiEventSummary(e);
  return {
    id: e.id,
    title: String(summary.title),
    level: str(ev.level) ?? "error",
    project: state.projects.find((p) => p.id === e.projectId)?.slug ?? String(e.projectId),
    release: str(ev.release),
    environment: str(ev.environment),
    time: String(summary.dateCreated),
  };
}

export function projectOf(state: ServerState, e: StoredEvent): { org: Org; project: Project } | undefined {
  const project = state.projects.find((p) => p.id === e.projectId);
  const org = project && state.orgs.find((o) => o.id === project.orgId);
  return project && org ? { org, project } : undefined;
}

export function orgSlug(state: ServerState, orgId: number): string {
  return state.orgs.find((o) => o.id === orgId)?.slug ?? String(orgId);
}

export function bundleFileCount(state: ServerState, orgId: number, release: string): number {
  let n = 0;
  for (const b of state.bundles) if (b.orgId === orgId && b.release === release) n += b.files.length;
  return n;
}

export function fileKind(f: { type?: string; path: string }): string {
  return f.type ?? (f.path.endsWith(".map") ? "source_map" : "file");
}

export function debugIdOf(f: { headers: Record<string, string> }): string | undefined {
  return normalizeId(header(f.headers, "debug-id"));
}

/**
 * The uploaded map a resolved frame was mapped with: the newest bundle file of the project named
 * `mapName`, the one carrying `debugId` when the frame was resolved by debug id.
 */
export function findMapFile(
  state: ServerState,
  org: Org,
  project: Project,
  mapName: string,
  debugId: string | undefined,
): { bundle: Bundle; index: number } | undefined {
  let fallback: { bundle: Bundle; index: number } | undefined;
  for (let b = state.bundles.length - 1; b >= 0; b--) {
    const bundle = state.bundles[b]!;
    if (bundle.orgId !== org.id || !bundle.projects.includes(project.slug)) continue;
    for (let i = 0; i < bundle.files.length; i++) {
      const f = bundle.files[i]!;
      if (f.url !== mapName) continue;
      if (debugId === undefined || debugIdOf(f) === debugId) return { bundle, index: i };
      fallback ??= { bundle, index: i };
    }
  }
  return fallback;
}

/** A change stamp of everything the pages show: polled by the pages to know when to refresh. */
export function changeStamp(state: ServerState): string {
  let releaseSeq = 0;
  for (const r of state.releases) releaseSeq = Math.max(releaseSeq, r.seq);
  let sessions = 0;
  for (const b of state.sessionBuckets) sessions += b.sessions + b.errored + b.crashed + b.abnormal;
  const lastEvent = state.events.at(-1)?.id ?? "";
  const lastCheckIn = state.checkIns.at(-1);
  return [
    state.events.length,
    lastEvent,
    state.releases.length,
    releaseSeq,
    state.deploys.length,
    state.bundles.length,
    state.monitors.length,
    state.checkIns.length,
    lastCheckIn ? `${lastCheckIn.id}:${lastCheckIn.status}` : "",
    state.sessionBuckets.length,
    sessions,
  ].join(".");
}
