/**
 * One CLI invocation inside the action: `main(argv)` in-process with `--json`, stdout captured as
 * the command's JSON document, stderr forwarded line by line to the action's log — its stdout, so
 * the lines stay in order with the action's own and inside the step's log group (minus the CLI's
 * own `::error::` annotation: the action writes its own, an error or a warning depending on
 * allow_failure).
 */
import { Readable, Writable } from "node:stream";
import type { ContextOverrides, IO } from "../context.js";

export interface StepIO {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  homeDir: string;
}

export interface CliRun {
  argv: string[];
  exitCode: number;
  /** The parsed `--json` document, if stdout held one. */
  doc: unknown;
  /** Raw stdout (for commands run without --json). */
  stdout: string;
  /** stderr lines as the CLI wrote them. */
  stderrLines: string[];
  /** The error message when the run failed. */
  error?: string;
}

/** Collects everything written into a string. */
class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.text += typeof chunk === "string" ? chunk : chunk.toString("utf8");
    cb();
  }
}

/** Splits what is written into lines, keeps them, and forwards the ones `keep` accepts. */
class LineForwarder extends Writable {
  readonly lines: string[] = [];
  private partial = "";
  constructor(
    private readonly target: Writable,
    private readonly keep: (line: string) => boolean,
  ) {
    super();
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    const text = this.partial + (typeof chunk === "string" ? chunk : chunk.toString("utf8"));
    const parts = text.split("\n");
    this.partial = parts.pop() ?? "";
    for (const p of parts) this.emit1(p.replace(/\r$/, ""));
    cb();
  }
  flushPartial(): void {
    if (this.partial !== "") this.emit1(this.partial);
    this.partial = "";
  }
  private emit1(line: string): void {
    this.lines.push(line);
    if (this.keep(line)) this.target.write(line + "\n");
  }
}

export type MainFn = (argv: string[], io?: IO, overrides?: ContextOverrides) => Promise<number>;

/** The error message of a failed run: the JSON document's `error.message`, else the last `error:` line. */
export function errorMessage(doc: unknown, stderrLines: string[]): string | undefined {
  if (doc && typeof doc === "object" && !Array.isArray(doc)) {
    const e = (doc as Record<string, unknown>).error;
    if (e && typeof e === "object" && typeof (e as Record<string, unknown>).message === "string") {
      return (e as Record<string, string>).message;
    }
    if (typeof e === "string") return e;
  }
  for (let i = stderrLines.length - 1; i >= 0; i--) {
    const m = /^error:\s*(.*)$/.exec(stderrLines[i]!);
    if (m) return m[1];
  }
  return undefined;
}

export async function runCliStep(
  main: MainFn,
  argv: string[],
  io: StepIO,
  overrides: ContextOverrides,
  opts: { json?: boolean } = {},
): Promise<CliRun> {
  const json = opts.json ?? true;
  const fullArgv = json ? ["--json", ...argv] : argv;
  const stdout = new Capture();
  const stderr = new LineForwarder(io.stdout, (line) => !line.startsWith("::error"));
  let exitCode: number;
  try {
    exitCode = await main(
      fullArgv,
      {
        stdout,
        stderr,
        stdin: Readable.from([]),
        env: { ...io.env },
        cwd: io.cwd,
        homeDir: io.homeDir,
      },
      overrides,
    );
  } catch (e) {
    // main() never throws by contract; if it does, the step fails with the message.
    stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    exitCode = 1;
  }
  stderr.flushPartial();
  let doc: unknown;
  if (json && stdout.text.trim() !== "") {
    try {
      doc = JSON.parse(stdout.text);
    } catch {
      doc = undefined;
    }
  }
  const run: CliRun = { argv: fullArgv, exitCode, doc, stdout: stdout.text, stderrLines: stderr.lines };
  if (exitCode !== 0)
    run.error = errorMessage(doc, stderr.lines) ?? `sentry-ship ${argv.join(" ")} exited with ${exitCode}`;
  return run;
}
