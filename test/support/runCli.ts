/**
 * Run the CLI in-process: `runCli(argv, { env, cwd })` → `{ exitCode, stdout, stderr }`.
 * The environment is exactly what the test passes (plus PATH and a temporary HOME), never the
 * developer's own, so no test reads a real ~/.sentryclirc or token.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../../src/cli.js";
import type { ContextOverrides } from "../../src/context.js";

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  home?: string;
  /** Pretend stdout/stderr are terminals. */
  tty?: boolean;
  stdin?: string;
  overrides?: ContextOverrides;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = "ship-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function runCli(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
  stderr.on("data", (c: Buffer) => (err += c.toString("utf8")));
  if (opts.tty) {
    Object.assign(stdout, { isTTY: true, columns: 100 });
    Object.assign(stderr, { isTTY: true, columns: 100 });
    Object.assign(stdin, { isTTY: true });
  }
  if (opts.stdin !== undefined) stdin.end(opts.stdin);
  const home = opts.home ?? tempDir("ship-home-");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    SENTRY_DISABLE_UPDATE_CHECK: "1",
    ...opts.env,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const exitCode = await main(
    argv,
    { stdout, stderr, stdin, env, cwd: opts.cwd ?? tempDir("ship-cwd-"), homeDir: home },
    opts.overrides ?? { sleep: async () => {} },
  );
  await new Promise((r) => setImmediate(r));
  return { exitCode, stdout: out, stderr: err };
}
