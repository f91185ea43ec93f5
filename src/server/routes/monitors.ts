/**
 * The organization monitors API as real Sentry serves it: `GET /api/0/organizations/{org}/monitors/`
 * (filters `project` = ids, `environment`, `query` on name/slug), the monitor's details and its
 * check-ins, newest first. Monitors come from `monitor_config` upserts in check-ins (../monitors.ts).
 */
import { authorizeOrg } from "../auth.js";
import type { ServerCore } from "../core.js";
import { detail, json, NOT_FOUND, type RouteRequest, type Router } from "../http.js";
import { serializeCheckIn, serializeMonitor } from "../monitors.js";
import type { Monitor, Org, ServerState } from "../state.js";
import { paginateMapped } from "./paging.js";

/** OrganizationPermission for reads. */
export const MONITOR_READ_SCOPES = ["org:read", "org:write", "org:admin"] as const;

/** `project=` values: numeric ids (or -1 for all); anything else is Sentry's 400. */
export function projectIdsParam(req: RouteRequest): number[] | "invalid" {
  const raw = req.queryAll.getAll("project").flatMap((v) => v.split(","));
  if (raw.some((v) => !/^-?\d+$/.test(v.trim()))) return "invalid";
  const ids = raw.map((v) => Number(v.trim()));
  return ids.includes(-1) ? [] : ids;
}

function findMonitor(state: ServerState, org: Org, slug: string, req: RouteRequest): Monitor | undefined {
  const ids = projectIdsParam(req);
  return state.monitors.find(
    (m) =>
      m.orgId === org.id && m.slug === slug && (ids === "invalid" || ids.length === 0 || ids.includes(m.projectId)),
  );
}

export function register(router: Router, core: ServerCore): void {
  const { state } = core;

  router.on("GET", "/api/0/organizations/:org/monitors/", (req) => {
    const a = authorizeOrg(state, req, req.params.org!, MONITOR_READ_SCOPES);
    if ("reply" in a) return a.reply;
    const ids = projectIdsParam(req);
    if (ids === "invalid") return detail(400, "Invalid project parameter. Values must be numbers.");
    const envs = req.queryAll.getAll("environment");
    const q = (req.query.query ?? "").toLowerCase();
    const list = state.monitors
      .filter((m) => m.orgId === a.org.id)
      .filter((m) => ids.length === 0 || ids.includes(m.projectId))
      .filter((m) => envs.length === 0 || m.environments.some((e) => envs.includes(e.name)))
      .filter((m) => q === "" || m.slug.toLowerCase().includes(q) || m.name.toLowerCase().includes(q))
      .sort((x, y) => x.name.localeCompare(y.name));
    return paginateMapped(req, list, (m) => serializeMonitor(state, a.org, m));
  });

  router.on("GET", "/api/0/organizations/:org/monitors/:slug/", (req) => {
    const a = authorizeOrg(state, req, req.params.org!, MONITOR_READ_SCOPES);
    if ("reply" in a) return a.reply;
    const m = findMonitor(state, a.org, req.params.slug!, req);
    return m ? json(200, serializeMonitor(state, a.org, m)) : NOT_FOUND();
  });

  router.on("GET", "/api/0/organizations/:org/monitors/:slug/checkins/", (req) => {
    const a = authorizeOrg(state, req, req.params.org!, MONITOR_READ_SCOPES);
    if ("reply" in a) return a.reply;
    const m = findMonitor(state, a.org, req.params.slug!, req);
    if (!m) return NOT_FOUND();
    const envs = req.queryAll.getAll("environment");
    const list = state.checkIns
      .filter((c) => c.monitorId === m.id && (envs.length === 0 || envs.includes(c.environment)))
      .reverse();
    return paginateMapped(req, list, serializeCheckIn);
  });
}
