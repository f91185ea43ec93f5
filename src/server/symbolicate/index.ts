/**
 * JavaScript processing at ingestion: when an accepted envelope (or store request) carries an
 * error event from a JavaScript platform, its frames are resolved against the project's uploaded
 * artifacts, as Sentry does before it stores an event. The processed event is kept beside the
 * raw items and is what the event API returns.
 */
import { isJavaScriptEvent, processEvent } from "../../sourcemaps/symbolicate/event.js";
import type { ServerCore } from "../core.js";
import type { Org, Project, StoredEvent } from "../state.js";
import { BundleStore } from "./store.js";

export function storeFor(core: ServerCore, org: Org, project: Project): BundleStore {
  return new BundleStore(core.state, org, project);
}

/** The event payload of a stored envelope, if it has one. */
export function eventPayload(ev: StoredEvent): Record<string, unknown> | undefined {
  const item = ev.items.find((i) => i.header.type === "event");
  const p = item?.payload;
  return p !== null && typeof p === "object" && !Array.isArray(p) && !("base64" in p) && !("omitted" in p)
    ? (p as Record<string, unknown>)
    : undefined;
}

/** Fill `ev.event` with the event as Sentry would store it (JavaScript frames processed). */
export function processIncoming(core: ServerCore, ev: StoredEvent): void {
  const payload = eventPayload(ev);
  if (!payload) return;
  const project = core.state.projects.find((p) => p.id === ev.projectId);
  const org = project && core.state.orgs.find((o) => o.id === project.orgId);
  const base = { ...payload, event_id: ev.id, project: ev.projectId };
  if (!project || !org || !isJavaScriptEvent(base)) {
    ev.event = base;
    return;
  }
  ev.event = processEvent(base, storeFor(core, org, project)).event;
}
