/** Real temporary git repositories for tests, built with the git CLI. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  GIT_AUTHOR_NAME: "Dev Person",
  GIT_AUTHOR_EMAIL: "dev@example.com",
  GIT_COMMITTER_NAME: "Dev Person",
  GIT_COMMITTER_EMAIL: "dev@example.com",
};

export function git(cwd: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync("git", args, {
    cwd,
    env: { ...GIT_ENV, ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export function tmp(prefix = "ship-git-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestRepo {
  dir: string;
  /** Make a commit that modifies app.js and adds `files`; returns its SHA. */
  commit(message: string, opts?: { date?: string; files?: Record<string, string>; remove?: string[] }): string;
  head(): string;
}

export function makeRepo(opts: { dir?: string; remote?: string; remoteName?: string } = {}): TestRepo {
  const dir = opts.dir ?? tmp();
  git(dir, ["init", "-q", "-b", "main"]);
  git(dir, ["config", "user.name", "Dev Person"]);
  git(dir, ["config", "user.email", "dev@example.com"]);
  git(dir, ["config", "commit.gpgsign", "false"]);
  if (opts.remote) git(dir, ["remote", "add", opts.remoteName ?? "origin", opts.remote]);
  let n = 0;
  return {
    dir,
    commit(message, o = {}) {
      n += 1;
      writeFileSync(join(dir, "app.js"), `console.log(${n});\n`);
      for (const [p, c] of Object.entries(o.files ?? {})) {
        mkdirSync(dirname(join(dir, p)), { recursive: true });
        writeFileSync(join(dir, p), c);
      }
      for (const p of o.remove ?? []) git(dir, ["rm", "-q", p]);
      git(dir, ["add", "-A"]);
      const date = o.date ?? `2024-05-${String(n).padStart(2, "0")}T10:00:00+02:00`;
      git(dir, ["commit", "-q", "-m", message], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
      return git(dir, ["rev-parse", "HEAD"]).trim();
    },
    head: () => git(dir, ["rev-parse", "HEAD"]).trim(),
  };
}

/** A repo with `count` commits ("commit 1" … "commit N"), each adding src/fN.txt. Returns SHAs oldest first. */
export function repoWithCommits(count: number, opts: { remote?: string } = {}): { repo: TestRepo; shas: string[] } {
  const repo = makeRepo(opts);
  const shas: string[] = [];
  for (let i = 1; i <= count; i++) shas.push(repo.commit(`commit ${i}`, { files: { [`src/f${i}.txt`]: `${i}\n` } }));
  return { repo, shas };
}

/** A bare repo holding `count` commits, and a `git clone --depth 1 file://…` of it. */
export function shallowClone(count: number): { bare: string; clone: string; shas: string[] } {
  const { repo, shas } = repoWithCommits(count);
  const bare = tmp("ship-bare-");
  git(bare, ["clone", "-q", "--bare", repo.dir, "."]);
  const clone = join(tmp("ship-clone-"), "work");
  git(dirname(clone), ["clone", "-q", "--depth", "1", `file://${bare}`, "work"]);
  return { bare, clone, shas };
}

export { GIT_ENV };
