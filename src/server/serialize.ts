/**
 * Response bodies of the web API as real Sentry serializes them (sentry-api.md §1.8, §2.3, §3):
 * releases, commits, repositories, deploys, organizations, projects, users.
 */
import type { Commit, Deploy, Org, Project, Release, Repo, ServerState, User } from "./state.js";

/** A date as Sentry writes it: ISO-8601 UTC with `Z`, milliseconds only when not zero. */
export function isoDate(d: Date | string): string {
  const s = (typeof d === "string" ? new Date(d) : d).toISOString();
  return s.endsWith(".000Z") ? `${s.slice(0, -5)}Z` : s;
}

export function serializeUser(u: User): Record<string, unknown> {
  return {
    id: u.id,
    name: u.name,
    username: u.username,
    email: u.email,
    avatarUrl: null,
    isActive: true,
    hasPasswordAuth: true,
    isManaged: false,
    dateJoined: "2024-01-01T00:00:00Z",
    lastLogin: null,
    has2fa: false,
    lastActive: null,
    isSuperuser: false,
    isStaff: false,
    experiments: {},
    emails: [{ id: u.id, email: u.email, is_verified: true }],
    avatar: { avatarType: "letter_avatar", avatarUuid: null, avatarUrl: null },
  };
}

export function serializeOrg(o: Org, baseUrl: string): Record<string, unknown> {
  return {
    id: String(o.id),
    slug: o.slug,
    status: { id: "active", name: "active" },
    name: o.name,
    dateCreated: isoDate(o.dateCreated),
    isEarlyAdopter: false,
    require2FA: false,
    avatar: { avatarType: "letter_avatar", avatarUuid: null, avatarUrl: null },
    links: { organizationUrl: baseUrl, regionUrl: baseUrl },
    hasAuthProvider: false,
    features: [],
  };
}

export function serializeProject(p: Project, org: Org): Record<string, unknown> {
  return {
    id: String(p.id),
    slug: p.slug,
    name: p.name,
    platform: p.platform,
    dateCreated: isoDate(org.dateCreated),
    isBookmarked: false,
    isMember: true,
    features: [],
    firstEvent: null,
    firstTransactionEvent: false,
    access: ["project:read", "project:write", "project:releases"],
    hasAccess: true,
    status: "active",
  };
}

/** Sentry's provider names for the repository providers the server accepts. */
export const REPO_PROVIDERS: Record<string, string> = {
  "integrations:github": "GitHub",
  "integrations:github_enterprise": "GitHub Enterprise",
  "integrations:gitlab": "GitLab",
  "integrations:bitbucket": "Bitbucket",
  "integrations:bitbucket_server": "Bitbucket Server",
  "integrations:vsts": "Azure DevOps",
};

export function serializeRepo(r: Repo): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    provider: r.provider,
    status: r.status,
    dateCreated: isoDate(r.dateCreated),
    integrationId: r.integrationId,
    externalSlug: r.externalSlug,
    externalId: r.externalId,
  };
}

function author(c: Commit): Record<string, unknown> | null {
  if (!c.authorEmail && !c.authorName) return null;
  return { name: c.authorName, email: c.authorEmail };
}

export function serializeCommit(state: ServerState, orgId: number, c: Commit): Record<string, unknown> {
  const repo = state.repos.find((r) => r.orgId === orgId && r.name === c.repository);
  return {
    id: c.id,
    message: c.message,
    dateCreated: isoDate(c.timestamp ?? c.dateCreated),
    pullRequest: null,
    suspectCommitType: "",
    repository: repo ? serializeRepo(repo) : null,
    author: author(c),
  };
}

export function serializeDeploy(d: Deploy): Record<string, unknown> {
  return {
    id: d.id,
    environment: d.environment,
    dateStarted: d.dateStarted === null ? null : isoDate(d.dateStarted),
    dateFinished: isoDate(d.dateFinished),
    name: d.name,
    url: d.url,
  };
}

interface VersionInfo {
  package: string | null;
  version: Record<string, unknown>;
  description: string;
  buildHash: string | null;
}

/** `package@version+build` parsing in the spirit of Relay's parse_release (for versionInfo/shortVersion). */
export function versionInfo(version: string): VersionInfo {
  const at = version.indexOf("@");
  const pkg = at > 0 ? version.slice(0, at) : null;
  const raw = at > 0 ? version.slice(at + 1) : version;
  const semver = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(raw);
  if (semver) {
    const [, major, minor = "0", patch = "0", revision = "0", pre = null, build = null] = semver;
    const core = `${major}.${minor}.${patch}${revision !== "0" ? `.${revision}` : ""}${pre ? `-${pre}` : ""}`;
    return {
      package: pkg,
      version: {
        raw,
        major: Number(major),
        minor: Number(minor),
        patch: Number(patch),
        revision: Number(revision),
        pre,
        buildCode: build,
        components: [major, semver[2], semver[3], semver[4]].filter((x) => x !== undefined).length,
      },
      description: build ? `${core} (${build})` : core,
      buildHash: null,
    };
  }
  const isHash = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/i.test(raw);
  return {
    package: pkg,
    version: { raw },
    description: isHash ? raw.slice(0, 12) : raw,
    buildHash: isHash ? raw : null,
  };
}

/** Deploys of a release, oldest first. */
export function deploysOf(state: ServerState, r: Release): Deploy[] {
  return state.deploys.filter((d) => d.releaseId === r.id);
}

export function serializeRelease(state: ServerState, r: Release): Record<string, unknown> {
  const deploys = deploysOf(state, r);
  const last = deploys.length ? deploys[deploys.length - 1]! : undefined;
  const authors = new Map<string, Record<string, unknown>>();
  for (const c of r.commits) {
    const a = author(c);
    if (a) authors.set(`${c.authorEmail ?? ""}\u0000${c.authorName ?? ""}`, a);
  }
  const info = versionInfo(r.version);
  const projects = r.projects
    .map((id) => state.projects.find((p) => p.id === id))
    .filter((p): p is Project => p !== undefined)
    .map((p) => ({
      id: p.id,
      slug: p.slug,
      name: p.name,
      newGroups: 0,
      platform: p.platform,
      platforms: p.platform ? [p.platform] : [],
      hasHealthData: false,
    }));
  return {
    id: r.id,
    version: r.version,
    status: r.status,
    shortVersion: info.description,
    versionInfo: info,
    ref: r.ref,
    url: r.url,
    dateReleased: r.dateReleased === null ? null : isoDate(r.dateReleased),
    dateCreated: isoDate(r.dateCreated),
    dateStarted: r.dateStarted === null ? null : isoDate(r.dateStarted),
    data: {},
    newGroups: 0,
    owner: null,
    commitCount: r.commits.length,
    lastCommit: r.commits.length ? serializeCommit(state, r.orgId, r.commits[0]!) : null,
    deployCount: deploys.length,
    lastDeploy: last
      ? {
          id: last.id,
          environment: last.environment,
          dateStarted: last.dateStarted === null ? null : isoDate(last.dateStarted),
          dateFinished: isoDate(last.dateFinished),
          name: last.name,
          url: last.url,
        }
      : null,
    authors: [...authors.values()],
    projects,
    firstEvent: null,
    lastEvent: null,
    currentProjectMeta: {},
    userAgent: r.userAgent,
  };
}
