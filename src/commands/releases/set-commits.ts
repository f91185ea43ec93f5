import { realpathSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { Command, Option } from "commander";
import { routes } from "../../api/routes.js";
import type { CommandContext } from "../../context.js";
import { ApiError, InputError, UsageError } from "../../errors.js";
import { checkVersion } from "../checks.js";
import { Sender } from "../dry-run.js";
import { optionAs, requestKeys } from "../request.js";
import { collect, handler, intArg, orgOption, projectOption, type RunEnv } from "../runner.js";

/**
 * What the user asks `releases set-commits` for, keyed by its flags' names (`commits` for
 * `-c/--commit`, `paths` for `--path`): the CLI's parsed flags and the Node API's `setCommits`
 * options are both one.
 */
export interface SetCommitsRequest {
  version: string;
  /** `--auto`: match the git remote against the org's repositories and send HEAD. */
  auto?: boolean;
  /** `--local`: send the commits read from local git. */
  local?: boolean;
  /** `--clear`: remove the release's commits. */
  clear?: boolean;
  /** `REPO[#PATH][@[PREV..]REV]`, repeatable. */
  commits?: string[];
  ignoreMissing?: boolean;
  initialDepth?: number;
  /** Most commits to fetch when deepening a shallow clone (default 1000; 0 disables). */
  deepenLimit?: number;
  /** Keep only commits touching these directories or files (relative to the working directory). */
  paths?: string[];
  dryRun?: boolean;
}

/** The request's keys (checked against the type by the compiler), for the flag-parity test. */
export const SET_COMMITS_KEYS = requestKeys<SetCommitsRequest>({
  version: true,
  auto: true,
  local: true,
  clear: true,
  commits: true,
  ignoreMissing: true,
  initialDepth: true,
  deepenLimit: true,
  paths: true,
  dryRun: true,
});

export interface CommitSpec {
  repo: string;
  path?: string;
  rev: string;
  prevRev?: string;
}

export interface Ref {
  repository: string;
  commit: string;
  previousCommit: string | null;
}

interface Repo {
  id: string;
  name: string;
  url: string | null;
  provider?: { id: string; name?: string };
}

const MAX_REV = 64;

/** Parse `REPO[#PATH][@[PREV..]REV]` as sentry-cli does (REV defaults to HEAD and is sent verbatim). */
export function parseCommitSpec(spec: string): CommitSpec {
  const m = /^([^@#]+)(?:#([^@]+))?(?:@(.+))?$/.exec(spec);
  if (!m) throw new UsageError(`could not parse commit spec '${spec}': expected REPO, REPO@REV or REPO@PREV..REV`);
  const range = m[3] ?? "";
  let rev = "HEAD";
  let prevRev: string | undefined;
  if (range !== "") {
    const at = range.lastIndexOf("..");
    if (at >= 0) {
      prevRev = range.slice(0, at);
      rev = range.slice(at + 2);
    } else {
      rev = range;
    }
  }
  for (const r of [rev, prevRev]) {
    if (r !== undefined && r.length > MAX_REV) {
      throw new UsageError(`invalid commit spec '${spec}': a revision has at most ${MAX_REV} characters`);
    }
  }
  return { repo: m[1]!, ...(m[2] ? { path: m[2] } : {}), rev, ...(prevRev !== undefined ? { prevRev } : {}) };
}

/** Providers whose repositories sentry-cli matches against the local remote URL. */
const GIT_PROVIDERS = new Set([
  "git",
  "github",
  "bitbucket",
  "visualstudio",
  "google",
  "integrations:github",
  "integrations:github_enterprise",
  "integrations:gitlab",
  "integrations:bitbucket",
  "integrations:bitbucket_server",
  "integrations:vsts",
]);

/**
 * Associate commits with a release. Refs mode (`--auto` with a matching repository, `--commit`,
 * `--clear`) sends `refs`; local mode (`--local`, no flag, `--auto` without a match, or an org with
 * no repositories) sends the commits read from local git. See sentry-cli-wire.md §4.2.
 */
export async function runSetCommits(opts: SetCommitsRequest, ctx: CommandContext): Promise<void> {
  const version = checkVersion(opts.version);
  if (opts.local) {
    const other = opts.auto ? "--auto" : opts.clear ? "--clear" : opts.commits?.length ? "--commit" : undefined;
    if (other) throw new UsageError(`the argument '--local' cannot be used with '${other}'`);
  }
  if (opts.auto && opts.initialDepth !== undefined) {
    throw new UsageError("the argument '--initial-depth' cannot be used with '--auto'");
  }
  if (opts.initialDepth !== undefined && opts.initialDepth < 0)
    throw new UsageError("--initial-depth must be 0 or more");
  const paths = opts.paths ?? [];
  if (paths.length > 0) {
    const other = opts.clear ? "--clear" : opts.commits?.length ? "--commit" : undefined;
    if (other) {
      throw new UsageError(
        `the argument '--path' cannot be used with '${other}' (Sentry expands those ranges itself and cannot filter them by path)`,
      );
    }
    if (paths.some((p) => p.trim() === "")) throw new UsageError("--path must not be empty");
  }
  const specs = (opts.commits ?? []).map(parseCommitSpec);
  const initialDepth = opts.initialDepth ?? 20;

  const org = await ctx.requireOrg();
  const cfg = await ctx.config();
  const remoteName = cfg.vcsRemote?.value || "origin";
  const api = await ctx.api();
  const sender = new Sender(ctx, opts.dryRun === true);

  let repos: Repo[];
  try {
    repos = await api.paginate<Repo>(routes.repos(org), { query: { cursor: "" }, okStatuses: [404] });
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) repos = [];
    else throw e;
  }

  // Decide the mode before touching the release, as sentry-cli does.
  let refs: Ref[] | undefined;
  if (repos.length === 0) {
    refs = undefined;
  } else if (opts.auto) {
    refs = await matchRemoteRepos(ctx, repos, remoteName);
    if (refs.length === 0) refs = undefined;
  } else if (opts.clear) {
    refs = [];
  } else if (opts.local) {
    refs = undefined;
  } else if (specs.length > 0) {
    refs = specs.map((s) => {
      if (!repos.some((r) => r.name.toLowerCase() === s.repo.toLowerCase())) {
        throw new InputError(
          `Unknown repo '${s.repo}' (the organization's repositories: ${repos.map((r) => r.name).join(", ")})`,
        );
      }
      return { repository: s.repo, commit: s.rev, previousCommit: s.prevRev ?? null };
    });
  }

  // With --path, a matching repository still names the commits, but they come from local git,
  // filtered: a ref would make Sentry associate the whole range.
  let repository: string | undefined;
  if (paths.length > 0 && opts.auto && refs !== undefined && refs.length > 0) {
    repository = refs[0]!.repository;
    refs = undefined;
  }

  const projects = await ctx.projects();
  if (projects.length > 0) {
    await sender.send("POST", routes.releases(org), { version, projects }, { notFound: `organization ${org}` });
  }

  if (refs !== undefined) {
    if (refs.length === 0) {
      ctx.out.print("Clearing commits for release.");
    } else {
      const { renderRefs } = await import("./render.js");
      ctx.out.print(renderRefs(refs));
    }
    await sender.send(
      "PUT",
      routes.release(org, version),
      { refs },
      { notFound: `release ${version} in organization ${org}` },
    );
    ctx.out.result({ ok: true, version, mode: refs.length === 0 ? "clear" : "refs", refs, ...dry(sender) });
    return;
  }

  if (opts.auto && repository === undefined) {
    ctx.out.print(
      "Could not determine any commits to be associated with a repo-based integration. Proceeding to find commits from local git tree.",
    );
  }
  const prev = await api.get<{ lastCommit?: { id?: string } | null } | null>(routes.previousWithCommits(org, version), {
    expectJson: true,
    okStatuses: [404],
  });
  const previousCommit = prev.status === 404 ? "" : (prev.data?.lastCommit?.id ?? "");

  const { GitRepo } = await import("../../vcs/git.js");
  const { collectLocalCommits, DEFAULT_DEEPEN_LIMIT } = await import("../../vcs/commits.js");
  const { repoIdFromRemote } = await import("../../vcs/remote-url.js");
  const repo = await GitRepo.open(ctx.cwd, ctx.env);
  if ((await repo.resolve("HEAD")) === undefined) {
    throw new InputError(
      `the git repository at '${repo.root}' has no commits yet: commit first, or name the commits with --commit REPO@SHA`,
    );
  }
  const rootPaths = paths.map((p) => repoRelativePath(repo.root, ctx.cwd, p));
  const result = await collectLocalCommits({
    repo,
    previousCommit,
    initialDepth,
    ignoreMissing: opts.ignoreMissing === true,
    // sentry-cli sends the remote's *name* here (its URL parser leaves a bare name unchanged).
    repository: repository ?? repoIdFromRemote(remoteName),
    ...(rootPaths.length > 0 ? { paths: rootPaths } : {}),
    remote: remoteName,
    deepenLimit: opts.deepenLimit ?? DEFAULT_DEEPEN_LIMIT,
    dryRun: sender.dryRun,
    say: (l) => ctx.out.print(l),
    note: (l) => ctx.out.info(l),
  });
  const summary = {
    ok: true,
    version,
    mode: "local",
    previousCommit: previousCommit || null,
    previousFound: result.previousFound,
    deepenedBy: result.deepenedBy,
    commits: result.commits.map((c) => c.id),
    ...(rootPaths.length > 0 ? { paths: rootPaths } : {}),
  };
  if (result.commits.length === 0) {
    if (rootPaths.length > 0)
      ctx.out.warn(`no commit in the range touches ${rootPaths.map((p) => p || ".").join(", ")}`);
    ctx.out.print(
      "No commits found. Leaving release alone. If you believe there should be some, change commits range or initial depth and try again.",
    );
    ctx.out.result({ ...summary, ...dry(sender) });
    return;
  }
  await sender.send(
    "PUT",
    routes.release(org, version),
    { commits: result.commits },
    {
      notFound: `release ${version} in organization ${org}`,
    },
  );
  if (!sender.dryRun) ctx.out.print(`Success! Set commits for release ${version}`);
  ctx.out.result({ ...summary, ...dry(sender) });
}

/** A `--path` value (relative to the working directory) as a path relative to the repository root. */
export function repoRelativePath(root: string, cwd: string, path: string): string {
  const rel = relative(realpathOr(root), resolve(realpathOr(cwd), path));
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new InputError(`--path ${path} is outside the git repository at ${root}`);
  }
  return rel.split(sep).join("/");
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function dry(sender: Sender): Record<string, unknown> {
  return sender.dryRun ? { dryRun: true, requests: sender.planned } : {};
}

/** `--auto`: the org's repositories whose URL matches the local remote, at HEAD. */
async function matchRemoteRepos(ctx: CommandContext, repos: Repo[], remoteName: string): Promise<Ref[]> {
  const { GitRepo } = await import("../../vcs/git.js");
  const { isMatchingUrl } = await import("../../vcs/remote-url.js");
  const repo = await GitRepo.open(ctx.cwd, ctx.env);
  const url = await repo.remoteUrl(remoteName);
  if (!url) {
    ctx.out.debug(`no remote named '${remoteName}' in ${repo.root}`);
    return [];
  }
  const refs: Ref[] = [];
  let head: string | undefined;
  for (const r of repos) {
    if (!r.url || !GIT_PROVIDERS.has(r.provider?.id ?? "")) continue;
    if (!isMatchingUrl(url, r.url)) {
      ctx.out.debug(`remote ${remoteName} (${url}) does not match ${r.name} (${r.url})`);
      continue;
    }
    head ??= await repo.head();
    refs.push({ repository: r.name, commit: head, previousCommit: null });
  }
  return refs;
}

/** What commander parses for `releases set-commits`. */
export type SetCommitsFlags = Omit<SetCommitsRequest, "version">;

export function setCommitsCommand(env: RunEnv): Command {
  return new Command("set-commits")
    .description("Set commits of a release.")
    .argument("<version>", "the version of the release")
    .addOption(orgOption())
    .addOption(projectOption())
    .option("--clear", "clear all current commits from the release")
    .option("--auto", "match the local git remote against the organization's repositories and send HEAD")
    .option("--local", "set the commits of a release from local git")
    .addOption(
      optionAs(
        "-c, --commit <spec>",
        "REPO@SHA or REPO@PREV_SHA..SHA of a repository configured in Sentry (repeatable)",
        "commits",
      ).argParser(collect),
    )
    .option(
      "--ignore-missing",
      "when the previous release's commit is not in the history, use --initial-depth commits instead of failing",
    )
    .option("--initial-depth <n>", "number of commits of the first release (default 20)", intArg("--initial-depth"))
    .option(
      "--deepen-limit <n>",
      "in a shallow clone, fetch at most this many more commits looking for the previous release's commit (default 1000, 0 disables)",
      intArg("--deepen-limit"),
    )
    .addOption(
      optionAs(
        "--path <dir>",
        "keep only the commits that touch this directory or file, relative to the working directory (repeatable; monorepos)",
        "paths",
      ).argParser(collect),
    )
    .addOption(new Option("--ignore-empty", "no effect (kept for compatibility)").hideHelp())
    .option(
      "--dry-run",
      "print the requests that change the release instead of sending them (reads still happen; a shallow clone is not deepened)",
    )
    .action(
      handler<SetCommitsFlags, [version: string]>(env, async (ctx, o, version) => {
        await runSetCommits({ ...o, version }, ctx);
      }),
    );
}
