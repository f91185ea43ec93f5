/**
 * The one API client: every Web-API request sentry-ship makes goes through `request()` here. It
 * builds the URL, sends the token only to the configured Sentry, retries narrowly with backoff,
 * parses JSON, follows pagination, and turns failures into one-line ApiError / NetworkError.
 */
import type { Dispatcher } from "undici";
import type { ResolvedConfig } from "../config/types.js";
import { ApiError, ConfigError } from "../errors.js";
import type { Output } from "../output/output.js";
import { userAgent } from "../version.js";
import { createDispatchers, type Timeouts } from "./dispatcher.js";
import { appendQuery } from "./encoding.js";
import { buildApiError, buildNetworkError, statusLine } from "./errors.js";
import { nextCursor } from "./pagination.js";
import {
  backoffDelay,
  DEFAULT_MAX_RETRIES,
  isRetryableNetworkError,
  isRetryableStatus,
  RETRY_BUDGET_MS,
  rateLimitWait,
} from "./retry.js";
import type { ApiClient, ApiResponse, HttpMethod, PageOptions, RequestOptions } from "./types.js";

export interface ClientOptions {
  config: ResolvedConfig;
  out: Output;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Wall clock in ms (for `Retry-After` dates); default Date.now. */
  now?: () => number;
  /** Jitter source in [0, 1); default Math.random. */
  random?: () => number;
  /** Connection/response timeouts (tests shorten them). */
  timeouts?: Timeouts;
}

/** How much of a body the debug log shows. */
const LOG_BODY_CHARS = 1000;

function isAbsolute(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

function truncate(s: string, n = LOG_BODY_CHARS): string {
  return s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s;
}

/** Header values that may carry credentials are never logged (custom headers included). */
const SENSITIVE_HEADER = /authorization|cookie|token|secret|password|api-?key|^x-sentry-auth$/i;

function logHeaderValue(name: string, value: string): string {
  if (!SENSITIVE_HEADER.test(name)) return value;
  const scheme = /^(Bearer|Basic|Token|DSN|Sentry)\s/i.exec(value)?.[1];
  return scheme ? `${scheme} [redacted]` : "[redacted]";
}

function formatWait(ms: number): string {
  return ms % 1000 === 0 || ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Origins that may receive the token: the configured one, those an org token names, and *.sentry.io for sentry.io. */
function trustedOriginCheck(base: URL, config: ResolvedConfig): (url: URL) => boolean {
  const origins = new Set([base.origin]);
  for (const u of [config.orgToken?.url, config.orgToken?.regionUrl]) {
    if (!u) continue;
    try {
      origins.add(new URL(u).origin);
    } catch {
      /* not a URL: ignore */
    }
  }
  const sentryIo =
    base.protocol === "https:" && (base.hostname === "sentry.io" || base.hostname.endsWith(".sentry.io"));
  return (url) =>
    origins.has(url.origin) ||
    (sentryIo && url.protocol === "https:" && (url.hostname === "sentry.io" || url.hostname.endsWith(".sentry.io")));
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  data: unknown;
  /** The body was declared JSON but did not parse. */
  badJson: boolean;
}

export function createApiClient(opts: ClientOptions): ApiClient {
  const { config, out, sleep } = opts;
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;

  const rawBase = config.url.value.replace(/\/+$/, "");
  let base: URL;
  try {
    base = new URL(rawBase);
    if (base.protocol !== "http:" && base.protocol !== "https:") throw new Error("scheme");
  } catch {
    throw new ConfigError(
      `bad Sentry URL ${config.url.value} (from ${config.url.source.label}): it must start with http:// or https://`,
    );
  }
  const baseUrl = rawBase;
  const isTrusted = trustedOriginCheck(base, config);
  const dispatchers = createDispatchers(config, opts.timeouts);
  const configuredRetries = config.maxRetries?.value;
  const maxRetries =
    typeof configuredRetries === "number" && Number.isInteger(configuredRetries) && configuredRetries >= 0
      ? configuredRetries
      : DEFAULT_MAX_RETRIES;
  const ua = userAgent(config.pipeline?.value);
  const keepalive = config.keepalive?.value === true;
  const customHeaders = config.headers?.value ?? [];

  function resolveUrl(path: string, query: RequestOptions["query"]): URL {
    const url = isAbsolute(path) ? new URL(path) : new URL(`${baseUrl}/api/0/${path.replace(/^\/+/, "")}`);
    appendQuery(url, query);
    return url;
  }

  function buildHeaders(url: URL, o: RequestOptions): { headers: Record<string, string>; tokenSent: boolean } {
    const headers: Record<string, string> = { "user-agent": ua, accept: "*/*" };
    const trusted = isTrusted(url);
    if (trusted) for (const [k, v] of customHeaders) headers[k.toLowerCase()] = v;
    if (o.json !== undefined) headers["content-type"] = "application/json";
    for (const [k, v] of Object.entries(o.headers ?? {})) headers[k.toLowerCase()] = v;
    let tokenSent = false;
    if (trusted && config.authToken?.value && headers.authorization === undefined) {
      headers.authorization = `Bearer ${config.authToken.value}`;
      tokenSent = true;
    }
    return { headers, tokenSent };
  }

  function logRequest(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: unknown,
    attempt: number,
    max: number,
  ): void {
    if (!out.isDebug()) return;
    const via = dispatchers.forUrl(url).proxy;
    out.debug(
      `> ${method} ${url.href}${via ? ` via proxy ${via}` : ""}${max > 1 ? ` (attempt ${attempt} of ${max})` : ""}`,
    );
    for (const [k, v] of Object.entries(headers)) out.debug(`>   ${k}: ${logHeaderValue(k, v)}`);
    if (typeof body === "string") out.debug(`>   body: ${truncate(body)}`);
    else if (body instanceof Uint8Array) {
      const multipart = (headers["content-type"] ?? "").startsWith("multipart/");
      out.debug(`>   body: ${multipart ? "multipart form data, " : ""}${body.byteLength} bytes`);
    }
  }

  function logResponse(res: RawResponse, ms: number): void {
    if (!out.isDebug()) return;
    out.debug(`< ${statusLine(res.status)} (${ms} ms)`);
    for (const [k, v] of Object.entries(res.headers)) out.debug(`<   ${k}: ${logHeaderValue(k, v)}`);
    if (res.text) out.debug(`<   body: ${truncate(res.text.replace(/\s*\n\s*/g, " "))}`);
  }

  async function send(
    dispatcher: Dispatcher,
    method: HttpMethod,
    url: URL,
    headers: Record<string, string>,
    body: string | Buffer | Uint8Array | undefined,
    signal: AbortSignal | undefined,
  ): Promise<RawResponse> {
    const res = await dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method,
      headers,
      body,
      signal,
      reset: url.protocol === "http:" && !keepalive,
    });
    const buf = Buffer.from(await res.body.arrayBuffer());
    const resHeaders = flattenHeaders(res.headers as Record<string, string | string[] | undefined>);
    const text = buf.toString("utf8");
    let data: unknown = text === "" ? undefined : text;
    let badJson = false;
    if (mediaType(resHeaders["content-type"]) === "application/json" && text.trim() !== "") {
      try {
        data = JSON.parse(text);
      } catch {
        badJson = true;
      }
    }
    return { status: res.statusCode, headers: resHeaders, text, data, badJson };
  }

  async function request<T>(method: HttpMethod, path: string, o: RequestOptions = {}): Promise<ApiResponse<T>> {
    const url = resolveUrl(path, o.query);
    const { headers, tokenSent } = buildHeaders(url, o);
    let body: string | Buffer | Uint8Array | undefined;
    if (o.json !== undefined) body = JSON.stringify(o.json);
    else if (o.body instanceof FormData) {
      // Serialise multipart once (Node's own FormData is not undici 7's), so every attempt re-sends the same bytes.
      const encoded = new Response(o.body);
      body = Buffer.from(await encoded.arrayBuffer());
      if (headers["content-type"] === undefined) headers["content-type"] = encoded.headers.get("content-type")!;
    } else body = o.body;
    const { dispatcher, proxy } = dispatchers.forUrl(url);
    const maxAttempts = o.retry === false ? 1 : maxRetries + 1;
    let waited = 0;

    const wait = async (ms: number, attempt: number, why: string): Promise<void> => {
      out.debug(
        `retrying ${method} ${url.pathname} in ${formatWait(ms)} (attempt ${attempt + 1} of ${maxAttempts}): ${why}`,
      );
      waited += ms;
      await sleep(ms, o.signal);
    };

    for (let attempt = 1; ; attempt++) {
      logRequest(method, url, headers, body, attempt, maxAttempts);
      const started = Date.now();
      let res: RawResponse;
      try {
        res = await send(dispatcher, method, url, headers, body, o.signal);
      } catch (e) {
        if (o.signal?.aborted) throw e;
        const err = buildNetworkError(e, url, attempt, proxy);
        out.debug(`! ${method} ${url.href}: ${err.message}`);
        if (isRetryableNetworkError(e) && attempt < maxAttempts) {
          const delay = backoffDelay(attempt - 1, random);
          if (waited + delay <= RETRY_BUDGET_MS) {
            await wait(delay, attempt, err.message);
            continue;
          }
        }
        throw err;
      }
      logResponse(res, Date.now() - started);

      const errCtx = { config, notFound: o.notFound, tokenSent, attempts: attempt };
      if (res.status < 400 || o.okStatuses?.includes(res.status)) {
        if (res.badJson && res.status < 400) {
          throw new ApiError(
            `the server sent invalid JSON (http status: ${res.status})`,
            res.status,
            method,
            url.pathname,
            res.text,
          );
        }
        if (o.expectJson && res.status < 400 && res.text.trim() !== "") {
          const type = mediaType(res.headers["content-type"]);
          if (type !== "application/json") {
            throw new ApiError(
              `the server answered with ${type || "no content type"}, not JSON (http status: ${res.status}) — check that the Sentry URL ${baseUrl} (from ${config.url.source.label}) is Sentry's`,
              res.status,
              method,
              url.pathname,
              res.text,
            );
          }
        }
        return { status: res.status, headers: res.headers, data: res.data as T };
      }

      if (isRetryableStatus(res.status) && attempt < maxAttempts) {
        let delay = backoffDelay(attempt - 1, random);
        if (res.status === 429) {
          const asked = rateLimitWait(res.headers, now());
          if (asked !== undefined) {
            if (waited + asked > RETRY_BUDGET_MS) {
              throw buildApiError(res.status, method, url.pathname, res.data, {
                ...errCtx,
                suffix: retryAtSuffix(asked),
              });
            }
            delay = asked;
          }
        }
        if (waited + delay <= RETRY_BUDGET_MS) {
          await wait(delay, attempt, statusLine(res.status));
          continue;
        }
      }
      const asked = res.status === 429 ? rateLimitWait(res.headers, now()) : undefined;
      throw buildApiError(res.status, method, url.pathname, res.data, {
        ...errCtx,
        ...(asked !== undefined ? { suffix: retryAtSuffix(asked) } : {}),
      });
    }
  }

  function retryAtSuffix(ms: number): string {
    const at = new Date(now() + ms).toISOString().replace(/\.\d{3}Z$/, "Z");
    return `— the server asks to wait ${formatWait(ms)}; retry after ${at}`;
  }

  async function paginate<T>(path: string, o: PageOptions = {}): Promise<T[]> {
    const { limit, ...reqOpts } = o;
    const items: T[] = [];
    let cursor: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const res = await request<unknown>("GET", path, {
        expectJson: true,
        ...reqOpts,
        query: { ...reqOpts.query, ...(cursor !== undefined ? { cursor } : {}) },
      });
      if (!Array.isArray(res.data)) {
        if (res.status >= 400) return items; // an okStatuses answer: nothing (more) to list
        throw new ApiError(
          `expected a list from ${path || "/api/0/"} (http status: ${res.status})`,
          res.status,
          "GET",
          path,
          res.data,
        );
      }
      items.push(...(res.data as T[]));
      if (limit !== undefined && items.length >= limit) return items.slice(0, limit);
      cursor = nextCursor(res.headers.link);
      if (cursor === undefined || seen.has(cursor)) return items;
      seen.add(cursor);
    }
  }

  return {
    baseUrl,
    request,
    get: (path, o) => request("GET", path, o),
    post: (path, json, o) => request("POST", path, { ...o, ...(json !== undefined ? { json } : {}) }),
    put: (path, json, o) => request("PUT", path, { ...o, ...(json !== undefined ? { json } : {}) }),
    delete: (path, o) => request("DELETE", path, o),
    paginate,
    close: () => dispatchers.close(),
  };
}
