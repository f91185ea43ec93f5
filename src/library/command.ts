/**
 * `runCommand(argv)`: the whole CLI, in-process — the same program `sentry-ship` runs, with its
 * stdout and stderr captured instead of written, and its exit code returned instead of set.
 */
import { Writable } from "node:stream";
import { processIO } from "../context.js";
import type { SentryOptions } from "./session.js";

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunCommandOptions extends Pick<SentryOptions, "cwd" | "env" | "homeDir" | "configFile"> {
  /** Also pass each chunk of output on as it is written (e.g. to process.stdout). */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

function capture(target: NodeJS.WritableStream | undefined): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      const b = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      chunks.push(b);
      if (target) target.write(b);
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

/** Run `sentry-ship <argv…>` in this process. Never throws for a failing command: see exitCode. */
export async function runCommand(argv: string[], opts: RunCommandOptions = {}): Promise<CommandResult> {
  const base = processIO();
  const env: NodeJS.ProcessEnv = { ...(opts.env ?? base.env) };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  if (opts.configFile !== undefined) env.SENTRY_PROPERTIES = opts.configFile;
  const out = capture(opts.stdout);
  const err = capture(opts.stderr);
  const { main } = await import("../cli.js");
  const exitCode = await main(argv, {
    stdout: out.stream,
    stderr: err.stream,
    stdin: base.stdin,
    env,
    cwd: opts.cwd ?? base.cwd,
    homeDir: opts.homeDir ?? env.HOME ?? base.homeDir,
  });
  return { exitCode, stdout: out.text(), stderr: err.text() };
}
