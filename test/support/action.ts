/** Fixtures for the action's tests: a real git workspace holding a copy of examples/app. */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { type ActionResult, runAction } from "../../src/action/run.js";
import { tempDir } from "./runCli.js";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Dev Person",
  GIT_AUTHOR_EMAIL: "dev@example.com",
  GIT_COMMITTER_NAME: "Dev Person",
  GIT_COMMITTER_EMAIL: "dev@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  HOME: "/nonexistent",
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: { PATH: process.env.PATH, ...GIT_ENV }, encoding: "utf8" }).trim();
}

/**
 * Build examples/app's sources into `outdir` (app.min.js + app.min.js.map), the way its README
 * says. Built here rather than copied: `dist/` folders are git-ignored, so a fresh clone has none.
 */
export function buildExampleApp(outdir: string): void {
  buildSync({
    absWorkingDir: repoRoot,
    entryPoints: ["examples/app/src/main.js"],
    bundle: true,
    minify: true,
    sourcemap: true,
    format: "esm",
    outfile: join(outdir, "app.min.js"),
    logLevel: "silent",
  });
}

/**
 * A workspace (git repository with `commits` commits) whose `app/` folder is a copy of
 * examples/app, with dist/ holding its build (app.min.js and its map).
 */
export function makeWorkspace(commits = 3): string {
  const ws = tempDir("ship-action-ws-");
  git(ws, "init", "-q", "-b", "main");
  git(ws, "config", "commit.gpgsign", "false");
  cpSync(join(repoRoot, "examples/app/src"), join(ws, "app", "src"), { recursive: true });
  buildExampleApp(join(ws, "app", "dist"));
  for (let i = 1; i <= commits; i++) {
    if (i > 1) writeFileSync(join(ws, "app", "src", `note${i}.txt`), `change ${i}\n`);
    git(ws, "add", "-A");
    git(ws, "commit", "-q", "-m", `commit ${i}`);
  }
  return ws;
}

export interface ActionRun extends ActionResult {
  stdout: string;
  stderr: string;
  outputs: string;
  summary: string;
}

/** Run the action in-process with `inputs` as INPUT_* variables and temp GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files. */
export async function runActionWith(
  inputs: Record<string, string>,
  opts: { workspace: string; env?: Record<string, string | undefined> },
): Promise<ActionRun> {
  const files = tempDir("ship-action-files-");
  mkdirSync(files, { recursive: true });
  const outputFile = join(files, "output");
  const summaryFile = join(files, "summary");
  writeFileSync(outputFile, "");
  writeFileSync(summaryFile, "");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    SENTRY_DISABLE_UPDATE_CHECK: "1",
    SENTRY_LOAD_DOTENV: "0",
    GITHUB_ACTIONS: "true",
    CI: "true",
    GITHUB_WORKSPACE: opts.workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...opts.env,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
  stderr.on("data", (c: Buffer) => (err += c.toString("utf8")));
  const home = tempDir("ship-action-home-");
  const result = await runAction(
    { stdout, stderr, env, cwd: opts.workspace, homeDir: home },
    { overrides: { sleep: async () => {} } },
  );
  await new Promise((r) => setImmediate(r));
  return {
    ...result,
    stdout: out,
    stderr: err,
    outputs: readFileSync(outputFile, "utf8"),
    summary: readFileSync(summaryFile, "utf8"),
  };
}

/** The value of output `name` in a GITHUB_OUTPUT file, checking the heredoc-delimiter format. */
export function readOutput(file: string, name: string): string | undefined {
  const re = new RegExp(`^${name}<<(ghadelimiter_[0-9a-f-]{36})\\n([\\s\\S]*?)\\n\\1\\n`, "m");
  return re.exec(file)?.[2];
}
