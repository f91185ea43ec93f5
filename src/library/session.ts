/**
 * The in-process run of one Node API call: the options every call shares (where the server is,
 * who we are, where to log), turned into the same CommandContext a CLI run builds — the same
 * configuration resolution (explicit options > environment and `.env` > `SENTRY_PROPERTIES` file >
 * `.sentryclirc` > defaults, org auth tokens), the same command function — but with stdout
 * discarded (the result is the `--json` document, returned) and stderr going to the caller's
 * logger or nowhere. Nothing here exits the process or installs signal handlers.
 */
import { Readable, Writable } from "node:stream";
import { requestKeys } from "../commands/request.js";
import { type CommandContext, createContext, type GlobalOptions, type IO, processDefaults } from "../context.js";
import { classifyError, type ShipError } from "../errors.js";

/** Where an API call's progress lines, warnings and debug lines go. `console` fits. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error?(message: string): void;
  debug?(message: string): void;
}

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error";

/** Options every API call accepts. Each one overrides what the environment and rc files say. */
export interface SentryOptions {
  /** The Sentry server (default: SENTRY_URL, rc files, then https://sentry.io/). */
  url?: string;
  /** The auth token (default: SENTRY_AUTH_TOKEN, rc files). An org auth token also sets org and URL. */
  authToken?: string;
  /** Organization slug (default: SENTRY_ORG, rc files, the org token). */
  org?: string;
  /** Project slug or slugs (default: SENTRY_PROJECT, rc files). */
  project?: string | string[];
  /** Extra headers sent with every API request. */
  headers?: Record<string, string>;
  /** Extra CA certificates (PEM file) to trust. */
  caFile?: string;
  /** A `sentry.properties` file to read, as SENTRY_PROPERTIES names one. */
  configFile?: string;
  /** Working directory: where rc files, `.env` and relative paths are looked up (default: process.cwd()). */
  cwd?: string;
  /** Environment variables to resolve configuration from (default: process.env; never modified). */
  env?: Record<string, string | undefined>;
  /** Home directory for the global `~/.sentryclirc` (default: $HOME). */
  homeDir?: string;
  /** Where log lines go. Without one, the call writes nothing anywhere. */
  logger?: Logger;
  /** Which lines reach the logger (default: SENTRY_LOG_LEVEL, rc files, then "info" with a logger). */
  logLevel?: LogLevel;
  /** The clock requests are stamped with (default: the system clock). */
  now?: () => Date;
}

/** The keys of SentryOptions, for the test that compares each command's flags with its API options. */
export const SENTRY_OPTION_KEYS = requestKeys<SentryOptions>({
  url: true,
  authToken: true,
  org: true,
  project: true,
  headers: true,
  caFile: true,
  configFile: true,
  cwd: true,
  env: true,
  homeDir: true,
  logger: true,
  logLevel: true,
  now: true,
});

/** A ShipError as the API throws it: `document` is the one `--json` prints for the failure. */
export type SentryShipError = ShipError & { document: Record<string, unknown> };

/** A writable that hands each complete line to `onLine`. */
function lineSink(onLine: (line: string) => void): Writable {
  let pending = "";
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      pending += typeof chunk === "string" ? chunk : chunk.toString("utf8");
      let nl = pending.indexOf("\n");
      while (nl >= 0) {
        const line = pending.slice(0, nl).replace(/\r$/, "");
        pending = pending.slice(nl + 1);
        if (line !== "") onLine(line);
        nl = pending.indexOf("\n");
      }
      done();
    },
  });
}

/** Route one stderr line of the command to the logger by the prefix Output gives it. */
function toLogger(logger: Logger, line: string): void {
  const m = /^(warning|error|debug|trace):\s?(.*)$/s.exec(line);
  if (!m) {
    logger.info(line);
    return;
  }
  const text = m[2] ?? "";
  if (m[1] === "warning") logger.warn(text);
  else if (m[1] === "error") (logger.error ?? logger.warn).call(logger, text);
  else logger.debug?.(text);
}

/** The IO of an API call: the caller's env/cwd (or the process's), stdout discarded, stderr to the logger. */
export function libraryIO(opts: SentryOptions): IO {
  const base = processDefaults();
  const env: NodeJS.ProcessEnv = { ...(opts.env ?? base.env) };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  if (opts.configFile !== undefined) env.SENTRY_PROPERTIES = opts.configFile;
  const logger = opts.logger;
  return {
    stdout: lineSink(() => {}),
    stderr: lineSink(logger ? (line) => toLogger(logger, line) : () => {}),
    // No API call reads standard input; an empty stream keeps the host's own stdin untouched.
    stdin: Readable.from([]),
    env,
    cwd: opts.cwd ?? base.cwd,
    homeDir: opts.homeDir ?? env.HOME ?? base.homeDir,
  };
}

/**
 * The root/group flags a CLI run would have for these options. A command's `release` feeds
 * configuration, as its `--release` does on the command line.
 */
export function globalOptions(opts: SentryOptions & { release?: unknown }): GlobalOptions {
  const project = opts.project === undefined ? undefined : Array.isArray(opts.project) ? opts.project : [opts.project];
  const header = opts.headers ? Object.entries(opts.headers).map(([k, v]) => `${k}: ${v}`) : undefined;
  return {
    url: opts.url,
    authToken: opts.authToken,
    org: opts.org,
    project: project && project.length > 0 ? project : undefined,
    header,
    caFile: opts.caFile,
    logLevel: opts.logLevel,
    quiet: false,
    // The document is the result: human text on stdout is never rendered.
    json: true,
    ...(typeof opts.release === "string" ? { release: opts.release } : {}),
  };
}

/**
 * Run `fn` with a CommandContext built from `opts` and return the document the command set for
 * `--json`. Failures are thrown as ShipErrors (UsageError, ConfigError, InputError, ApiError,
 * NetworkError, …) carrying `exitCode`, `kind` and the failure's `--json` document.
 */
export async function runInContext<T>(opts: SentryOptions, fn: (ctx: CommandContext) => Promise<unknown>): Promise<T> {
  const io = libraryIO(opts);
  let ctx: CommandContext | undefined;
  try {
    const { loadDotenv } = await import("../config/dotenv.js");
    io.env = loadDotenv(io.env, io.cwd);
    ctx = createContext(io, globalOptions(opts), { surface: "api", ...(opts.now ? { now: opts.now } : {}) });
    await fn(ctx);
    return (ctx.out.takeJsonDocument() ?? { ok: true }) as T;
  } catch (e) {
    const err = classifyError(e);
    const doc = ctx?.out.takeJsonDocument();
    const base = doc && typeof doc === "object" && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {};
    err.document = { ...base, ok: false, error: err.toJSON() };
    if (ctx?.out.isDebug() && e instanceof Error && e.stack) ctx.out.debug(e.stack);
    throw err;
  } finally {
    await ctx?.dispose();
  }
}
