/**
 * `monitors run SLUG [options] -- CMD [ARGS…]`: wrap a job in two cron check-ins, as sentry-cli
 * does — `in_progress` when it starts (with the `monitor_config` upsert when a schedule is given),
 * then `ok` or `error` by its exit code with the duration in seconds — sent as `check_in` envelope
 * items to the DSN.
 *
 * The job comes first: its exit code is the command's, SIGINT/SIGTERM reach it, and Sentry being
 * down neither fails it nor holds it up. The first check-in is sent while the job runs; each
 * check-in gets one attempt of at most CHECK_IN_TIMEOUT_MS, and one that cannot be delivered is
 * spooled like an event (resend with `send-envelope`).
 */
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import type { Writable } from "node:stream";
import type { CommandContext } from "../../context.js";
import {
  type CheckInPayload,
  checkInEnvelope,
  crontabProblem,
  type MonitorConfig,
  newCheckInId,
} from "../../domain/checkin.js";
import type { Dsn } from "../../domain/dsn.js";
import { isShipError, UsageError } from "../../errors.js";
import { type DispatchDeps, dispatch, resolveDsns } from "../../events/dispatch.js";

/** Longest a check-in may take to send; two of them bound what an outage adds to the job. */
export const CHECK_IN_TIMEOUT_MS = 1500;

export interface MonitorsRunOptions {
  slug: string;
  /** The command and its arguments (after `--`). */
  command: string[];
  environment?: string;
  schedule?: string;
  checkinMargin?: number;
  maxRuntime?: number;
  timezone?: string;
  failureIssueThreshold?: number;
  recoveryThreshold?: number;
  dsn?: string[];
  spoolDir?: string;
}

export interface ChildResult {
  /** The exit code to pass on: the child's, 128+N for a signal, 127 when it could not start. */
  exitCode: number;
  signal?: string;
  spawnError?: string;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };

/** The flags that only make sense with --schedule, as sentry-cli names them. */
const NEEDS_SCHEDULE: Array<[keyof MonitorsRunOptions, string]> = [
  ["checkinMargin", "--check-in-margin <checkin_margin>"],
  ["maxRuntime", "--max-runtime <max_runtime>"],
  ["timezone", "--timezone <timezone>"],
  ["failureIssueThreshold", "--failure-issue-threshold <failure_issue_threshold>"],
  ["recoveryThreshold", "--recovery-threshold <recovery_threshold>"],
];

/**
 * Whether `tz` names a zone of the tz database, spelt as the database spells it — sentry-cli
 * refuses anything else, and Sentry drops a monitor config whose time zone it does not know.
 * ICU takes any case, so a name that only differs in case from a canonical one is refused.
 */
function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
  } catch {
    return false;
  }
  const canonical = Intl.supportedValuesOf("timeZone");
  if (canonical.includes(tz)) return true;
  const lower = tz.toLowerCase();
  return !canonical.some((name) => name.toLowerCase() === lower);
}

export function monitorConfig(opts: MonitorsRunOptions): MonitorConfig | undefined {
  if (opts.schedule === undefined) {
    for (const [k, flag] of NEEDS_SCHEDULE) {
      if (opts[k] !== undefined) throw new UsageError(`the argument '${flag}' requires '--schedule <schedule>'`);
    }
    return undefined;
  }
  const problem = crontabProblem(opts.schedule);
  if (problem) throw new UsageError(`invalid value for '--schedule <schedule>': ${problem}`);
  for (const [k, flag] of NEEDS_SCHEDULE) {
    const v = opts[k];
    // Sentry takes only whole numbers from 1 up here, as sentry-cli's parser does.
    if (typeof v === "number" && !(Number.isSafeInteger(v) && v >= 1)) {
      throw new UsageError(`invalid value '${v}' for '${flag}': expected a whole number, 1 or more`);
    }
  }
  const c: MonitorConfig = { schedule: { type: "crontab", value: opts.schedule } };
  if (opts.checkinMargin !== undefined) c.checkin_margin = opts.checkinMargin;
  if (opts.maxRuntime !== undefined) c.max_runtime = opts.maxRuntime;
  if (opts.timezone !== undefined) {
    if (!isTimeZone(opts.timezone)) {
      throw new UsageError(
        `invalid value '${opts.timezone}' for '--timezone <timezone>': '${opts.timezone}' is not a valid timezone`,
      );
    }
    c.timezone = opts.timezone;
  }
  if (opts.failureIssueThreshold !== undefined) c.failure_issue_threshold = opts.failureIssueThreshold;
  if (opts.recoveryThreshold !== undefined) c.recovery_threshold = opts.recoveryThreshold;
  return c;
}

/** Where a child's output goes: the stream itself when it is a file descriptor, else a pipe into it. */
function outputFor(stream: Writable): Writable | "pipe" {
  return typeof (stream as { fd?: unknown }).fd === "number" ? stream : "pipe";
}

/**
 * Run the job with the caller's terminal or streams, SENTRY_MONITOR_SLUG set, and SIGINT/SIGTERM
 * passed on while it runs.
 */
export function runChild(ctx: CommandContext, command: string[], slug: string): Promise<ChildResult> {
  return new Promise((resolve) => {
    const [file, ...args] = command;
    const out = outputFor(ctx.io.stdout);
    const err = outputFor(ctx.io.stderr);
    // Listen before spawning: a signal that arrives while the job starts must reach it too.
    let child: ReturnType<typeof spawn> | undefined;
    let early: NodeJS.Signals | undefined;
    const forward = (sig: NodeJS.Signals) => () => {
      if (!child) early = sig;
      else if (child.exitCode === null && child.signalCode === null) {
        ctx.out.debug(`passing ${sig} on to the job (pid ${child.pid})`);
        child.kill(sig);
      }
    };
    const onInt = forward("SIGINT");
    const onTerm = forward("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    child = spawn(file!, args, {
      cwd: ctx.cwd,
      env: { ...ctx.env, SENTRY_MONITOR_SLUG: slug },
      stdio: ["inherit", out, err],
    });
    if (early) child.kill(early);
    if (out === "pipe") child.stdout?.pipe(ctx.io.stdout, { end: false });
    if (err === "pipe") child.stderr?.pipe(ctx.io.stderr, { end: false });
    let settled = false;
    const done = (r: ChildResult) => {
      if (settled) return;
      settled = true;
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      resolve(r);
    };
    child.on("error", (e: NodeJS.ErrnoException) => {
      done({ exitCode: e.code === "ENOENT" ? 127 : 126, spawnError: `${file}: ${e.code ?? e.message}` });
    });
    child.on("close", (code, signal) => {
      if (signal) done({ exitCode: 128 + (SIGNAL_NUMBERS[signal] ?? 0), signal });
      else done({ exitCode: code ?? 1 });
    });
  });
}

interface SendOutcome {
  status: CheckInPayload["status"];
  delivered: boolean;
  /** Why it was not delivered (spool path included when spooled). */
  problem?: string;
}

/** Send one check-in: one attempt per DSN, bounded in time; never throws. */
async function sendCheckIn(
  ctx: CommandContext,
  dsns: Dsn[],
  c: CheckInPayload,
  spoolDir: string | undefined,
): Promise<SendOutcome> {
  // Spool notices go to stderr: stdout belongs to the job.
  const deps: DispatchDeps = {
    env: ctx.env,
    homeDir: ctx.homeDir,
    out: {
      print: (l) => ctx.out.info(l),
      result: () => {},
      debug: (m) => ctx.out.debug(m),
      info: (m) => ctx.out.debug(m),
      warn: (m) => ctx.out.debug(m),
      redactor: ctx.out.redactor,
    },
    config: () => ctx.config(),
    surface: ctx.surface,
    now: () => ctx.now(),
    sleep: (ms) => ctx.sleep(ms),
  };
  try {
    await dispatch(deps, dsns, () => checkInEnvelope(c), {
      flags: spoolDir !== undefined ? { spoolDir } : {},
      category: "monitor",
      // Two check-ins share an id: number the spool files so they sort in sending order.
      eventId: `${c.check_in_id}${c.status === "in_progress" ? "1" : "2"}`,
      what: `${c.status} check-in`,
      attempts: 1,
      timeoutMs: CHECK_IN_TIMEOUT_MS,
    });
    return { status: c.status, delivered: true };
  } catch (e) {
    const problem = isShipError(e) || e instanceof Error ? e.message : String(e);
    ctx.out.warn(`could not send the ${c.status} check-in of monitor '${c.monitor_slug}': ${problem}`);
    return { status: c.status, delivered: false, problem };
  }
}

export async function runMonitorsRun(opts: MonitorsRunOptions, ctx: CommandContext): Promise<void> {
  if (opts.command.length === 0) {
    throw new UsageError(
      "the following required arguments were not provided: <ARGS>... (the command to run, after --)",
    );
  }
  const config = monitorConfig(opts);
  const dsns = await resolveDsns(
    {
      env: ctx.env,
      homeDir: ctx.homeDir,
      out: ctx.out,
      config: () => ctx.config(),
      now: () => ctx.now(),
      sleep: (ms) => ctx.sleep(ms),
    },
    opts.dsn?.length ? { dsn: opts.dsn } : {},
  );
  const environment = opts.environment ?? "production";
  const checkInId = newCheckInId();
  const base = { check_in_id: checkInId, monitor_slug: opts.slug };

  const started = performance.now();
  // Sent while the job runs: a slow or absent server never delays its start.
  const first = sendCheckIn(
    ctx,
    dsns,
    { ...base, status: "in_progress", environment, ...(config ? { monitor_config: config } : {}) },
    opts.spoolDir,
  );
  const child = await runChild(ctx, opts.command, opts.slug);
  const duration = (performance.now() - started) / 1000;
  if (child.spawnError) ctx.out.warn(`could not run the command: ${child.spawnError}`);
  const firstOutcome = await first;
  const status = child.exitCode === 0 ? "ok" : "error";
  const last = await sendCheckIn(ctx, dsns, { ...base, status, environment, duration }, opts.spoolDir);

  ctx.exitCode = child.exitCode;
  ctx.out.result({
    ok: child.exitCode === 0,
    monitor: opts.slug,
    environment,
    checkInId,
    exitCode: child.exitCode,
    ...(child.signal ? { signal: child.signal } : {}),
    duration,
    checkIns: [firstOutcome, last],
  });
}
