/**
 * The local git repository, through simple-git (loaded lazily so `--help` never pays for it).
 * Only plumbing commands with stable output are used.
 */
import { InputError } from "../errors.js";

type SimpleGit = import("simple-git").SimpleGit;

/**
 * simple-git refuses to run when the environment carries settings such as GIT_ASKPASS,
 * GIT_SSH_COMMAND, GIT_PAGER or GIT_CONFIG_COUNT — exactly what CI systems set to give git its
 * credentials (and what `git fetch --deepen` needs). Our arguments are fixed (SHAs are checked as
 * hex, the remote name by `checkRemoteName`), so the environment is the user's own and trusted.
 */
const TRUSTED_ENVIRONMENT = {
  allowUnsafeAskPass: true,
  allowUnsafeSshCommand: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeConfigPaths: true,
  allowUnsafeCredentialHelper: true,
  allowUnsafeGitProxy: true,
  allowUnsafePager: true,
  allowUnsafeEditor: true,
  allowUnsafeTemplateDir: true,
  allowUnsafeHooksPath: true,
  allowUnsafeFsMonitor: true,
  allowUnsafeDiffExternal: true,
  allowUnsafeDiffTextConv: true,
  allowUnsafeGpgProgram: true,
};

/** A remote name that git cannot mistake for an option. */
export function checkRemoteName(name: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._/-]*$/.test(name)) {
    throw new InputError(`invalid git remote name '${name}' (from SENTRY_VCS_REMOTE or [defaults] vcs_remote)`);
  }
  return name;
}

export interface CommitInfo {
  id: string;
  authorName: string;
  authorEmail: string;
  /** Author time in RFC 3339 with the author's own offset (`2024-05-03T10:00:00+02:00`). */
  timestamp: string;
  /** The raw message, trailing newline kept. */
  message: string;
}

export interface FileChange {
  path: string;
  type: string;
}

export class GitRepo {
  private constructor(
    private readonly git: SimpleGit,
    readonly root: string,
  ) {}

  /** Open the repository that contains `cwd`, or throw an InputError saying there is none. */
  static async open(cwd: string, env?: NodeJS.ProcessEnv): Promise<GitRepo> {
    const { simpleGit } = await import("simple-git");
    const git = simpleGit({ baseDir: cwd, maxConcurrentProcesses: 6, trimmed: false, unsafe: TRUSTED_ENVIRONMENT });
    if (env) git.env(cleanEnv(env));
    let root: string;
    try {
      root = (await git.raw(["rev-parse", "--show-toplevel"])).trim();
    } catch {
      throw new InputError(`no git repository found at '${cwd}': run this from inside a git checkout`);
    }
    return new GitRepo(git, root);
  }

  raw(args: string[]): Promise<string> {
    return this.git.raw(args);
  }

  /** `git rev-parse <rev>^{commit}` → full SHA, or undefined when it does not resolve. */
  async resolve(rev: string): Promise<string | undefined> {
    try {
      return (await this.git.raw(["rev-parse", "--verify", "--quiet", `${rev}^{commit}`])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  async head(): Promise<string> {
    const sha = await this.resolve("HEAD");
    if (!sha) throw new InputError("the git repository has no commits yet (HEAD does not resolve)");
    return sha;
  }

  /** The URL of a remote, or undefined when there is no such remote. */
  async remoteUrl(name: string): Promise<string | undefined> {
    checkRemoteName(name);
    try {
      const url = (await this.git.raw(["config", "--get", `remote.${name}.url`])).trim();
      return url || undefined;
    } catch {
      return undefined;
    }
  }

  async isShallow(): Promise<boolean> {
    try {
      return (await this.git.raw(["rev-parse", "--is-shallow-repository"])).trim() === "true";
    } catch {
      return false;
    }
  }

  /** Whether `sha` is HEAD or one of its ancestors in the history present locally. */
  async isAncestorOfHead(sha: string): Promise<boolean> {
    if (!(await this.resolve(sha))) return false;
    try {
      await this.git.raw(["merge-base", "--is-ancestor", sha, "HEAD"]);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Commits reachable from HEAD, newest first (git's default walk), at most `max`; with `paths`
   * (relative to the repository root), only the commits that touch them (`git rev-list -- PATHS`).
   * `since` excludes that commit and its ancestors.
   */
  async walkFromHead(max?: number, paths?: string[], since?: string): Promise<string[]> {
    const args = ["rev-list"];
    if (max !== undefined) args.push(`--max-count=${max}`);
    args.push(since ? `${since}..HEAD` : "HEAD");
    if (paths && paths.length > 0) args.push("--", ...paths.map(topPathspec));
    const out = await this.git.raw(args);
    return out.split("\n").filter((l) => l.length > 0);
  }

  /** Author, message and time of each commit, in the order given. */
  async commitInfos(shas: string[]): Promise<CommitInfo[]> {
    if (shas.length === 0) return [];
    const out = await this.git.raw([
      "log",
      "--no-walk=unsorted",
      "--format=%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%B",
      ...shas,
    ]);
    const byId = new Map<string, CommitInfo>();
    for (const rec of out.split("\x1e").slice(1)) {
      const [id, authorName, authorEmail, timestamp, ...rest] = rec.split("\x1f");
      // git log separates records with one newline after %B.
      const message = rest.join("\x1f").replace(/\n$/, "");
      // chrono (sentry-cli) writes a zero offset as "Z".
      const ts = timestamp!.replace(/[+-]00:00$/, "Z");
      byId.set(id!, { id: id!, authorName: authorName!, authorEmail: authorEmail!, timestamp: ts, message });
    }
    return shas.map((s) => {
      const info = byId.get(s);
      if (!info) throw new InputError(`git did not return commit ${s}`);
      return info;
    });
  }

  /**
   * Parents and first-parent changes of many commits in one `git log` (a root or shallow-boundary
   * commit lists no parents and shows every file as added).
   */
  async firstParentChanges(shas: string[]): Promise<Map<string, { parents: string[]; changes: FileChange[] }>> {
    const out = new Map<string, { parents: string[]; changes: FileChange[] }>();
    if (shas.length === 0) return out;
    const text = await this.git.raw([
      "log",
      "--no-walk=unsorted",
      "-z",
      "--format=%x1e%H%x1f%P",
      "--name-status",
      "--no-renames",
      "--diff-merges=first-parent",
      ...shas,
    ]);
    for (const chunk of text.split("\x1e").slice(1)) {
      const nul = chunk.indexOf("\0");
      const header = nul >= 0 ? chunk.slice(0, nul) : chunk;
      const [id, parents] = header.split("\x1f");
      const parts = (nul >= 0 ? chunk.slice(nul + 1) : "")
        .replace(/^\n/, "")
        .split("\0")
        .filter((x) => x.length > 0);
      const changes: FileChange[] = [];
      for (let i = 0; i + 1 < parts.length; i += 2) changes.push({ type: parts[i]!.charAt(0), path: parts[i + 1]! });
      out.set(id!.trim(), { parents: (parents ?? "").trim().split(" ").filter(Boolean), changes });
    }
    return out;
  }

  /** Files changed between two commits (A/M/D…, no rename detection); `from` undefined = all added. */
  async changes(from: string | undefined, to: string): Promise<FileChange[]> {
    const args = from
      ? ["diff-tree", "-r", "-z", "--no-renames", "--name-status", from, to]
      : ["diff-tree", "-r", "-z", "--no-renames", "--name-status", "--root", to];
    const out = await this.git.raw(args);
    const parts = out.split("\0").filter((p) => p.length > 0);
    // `--root` with a single commit prints the commit id first.
    if (!from && parts[0] === to) parts.shift();
    const res: FileChange[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) res.push({ type: parts[i]!.charAt(0), path: parts[i + 1]! });
    return res;
  }

  /** `git fetch --deepen=N <remote>`; returns false (with git's message) when the fetch fails. */
  async deepen(remote: string, by: number): Promise<{ ok: boolean; error?: string }> {
    try {
      await this.git.raw(["fetch", "--quiet", "--no-tags", `--deepen=${by}`, checkRemoteName(remote)]);
      return { ok: true };
    } catch (e) {
      return {
        ok: false,
        error: String((e as Error).message ?? e)
          .trim()
          .split("\n")[0],
      };
    }
  }
}

/**
 * A root-relative path as a pathspec that means the same from any working directory and never
 * reads as an option or as a glob: `:(top,literal)packages/web`.
 */
/** Whether `file` is tracked by the git repository holding it (false outside a repository). */
export async function isTrackedByGit(file: string, env?: NodeJS.ProcessEnv): Promise<boolean> {
  const { dirname } = await import("node:path");
  let repo: GitRepo;
  try {
    repo = await GitRepo.open(dirname(file), env);
  } catch {
    return false;
  }
  try {
    await repo.raw(["ls-files", "--error-unmatch", "--", file]);
    return true;
  } catch {
    return false;
  }
}

export function topPathspec(path: string): string {
  return `:(top,literal)${path}`;
}

/** simple-git refuses some variables (e.g. GIT_ASKPASS with unsafe settings); pass only strings. */
function cleanEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === "string") out[k] = v;
  return out;
}
