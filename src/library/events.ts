/** Events through the Node API: `sendEvent` (`sentry-ship send-event`). */
import type { SendEventDocument } from "./documents.js";
import { runInContext, type SentryOptions } from "./session.js";

export interface SendEventOptions extends SentryOptions {
  /** Event files (JSON) to send instead of building one; globs allowed. */
  paths?: string[];
  /** Send the files' bytes as they are (`--raw`). */
  raw?: boolean;
  /** The DSN(s) to send through (default: SENTRY_DSN, rc files). */
  dsn?: string | string[];
  /** Message lines (`-m`), and `%s` arguments (`-a`). */
  message?: string | string[];
  messageArgs?: string[];
  level?: "debug" | "info" | "warning" | "error" | "fatal";
  /** Unix seconds or RFC 3339. */
  timestamp?: string;
  release?: string;
  dist?: string;
  environment?: string;
  platform?: string;
  tags?: Record<string, string>;
  extra?: Record<string, string>;
  user?: Record<string, string>;
  fingerprint?: string[];
  /** A log file whose last lines become breadcrumbs. */
  logfile?: string;
  withCategories?: boolean;
  /** Include the (redacted) environment variables, as the CLI does unless `--no-environ`; default true. */
  environ?: boolean;
  /** Seconds to wait when rate limited. */
  waitForRateLimit?: number;
  spoolDir?: string;
  dryRun?: boolean;
}

const pairs = (r: Record<string, string> | undefined) =>
  r === undefined ? undefined : Object.entries(r).map(([k, v]) => `${k}:${v}`);

/** `send-event`: build (or read) an event and deliver it through the DSN. */
export async function sendEvent(opts: SendEventOptions): Promise<SendEventDocument> {
  return runInContext(opts, { release: opts.release, env: opts.environment }, async (ctx) => {
    const { runSendEvent } = await import("../commands/send-event/send-event.js");
    const message =
      opts.message === undefined ? undefined : Array.isArray(opts.message) ? opts.message : [opts.message];
    await runSendEvent(
      {
        paths: opts.paths ?? [],
        raw: opts.raw === true,
        level: opts.level,
        timestamp: opts.timestamp,
        release: opts.release,
        dist: opts.dist,
        environment: opts.environment,
        environ: opts.environ !== false,
        messages: message,
        messageArgs: opts.messageArgs,
        platform: opts.platform,
        tags: pairs(opts.tags),
        extra: pairs(opts.extra),
        user: pairs(opts.user),
        fingerprint: opts.fingerprint,
        logfile: opts.logfile,
        withCategories: opts.withCategories === true,
        dsn: opts.dsn,
        waitForRateLimit: opts.waitForRateLimit,
        spoolDir: opts.spoolDir,
        dryRun: opts.dryRun === true,
      },
      ctx,
    );
  });
}
