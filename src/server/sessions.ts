/**
 * Release health in `serve`: `session` and `sessions` envelope items processed under Relay's rules
 * (relay-server processor/session.rs) and counted as Sentry's release-health metrics count them.
 *
 * Relay's rules: the payload must parse (`started` required, `status` one of ok/exited/crashed/
 * abnormal/errored, `attrs.release` a valid release); a `timestamp` before `started` is set to
 * `started`; a session started or updated more than 5 days ago or more than 60 s in the future is
 * dropped; an invalid environment is removed (the session kept). Items are dropped silently (the
 * envelope is still answered 200).
 *
 * Counting (Relay's metrics extraction): a session counts once, on its `init` update; it is
 * errored when it has errors or ends errored/crashed/abnormal, crashed when it ends crashed; a user
 * is its `did`. A session that has ended (exited, crashed, abnormal) takes no further updates — the
 * status transitions the SDKs follow — so a repeated end is never counted twice. Aggregates
 * (`sessions`) add `exited + errored + abnormal + crashed` sessions per row.
 */
import { createHash } from "node:crypto";
import { environmentProblem, versionProblem } from "../domain/release.js";
import type { ServerCore } from "./core.js";
import { keepNewest } from "./limits.js";
import { drop } from "./monitors.js";
import type { Project, SessionBucket } from "./state.js";

export const MAX_SESSION_SECS_IN_PAST = 5 * 24 * 3600;
export const MAX_SECS_IN_FUTURE = 60;
const STATUSES = new Set(["ok", "exited", "crashed", "abnormal", "errored"]);
const ENDED = new Set(["exited", "crashed", "abnormal"]);

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseTime(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v * 1000;
  if (typeof v !== "string") return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

function timeProblem(now: number, t: number): string | undefined {
  if (now - t > MAX_SESSION_SECS_IN_PAST * 1000) return "session older than 5 days";
  if (t - now > MAX_SECS_IN_FUTURE * 1000) return "session more than 60s in the future";
  return undefined;
}

/** `attrs`: the release must be valid (else the item is dropped); an invalid environment is removed. */
function parseAttrs(v: unknown): { release: string; environment: string | null } | string {
  if (!isObject(v)) return "missing attrs";
  if (typeof v.release !== "string") return "missing attrs.release";
  const p = versionProblem(v.release);
  if (p) return `invalid release: ${p}`;
  const env = typeof v.environment === "string" && !environmentProblem(v.environment) ? v.environment : null;
  return { release: v.release, environment: env };
}

function bucketFor(
  core: ServerCore,
  project: Project,
  release: string,
  environment: string | null,
  started: number,
): SessionBucket {
  const { state } = core;
  const minute = new Date(Math.floor(started / 60_000) * 60_000).toISOString();
  let b = state.sessionBuckets.find(
    (x) => x.projectId === project.id && x.release === release && x.environment === environment && x.started === minute,
  );
  if (!b) {
    b = {
      projectId: project.id,
      release,
      environment,
      started: minute,
      sessions: 0,
      errored: 0,
      abnormal: 0,
      crashed: 0,
      users: [],
      crashedUsers: [],
    };
    state.sessionBuckets.push(b);
  }
  return b;
}

/**
 * Count a user id in a bucket's list. A long id is kept as its SHA-1 (counting needs only
 * equality), and a list at the user bound takes no more.
 */
function addUser(core: ServerCore, list: string[], did: unknown): void {
  if (typeof did !== "string" || did === "" || list.length >= core.limits.sessionUsers) return;
  const id = did.length > 64 ? createHash("sha1").update(did).digest("hex") : did;
  if (!list.includes(id)) list.push(id);
}

/** One `session` item (a session update). */
export function ingestSession(core: ServerCore, project: Project, payload: Buffer): void {
  const reason = applySession(core, project, payload);
  if (reason) drop(core, "session", project, reason);
  else save(core);
}

function applySession(core: ServerCore, project: Project, payload: Buffer): string | undefined {
  let s: unknown;
  try {
    s = JSON.parse(payload.toString("utf8"));
  } catch {
    return "invalid session payload";
  }
  if (!isObject(s)) return "invalid session payload";
  const now = core.now().getTime();
  const started = parseTime(s.started);
  if (started === undefined) return "invalid session payload: started is missing";
  let timestamp = s.timestamp === undefined ? now : parseTime(s.timestamp);
  if (timestamp === undefined) return "invalid session payload: bad timestamp";
  if (timestamp < started) timestamp = started;
  for (const t of [timestamp, started]) {
    const p = timeProblem(now, t);
    if (p) return p;
  }
  const attrs = parseAttrs(s.attrs);
  if (typeof attrs === "string") return attrs;
  const status = s.status === undefined ? "ok" : s.status;
  if (typeof status !== "string" || !STATUSES.has(status)) return `unknown session status '${String(status)}'`;
  const errors = typeof s.errors === "number" && s.errors > 0 ? s.errors : 0;
  const sid = typeof s.sid === "string" ? s.sid.replace(/-/g, "").toLowerCase() : undefined;

  const key = sid ? `${project.id}:${sid}` : undefined;
  const known = key ? core.state.sessionStates.get(key) : undefined;
  if (known && ENDED.has(known.status))
    return `session ${sid} already ended (${known.status}); update '${status}' ignored`;

  const b = bucketFor(core, project, attrs.release, attrs.environment, started);
  const st = known ?? { status: "ok", errored: false };
  if (s.init === true && !known) b.sessions += 1;
  // A user is a `did` on any update of the session: SDKs may learn the user after the first one.
  addUser(core, b.users, s.did);
  const erroredNow = errors > 0 || status === "errored" || status === "crashed" || status === "abnormal";
  if (erroredNow && !st.errored) {
    b.errored += 1;
    st.errored = true;
  }
  if (status === "crashed") {
    b.crashed += 1;
    addUser(core, b.crashedUsers, s.did);
  }
  if (status === "abnormal") b.abnormal += 1;
  st.status = status;
  if (key) remember(core, key, st);
  return undefined;
}

/** The last status of a session, newest last; the oldest are forgotten past the bound. */
function remember(core: ServerCore, key: string, st: { status: string; errored: boolean }): void {
  const states = core.state.sessionStates;
  states.delete(key);
  states.set(key, st);
  for (const k of states.keys()) {
    if (states.size <= core.limits.sessionIds) break;
    states.delete(k);
  }
}

/** One `sessions` item (pre-aggregated counts). */
export function ingestSessionAggregates(core: ServerCore, project: Project, payload: Buffer): void {
  let s: unknown;
  try {
    s = JSON.parse(payload.toString("utf8"));
  } catch {
    drop(core, "sessions", project, "invalid sessions payload");
    return;
  }
  if (!isObject(s) || !Array.isArray(s.aggregates)) {
    drop(core, "sessions", project, "invalid sessions payload");
    return;
  }
  const now = core.now().getTime();
  const rows = s.aggregates.filter(isObject).flatMap((a) => {
    const started = parseTime(a.started);
    return started !== undefined && !timeProblem(now, started) ? [{ a, started }] : [];
  });
  if (rows.length === 0) {
    drop(core, "sessions", project, "no aggregate within the accepted time range");
    return;
  }
  const attrs = parseAttrs(s.attrs);
  if (typeof attrs === "string") {
    drop(core, "sessions", project, attrs);
    return;
  }
  const n = (v: unknown) => (typeof v === "number" && Number.isInteger(v) && v > 0 ? v : 0);
  for (const { a, started } of rows) {
    const b = bucketFor(core, project, attrs.release, attrs.environment, started);
    const exited = n(a.exited);
    const errored = n(a.errored);
    const abnormal = n(a.abnormal);
    const crashed = n(a.crashed);
    const total = exited + errored + abnormal + crashed;
    b.sessions += total;
    b.errored += errored + abnormal + crashed;
    b.abnormal += abnormal;
    b.crashed += crashed;
    if (total > 0) addUser(core, b.users, a.did);
    if (crashed > 0) addUser(core, b.crashedUsers, a.did);
  }
  save(core);
}

/** Keep the newest buckets within the bucket and user-id bounds, then write sessions.json. */
function save(core: ServerCore): void {
  const buckets = core.state.sessionBuckets;
  const usersOf = (b: SessionBucket) => b.users.length + b.crashedUsers.length;
  const users = buckets.reduce((n, b) => n + usersOf(b), 0);
  keepNewest(buckets, core.limits.sessionBuckets, core.limits.sessionUsers, usersOf, users);
  core.persist.saveJson("sessions.json", buckets);
}

/** Totals over a set of buckets: the figures every field is computed from. */
export interface HealthTotals {
  sessions: number;
  errored: number;
  abnormal: number;
  crashed: number;
  users: number;
  crashedUsers: number;
}

export function totalsOf(buckets: SessionBucket[]): HealthTotals {
  const users = new Set<string>();
  const crashedUsers = new Set<string>();
  const t = { sessions: 0, errored: 0, abnormal: 0, crashed: 0 };
  for (const b of buckets) {
    t.sessions += b.sessions;
    t.errored += b.errored;
    t.abnormal += b.abnormal;
    t.crashed += b.crashed;
    for (const u of b.users) users.add(u);
    for (const u of b.crashedUsers) crashedUsers.add(u);
  }
  return { ...t, users: users.size, crashedUsers: crashedUsers.size };
}

/** A field of the sessions API from totals; rates are 0..1, null without data. */
export function fieldValue(field: string, t: HealthTotals): number | null {
  const rate = (part: number, whole: number) => (whole > 0 ? Math.max(0, Math.min(1, part / whole)) : null);
  switch (field) {
    case "sum(session)":
      return t.sessions;
    case "count_unique(user)":
      return t.users;
    case "crash_rate(session)":
      return rate(t.crashed, t.sessions);
    case "crash_rate(user)":
      return rate(t.crashedUsers, t.users);
    case "crash_free_rate(session)": {
      const r = rate(t.crashed, t.sessions);
      return r === null ? null : 1 - r;
    }
    case "crash_free_rate(user)": {
      const r = rate(t.crashedUsers, t.users);
      return r === null ? null : 1 - r;
    }
    default:
      return null;
  }
}

export const SESSION_FIELDS = [
  "sum(session)",
  "count_unique(user)",
  "crash_rate(session)",
  "crash_rate(user)",
  "crash_free_rate(session)",
  "crash_free_rate(user)",
];
