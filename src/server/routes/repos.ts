/**
 * Organization repositories (sentry-api.md §2.3): the paginated list sentry-cli's set-commits
 * reads, and a strict create so users and tests can register the repos `set-commits --auto` and
 * `--commit` need (real Sentry creates these through an installed integration).
 */
import { ORG_READ_SCOPES } from "../../domain/scopes.js";
import { authorizeOrg } from "../auth.js";
import type { ServerCore } from "../core.js";
import { detail, fieldErrors, json, type Router } from "../http.js";
import { REPO_PROVIDERS, serializeRepo } from "../serialize.js";
import type { Repo } from "../state.js";
import { bodyObject, charField, collectErrors, valuesOf } from "./fields.js";
import { paginateMapped } from "./paging.js";
import { nextRepoId } from "./release-model.js";

/** OrganizationIntegrationsLoosePermission for writes. */
export const REPO_WRITE_SCOPES = ["org:write", "org:admin", "org:integrations"] as const;

export function register(router: Router, core: ServerCore): void {
  const { state } = core;
  const path = "/api/0/organizations/:org/repos/";

  router.on("GET", path, (req) => {
    const a = authorizeOrg(state, req, req.params.org!, ORG_READ_SCOPES);
    if ("reply" in a) return a.reply;
    const status = req.query.status ?? "active";
    let list = state.reposOf(a.org);
    if (status === "active") list = list.filter((r) => r.status === "active");
    else if (status === "deleted") list = list.filter((r) => r.status !== "active");
    else list = [];
    const query = req.query.query;
    if (query) list = list.filter((r) => r.name.toLowerCase().includes(query.toLowerCase()));
    return paginateMapped(req, list, serializeRepo);
  });

  router.on("POST", path, (req) => {
    const a = authorizeOrg(state, req, req.params.org!, REPO_WRITE_SCOPES);
    if ("reply" in a) return a.reply;
    const b = bodyObject(req);
    if ("reply" in b) return b.reply;
    const provider = b.body.provider;
    // Own keys only: `"constructor" in REPO_PROVIDERS` is true too.
    const providerName =
      typeof provider === "string" && Object.hasOwn(REPO_PROVIDERS, provider) ? REPO_PROVIDERS[provider] : undefined;
    if (typeof provider !== "string" || providerName === undefined) return json(400, { error_type: "validation" });
    const results = {
      name: charField(b.body, "name", { required: true, maxLength: 200 }),
      url: charField(b.body, "url", { allowNull: true, allowBlank: true, url: true }),
    };
    const errs = collectErrors(results);
    if (errs) return fieldErrors(errs);
    const v = valuesOf(results) as { name: string; url?: string | null };
    if (state.repos.some((r) => r.orgId === a.org.id && r.name === v.name)) {
      return detail(400, "A repository with that name already exists");
    }
    const repo: Repo = {
      id: nextRepoId(state),
      orgId: a.org.id,
      name: v.name,
      url: v.url || null,
      provider: { id: provider, name: providerName },
      status: "active",
      dateCreated: core.now().toISOString(),
      integrationId: null,
      externalSlug: v.name,
      externalId: null,
    };
    state.repos.push(repo);
    core.persist.saveRepos(state);
    return json(201, serializeRepo(repo));
  });
}
