/**
 * The release details' health part: every project's `hasHealthData`, and with `health=1` its
 * `healthData` (sessions.ts); `project` narrows to one project (an id that is not the release's →
 * 400 `Invalid project`), `environment` to environments.
 */
import type { ServerCore } from "../core.js";
import { detail, json, type Reply, type RouteRequest } from "../http.js";
import type { Release } from "../state.js";
import { hasHealthData, releaseHealthData } from "./sessions.js";

export function withHealth(
  core: ServerCore,
  req: RouteRequest,
  release: Release,
  body: Record<string, unknown>,
): Reply {
  const projects = (body.projects as Array<Record<string, unknown> & { id: number }>) ?? [];
  for (const p of projects) p.hasHealthData = hasHealthData(core.state, release, p.id);
  if (req.query.health !== "1") return json(200, body);
  const wanted = req.query.project ?? req.query.project_id;
  if (wanted !== undefined && wanted !== "" && wanted !== "-1") {
    if (!/^\d+$/.test(wanted) || !release.projects.includes(Number(wanted))) return detail(400, "Invalid project");
  }
  const environments = req.queryAll.getAll("environment");
  for (const p of projects) {
    p.healthData = releaseHealthData(core, release, p.id, {
      environments,
      ...(req.query.summaryStatsPeriod ? { summaryPeriod: req.query.summaryStatsPeriod } : {}),
    });
  }
  return json(200, body);
}
