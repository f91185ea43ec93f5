/**
 * The embedded server's HTTP layer: a small router over node:http, the reply helpers every route
 * uses (JSON with the exact content type sentry-cli requires, DRF-style error bodies), pagination
 * and the request log.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { JsonTooDeepError, parseJsonBounded } from "./json-depth.js";
import type { ServerLimits } from "./limits.js";

export interface Reply {
  status: number;
  /** JSON body (sent with `Content-Type: application/json`). */
  json?: unknown;
  /** Raw body. */
  body?: Buffer | string;
  headers?: Record<string, string>;
}

export interface RouteRequest {
  method: string;
  /** Path without query, e.g. `/api/0/organizations/acme/releases/`. */
  path: string;
  /** Decoded path parameters. */
  params: Record<string, string>;
  /** Query parameters (repeated keys → last value in `query`, all in `queryAll`). */
  query: Record<string, string>;
  queryAll: URLSearchParams;
  headers: IncomingMessage["headers"];
  /** The raw (possibly compressed) request body. */
  body: Buffer;
  /** Absolute base URL of this server as the client addressed it, e.g. `http://127.0.0.1:8899`. */
  origin: string;
  raw: IncomingMessage;
}

export type Handler = (req: RouteRequest) => Reply | Promise<Reply>;

/** How the HTTP layer reads a route's body (see pipeline.ts). */
export interface RouteOptions {
  /** Largest body accepted (413 past it); default: the web-API limit. */
  maxBody?: (limits: ServerLimits) => number;
  /** Decode Content-Encoding (gzip, deflate, br) before the handler, with the same limit (ingestion). */
  decode?: boolean;
  /**
   * Checked from the request line and headers alone, before any body byte is read (auth). The
   * request it gets has an empty body.
   */
  preflight?: (req: RouteRequest) => Reply | undefined;
  /** The detail of the 503 answered when the body does not fit the in-flight budget (default: Relay's "the service is overloaded"). */
  overloaded?: string;
  /** Headers every answer of this route carries, its errors included (e.g. CORS). */
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  pattern: string;
  regex: RegExp;
  names: string[];
  handler: Handler;
  options: RouteOptions;
}

export class Router {
  private readonly routes: Route[] = [];

  /** Register `METHOD /api/0/organizations/:org/releases/` style routes. */
  on(method: string, pattern: string, handler: Handler, options: RouteOptions = {}): void {
    const names: string[] = [];
    const re = pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:(\w+)/g, (_m, n: string) => {
      names.push(n);
      return "([^/]+)";
    });
    this.routes.push({ method, pattern, regex: new RegExp(`^${re}$`), names, handler, options });
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | "method" | undefined {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => {
        params[n] = safeDecode(m[i + 1]!);
      });
      return { route: r, params };
    }
    return pathMatched ? "method" : undefined;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, json: body, headers };
}

/** `{"detail": "..."}` — the shape of most web-API errors. */
export function detail(status: number, message: unknown): Reply {
  return json(status, { detail: message });
}

/** `{"field": ["msg"]}` — a DRF serializer error. */
export function fieldErrors(errors: Record<string, unknown>): Reply {
  return json(400, errors);
}

export const NOT_FOUND = (): Reply => detail(404, "The requested resource does not exist");
export const FORBIDDEN = (): Reply => detail(403, "You do not have permission to perform this action.");

/** The status, headers and bytes of a reply. Throws when the JSON cannot be serialised. */
export function serializeReply(reply: Reply): {
  status: number;
  headers: Record<string, string>;
  payload?: Buffer | string;
} {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let payload: Buffer | string | undefined = reply.body;
  if (reply.json !== undefined) {
    payload = JSON.stringify(reply.json);
    headers["Content-Type"] ??= "application/json";
  }
  headers["Content-Length"] = payload !== undefined ? String(Buffer.byteLength(payload)) : "0";
  return { status: reply.status, headers, ...(payload !== undefined ? { payload } : {}) };
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  const s = serializeReply(reply);
  res.writeHead(s.status, s.headers);
  res.end(s.payload);
}

/**
 * Sentry's cursor pagination: `per_page` (≤100), `cursor=<value>:<offset>:<is_prev>`, and a Link
 * header with `previous` then `next`, each with `results="true|false"`.
 */
export function paginate<T>(req: RouteRequest, items: T[]): Reply {
  const perPageRaw = req.query.per_page;
  let perPage = 100;
  if (perPageRaw !== undefined) {
    if (!/^\d+$/.test(perPageRaw)) return detail(400, "Invalid per_page parameter.");
    perPage = Number(perPageRaw);
    if (perPage > 100) return detail(400, "Invalid per_page value. Cannot exceed 100.");
    if (perPage < 1) perPage = 1;
  }
  let offset = 0;
  const cursor = req.query.cursor;
  if (cursor !== undefined && cursor !== "") {
    const parts = cursor.split(":");
    if (
      parts.length !== 3 ||
      !/^-?\d+(\.\d+)?$/.test(parts[0]!) ||
      !/^\d+$/.test(parts[1]!) ||
      !/^[01]$/.test(parts[2]!)
    ) {
      return detail(400, "Invalid cursor parameter.");
    }
    offset = Number(parts[1]);
  }
  const page = items.slice(offset, offset + perPage);
  const params = new URLSearchParams(req.queryAll);
  params.delete("cursor");
  const qs = params.toString();
  const base = `${req.origin}${req.path}?${qs ? qs + "&" : ""}`;
  const prevOffset = Math.max(0, offset - perPage);
  const prevCursor = `0:${prevOffset}:1`;
  const nextCursor = `0:${offset + perPage}:0`;
  const link =
    `<${base}cursor=${prevCursor}>; rel="previous"; results="${offset > 0}"; cursor="${prevCursor}", ` +
    `<${base}cursor=${nextCursor}>; rel="next"; results="${offset + perPage < items.length}"; cursor="${nextCursor}"`;
  return json(200, page, { Link: link, "X-Hits": String(items.length), "X-Max-Hits": "1000" });
}

/** Nesting bound of web-API JSON bodies (Python's recursion limit makes Sentry refuse deeper ones). */
export const API_JSON_DEPTH = 512;

/** Parse a JSON request body, or return the 400 reply real Sentry gives. */
export function parseJsonBody(
  req: RouteRequest,
  errorShape: "detail" | "error" = "detail",
): { value: unknown } | { reply: Reply } {
  if (req.body.length === 0) return { value: {} };
  try {
    return { value: parseJsonBounded(req.body, API_JSON_DEPTH) };
  } catch (e) {
    if (errorShape === "error") return { reply: json(400, { error: "Invalid json body" }) };
    if (e instanceof JsonTooDeepError)
      return {
        reply: detail(400, "JSON parse error - maximum recursion depth exceeded while decoding a JSON document"),
      };
    return { reply: detail(400, `JSON parse error - ${(e as Error).message}`) };
  }
}
