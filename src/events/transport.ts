/**
 * Delivering an envelope to the first DSN that accepts it. Authenticates with `X-Sentry-Auth`
 * (the DSN's key, never the API token), gzips bodies above 64 KB, retries network errors and 5xx
 * with bounded backoff (injected sleep), and reports rate limits (429 / `X-Sentry-Rate-Limits`
 * covering the event's category) with their retry time — waiting once, within
 * `--wait-for-rate-limit`, when asked. Several DSNs are tried in order.
 *
 * The backoff delays come from the web-API client's policy (src/api/retry.ts).
 */
import { gzipSync } from "node:zlib";
import type { Dispatcher } from "undici";
import { oneLine } from "../api/errors.js";
import { backoffDelay, parseRetryAfter } from "../api/retry.js";
import { authHeader, type Dsn, describeDsn, dsnHost, envelopeUrl } from "../domain/dsn.js";
import { limitCovers, parseRateLimits, type RateLimit } from "../domain/envelope.js";

export const GZIP_THRESHOLD = 64 * 1024;
/** Attempts per DSN for network errors and 5xx (1 + retries). */
export const DEFAULT_ATTEMPTS = 3;

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type HttpPost = (url: string, headers: Record<string, string>, body: Buffer) => Promise<HttpResponse>;

export interface DeliveryOptions {
  /** The body to send to a DSN (lets a `dsn` envelope header follow the target). */
  body(dsn: Dsn): Buffer;
  /** Rate-limit category of the envelope's main item (`error` for events). */
  category: string;
  sleep(ms: number): Promise<void>;
  now(): Date;
  userAgent: string;
  /** Extra headers (`--header` / `[http] headers`), sent with every request. */
  extraHeaders?: Array<[string, string]>;
  /** `sentry_client` value. */
  client: string;
  /** Wait at most this many seconds for a rate limit to lift, once. */
  waitForRateLimit?: number;
  attempts?: number;
  log: { debug(msg: string): void; info(msg: string): void; warn(msg: string): void };
  /** HTTP POST; default undici. */
  post?: HttpPost;
}

export interface AttemptRecord {
  dsn: string;
  host: string;
  outcome: "accepted" | "network-error" | "server-error" | "rate-limited" | "rejected";
  status?: number;
  message: string;
}

export interface Delivered {
  dsn: Dsn;
  /** 0-based index of the DSN that accepted. */
  index: number;
  status: number;
  /** Parsed response body (`{"id": …}`), when JSON. */
  response: unknown;
  attempts: AttemptRecord[];
  /** Rate limits the server reported on the success answer, for our category. */
  activeLimits: RateLimit[];
  /** The body as sent to that DSN (uncompressed). */
  body: Buffer;
}

/** Every DSN failed. `transient` failures (network, 5xx, rate limits) are worth spooling. */
export class DeliveryFailed extends Error {
  override name = "DeliveryFailed";
  constructor(
    message: string,
    readonly attempts: AttemptRecord[],
    readonly transient: boolean,
    /** For a rate limit: seconds until it lifts. */
    readonly retryAfter?: number,
    /** For a rejection: the HTTP status. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * An HTTP POST over undici, through `dispatcherFor(url)` when given (proxy, extra CAs). With
 * `timeoutMs`, the whole request (connect included) is abandoned after that long.
 */
export function undiciPost(dispatcherFor?: (url: URL) => Dispatcher | undefined, timeoutMs?: number): HttpPost {
  return async (url, headers, body) => {
    const { request } = await import("undici");
    const dispatcher = dispatcherFor?.(new URL(url));
    const res = await request(url, {
      method: "POST",
      headers,
      body,
      headersTimeout: timeoutMs ?? 30_000,
      bodyTimeout: timeoutMs ?? 30_000,
      ...(timeoutMs !== undefined ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
      ...(dispatcher ? { dispatcher } : {}),
    });
    const text = await res.body.text();
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers))
      if (v !== undefined) flat[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
    return { status: res.statusCode, headers: flat, body: text };
  };
}

/** undici with its global dispatcher. */
export const defaultPost: HttpPost = undiciPost();

function networkMessage(e: unknown): string {
  const err = e as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.code ?? err.cause?.code;
  const msg = err.cause?.message ?? err.message ?? String(e);
  return code && !msg.includes(code) ? `${code}: ${msg}` : msg;
}

/**
 * What the server said, in one line: Relay's `detail` and `causes`; for an HTML page (a proxy's
 * error page) its title, else its text without tags; else the body's first characters.
 */
function serverDetail(body: string): string {
  try {
    const j = JSON.parse(body) as { detail?: unknown; causes?: unknown };
    if (typeof j.detail === "string") {
      return oneLine(
        Array.isArray(j.causes) && j.causes.length ? `${j.detail}: ${j.causes.join("; ")}` : j.detail,
        200,
      );
    }
  } catch {
    /* not JSON */
  }
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1];
  const text = oneLine(title?.trim() ? title : /<[a-z!/]/i.test(body) ? body.replace(/<[^>]*>/g, " ") : body, 200);
  return text || "(empty body)";
}

/** Seconds a 429 asks us to wait for `category`, from X-Sentry-Rate-Limits or Retry-After. */
export function rateLimitSeconds(
  headers: Record<string, string>,
  category: string,
  now: number,
): { seconds: number; limits: RateLimit[] } | undefined {
  const limits = parseRateLimits(headers["x-sentry-rate-limits"]).filter(
    (l) => limitCovers(l, category) || limitCovers(l, "default"),
  );
  if (limits.length) return { seconds: Math.max(...limits.map((l) => l.retryAfter)), limits };
  const ms = parseRetryAfter(headers["retry-after"], now);
  if (ms !== undefined) return { seconds: Math.ceil(ms / 1000), limits: [] };
  return undefined;
}

/** Try each DSN in order until one accepts the envelope. Throws DeliveryFailed. */
export async function deliver(dsns: Dsn[], opts: DeliveryOptions): Promise<Delivered> {
  const post = opts.post ?? defaultPost;
  const maxAttempts = opts.attempts ?? DEFAULT_ATTEMPTS;
  const records: AttemptRecord[] = [];
  let lastRateLimit: number | undefined;
  let anyTransient = false;
  let lastRejected: { status: number; message: string } | undefined;

  for (const [index, dsn] of dsns.entries()) {
    const host = dsnHost(dsn);
    const label = describeDsn(dsn);
    const raw = opts.body(dsn);
    const compressed = raw.length > GZIP_THRESHOLD;
    const wire = compressed ? gzipSync(raw) : raw;
    let attempt = 0;
    let waited = false;
    dsnLoop: while (attempt < maxAttempts) {
      attempt += 1;
      const headers: Record<string, string> = {
        ...Object.fromEntries(opts.extraHeaders ?? []),
        "User-Agent": opts.userAgent,
        "Content-Type": "application/x-sentry-envelope",
        "X-Sentry-Auth": authHeader(dsn, opts.client, Math.floor(opts.now().getTime() / 1000)),
        ...(compressed ? { "Content-Encoding": "gzip" } : {}),
      };
      opts.log.debug(
        `POST ${envelopeUrl(dsn)} (${wire.length} bytes${compressed ? ", gzip" : ""}, attempt ${attempt})`,
      );
      let res: HttpResponse;
      try {
        res = await post(envelopeUrl(dsn), headers, wire);
      } catch (e) {
        const message = networkMessage(e);
        records.push({ dsn: label, host, outcome: "network-error", message });
        opts.log.debug(`${host}: ${message}`);
        if (attempt < maxAttempts) await opts.sleep(backoffDelay(attempt - 1));
        continue;
      }
      opts.log.debug(`${host}: HTTP ${res.status}`);
      if (res.status >= 200 && res.status < 300) {
        let response: unknown;
        try {
          response = JSON.parse(res.body);
        } catch {
          response = res.body;
        }
        records.push({ dsn: label, host, outcome: "accepted", status: res.status, message: "accepted" });
        const active = parseRateLimits(res.headers["x-sentry-rate-limits"]).filter((l) =>
          limitCovers(l, opts.category),
        );
        return { dsn, index, status: res.status, response, attempts: records, activeLimits: active, body: raw };
      }
      if (res.status === 429) {
        const rl = rateLimitSeconds(res.headers, opts.category, opts.now().getTime()) ?? { seconds: 60, limits: [] };
        records.push({ dsn: label, host, outcome: "rate-limited", status: 429, message: `retry after ${rl.seconds}s` });
        if (!waited && opts.waitForRateLimit !== undefined && rl.seconds <= opts.waitForRateLimit) {
          waited = true;
          opts.log.info(
            `Rate limited by ${host} for ${rl.seconds}s; waiting before one more attempt (--wait-for-rate-limit ${opts.waitForRateLimit}).`,
          );
          await opts.sleep(rl.seconds * 1000);
          attempt -= 1; // the wait is not a failed attempt
          continue;
        }
        lastRateLimit = Math.max(lastRateLimit ?? 0, rl.seconds);
        break dsnLoop;
      }
      if (res.status >= 500) {
        const message = `HTTP ${res.status}: ${serverDetail(res.body)}`;
        records.push({ dsn: label, host, outcome: "server-error", status: res.status, message });
        if (attempt < maxAttempts) await opts.sleep(backoffDelay(attempt - 1));
        continue;
      }
      // 4xx: the server refused this envelope or this key. Another DSN may take it (another
      // project or region), but retrying the same one will not help.
      const message = `HTTP ${res.status}: ${serverDetail(res.body)}`;
      records.push({ dsn: label, host, outcome: "rejected", status: res.status, message });
      lastRejected = { status: res.status, message };
      break dsnLoop;
    }
    if (records.at(-1)?.outcome !== "rejected") anyTransient = true;
    if (index < dsns.length - 1)
      opts.log.warn(`${host} did not accept the envelope (${records.at(-1)?.message}); trying the next DSN`);
  }

  const last = records.at(-1);
  if (lastRejected && !anyTransient) {
    throw new DeliveryFailed(
      `${last?.host ?? "the server"} rejected the envelope (${lastRejected.message})`,
      records,
      false,
      undefined,
      lastRejected.status,
    );
  }
  if (lastRateLimit !== undefined && last?.outcome === "rate-limited") {
    throw new DeliveryFailed(
      `rate limited by ${last.host} for category '${opts.category}': retry after ${lastRateLimit} seconds`,
      records,
      true,
      lastRateLimit,
    );
  }
  throw new DeliveryFailed(
    `could not deliver to ${dsns.length === 1 ? last?.host : `any of ${dsns.length} DSNs`} (${last?.message ?? "no attempt"})`,
    records,
    true,
  );
}
