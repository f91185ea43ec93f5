/**
 * What a release create/update does besides its own fields (sentry-api.md §1.3, §1.6, §2):
 * the `commits` / `refs` / `headCommits` serializers and Release.set_commits / set_refs /
 * clear_commits, with repositories auto-created for commits and required by name for refs.
 */
import type { Commit, FileChange, Org, Release, Repo, ServerState } from "../state.js";
import { charField, dateTimeField, type Field, fieldError, listField, nested } from "./fields.js";

export const MAX_COMMIT_LENGTH = 64;

export interface CommitInput {
  id: string;
  repository?: string | null;
  message?: string | null;
  author_name?: string | null;
  author_email?: string | null;
  timestamp?: Date | null;
  patch_set?: FileChange[] | null;
}

export interface RefInput {
  repository: string;
  commit: string;
  previousCommit: string | null;
}

const FILE_CHANGE_TYPES = new Set(["A", "M", "D"]);

function patchItem(item: unknown): Field<FileChange> {
  return nested(
    item,
    (o) => ({
      path: charField(o, "path", { required: true, maxLength: 510 }),
      type: charField(o, "type", {
        required: true,
        maxLength: 1,
        validate: (v) => (FILE_CHANGE_TYPES.has(v) ? undefined : `Commit patch_set type ${v} is not supported.`),
      }),
    }),
    (v) => ({ path: v.path as string, type: v.type as FileChange["type"] }),
  );
}

/** CommitSerializer (one item of `commits`). */
export function commitItem(item: unknown): Field<CommitInput> {
  return nested(
    item,
    (o) => ({
      id: charField(o, "id", { required: true, maxLength: MAX_COMMIT_LENGTH }),
      repository: charField(o, "repository", { maxLength: 64, allowNull: true, allowBlank: true }),
      message: charField(o, "message", { allowNull: true, allowBlank: true }),
      author_name: charField(o, "author_name", { maxLength: 128, allowNull: true, allowBlank: true }),
      author_email: charField(o, "author_email", { maxLength: 200, allowNull: true, allowBlank: true }),
      timestamp: dateTimeField(o, "timestamp", { allowNull: true }),
      patch_set: listField(o, "patch_set", { allowNull: true }, patchItem),
    }),
    (v) => v as unknown as CommitInput,
  );
}

/** ReleaseHeadCommitSerializer (one item of `refs`), including the `A..B` range rules. */
export function refItem(item: unknown): Field<RefInput> {
  return nested(
    item,
    (o) => ({
      commit: charField(o, "commit", {
        required: true,
        validate: (v) => {
          if (!v.includes(".."))
            return v.length > MAX_COMMIT_LENGTH ? `Commit too long - max is ${MAX_COMMIT_LENGTH} chars` : undefined;
          const [a, b] = v.split("..");
          if (!a || !b) return "Commit cannot begin or end with ..";
          if (a.length > MAX_COMMIT_LENGTH || b.length > MAX_COMMIT_LENGTH)
            return `Start or end commit too long - max is ${MAX_COMMIT_LENGTH} chars each`;
          return undefined;
        },
      }),
      repository: charField(o, "repository", { required: true, maxLength: 200 }),
      previousCommit: charField(o, "previousCommit", {
        allowNull: true,
        allowBlank: true,
        validate: (v) =>
          v.length > MAX_COMMIT_LENGTH ? `Commit too long - max is ${MAX_COMMIT_LENGTH} chars` : undefined,
      }),
    }),
    (v) => {
      const commit = v.commit as string;
      const ref: RefInput = {
        repository: v.repository as string,
        commit,
        previousCommit: (v.previousCommit as string | null | undefined) ?? null,
      };
      if (commit.includes("..")) {
        const parts = commit.split("..");
        // Real Sentry unpacks into two names: a second `..` is an unhandled error there.
        if (parts.length !== 2) return fieldError({ __500__: true });
        ref.previousCommit = parts[0]!;
        ref.commit = parts[1]!;
      }
      return ref;
    },
  );
}

/** ReleaseHeadCommitSerializerDeprecated (one item of `headCommits`), turned into a ref. */
export function headCommitItem(item: unknown): Field<RefInput> {
  return nested(
    item,
    (o) => ({
      currentId: charField(o, "currentId", { required: true, maxLength: MAX_COMMIT_LENGTH }),
      repository: charField(o, "repository", { required: true, maxLength: 200 }),
      previousId: charField(o, "previousId", { maxLength: MAX_COMMIT_LENGTH, allowNull: true, allowBlank: true }),
    }),
    (v) => ({
      repository: v.repository as string,
      commit: v.currentId as string,
      previousCommit: (v.previousId as string | null | undefined) ?? null,
    }),
  );
}

/** True when a validation error tree asks for Sentry's 500 (see refItem). */
export function wantsServerError(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  if ("__500__" in err) return true;
  return Object.values(err).some(wantsServerError);
}

/** Next repository id (ids are strings; survives a reload from repos.json). */
export function nextRepoId(state: ServerState): string {
  return String(state.repos.reduce((m, r) => Math.max(m, Number(r.id) || 0), 0) + 1);
}

/** Repository.get_or_create(organization, name) as set_commits does it: no provider, no URL. */
export function ensureRepo(state: ServerState, org: Org, name: string, now: Date): Repo {
  const found = state.repos.find((r) => r.orgId === org.id && r.name === name);
  if (found) return found;
  const repo: Repo = {
    id: nextRepoId(state),
    orgId: org.id,
    name,
    url: null,
    provider: { id: "unknown", name: "Unknown Provider" },
    status: "active",
    dateCreated: now.toISOString(),
    integrationId: null,
    externalSlug: null,
    externalId: null,
  };
  state.repos.push(repo);
  return repo;
}

/**
 * Release.set_commits: replaces the release's commits, newest (by timestamp) first; a missing
 * repository goes to `organization-<id>`, an unknown one is created. Returns whether repos changed.
 */
export function setCommits(state: ServerState, org: Org, release: Release, list: CommitInput[], now: Date): boolean {
  const before = state.repos.length;
  const sorted = [...list].sort((a, b) => (b.timestamp?.getTime() ?? 0) - (a.timestamp?.getTime() ?? 0));
  const seen = new Set<string>();
  const commits: Commit[] = [];
  for (const c of sorted) {
    const repoName = c.repository || `organization-${org.id}`;
    ensureRepo(state, org, repoName, now);
    const key = `${repoName}\u0000${c.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let email = c.author_email ?? null;
    if (email === null && c.author_name)
      email = `${c.author_name.replace(/[^a-zA-Z0-9\-_.]*/g, "").toLowerCase()}@localhost`;
    if (email !== null) email = email.slice(0, 75);
    commits.push({
      id: c.id,
      repository: repoName,
      message: c.message ?? null,
      authorName: c.author_name ?? null,
      authorEmail: email,
      timestamp: c.timestamp ? c.timestamp.toISOString() : null,
      patchSet: c.patch_set ?? [],
      dateCreated: now.toISOString(),
    });
  }
  release.commits = commits;
  return state.repos.length !== before;
}

/** The repository names of `refs` that do not exist in the org (exact, case-sensitive match), in order. */
export function unknownRefRepos(state: ServerState, org: Org, refs: RefInput[]): string[] {
  const out: string[] = [];
  for (const r of refs) {
    if (out.includes(r.repository)) continue;
    if (!state.repos.some((x) => x.orgId === org.id && x.name === r.repository)) out.push(r.repository);
  }
  return out;
}

/**
 * Release.set_refs: records the refs; with `fetch` (no `commits` in the same request) real Sentry
 * asks the repository's integration for the commits in range. The stand-in has no integration, so
 * the head commit of each ref becomes the release's commit list (so `lastCommit` and
 * previous-with-commits behave as they would after the fetch).
 */
export function setRefs(release: Release, refs: RefInput[], fetch: boolean, now: Date): void {
  release.refs = refs.map((r) => ({ repository: r.repository, commit: r.commit, previousCommit: r.previousCommit }));
  if (!fetch) return;
  release.commits = refs.map((r) => ({
    id: r.commit,
    repository: r.repository,
    message: null,
    authorName: null,
    authorEmail: null,
    timestamp: null,
    patchSet: [],
    dateCreated: now.toISOString(),
  }));
}

export function clearCommits(release: Release): void {
  release.commits = [];
  release.refs = [];
}
