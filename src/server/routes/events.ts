/**
 * A project's events, read as a user reads them on real Sentry: the list, one event (as
 * processed at ingestion) and the source-map debug report the web UI's "Unminify Code" dialog
 * uses (`source-map-debug-blue-thunder-edition`).
 */
import { EVENT_READ_SCOPES, PROJECT_READ_SCOPES } from "../../domain/scopes.js";
import { debugReport } from "../../sourcemaps/symbolicate/event.js";
import { authorizeOrg } from "../auth.js";
import type { ServerCore } from "../core.js";
import { detail, json, NOT_FOUND, type RouteRequest, type Router } from "../http.js";
import type { Org, Project, StoredEvent } from "../state.js";
import { apiEvent, apiEventSummary } from "../symbolicate/api-shape.js";
import { eventPayload, storeFor } from "../symbolicate/index.js";
import { paginateMapped } from "./paging.js";

function projectOf(core: ServerCore, req: RouteRequest, scopes: readonly string[]) {
  const a = authorizeOrg(core.state, req, req.params.org!, scopes);
  if ("reply" in a) return a;
  const project = core.state.project(a.org, req.params.project!);
  if (!project) return { reply: NOT_FOUND() };
  return { org: a.org, project };
}

function eventsOf(core: ServerCore, project: Project): StoredEvent[] {
  return core.state.events.filter((e) => e.projectId === project.id && e.event !== undefined);
}

function findEvent(core: ServerCore, project: Project, id: string): StoredEvent | undefined {
  const want = id.replace(/-/g, "").toLowerCase();
  return eventsOf(core, project).find((e) => e.id === want);
}

export function register(router: Router, core: ServerCore): void {
  router.on("GET", "/api/0/projects/:org/:project/events/", (req) => {
    const p = projectOf(core, req, EVENT_READ_SCOPES);
    if ("reply" in p) return p.reply;
    const list = eventsOf(core, p.project).reverse();
    return paginateMapped(req, list, apiEventSummary);
  });

  router.on("GET", "/api/0/projects/:org/:project/events/:event_id/", (req) => {
    const p = projectOf(core, req, EVENT_READ_SCOPES);
    if ("reply" in p) return p.reply;
    const list = eventsOf(core, p.project);
    const i = list.findIndex((e) => e.id === req.params.event_id!.replace(/-/g, "").toLowerCase());
    if (i < 0) return detail(404, "Event not found");
    return json(200, apiEvent(list[i]!, { previous: list[i - 1]?.id ?? null, next: list[i + 1]?.id ?? null }));
  });

  router.on("GET", "/api/0/projects/:org/:project/events/:event_id/source-map-debug-blue-thunder-edition/", (req) => {
    const p = projectOf(core, req, PROJECT_READ_SCOPES);
    if ("reply" in p) return p.reply;
    const ev = findEvent(core, p.project, req.params.event_id!);
    if (!ev) return detail(404, "Event not found");
    return json(200, debugReportFor(core, p.org, p.project, ev));
  });
}

function debugReportFor(core: ServerCore, org: Org, project: Project, ev: StoredEvent): Record<string, unknown> {
  const raw = { ...(eventPayload(ev) ?? {}), event_id: ev.id };
  return debugReport(raw, storeFor(core, org, project));
}
