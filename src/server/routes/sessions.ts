/**
 * Release health as real Sentry serves it: `GET /api/0/organizations/{org}/sessions/` (fields,
 * groupBy, statsPeriod or start/end, interval, project, environment, query) and the `healthData`
 * of each project in the release details with `health=1`. Counts come from ../sessions.ts.
 */
import { EVENT_READ_SCOPES } from "../../domain/scopes.js";
import { authorizeOrg } from "../auth.js";
import type { ServerCore } from "../core.js";
import { detail, json, type Reply, type RouteRequest, type Router } from "../http.js";
import { fieldValue, SESSION_FIELDS, totalsOf } from "../sessions.js";
import type { Org, Release, ServerState, SessionBucket } from "../state.js";

const GROUP_BYS = ["release", "environment", "project", "session.status"];
const MAX_POINTS = 10_000;
const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export function parseDuration(v: string): number | undefined {
  const m = /^(\d+)([smhdw])$/.exec(v.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : undefined;
}

/** `release:"1.0" environment:prod` → filters; undefined when the query is not understood. */
export function parseSessionQuery(q: string): { release: string[]; environment: string[] } | undefined {
  const out = { release: [] as string[], environment: [] as string[] };
  const re = /\s*([\w.]+):(?:"((?:[^"\\]|\\.)*)"|\[([^\]]*)\]|(\S+))/y;
  let rest = q.trim();
  while (rest.length > 0) {
    re.lastIndex = 0;
    const m = re.exec(rest);
    if (!m) return undefined;
    const key = m[1] === "release.version" ? "release" : m[1]!;
    if (key !== "release" && key !== "environment") return undefined;
    const values =
      m[2] !== undefined
        ? [m[2].replace(/\\(.)/g, "$1")]
        : m[3] !== undefined
          ? m[3]
              .split(",")
              .map((v) => v.trim().replace(/^"(.*)"$/, "$1"))
              .filter(Boolean)
          : [m[4]!];
    out[key].push(...values);
    rest = rest.slice(m[0].length).trim();
  }
  return out;
}

interface Window {
  start: number;
  end: number;
  interval: number;
}

function timeWindow(req: RouteRequest, now: number): Window | Reply {
  const intervalText = req.query.interval ?? "1h";
  const interval = parseDuration(intervalText);
  if (interval === undefined || interval < 60_000) return detail(400, `Invalid interval: "${intervalText}"`);
  let start: number;
  let end: number;
  if (req.query.start !== undefined || req.query.end !== undefined) {
    const s = Date.parse(req.query.start ?? "");
    const e = Date.parse(req.query.end ?? "");
    if (Number.isNaN(s) || Number.isNaN(e)) return detail(400, "start and end are both required and must be dates");
    if (s >= e) return detail(400, "start must be before end");
    start = s;
    end = e;
  } else {
    const periodText = req.query.statsPeriod ?? "24h";
    const period = parseDuration(periodText);
    if (period === undefined) return detail(400, `Invalid statsPeriod: "${periodText}"`);
    end = now;
    start = now - period;
  }
  start = Math.floor(start / interval) * interval;
  end = Math.ceil(end / interval) * interval;
  if ((end - start) / interval > MAX_POINTS) {
    return detail(
      400,
      "Your interval and date range would create too many results. Use a larger interval, or a smaller date range.",
    );
  }
  return { start, end, interval };
}

function projectIds(req: RouteRequest, state: ServerState, org: Org): number[] | Reply {
  const raw = req.queryAll.getAll("project").flatMap((v) => v.split(","));
  if (raw.some((v) => !/^-?\d+$/.test(v.trim())))
    return detail(400, "Invalid project parameter. Values must be numbers.");
  const ids = raw.map((v) => Number(v.trim()));
  const all = state.projectsOf(org).map((p) => p.id);
  if (ids.length === 0 || ids.includes(-1)) return all;
  if (ids.some((id) => !all.includes(id))) return detail(403, "You do not have permission to perform this action.");
  return ids;
}

type Split = { by: Record<string, string | number>; buckets: SessionBucket[]; status?: string };

function splitBy(buckets: SessionBucket[], keys: string[], state: ServerState): Split[] {
  let groups: Split[] = [{ by: {}, buckets }];
  for (const key of keys) {
    if (key === "session.status") {
      groups = groups.flatMap((g) =>
        ["healthy", "errored", "abnormal", "crashed"].map((status) => ({
          by: { ...g.by, "session.status": status },
          buckets: g.buckets,
          status,
        })),
      );
      continue;
    }
    groups = groups.flatMap((g) => {
      const m = new Map<string, SessionBucket[]>();
      for (const b of g.buckets) {
        const v =
          key === "release"
            ? b.release
            : key === "environment"
              ? (b.environment ?? "")
              : String(state.projects.find((p) => p.id === b.projectId)?.id ?? b.projectId);
        m.set(v, [...(m.get(v) ?? []), b]);
      }
      return [...m.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([v, bs]) => ({
          by: { ...g.by, [key]: key === "project" ? Number(v) : v },
          buckets: bs,
          status: g.status,
        }));
    });
  }
  return groups;
}

/** A field's value for a group; with a session.status split, only sum(session) has one. */
function valueFor(field: string, buckets: SessionBucket[], status?: string): number | null {
  const t = totalsOf(buckets);
  if (status === undefined) return fieldValue(field, t);
  if (field !== "sum(session)") return null;
  switch (status) {
    case "healthy":
      return Math.max(0, t.sessions - t.errored);
    case "errored":
      return Math.max(0, t.errored - t.crashed - t.abnormal);
    case "abnormal":
      return t.abnormal;
    default:
      return t.crashed;
  }
}

export function register(router: Router, core: ServerCore): void {
  const { state } = core;
  router.on("GET", "/api/0/organizations/:org/sessions/", (req) => {
    const a = authorizeOrg(state, req, req.params.org!, EVENT_READ_SCOPES);
    if ("reply" in a) return a.reply;
    const fields = req.queryAll.getAll("field");
    if (fields.length === 0) return detail(400, 'Request is missing a "field"');
    const badField = fields.find((f) => !SESSION_FIELDS.includes(f));
    if (badField) return detail(400, `Invalid field: "${badField}"`);
    const groupBy = req.queryAll.getAll("groupBy");
    const badGroup = groupBy.find((g) => !GROUP_BYS.includes(g));
    if (badGroup) return detail(400, `Invalid groupBy: "${badGroup}"`);
    const w = timeWindow(req, core.now().getTime());
    if ("status" in w) return w;
    const ids = projectIds(req, state, a.org);
    if (!Array.isArray(ids)) return ids;
    const q = parseSessionQuery(req.query.query ?? "");
    if (!q) return detail(400, `Invalid query: ${req.query.query}`);
    const envs = [...req.queryAll.getAll("environment"), ...q.environment];

    const selected = state.sessionBuckets.filter((b) => {
      const t = Date.parse(b.started);
      return (
        ids.includes(b.projectId) &&
        t >= w.start &&
        t < w.end &&
        (envs.length === 0 || envs.includes(b.environment ?? "")) &&
        (q.release.length === 0 || q.release.includes(b.release))
      );
    });
    const intervals: number[] = [];
    for (let t = w.start; t < w.end; t += w.interval) intervals.push(t);
    const groups = splitBy(selected, groupBy, state).map((g) => {
      const totals = Object.fromEntries(fields.map((f) => [f, valueFor(f, g.buckets, g.status)]));
      const series = Object.fromEntries(
        fields.map((f) => [
          f,
          intervals.map((t) =>
            valueFor(
              f,
              g.buckets.filter((b) => {
                const s = Date.parse(b.started);
                return s >= t && s < t + w.interval;
              }),
              g.status,
            ),
          ),
        ]),
      );
      return { by: g.by, totals, series };
    });
    return json(200, {
      start: new Date(w.start).toISOString().replace(/\.000Z$/, "Z"),
      end: new Date(w.end).toISOString().replace(/\.000Z$/, "Z"),
      intervals: intervals.map((t) => new Date(t).toISOString().replace(/\.000Z$/, "Z")),
      groups,
      query: req.query.query ?? "",
    });
  });
}

/** Percent with Sentry's precision, or null without sessions. */
function percent(rate: number | null): number | null {
  return rate === null ? null : Math.round(rate * 100 * 1e4) / 1e4;
}

/**
 * `projects[].healthData` of a release details answer with `health=1`: crash-free sessions and
 * users (percent), session and user counts over `summaryStatsPeriod` (default 14d) and the last
 * 24 h, adoption against the project's sessions in 24 h, and `hasHealthData`.
 */
export function releaseHealthData(
  core: ServerCore,
  release: Release,
  projectId: number,
  opts: { environments: string[]; summaryPeriod?: string },
): Record<string, unknown> {
  const now = core.now().getTime();
  const summary = parseDuration(opts.summaryPeriod ?? "14d") ?? 14 * 86_400_000;
  const inEnv = (b: SessionBucket) => opts.environments.length === 0 || opts.environments.includes(b.environment ?? "");
  const project = core.state.sessionBuckets.filter((b) => b.projectId === projectId && inEnv(b));
  const mine = project.filter((b) => b.release === release.version);
  const since = (ms: number) => (b: SessionBucket) => Date.parse(b.started) >= now - ms;
  const total = totalsOf(mine.filter(since(summary)));
  const day = totalsOf(mine.filter(since(86_400_000)));
  const projectDay = totalsOf(project.filter(since(86_400_000)));
  const hours: Array<[number, number]> = [];
  const startHour = Math.floor(now / 3_600_000) * 3_600_000 - 23 * 3_600_000;
  for (let h = startHour; h <= now; h += 3_600_000) {
    const n = totalsOf(mine.filter((b) => Date.parse(b.started) >= h && Date.parse(b.started) < h + 3_600_000));
    hours.push([h / 1000, n.sessions]);
  }
  return {
    durationP50: null,
    durationP90: null,
    crashFreeUsers: percent(fieldValue("crash_free_rate(user)", total)),
    crashFreeSessions: percent(fieldValue("crash_free_rate(session)", total)),
    sessionsCrashed: total.crashed,
    sessionsErrored: Math.max(0, total.errored - total.crashed - total.abnormal),
    totalUsers: total.users,
    totalUsers24h: day.users,
    totalProjectUsers24h: projectDay.users,
    totalSessions: total.sessions,
    totalSessions24h: day.sessions,
    totalProjectSessions24h: projectDay.sessions,
    adoption: projectDay.users > 0 ? percent(day.users / projectDay.users) : null,
    sessionsAdoption: projectDay.sessions > 0 ? percent(day.sessions / projectDay.sessions) : null,
    hasHealthData: mine.length > 0,
    stats: { "24h": hours },
  };
}

/** Whether a project has any session of this release (the plain release answer's `hasHealthData`). */
export function hasHealthData(state: ServerState, release: Release, projectId: number): boolean {
  return state.sessionBuckets.some((b) => b.projectId === projectId && b.release === release.version);
}
