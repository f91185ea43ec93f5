/**
 * Release endpoints (sentry-api.md §1, §2.4): create (idempotent, 201/208), list (org and
 * project), details, update, delete, the release's commits and previous-with-commits — with real
 * Sentry's scopes, validation order, messages and status codes. Repositories live in repos.ts.
 */

import { versionProblem } from "../../domain/release.js";
import { RELEASE_SCOPES } from "../../domain/scopes.js";
import { authorizeOrg } from "../auth.js";
import type { ServerCore } from "../core.js";
import { detail, fieldErrors, json, NOT_FOUND, type Reply, type RouteRequest, type Router } from "../http.js";
import { serializeCommit, serializeRelease } from "../serialize.js";
import type { Org, Project, Release, ServerState } from "../state.js";
import { bodyObject, charField, collectErrors, dateTimeField, type Field, listField, valuesOf } from "./fields.js";
import { paginateMapped } from "./paging.js";
import { withHealth } from "./release-health.js";
import {
  type CommitInput,
  clearCommits,
  commitItem,
  headCommitItem,
  type RefInput,
  refItem,
  setCommits,
  setRefs,
  unknownRefRepos,
  wantsServerError,
} from "./release-model.js";

const MAX_VERSION_LENGTH = 200;
const STATS_PERIODS = ["1h", "24h", "1d", "48h", "2d", "7d", "14d", "30d", "90d"];
const SESSION_SORTS = ["crash_free_sessions", "crash_free_users", "sessions", "users", "sessions_24h", "users_24h"];

type Auth = { org: Org } | { reply: Reply };

function authorize(core: ServerCore, req: RouteRequest): Auth {
  return authorizeOrg(core.state, req, req.params.org!, RELEASE_SCOPES[req.method] ?? []);
}

/** ReleaseSerializer's own fields (shared by create and update), in declaration order. */
function releaseFields(body: Record<string, unknown>): Record<string, Field<unknown>> {
  return {
    ref: charField(body, "ref", { maxLength: MAX_VERSION_LENGTH, allowNull: true, allowBlank: true }),
    url: charField(body, "url", { allowNull: true, allowBlank: true, url: true }),
    dateReleased: dateTimeField(body, "dateReleased", { allowNull: true }),
    commits: listField(body, "commits", { allowNull: false }, commitItem),
    status: charField(body, "status", {
      validate: (v) => (v === "open" || v === "archived" ? undefined : `Invalid status ${v}`),
    }),
  };
}

function versionField(body: Record<string, unknown>): Field<unknown> {
  return charField(body, "version", {
    required: true,
    maxLength: MAX_VERSION_LENGTH,
    trim: false,
    validate: (v) => (versionProblem(v) === undefined ? undefined : `Release with name ${v} is not allowed`),
  });
}

interface ReleaseInput {
  ref?: string | null;
  url?: string | null;
  dateReleased?: Date | null;
  commits?: CommitInput[];
  status?: "open" | "archived";
  version?: string;
  projects?: unknown[];
  refs?: RefInput[];
  headCommits?: RefInput[];
}

function validationReply(errs: Record<string, unknown>): Reply {
  if (wantsServerError(errs)) return json(500, { detail: "Internal Error", errorId: "0".repeat(32) });
  return fieldErrors(errs);
}

/** Refs to apply: `refs` when non-empty, else the converted `headCommits`. */
function effectiveRefs(input: ReleaseInput): RefInput[] {
  if (input.refs?.length) return input.refs;
  return input.headCommits ?? [];
}

/** Resolve the `projects` list of a create: slugs, ids, or ids as strings. */
function resolveProjects(state: ServerState, org: Org, items: unknown[]): Project[] | undefined {
  const allowed = state.projectsOf(org);
  const out: Project[] = [];
  for (const item of items) {
    const p = allowed.find((x) =>
      typeof item === "string" ? x.slug === item || String(x.id) === item : typeof item === "number" && x.id === item,
    );
    if (!p) return undefined;
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

export function register(router: Router, core: ServerCore): void {
  const { state } = core;
  const base = "/api/0/organizations/:org/releases/";
  const save = () => core.persist.saveReleases(state);
  const saveRepos = (changed: boolean) => {
    if (changed) core.persist.saveRepos(state);
  };

  const withRelease = (req: RouteRequest): { org: Org; release: Release } | { reply: Reply } => {
    const a = authorize(core, req);
    if ("reply" in a) return a;
    const release = state.release(a.org, req.params.version!);
    if (!release) return { reply: NOT_FOUND() };
    return { org: a.org, release };
  };

  router.on("POST", base, (req) => {
    const a = authorize(core, req);
    if ("reply" in a) return a.reply;
    const b = bodyObject(req);
    if ("reply" in b) return b.reply;
    const results = {
      ...releaseFields(b.body),
      version: versionField(b.body),
      projects: listField(b.body, "projects", { required: true }),
      refs: listField(b.body, "refs", { allowNull: false }, refItem),
      headCommits: listField(b.body, "headCommits", { allowNull: false }, headCommitItem),
    };
    const errs = collectErrors(results);
    if (errs) return validationReply(errs);
    const input = valuesOf(results) as ReleaseInput;
    const org = a.org;
    const projects = resolveProjects(state, org, input.projects ?? []);
    if (!projects) return fieldErrors({ projects: ["Invalid project ids or slugs"] });

    const now = core.now();
    let release = state.release(org, input.version!);
    const created = !release;
    if (!release) {
      release = {
        id: state.nextId("release"),
        orgId: org.id,
        version: input.version!,
        ref: input.ref ?? null,
        url: input.url ?? null,
        dateCreated: now.toISOString(),
        dateReleased: input.dateReleased ? input.dateReleased.toISOString() : null,
        dateStarted: null,
        status: input.status ?? "open",
        userAgent: String(req.headers["user-agent"] ?? "").slice(0, 256),
        projects: [],
        commits: [],
        refs: [],
        seq: state.nextSeq(),
      };
      state.releases.push(release);
    } else if (input.status !== undefined && input.status !== release.status) {
      release.status = input.status;
      release.seq = state.nextSeq();
    }
    let linked = 0;
    for (const p of projects) {
      if (release.projects.includes(p.id)) continue;
      release.projects.push(p.id);
      linked++;
    }
    let reposChanged = false;
    if (input.commits?.length) reposChanged = setCommits(state, org, release, input.commits, now);
    const refs = effectiveRefs(input);
    if (refs.length) {
      const unknown = unknownRefRepos(state, org, refs);
      if (unknown.length) {
        save();
        saveRepos(reposChanged);
        return fieldErrors({ refs: [`Invalid repository names: ${unknown.join(",")}`] });
      }
      setRefs(release, refs, !input.commits?.length, now);
    }
    save();
    saveRepos(reposChanged);
    return json(created || linked > 0 ? 201 : 208, serializeRelease(state, release));
  });

  router.on("GET", base, (req) => {
    const a = authorize(core, req);
    if ("reply" in a) return a.reply;
    const q = req.query;
    for (const key of ["summaryStatsPeriod", "healthStatsPeriod"]) {
      const v = q[key];
      const effective = key === "summaryStatsPeriod" ? v || "14d" : v;
      if (effective && !STATS_PERIODS.includes(effective)) {
        return detail(400, `Invalid ${key}. Valid choices are [${STATS_PERIODS.map((p) => `'${p}'`).join(", ")}]`);
      }
    }
    const healthStat = q.healthStat || "sessions";
    if (healthStat !== "sessions" && healthStat !== "users") return detail(400, "invalid healthStat");
    const projectIds = req.queryAll.getAll("project");
    let projectFilter = state.projectsOf(a.org).map((p) => p.id);
    if (projectIds.length && !(projectIds.length === 1 && projectIds[0] === "-1")) {
      if (!projectIds.every((p) => /^-?\d+$/.test(p)))
        return detail(400, "Invalid project parameter. Values must be numbers.");
      const wanted = projectIds.map(Number);
      if (!wanted.every((id) => projectFilter.includes(id))) {
        return detail(403, "You do not have permission to perform this action.");
      }
      projectFilter = wanted;
    }
    if (projectFilter.length === 0) return json(200, []);
    const status = q.status ?? "open";
    if (status !== "" && status !== "open" && status !== "archived") return detail(400, "invalid value for status");
    let list = state.releases.filter(
      (r) => r.orgId === a.org.id && r.projects.some((id) => projectFilter.includes(id)),
    );
    if (status) list = list.filter((r) => r.status === status);
    const query = q.query;
    if (query) {
      const m = /^release(?:\.version)?:"?(.*?)"?$/.exec(query);
      if (m) {
        const pattern = new RegExp(
          `^${m[1]!
            .split("*")
            .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*")}$`,
        );
        list = list.filter((r) => pattern.test(r.version));
      } else {
        const needle = query.toLowerCase();
        list = list.filter((r) => r.version.toLowerCase().includes(needle));
      }
    }
    const sort = q.sort || "date";
    if (SESSION_SORTS.includes(sort) || sort === "adoption") {
      if (q.flatten !== "1") return detail(400, "sorting by crash statistics requires flattening (flatten=1)");
    } else if (sort !== "date" && sort !== "semver" && sort !== "build") {
      return detail(400, "invalid sort");
    }
    list = [...list].sort((x, y) => y.dateCreated.localeCompare(x.dateCreated) || y.id - x.id);
    return paginateMapped(req, list, (r) => serializeRelease(state, r));
  });

  router.on("GET", `${base}:version/`, (req) => {
    const r = withRelease(req);
    if ("reply" in r) return r.reply;
    const q = req.query;
    for (const key of ["summaryStatsPeriod", "healthStatsPeriod"]) {
      const v = q[key];
      if (v && !STATS_PERIODS.includes(v)) {
        return detail(400, `Invalid ${key}. Valid choices are [${STATS_PERIODS.map((p) => `'${p}'`).join(", ")}]`);
      }
    }
    return withHealth(core, req, r.release, serializeRelease(state, r.release));
  });

  router.on("PUT", `${base}:version/`, (req) => {
    const r = withRelease(req);
    if ("reply" in r) return r.reply;
    const b = bodyObject(req);
    if ("reply" in b) return b.reply;
    const results = {
      ...releaseFields(b.body),
      headCommits: listField(b.body, "headCommits", { allowNull: false }, headCommitItem),
      refs: listField(b.body, "refs", { allowNull: false }, refItem),
    };
    const errs = collectErrors(results);
    if (errs) return validationReply(errs);
    const input = valuesOf(results) as ReleaseInput;
    const { org, release } = r;
    const now = core.now();
    // Only truthy values are applied (ReleaseStatus.OPEN is 0 in Sentry, so "open" is a no-op here).
    if (input.dateReleased) release.dateReleased = input.dateReleased.toISOString();
    if (input.ref) release.ref = input.ref;
    if (input.url) release.url = input.url;
    if (input.status === "archived") release.status = "archived";
    release.seq = state.nextSeq();
    const commitList = input.commits ?? [];
    let reposChanged = false;
    if (commitList.length) reposChanged = setCommits(state, org, release, commitList, now);
    let refs = input.refs?.length ? input.refs : [];
    if (!refs.length) {
      if (input.headCommits?.length) refs = input.headCommits;
      else if (input.refs && input.refs.length === 0) clearCommits(release);
    }
    if (refs.length) {
      const unknown = unknownRefRepos(state, org, refs);
      if (unknown.length) {
        save();
        saveRepos(reposChanged);
        return fieldErrors({ refs: [`Invalid repository names: ${unknown.join(",")}`] });
      }
      setRefs(release, refs, commitList.length === 0, now);
    }
    save();
    saveRepos(reposChanged);
    return json(200, serializeRelease(state, release));
  });

  router.on("DELETE", `${base}:version/`, (req) => {
    const r = withRelease(req);
    if ("reply" in r) return r.reply;
    state.releases = state.releases.filter((x) => x !== r.release);
    const before = state.deploys.length;
    state.deploys = state.deploys.filter((d) => d.releaseId !== r.release.id);
    save();
    if (state.deploys.length !== before) core.persist.saveDeploys(state);
    return { status: 204 };
  });

  router.on("GET", `${base}:version/commits/`, (req) => {
    const r = withRelease(req);
    if ("reply" in r) return r.reply;
    return paginateMapped(req, r.release.commits, (c) => serializeCommit(state, r.org.id, c));
  });

  router.on("GET", `${base}:version/previous-with-commits/`, (req) => {
    const r = withRelease(req);
    if ("reply" in r) return r.reply;
    const prev = previousWithCommits(state, r.org, r.release);
    return json(200, prev ? serializeRelease(state, prev) : {});
  });

  router.on("GET", "/api/0/projects/:org/:project/releases/", (req) => {
    const a = authorize(core, req);
    if ("reply" in a) return a.reply;
    const project = state.project(a.org, req.params.project!);
    if (!project) return NOT_FOUND();
    let list = state.releases.filter(
      (r) => r.orgId === a.org.id && r.status === "open" && r.projects.includes(project.id),
    );
    const env = req.query.environment;
    if (env !== undefined) {
      list = list.filter((r) =>
        state.deploys.some((d) => d.releaseId === r.id && d.environment === env && d.projects.includes(project.id)),
      );
    }
    const query = req.query.query;
    if (query) list = list.filter((r) => r.version.toLowerCase().includes(query.toLowerCase()));
    const date = (r: Release) => r.dateReleased ?? r.dateCreated;
    list = [...list].sort((x, y) => Date.parse(date(y)) - Date.parse(date(x)) || y.id - x.id);
    return paginateMapped(req, list, (r) => serializeRelease(state, r));
  });
}

/**
 * The newest release sharing a project with `release` that has commits and whose
 * COALESCE(dateReleased, dateCreated) is not later than `release`'s (itself included).
 */
export function previousWithCommits(state: ServerState, org: Org, release: Release): Release | undefined {
  const start = Date.parse(release.dateReleased ?? release.dateCreated);
  const date = (r: Release) => Date.parse(r.dateReleased ?? r.dateCreated);
  return state.releases
    .filter(
      (r) =>
        r.orgId === org.id &&
        r.commits.length > 0 &&
        r.projects.some((p) => release.projects.includes(p)) &&
        date(r) <= start,
    )
    .sort((x, y) => date(y) - date(x) || y.seq - x.seq)[0];
}
