/**
 * The retry policy (conventions.md "Errors and exit codes"): retries are narrow — network errors,
 * 429 (honouring `Retry-After` / `X-Sentry-Rate-Limits`) and 502/503/504 — with exponential backoff
 * and jitter (min 1 s, factor 1.5, max 5 s), and the waits of one request stay within a budget.
 */

export const BACKOFF_MIN_MS = 1000;
export const BACKOFF_FACTOR = 1.5;
export const BACKOFF_MAX_MS = 5000;
/** Total time one request may spend waiting between attempts. */
export const RETRY_BUDGET_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 5;

const RETRY_STATUSES = new Set([429, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRY_STATUSES.has(status);
}

/**
 * The wait before retry number `retry` (0 for the first retry): `min · factor^retry`, plus up to a
 * quarter of that as jitter, capped at the maximum. The jitter ranges of consecutive retries do not
 * overlap, so waits always grow until they reach the cap.
 */
export function backoffDelay(retry: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * BACKOFF_FACTOR ** retry);
  return Math.round(Math.min(BACKOFF_MAX_MS, base + base * 0.25 * random()));
}

/** `Retry-After`: delta seconds or an HTTP-date. Returns milliseconds from `now`, or undefined. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}

/**
 * `X-Sentry-Rate-Limits: retry_after:categories:scope[:reason[:namespaces]], …` — the longest
 * `retry_after` in milliseconds (a Web-API call is limited if any quota is), or undefined.
 * Entries whose `retry_after` does not parse are skipped, as Relay's clients do.
 */
export function parseRateLimits(value: string | undefined): number | undefined {
  if (!value) return undefined;
  let max: number | undefined;
  for (const raw of value.split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    const first = entry.split(":")[0]!.trim();
    if (!/^\d+(\.\d+)?$/.test(first)) continue;
    const ms = Math.round(Number(first) * 1000);
    max = max === undefined ? ms : Math.max(max, ms);
  }
  return max;
}

/** How long a 429 asks us to wait (the longer of the two headers), or undefined. */
export function rateLimitWait(headers: Record<string, string>, now: number): number | undefined {
  const a = parseRetryAfter(headers["retry-after"], now);
  const b = parseRateLimits(headers["x-sentry-rate-limits"]);
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

/** Network error codes worth another attempt (the server may come back). */
const RETRY_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** The `code` of an error or of the first cause that has one. */
export function errorCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur && typeof cur === "object"; i++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === "string") return c;
    cur = (cur as { cause?: unknown }).cause;
  }
  // AggregateError (happy-eyeballs connect) carries codes on its members.
  const errs = (e as { errors?: unknown[] } | undefined)?.errors;
  if (Array.isArray(errs))
    for (const x of errs) {
      const c = errorCode(x);
      if (c) return c;
    }
  return undefined;
}

export function isRetryableNetworkError(e: unknown): boolean {
  const code = errorCode(e);
  return code !== undefined && RETRY_CODES.has(code);
}
