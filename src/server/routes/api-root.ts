/**
 * The API root and the organization/project reads: `GET /api/0/` (who am I: user and scopes, or
 * nulls when anonymous), the organization list and details, an organization's projects and a
 * project's details — with real Sentry's authentication and scope rules (sentry-api.md §6).
 */
import { ORG_READ_SCOPES, PROJECT_READ_SCOPES } from "../../domain/scopes.js";
import { authenticate, authorizeOrg } from "../auth.js";
import type { ServerCore } from "../core.js";
import { json, NOT_FOUND, type Router } from "../http.js";
import { serializeOrg, serializeProject, serializeUser } from "../serialize.js";
import { paginateMapped } from "./paging.js";

export function register(router: Router, core: ServerCore): void {
  const { state } = core;

  router.on("GET", "/api/0/", (req) => {
    const header = req.headers.authorization;
    const scheme = header?.trim().split(/\s+/)[0]?.toLowerCase();
    // No credentials (or a scheme no authenticator claims) is an anonymous request: 200 with nulls.
    if (!header || (scheme !== "bearer" && scheme !== "basic"))
      return json(200, { version: "0", auth: null, user: null });
    const a = authenticate(state, req);
    if ("reply" in a) return a.reply;
    const t = a.token;
    return json(200, {
      version: "0",
      auth: { scopes: [...t.scopes] },
      user: t.kind === "user" && t.user ? serializeUser(t.user) : null,
    });
  });

  router.on("GET", "/api/0/organizations/", (req) => {
    const a = authenticate(state, req);
    if ("reply" in a) return a.reply;
    let orgs = a.token.kind === "org" ? state.orgs.filter((o) => o.slug === a.token.orgSlug) : [...state.orgs];
    const query = req.query.query;
    if (query)
      orgs = orgs.filter(
        (o) => o.slug.includes(query.toLowerCase()) || o.name.toLowerCase().includes(query.toLowerCase()),
      );
    orgs.sort((x, y) => x.name.localeCompare(y.name));
    return paginateMapped(req, orgs, (o) => serializeOrg(o, core.url()));
  });

  router.on("GET", "/api/0/organizations/:org/", (req) => {
    const a = authorizeOrg(state, req, req.params.org!, ORG_READ_SCOPES);
    if ("reply" in a) return a.reply;
    return json(200, { ...serializeOrg(a.org, core.url()), access: [...a.token.scopes] });
  });

  router.on("GET", "/api/0/organizations/:org/projects/", (req) => {
    const a = authorizeOrg(state, req, req.params.org!, ORG_READ_SCOPES);
    if ("reply" in a) return a.reply;
    const projects = state.projectsOf(a.org).sort((x, y) => x.slug.localeCompare(y.slug));
    return paginateMapped(req, projects, (p) => serializeProject(p, a.org));
  });

  router.on("GET", "/api/0/projects/:org/:project/", (req) => {
    const a = authorizeOrg(state, req, req.params.org!, PROJECT_READ_SCOPES);
    if ("reply" in a) return a.reply;
    const p = state.project(a.org, req.params.project!);
    if (!p) return NOT_FOUND();
    return json(200, { ...serializeProject(p, a.org), organization: serializeOrg(a.org, core.url()) });
  });
}
