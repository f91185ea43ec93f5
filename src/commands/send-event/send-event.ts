/**
 * `send-event`: build an event from flags (or read event files), wrap it in an envelope and
 * deliver it through the DSN(s), spooling it when no DSN accepts it.
 */
import { resolve as resolvePath } from "node:path";
import type { CommandContext } from "../../context.js";
import { dsnHost } from "../../domain/dsn.js";
import { hyphenateEventId, normalizeEventId } from "../../domain/envelope.js";
import { InputError, isShipError } from "../../errors.js";
import { type DeliveryFlags, type DispatchFlags, dispatch, dispatchFlags, resolveDsns } from "../../events/dispatch.js";
import { eventEnvelope, eventEnvelopeRaw } from "../../events/envelope-file.js";
import {
  buildEvent,
  completeFileEvent,
  EventInputError,
  logfileBreadcrumbs,
  parseLevel,
  parseTimestamp,
  redactedEnviron,
} from "../../events/event.js";
import { expandPaths, LOGFILE_TAIL_BYTES, MAX_EVENT_FILE_BYTES, readUserFile } from "../../events/files.js";
import { hostInfo } from "../../events/host.js";
import { VERSION } from "../../version.js";
import { list, pathList, requestKeys } from "../request.js";

/** The event as the core builds it (messages, `KEY:VALUE` pairs), with the delivery flags checked. */
interface SendEventOptions extends DispatchFlags {
  paths: string[];
  raw?: boolean;
  level?: string;
  timestamp?: string;
  release?: string;
  dist?: string;
  environment?: string;
  /** false with --no-environ. */
  environ: boolean;
  messages?: string[];
  messageArgs?: string[];
  platform?: string;
  tags?: string[];
  extra?: string[];
  user?: string[];
  fingerprint?: string[];
  logfile?: string;
  withCategories?: boolean;
  dryRun?: boolean;
}

/** `KEY:VALUE` pairs, as flags give them or as a record. */
export type Pairs = Record<string, string> | string[];

/**
 * What the user asks `send-event` for, keyed by its flags' names (`environment` for `-E/--env`,
 * `tags` for `-t/--tag`, `messageArgs` for `-a/--message-arg`): the CLI's parsed flags and the
 * Node API's `sendEvent` options are both one.
 */
export interface SendEventRequest extends DeliveryFlags {
  /** Event files (JSON) to send instead of building one; globs allowed. */
  paths?: string[];
  /** Send the files' bytes as they are (`--raw`). */
  raw?: boolean;
  /** Message lines (`-m`, repeatable). */
  message?: string | string[];
  /** `%s` arguments of the message (`-a`, repeatable). */
  messageArgs?: string[];
  level?: "debug" | "info" | "warning" | "error" | "fatal";
  /** Unix seconds or RFC 3339. */
  timestamp?: string;
  release?: string;
  dist?: string;
  environment?: string;
  platform?: string;
  tags?: Pairs;
  extra?: Pairs;
  user?: Pairs;
  fingerprint?: string[];
  /** A log file whose last lines become breadcrumbs. */
  logfile?: string;
  withCategories?: boolean;
  /** Include the (redacted) environment variables, as the CLI does unless `--no-environ`; default true. */
  environ?: boolean;
  dryRun?: boolean;
}

/** The request's keys (checked against the type by the compiler), for the flag-parity test. */
export const SEND_EVENT_KEYS = requestKeys<SendEventRequest>({
  paths: true,
  raw: true,
  dsn: true,
  waitForRateLimit: true,
  spoolDir: true,
  message: true,
  messageArgs: true,
  level: true,
  timestamp: true,
  release: true,
  dist: true,
  environment: true,
  platform: true,
  tags: true,
  extra: true,
  user: true,
  fingerprint: true,
  logfile: true,
  withCategories: true,
  environ: true,
  dryRun: true,
});

/** What commander parses for `send-event`. */
export type SendEventFlags = Omit<SendEventRequest, "paths">;

const pairs = (p: Pairs | undefined) =>
  p === undefined || Array.isArray(p) ? p : Object.entries(p).map(([k, v]) => `${k}:${v}`);

/** The request as the options the event is built from: flags checked, defaults applied. */
function sendEventOptions(req: SendEventRequest): SendEventOptions {
  return {
    paths: req.paths === undefined ? [] : pathList(req.paths, { allowEmpty: true }),
    raw: req.raw === true,
    level: req.level,
    timestamp: req.timestamp,
    release: req.release,
    dist: req.dist,
    environment: req.environment,
    environ: req.environ !== false,
    messages: list(req.message),
    messageArgs: req.messageArgs,
    platform: req.platform,
    tags: pairs(req.tags),
    extra: pairs(req.extra),
    user: pairs(req.user),
    fingerprint: req.fingerprint,
    logfile: req.logfile,
    withCategories: req.withCategories === true,
    ...dispatchFlags(req),
    dryRun: req.dryRun === true,
  };
}

const SDK = { name: "sentry-ship", version: VERSION };

async function gitHead(cwd: string): Promise<string | undefined> {
  try {
    const { simpleGit } = await import("simple-git");
    const sha = (await simpleGit({ baseDir: cwd }).revparse(["HEAD"])).trim();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}

async function optionalConfig(ctx: CommandContext) {
  try {
    return await ctx.config();
  } catch (e) {
    if (isShipError(e)) throw e;
    return undefined;
  }
}

function input<T>(fn: () => T, prefix = ""): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof EventInputError) throw new InputError(prefix + e.message);
    throw e;
  }
}

const NIL_EVENT_ID = "00000000-0000-0000-0000-000000000000";

function rawEventId(bytes: Buffer): string {
  try {
    const v = JSON.parse(bytes.toString("utf8")) as { event_id?: unknown } | null;
    const id = v && typeof v === "object" ? normalizeEventId(v.event_id) : undefined;
    return id ? hyphenateEventId(id) : NIL_EVENT_ID;
  } catch {
    return NIL_EVENT_ID;
  }
}

interface Prepared {
  display?: string;
  eventId: string;
  body: Buffer;
  event?: Record<string, unknown>;
}

/** `send-event`: build (or read) an event and deliver it through the DSN. */
export async function runSendEvent(req: SendEventRequest, ctx: CommandContext): Promise<void> {
  const opts = sendEventOptions(req);
  const host = hostInfo(ctx.env);
  const now = ctx.now().getTime() / 1000;
  const cfg = await optionalConfig(ctx);
  const environment = opts.environment ?? cfg?.environment?.value ?? ctx.env.SENTRY_ENVIRONMENT ?? "production";
  const prepared: Prepared[] = [];

  if (opts.paths.length > 0) {
    // Validate every file before sending any.
    for (const f of await expandPaths(opts.paths, ctx.cwd)) {
      const { bytes } = readUserFile(f.path, f.display, MAX_EVENT_FILE_BYTES);
      if (opts.raw) {
        // Sent as-is; like sentry-cli, the envelope takes the file's event_id when it has one.
        const eventId = rawEventId(bytes);
        prepared.push({ display: f.display, eventId, body: eventEnvelopeRaw(bytes, eventId) });
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(bytes.toString("utf8"));
      } catch (e) {
        throw new InputError(`${f.display} is not valid JSON: ${(e as Error).message}`);
      }
      const ev = input(() => completeFileEvent(value, { host, now, environment, sdk: SDK }), `${f.display}: `);
      prepared.push({
        display: f.display,
        eventId: hyphenateEventId(String(ev.event_id)),
        body: eventEnvelope(ev),
        event: ev,
      });
    }
  } else {
    if (opts.level !== undefined) input(() => parseLevel(opts.level!));
    if (opts.timestamp !== undefined) input(() => parseTimestamp(opts.timestamp!));
    let breadcrumbs: ReturnType<typeof logfileBreadcrumbs> | undefined;
    if (opts.logfile !== undefined) {
      // Only the end is read: the breadcrumbs are the last 100 lines, and a log may be gigabytes.
      const logfile = resolvePath(ctx.cwd, opts.logfile);
      const tail = readUserFile(logfile, `logfile ${opts.logfile}`, LOGFILE_TAIL_BYTES, true);
      let text = tail.bytes.toString("utf8");
      if (tail.bytes.length === LOGFILE_TAIL_BYTES) text = text.slice(text.indexOf("\n") + 1);
      // Whole seconds plus the fraction, as Rust's as_secs_f64 computes it (exact to the double).
      const ns = tail.mtimeNs;
      const mtime = Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) / 1e9;
      breadcrumbs = logfileBreadcrumbs(text, mtime, opts.withCategories === true);
    }
    const release = opts.release ?? cfg?.release?.value ?? ctx.env.SENTRY_RELEASE ?? (await gitHead(ctx.cwd));
    const ev = input(() =>
      buildEvent({
        level: opts.level,
        timestamp: opts.timestamp,
        release,
        dist: opts.dist,
        environment,
        messages: opts.messages,
        messageArgs: opts.messageArgs,
        platform: opts.platform,
        tags: opts.tags,
        extra: opts.extra,
        user: opts.user,
        fingerprint: opts.fingerprint,
        environ: opts.environ ? redactedEnviron(ctx.env) : undefined,
        breadcrumbs,
        host,
        sdk: SDK,
        now,
      }),
    );
    prepared.push({ eventId: hyphenateEventId(String(ev.event_id)), body: eventEnvelope(ev), event: ev });
  }

  const dsns = await resolveDsns(ctx, opts);

  if (opts.dryRun) {
    for (const p of prepared) {
      ctx.out.print(
        `Would send event ${p.eventId}${p.display ? ` from file ${p.display}` : ""} to ${dsnHost(dsns[0]!)}`,
      );
    }
    ctx.out.result({
      ok: true,
      dryRun: true,
      events: prepared.map((p) => ({ eventId: p.eventId, file: p.display, event: p.event })),
    });
    return;
  }

  const results: Array<Record<string, unknown>> = [];
  for (const p of prepared) {
    const r = await dispatch(ctx, dsns, () => p.body, {
      flags: opts,
      category: "error",
      eventId: p.eventId,
      what: "event",
    });
    if (p.display !== undefined) {
      ctx.out.print(`Event from file ${p.display} dispatched: ${p.eventId}`);
    } else {
      ctx.out.print("Event dispatched.");
      ctx.out.print(`Event id: ${p.eventId}`);
    }
    ctx.out.info(`> Accepted by ${r.host}${r.of > 1 ? ` (DSN ${r.position} of ${r.of})` : ""}`);
    results.push({
      eventId: p.eventId,
      ...(p.display !== undefined ? { file: p.display } : {}),
      acceptedBy: r.host,
      dsnIndex: r.position,
    });
    ctx.out.result({ ok: true, events: results });
  }
}
