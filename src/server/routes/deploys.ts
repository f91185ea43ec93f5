/**
 * Release deploys (sentry-api.md §3): create with DeploySerializer's rules and the
 * parameter-validation error for projects not linked to the release; list the last deploy per
 * (project, environment), newest `dateFinished` first.
 */

import { environmentProblem, MAX_ENVIRONMENT_LENGTH } from "../../domain/release.js";
import { RELEASE_SCOPES } from "../../domain/scopes.js";
import { authorizeOrg } from "../auth.js";
import type { ServerCore } from "../core.js";
import { fieldErrors, json, NOT_FOUND, type Reply, type RouteRequest, type Router } from "../http.js";
import { serializeDeploy } from "../serialize.js";
import type { Deploy, Org, Project, Release, ServerState } from "../state.js";
import {
  bodyObject,
  charField,
  collectErrors,
  dateTimeField,
  type Field,
  fieldError,
  listField,
  valuesOf,
} from "./fields.js";
import { paginateMapped } from "./paging.js";

/** `{"detail": {"code": "parameter-validation-error", …}}` — ParameterValidationError. */
export function parameterValidationError(message: string): Reply {
  return json(400, { detail: { code: "parameter-validation-error", message, extra: { context: "" } } });
}

/** ProjectField(id_allowed=True): a slug or an id of a project in the org. */
function projectItem(state: ServerState, org: Org) {
  return (item: unknown): Field<Project> => {
    const p =
      typeof item === "string" || typeof item === "number"
        ? state.projects.find((x) => x.orgId === org.id && (x.slug === String(item) || String(x.id) === String(item)))
        : undefined;
    return p ? { kind: "value", value: p } : fieldError(["Invalid project"]);
  };
}

/** The last deploy (by creation) per (project, environment) of `release`, newest dateFinished first. */
export function lastDeploys(state: ServerState, release: Release): Deploy[] {
  const last = new Map<string, Deploy>();
  for (const d of state.deploys) {
    if (d.releaseId !== release.id) continue;
    for (const p of d.projects) last.set(`${p}\u0000${d.environment}`, d);
  }
  const unique = [...new Set(last.values())];
  return unique.sort((a, b) => Date.parse(b.dateFinished) - Date.parse(a.dateFinished) || Number(b.id) - Number(a.id));
}

export function register(router: Router, core: ServerCore): void {
  const { state } = core;
  const path = "/api/0/organizations/:org/releases/:version/deploys/";

  const withRelease = (req: RouteRequest): { org: Org; release: Release } | { reply: Reply } => {
    const a = authorizeOrg(state, req, req.params.org!, RELEASE_SCOPES[req.method] ?? []);
    if ("reply" in a) return a;
    const release = state.release(a.org, req.params.version!);
    if (!release) return { reply: NOT_FOUND() };
    return { org: a.org, release };
  };

  router.on("POST", path, (req) => {
    const r = withRelease(req);
    if ("reply" in r) return r.reply;
    const b = bodyObject(req);
    if ("reply" in b) return b.reply;
    const results = {
      name: charField(b.body, "name", { maxLength: 64, allowBlank: true, allowNull: true }),
      environment: charField(b.body, "environment", {
        required: true,
        maxLength: MAX_ENVIRONMENT_LENGTH,
        validate: (v) => (environmentProblem(v) === undefined ? undefined : "Invalid value for environment"),
      }),
      url: charField(b.body, "url", { allowBlank: true, allowNull: true, url: true }),
      dateStarted: dateTimeField(b.body, "dateStarted", { allowNull: true }),
      dateFinished: dateTimeField(b.body, "dateFinished", { allowNull: true }),
      projects: listField(b.body, "projects", { allowEmpty: false }, projectItem(state, r.org)),
    };
    const errs = collectErrors(results);
    if (errs) return fieldErrors(errs);
    const v = valuesOf(results) as {
      name?: string | null;
      environment: string;
      url?: string | null;
      dateStarted?: Date | null;
      dateFinished?: Date | null;
      projects?: Project[];
    };
    const release = r.release;
    let projectIds: number[];
    if (v.projects) {
      const invalid = v.projects.filter((p) => !release.projects.includes(p.id));
      if (invalid.length) {
        return parameterValidationError(
          `Invalid projects (${invalid.map((p) => p.slug).join(", ")}) for release ${release.version}`,
        );
      }
      projectIds = [...new Set(v.projects.map((p) => p.id))];
    } else {
      projectIds = [...release.projects];
    }
    const deploy: Deploy = {
      id: String(state.nextId("deploy")),
      releaseId: release.id,
      environment: v.environment,
      name: v.name ?? null,
      url: v.url ?? null,
      dateStarted: v.dateStarted ? v.dateStarted.toISOString() : null,
      dateFinished: (v.dateFinished ?? core.now()).toISOString(),
      projects: projectIds,
    };
    state.deploys.push(deploy);
    core.persist.saveDeploys(state);
    return json(201, serializeDeploy(deploy));
  });

  router.on("GET", path, (req) => {
    const r = withRelease(req);
    if ("reply" in r) return r.reply;
    return paginateMapped(req, lastDeploys(state, r.release), serializeDeploy);
  });
}
