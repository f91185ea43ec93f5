/**
 * What send-event and send-envelope share: finding the DSNs (`--dsn` > SENTRY_DSN > `[auth] dsn`),
 * delivering with failover, and spooling what could not be delivered.
 */
import { type Surface, settingName } from "../config/settings.js";
import type { ResolvedConfig } from "../config/types.js";
import { type Dsn, DsnError, dsnHost, envelopeUrl, parseDsn } from "../domain/dsn.js";
import { ApiError, ConfigError, InputError, isShipError, NetworkError, UsageError } from "../errors.js";
import type { Output } from "../output/output.js";
import { userAgent, VERSION } from "../version.js";
import { defaultSpoolDir, writeSpoolFile } from "./spool.js";
import { type Delivered, DeliveryFailed, deliver, type HttpPost, undiciPost } from "./transport.js";

/**
 * What finding DSNs and delivering need from a command's context, and nothing else: the
 * configuration (DSN, headers, proxy and TLS settings), the environment and home folder (SENTRY_DSN,
 * the spool folder), output, and the clock. A CommandContext is one.
 */
export interface DispatchDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly homeDir: string;
  /** Whom messages address (default: a command line, naming flags). */
  readonly surface?: Surface;
  readonly out: Pick<Output, "print" | "result" | "debug" | "info" | "warn" | "redactor">;
  config(): Promise<ResolvedConfig>;
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export interface DispatchFlags {
  dsn?: string[] | string;
  waitForRateLimit?: number;
  spoolDir?: string;
}

/** The delivery flags both send-event and send-envelope take, as commander parses them or the Node API is given them. */
export interface DeliveryFlags {
  /** The DSN(s) to send through (`--dsn`, repeatable, or comma-separated; default: SENTRY_DSN, rc files). */
  dsn?: string | string[];
  /** Seconds to wait once when rate limited (`--wait-for-rate-limit`). */
  waitForRateLimit?: number | string;
  /** Where to save what could not be delivered (`--spool-dir`). */
  spoolDir?: string;
}

/** `--dsn`, `--wait-for-rate-limit` and `--spool-dir`, checked (a number of seconds is taken as it is). */
export function dispatchFlags(o: DeliveryFlags): DispatchFlags {
  const wait = o.waitForRateLimit;
  return {
    dsn: o.dsn,
    waitForRateLimit: typeof wait === "string" ? secondsArg(wait) : wait,
    spoolDir: o.spoolDir,
  };
}

/** The resolved configuration, or undefined when configuration cannot be resolved for a reason that is not the user's. */
async function tryConfig(deps: DispatchDeps) {
  try {
    return await deps.config();
  } catch (e) {
    if (isShipError(e)) throw e;
    return undefined;
  }
}

function splitList(values: string[]): string[] {
  return values
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

/** Keys of a DSN-looking string, for the redactor, even when the DSN is otherwise invalid. */
function dsnSecrets(text: string): string[] {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^:@/]+)(?::([^@/]*))?@/i.exec(text.trim());
  return [m?.[1], m?.[2]].filter((x): x is string => !!x);
}

export async function resolveDsns(deps: DispatchDeps, flags: DispatchFlags): Promise<Dsn[]> {
  let raw: string[] = [];
  let source = "";
  const flagValues = flags.dsn === undefined ? [] : Array.isArray(flags.dsn) ? flags.dsn : [flags.dsn];
  if (splitList(flagValues).length) {
    raw = splitList(flagValues);
    source = settingName("dsn", deps.surface);
  } else {
    const cfg = await tryConfig(deps);
    if (cfg?.dsn && splitList(cfg.dsn.value).length) {
      raw = splitList(cfg.dsn.value);
      source = cfg.dsn.source.label;
    } else if (deps.env.SENTRY_DSN && splitList([deps.env.SENTRY_DSN]).length) {
      raw = splitList([deps.env.SENTRY_DSN]);
      source = "SENTRY_DSN";
    }
  }
  if (raw.length === 0) {
    throw new ConfigError(
      `DSN missing: pass ${settingName("dsn", deps.surface)}, set the SENTRY_DSN environment variable, or add \`dsn\` under [auth] in .sentryclirc`,
    );
  }
  for (const r of raw) for (const s of dsnSecrets(r)) deps.out.redactor.add(s);
  return raw.map((r, i) => {
    try {
      const d = parseDsn(r);
      deps.out.redactor.add(d.publicKey);
      deps.out.redactor.add(d.secretKey);
      return d;
    } catch (e) {
      if (e instanceof DsnError) {
        const which = raw.length > 1 ? `DSN #${i + 1} from ${source}` : `the DSN from ${source}`;
        throw new InputError(`${which} is invalid: ${e.message}`);
      }
      throw e;
    }
  });
}

export function spoolDir(deps: DispatchDeps, flags: DispatchFlags): string {
  return flags.spoolDir ?? defaultSpoolDir(deps.env, deps.homeDir);
}

/** `--wait-for-rate-limit SECONDS` parser. */
export function secondsArg(value: string): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new UsageError(`invalid value '${value}' for --wait-for-rate-limit: expected whole seconds`);
  }
  return Number(value.trim());
}

export interface DispatchResult {
  delivered: Delivered;
  /** `host[:port]` that accepted, and which DSN it was (1-based) of how many. */
  host: string;
  position: number;
  of: number;
}

/** Test seam: the HTTP POST used for delivery (default undici). */
export const transportHooks: { post?: HttpPost } = {};

/**
 * Deliver to the first DSN that accepts. When none does for a transient reason (network, 5xx,
 * rate limit), the envelope is spooled, its path printed, and an error thrown (exit 1).
 */
export async function dispatch(
  deps: DispatchDeps,
  dsns: Dsn[],
  body: (dsn: Dsn) => Buffer,
  opts: {
    flags: DispatchFlags;
    category: string;
    eventId?: string;
    what: string;
    spool?: boolean;
    /** Told the spool file's path when the envelope was saved there (just before the error is thrown). */
    onSpooled?: (file: string) => void;
    /** Attempts per DSN (default 3); `monitors run` makes one, so an outage never delays the job. */
    attempts?: number;
    /** Abandon each request after this long (default: undici's 30 s header and body timeouts). */
    timeoutMs?: number;
  },
): Promise<DispatchResult> {
  const cfg = await tryConfig(deps);
  // Proxy, NO_PROXY, extra CA certificates and verify_ssl as for the web API.
  const dispatchers =
    cfg && !transportHooks.post ? (await import("../api/dispatcher.js")).createDispatchers(cfg) : undefined;
  const post =
    transportHooks.post ??
    (dispatchers || opts.timeoutMs !== undefined
      ? undiciPost(dispatchers ? (u) => dispatchers.forUrl(u).dispatcher : undefined, opts.timeoutMs)
      : undefined);
  try {
    const delivered = await deliver(dsns, {
      extraHeaders: cfg?.headers.value ?? [],
      body,
      category: opts.category,
      sleep: (ms) => deps.sleep(ms),
      now: () => deps.now(),
      userAgent: userAgent(),
      client: `sentry-ship/${VERSION}`,
      waitForRateLimit: opts.flags.waitForRateLimit,
      ...(opts.attempts !== undefined ? { attempts: opts.attempts } : {}),
      log: { debug: (m) => deps.out.debug(m), info: (m) => deps.out.info(m), warn: (m) => deps.out.warn(m) },
      ...(post ? { post } : {}),
    });
    for (const l of delivered.activeLimits) {
      deps.out.warn(
        `${dsnHost(delivered.dsn)} accepted the ${opts.what} but reports a rate limit for ${l.categories.join(", ") || "all categories"} (retry after ${l.retryAfter} seconds): data of that kind may have been dropped`,
      );
    }
    return { delivered, host: dsnHost(delivered.dsn), position: delivered.index + 1, of: dsns.length };
  } catch (e) {
    if (!(e instanceof DeliveryFailed)) throw e;
    const target = envelopeUrl(dsns[dsns.length - 1]!);
    if (!e.transient) {
      throw new ApiError(e.message, e.status ?? 400, "POST", new URL(target).pathname, undefined);
    }
    if (opts.spool === false) throw new NetworkError(e.message, target);
    const dir = spoolDir(deps, opts.flags);
    let file: string;
    try {
      file = writeSpoolFile(dir, body(dsns[0]!), { now: deps.now(), eventId: opts.eventId });
    } catch (w) {
      throw new NetworkError(
        `${e.message}; the ${opts.what} could not be saved to ${dir} either (${(w as Error).message})`,
        target,
      );
    }
    opts.onSpooled?.(file);
    deps.out.print(`Saved the ${opts.what} to ${file}`);
    deps.out.result({ ok: false, spooled: file, attempts: e.attempts });
    const hint = e.retryAfter !== undefined ? ` (or pass --wait-for-rate-limit ${e.retryAfter})` : "";
    throw new NetworkError(
      `${e.message}; saved to ${file} — resend it with: sentry-ship send-envelope ${file}${hint}`,
      target,
    );
  } finally {
    await dispatchers?.close();
  }
}
