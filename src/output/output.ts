/**
 * The one place that writes to the user. Results go to stdout, progress and diagnostics to stderr.
 * With --json, stdout carries exactly one JSON document (set with `result`, written by cli.ts, also
 * on error); with --quiet only errors are shown. Every line is redacted before it is written.
 */

import type { Writable } from "node:stream";
import { Chalk, type ChalkInstance } from "chalk";
import { Redactor } from "./redact.js";
import { detectTerminal, type TerminalCaps } from "./terminal.js";

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function parseLogLevel(value: string | undefined): LogLevel | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === "warning") return "warn";
  return (LOG_LEVELS as readonly string[]).includes(v) ? (v as LogLevel) : undefined;
}

export interface OutputOptions {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  json?: boolean;
  quiet?: boolean;
  logLevel?: LogLevel;
  redactor?: Redactor;
}

export interface Spinner {
  text(msg: string): void;
  succeed(msg?: string): void;
  fail(msg?: string): void;
  stop(): void;
}

export interface Progress {
  /** Advance by `n` units (files, bytes…). */
  tick(n?: number): void;
  /** Set an absolute value. */
  update(value: number): void;
  done(msg?: string): void;
}

export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  logLevel: LogLevel;
  readonly redactor: Redactor;
  /** What stderr can show (spinners, colour). */
  readonly caps: TerminalCaps;
  /** Styling for stdout text; identity when colour is off. */
  readonly style: ChalkInstance;
  /** Styling for stderr text. */
  readonly errStyle: ChalkInstance;
  private jsonDoc: unknown = undefined;
  private readonly stdout: OutputOptions["stdout"];
  private readonly stderr: OutputOptions["stderr"];

  constructor(opts: OutputOptions) {
    this.stdout = opts.stdout;
    this.stderr = opts.stderr;
    this.json = opts.json ?? false;
    this.quiet = opts.quiet ?? false;
    this.logLevel = opts.logLevel ?? "warn";
    this.redactor = opts.redactor ?? new Redactor();
    this.caps = detectTerminal(opts.env, opts.stderr, { json: this.json });
    const outCaps = detectTerminal(opts.env, opts.stdout, { json: this.json });
    this.style = new Chalk({ level: outCaps.color ? 1 : 0 });
    this.errStyle = new Chalk({ level: this.caps.color ? 1 : 0 });
  }

  private enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(this.logLevel);
  }

  private writeErr(text: string): void {
    this.stderr.write(this.redactor.redact(text) + "\n");
  }

  /** Human-readable result text on stdout. Suppressed with --json and --quiet. */
  print(text: string): void {
    if (this.json || this.quiet) return;
    this.stdout.write(this.redactor.redact(text) + "\n");
  }

  /**
   * `print` for many lines, each redacted as a line, written at once: a report of thousands of
   * files is one write instead of thousands.
   */
  printLines(lines: Iterable<string>): void {
    if (this.json || this.quiet) return;
    let text = "";
    for (const line of lines) text += `${this.redactor.redact(line)}\n`;
    if (text !== "") this.stdout.write(text);
  }

  /** Raw result on stdout that must appear even with --quiet (e.g. `propose-version`). */
  printAlways(text: string): void {
    if (this.json) return;
    this.stdout.write(this.redactor.redact(text) + "\n");
  }

  /** The command's result for --json. The last call wins. */
  result(doc: unknown): void {
    this.jsonDoc = doc;
  }

  /** Called by cli.ts: the JSON document to print, if any. */
  takeJsonDocument(): unknown {
    return this.jsonDoc;
  }

  /** Write the single JSON document (cli.ts only). */
  writeJson(doc: unknown): void {
    this.stdout.write(this.redactor.redact(JSON.stringify(doc, null, 2)) + "\n");
  }

  /** A progress/status line for a person (`> Found 8 files`). stderr; hidden with --quiet. */
  info(msg: string): void {
    if (this.quiet) return;
    this.writeErr(msg);
  }

  warn(msg: string): void {
    if (!this.enabled("warn")) return;
    if (this.caps.githubActions) this.writeErr(`::warning::${escapeAnnotation(msg)}`);
    else this.writeErr(`${this.errStyle.yellow("warning:")} ${msg}`);
  }

  /** A failure line (cli.ts only; commands throw). */
  error(msg: string, hint?: string): void {
    this.writeErr(`${this.errStyle.red("error:")} ${msg}`);
    if (hint) this.writeErr(hint);
    if (this.caps.githubActions) this.writeErr(`::error::${escapeAnnotation(msg)}`);
  }

  debug(msg: string): void {
    if (this.enabled("debug")) this.writeErr(`${this.errStyle.dim("debug:")} ${msg}`);
  }

  trace(msg: string): void {
    if (this.enabled("trace")) this.writeErr(`${this.errStyle.dim("trace:")} ${msg}`);
  }

  isDebug(): boolean {
    return this.enabled("debug");
  }

  /**
   * A spinner on an interactive terminal; elsewhere the start text is one plain line and the
   * final message another.
   */
  async spinner(text: string): Promise<Spinner> {
    if (this.quiet) return { text() {}, succeed() {}, fail() {}, stop() {} };
    if (!this.caps.interactive) {
      this.info(text);
      return {
        text() {},
        succeed: (m) => m && this.info(m),
        fail: (m) => m && this.writeErr(m),
        stop() {},
      };
    }
    const { default: ora } = await import("ora");
    const s = ora({ text: this.redactor.redact(text), stream: this.stderr as NodeJS.WritableStream }).start();
    return {
      text: (m) => {
        s.text = this.redactor.redact(m);
      },
      succeed: (m) => s.succeed(m === undefined ? undefined : this.redactor.redact(m)),
      fail: (m) => s.fail(m === undefined ? undefined : this.redactor.redact(m)),
      stop: () => s.stop(),
    };
  }

  /**
   * Progress over `total` units. On a terminal a redrawn bar; elsewhere at most five plain lines
   * (`label: 25/100`), so CI logs stay short.
   */
  progress(label: string, total: number, unit = ""): Progress {
    let value = 0;
    const fmt = (v: number) => `${label}: ${v}/${total}${unit ? " " + unit : ""}`;
    if (this.quiet) return { tick() {}, update() {}, done() {} };
    if (!this.caps.interactive) {
      let nextMark = 0;
      const report = (final = false) => {
        const pct = total === 0 ? 100 : Math.floor((value / total) * 100);
        if (final || pct >= nextMark) {
          this.info(fmt(value));
          while (nextMark <= pct) nextMark += 25;
        }
      };
      return {
        tick: (n = 1) => {
          value += n;
          if (value < total) report();
        },
        update: (v) => {
          value = v;
          if (value < total) report();
        },
        done: (msg) => {
          value = total;
          report(true);
          if (msg) this.info(msg);
        },
      };
    }
    const width = 24;
    const draw = () => {
      const frac = total === 0 ? 1 : Math.min(1, value / total);
      const full = Math.round(frac * width);
      const bar = "█".repeat(full) + "░".repeat(width - full);
      this.stderr.write(`\r${this.errStyle.cyan(bar)} ${this.redactor.redact(fmt(value))}`);
    };
    draw();
    return {
      tick: (n = 1) => {
        value += n;
        draw();
      },
      update: (v) => {
        value = v;
        draw();
      },
      done: (msg) => {
        value = total;
        draw();
        this.stderr.write("\n");
        if (msg) this.info(msg);
      },
    };
  }
}

/** GitHub workflow command data must have %, CR and LF escaped. */
export function escapeAnnotation(msg: string): string {
  return msg.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
