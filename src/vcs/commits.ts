/**
 * Local-git commit association (`set-commits --local`, and the fallbacks that lead to it): the
 * commits between the previous release's last commit and HEAD, with author, message, author time and
 * patch set, as sentry-cli 3.8 builds them. Beyond sentry-cli: in a shallow clone (CI checkouts are
 * depth 1 by default) the history is deepened in bounded `git fetch --deepen` steps until the
 * previous release's commit appears, never fetching the whole history unasked.
 */
import { InputError } from "../errors.js";
import type { GitRepo } from "./git.js";

/** One commit as `PUT /organizations/{org}/releases/{version}/` expects it (key order as sentry-cli). */
export interface CommitPayload {
  patch_set: Array<{ path: string; type: string }>;
  repository: string;
  author_name: string;
  author_email: string;
  timestamp: string;
  message: string;
  id: string;
}

export const DEFAULT_INITIAL_DEPTH = 20;
export const DEFAULT_DEEPEN_LIMIT = 1000;
/** Sizes of successive `git fetch --deepen` steps; the sum is capped by the limit. */
export const DEEPEN_STEPS = [50, 100, 200, 400, 800];
const WALK_WINDOW = 2000;

export const MISSING_PREVIOUS_MESSAGE =
  "Could not find the SHA of the previous release in the git history. If you limit the clone depth, try to increase it. Otherwise, it means that the commit we are looking for was amended or squashed and cannot be retrieved. Use --ignore-missing flag to skip it and create a new release with the default commits count.";

export interface LocalCommitsOptions {
  repo: GitRepo;
  /** The previous release's last commit ("" when there is none). */
  previousCommit: string;
  initialDepth: number;
  ignoreMissing: boolean;
  /** Value of every commit's `repository` field (sentry-cli: the remote's name). */
  repository: string;
  /** Remote used to deepen a shallow clone. */
  remote: string;
  /** Most commits to fetch when deepening (0 disables deepening). */
  deepenLimit: number;
  /**
   * Keep only the commits that touch these paths (relative to the repository root; monorepos).
   * The range is the same; without a previous release, the last `initialDepth` commits that touch them.
   */
  paths?: string[];
  /** Change nothing locally either: say what deepening would do instead of fetching. */
  dryRun?: boolean;
  /** Lines sentry-cli prints on stdout. */
  say(line: string): void;
  /** Progress lines for stderr (what sentry-ship did beyond sentry-cli). */
  note(line: string): void;
}

export interface LocalCommitsResult {
  commits: CommitPayload[];
  /** Whether the previous release's commit was found in the history. */
  previousFound: boolean;
  /** Commits fetched by deepening a shallow clone (0 when none). */
  deepenedBy: number;
}

const short = (sha: string) => sha.slice(0, 12);

export async function collectLocalCommits(o: LocalCommitsOptions): Promise<LocalCommitsResult> {
  const { repo } = o;
  let deepenedBy = 0;

  const paths = o.paths && o.paths.length > 0 ? o.paths : undefined;

  const initialForPaths = async (p: string[]): Promise<LocalCommitsResult> => {
    let walk = await repo.walkFromHead(o.initialDepth, p);
    if (walk.length < o.initialDepth && o.deepenLimit > 0 && !o.dryRun && (await repo.isShallow())) {
      // How far back the package's commits lie is unknown: deepen in the same bounded steps.
      for (const step of DEEPEN_STEPS) {
        const by = Math.min(step, o.deepenLimit - deepenedBy);
        if (by <= 0) break;
        const r = await repo.deepen(o.remote, by);
        if (!r.ok) {
          o.note(`Shallow clone: git fetch --deepen=${by} ${o.remote} failed (${r.error}).`);
          break;
        }
        deepenedBy += by;
        walk = await repo.walkFromHead(o.initialDepth, p);
        if (walk.length >= o.initialDepth || !(await repo.isShallow())) break;
      }
      if (deepenedBy > 0) {
        o.note(
          `Shallow clone: fetched ${deepenedBy} more commits from ${o.remote} (git fetch --deepen); ${walk.length} of them touch ${p.join(", ")}.`,
        );
      }
    }
    return { commits: await buildPayloads(o, walk, undefined, true), previousFound: false, deepenedBy };
  };

  const initial = async (): Promise<LocalCommitsResult> => {
    if (paths) return initialForPaths(paths);
    let walk = await repo.walkFromHead(o.initialDepth + 1);
    if (walk.length < o.initialDepth + 1 && o.deepenLimit > 0 && !o.dryRun && (await repo.isShallow())) {
      const want = Math.min(o.initialDepth + 1 - walk.length, o.deepenLimit);
      const r = await repo.deepen(o.remote, want);
      if (r.ok) {
        deepenedBy += want;
        o.note(
          `Shallow clone: fetched up to ${want} more commits from ${o.remote} (git fetch --deepen=${want}) to reach ${o.initialDepth} commits.`,
        );
        walk = await repo.walkFromHead(o.initialDepth + 1);
      } else {
        o.note(
          `Shallow clone: could not deepen from ${o.remote} (${r.error}); using the ${walk.length} commit(s) present.`,
        );
      }
    }
    let prev: string | undefined;
    if (walk.length === o.initialDepth + 1) prev = walk.pop();
    return { commits: await buildPayloads(o, walk, prev), previousFound: false, deepenedBy };
  };

  if (!/^[0-9a-fA-F]{1,40}$/.test(o.previousCommit)) {
    o.say(`Could not find the previous commit. Creating a release with ${o.initialDepth} commits.`);
    return initial();
  }
  const prevSha = o.previousCommit.toLowerCase();

  let found = await repo.isAncestorOfHead(prevSha);
  if (!found && o.dryRun && o.deepenLimit > 0 && (await repo.isShallow())) {
    o.note(
      `Shallow clone: the previous release's commit ${short(prevSha)} is not in the local history; a real run would deepen from ${o.remote} (at most ${o.deepenLimit} commits). Dry run: not fetching.`,
    );
  } else if (!found && o.deepenLimit > 0 && (await repo.isShallow())) {
    o.note(
      `Shallow clone: the previous release's commit ${short(prevSha)} is not in the local history; deepening from ${o.remote} (at most ${o.deepenLimit} commits).`,
    );
    for (const step of DEEPEN_STEPS) {
      const by = Math.min(step, o.deepenLimit - deepenedBy);
      if (by <= 0) break;
      const r = await repo.deepen(o.remote, by);
      if (!r.ok) {
        o.note(`Shallow clone: git fetch --deepen=${by} ${o.remote} failed (${r.error}).`);
        break;
      }
      deepenedBy += by;
      found = await repo.isAncestorOfHead(prevSha);
      if (found) break;
      if (!(await repo.isShallow())) break; // the whole history is here now
    }
    o.note(
      found
        ? `Shallow clone: found ${short(prevSha)} after fetching ${deepenedBy} more commits (git fetch --deepen).`
        : `Shallow clone: ${short(prevSha)} is not within ${deepenedBy} more commits; stopped deepening.`,
    );
  }

  if (!found) {
    if (o.ignoreMissing) {
      o.say(
        `Could not find the SHA of the previous release in the git history. Skipping previous release and creating a new one with ${o.initialDepth} commits.`,
      );
      return initial();
    }
    throw new InputError(MISSING_PREVIOUS_MESSAGE);
  }

  if (paths) {
    // The commits after the previous release's commit that touch the paths, each diffed
    // against its own first parent (its neighbour in the filtered list is not its parent).
    const list = await repo.walkFromHead(undefined, paths, prevSha);
    return { commits: await buildPayloads(o, list, undefined, true), previousFound: true, deepenedBy };
  }

  // Walk from HEAD down to the previous commit (inclusive), then drop it: it is the diff base.
  // Read a bounded window first; only a very long range needs the whole walk.
  let all = await repo.walkFromHead(WALK_WINDOW);
  let idx = all.findIndex((s) => s === prevSha || s.startsWith(prevSha));
  if (idx < 0 && all.length === WALK_WINDOW) {
    all = await repo.walkFromHead();
    idx = all.findIndex((s) => s === prevSha || s.startsWith(prevSha));
  }
  const list = idx >= 0 ? all.slice(0, idx + 1) : all;
  const prev = list.pop();
  return { commits: await buildPayloads(o, list, prev), previousFound: true, deepenedBy };
}

async function buildPayloads(
  o: LocalCommitsOptions,
  shas: string[],
  prev: string | undefined,
  /** Diff every commit against its first parent (a path-filtered list is not a chain of parents). */
  firstParent = false,
): Promise<CommitPayload[]> {
  const infos = await o.repo.commitInfos(shas);
  // sentry-cli diffs each commit against the next one in the walk (or the previous release's
  // commit). That is the first parent on a linear history: one `git log` covers those, and only
  // the others (merges, interleaved branches) need their own diff.
  const byParent = await o.repo.firstParentChanges(shas);
  const changes = await Promise.all(
    shas.map((sha, i) => {
      const base = shas[i + 1] ?? prev;
      const known = byParent.get(sha);
      if (firstParent && known) return known.changes;
      if (known && (base === undefined ? known.parents.length === 0 : known.parents[0] === base)) return known.changes;
      return o.repo.changes(base, sha);
    }),
  );
  return infos.map((c, i) => ({
    patch_set: changes[i]!.map((f) => ({ path: f.path, type: f.type })),
    repository: o.repository,
    author_name: c.authorName,
    author_email: c.authorEmail,
    timestamp: c.timestamp,
    message: c.message,
    id: c.id,
  }));
}
