/**
 * Web-API authentication and permissions as real Sentry applies them (sentry-api.md §6, §1.1):
 * 401 for missing/malformed/unknown credentials, 403 for a missing scope or an org the token is
 * not bound to, 404 for an unknown organization.
 */
import { detail, FORBIDDEN, NOT_FOUND, type Reply, type RouteRequest } from "./http.js";
import type { Org, ServerState, TokenRecord } from "./state.js";

export type AuthResult = { token: TokenRecord } | { reply: Reply };

const UNAUTHORIZED_HEADERS = { "WWW-Authenticate": 'xBasic realm="api"' };

function unauthorized(message: string): Reply {
  return { ...detail(401, message), headers: UNAUTHORIZED_HEADERS };
}

export function authenticate(state: ServerState, req: RouteRequest): AuthResult {
  const header = req.headers.authorization;
  if (!header) return { reply: unauthorized("Authentication credentials were not provided.") };
  const words = header.trim().split(/\s+/);
  const scheme = words[0]!.toLowerCase();
  if (scheme !== "bearer") {
    // DSN, Sentry and Basic (API key) auth are not accepted by these endpoints.
    if (scheme === "basic") return { reply: unauthorized("API key is not valid") };
    return { reply: unauthorized("Authentication credentials were not provided.") };
  }
  if (words.length === 1) return { reply: unauthorized("Invalid token header. No credentials provided.") };
  if (words.length > 2) return { reply: unauthorized("Invalid token header. Token string should not contain spaces.") };
  const value = words[1]!;
  const rec = state.tokens.find((t) => t.token === value);
  if (value.startsWith("sntrys_")) {
    if (rec?.kind !== "org") return { reply: unauthorized("Invalid org token") };
    return { token: rec };
  }
  if (rec?.kind !== "user") return { reply: unauthorized("Invalid token") };
  return { token: rec };
}

export function hasAnyScope(token: TokenRecord, scopes: readonly string[]): boolean {
  return scopes.some((s) => token.scopes.includes(s));
}

/**
 * Authenticate, resolve the organization and check that the token may act on it with one of
 * `scopes`. Returns the token and org, or the reply real Sentry gives.
 */
export function authorizeOrg(
  state: ServerState,
  req: RouteRequest,
  orgParam: string,
  scopes: readonly string[],
): { token: TokenRecord; org: Org } | { reply: Reply } {
  const a = authenticate(state, req);
  if ("reply" in a) return a;
  const org = state.org(orgParam);
  if (!org) return { reply: NOT_FOUND() };
  if (a.token.kind === "org" && a.token.orgSlug !== org.slug) return { reply: FORBIDDEN() };
  if (!hasAnyScope(a.token, scopes)) return { reply: FORBIDDEN() };
  return { token: a.token, org };
}
