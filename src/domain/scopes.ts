/**
 * Which token scopes Sentry's endpoints accept (any one of a list), shared by `serve`, which
 * enforces them, and `info`, which tells a user what their token cannot do before a command fails
 * with a 403. The lists are Sentry's permission classes (sentry-api.md §2).
 */

/** Release, deploy, chunk-upload and assemble endpoints, by method (OrganizationReleasePermission). */
export const RELEASE_SCOPES: Record<string, readonly string[]> = {
  GET: ["project:read", "project:write", "project:admin", "project:releases", "org:ci"],
  POST: ["project:write", "project:admin", "project:releases", "org:ci"],
  PUT: ["project:write", "project:admin", "project:releases", "org:ci"],
  DELETE: ["project:admin", "project:releases"],
};

/** Organization read endpoints (repositories, organization details). */
export const ORG_READ_SCOPES = ["org:read", "org:write", "org:admin", "org:integrations", "org:ci"] as const;

/** Project read endpoints (project details, the source-map debug endpoint). */
export const PROJECT_READ_SCOPES = ["project:read", "project:write", "project:admin"] as const;

/** Event and session read endpoints (event details, the organization sessions API). */
export const EVENT_READ_SCOPES = ["event:read", "event:write", "event:admin"] as const;

export interface ScopeNeed {
  /** The commands, as a user types them. */
  commands: string;
  /** The token needs at least one of these. */
  anyOf: readonly string[];
}

/** What each group of commands needs, in the order the troubleshooting page lists it. */
export const COMMAND_SCOPES: readonly ScopeNeed[] = [
  {
    commands: "releases new/finalize/set-commits, deploys new, sourcemaps upload",
    anyOf: RELEASE_SCOPES.POST ?? [],
  },
  { commands: "releases set-commits (it lists the organization's repositories)", anyOf: ORG_READ_SCOPES },
  { commands: "releases list/info, deploys list", anyOf: RELEASE_SCOPES.GET ?? [] },
  { commands: "releases delete", anyOf: RELEASE_SCOPES.DELETE ?? [] },
  { commands: "releases health/gate, sourcemaps explain EVENT_ID", anyOf: EVENT_READ_SCOPES },
];

/** The needs a token with `scopes` does not meet. */
export function unmetScopeNeeds(scopes: readonly string[]): ScopeNeed[] {
  const have = new Set(scopes);
  return COMMAND_SCOPES.filter((n) => !n.anyOf.some((s) => have.has(s)));
}
