/** A tiny fetch wrapper for the web-API tests: JSON in, status/body/headers out. */
import type { SentryServer } from "../../src/server/index.js";

export interface ApiReply {
  status: number;
  body: any;
  headers: Headers;
  text: string;
}

export async function api(
  server: SentryServer,
  method: string,
  path: string,
  opts: { body?: unknown; raw?: string; token?: string | null; headers?: Record<string, string> } = {},
): Promise<ApiReply> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const token = opts.token === undefined ? server.token : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (opts.raw !== undefined) payload = opts.raw;
  else if (opts.body !== undefined) payload = JSON.stringify(opts.body);
  if (payload !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`${server.url}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let body: unknown;
  if (res.headers.get("content-type")?.startsWith("application/json")) body = JSON.parse(text);
  return { status: res.status, body, headers: res.headers, text };
}

/** A settable clock for deterministic dates. */
export function clock(start = "2024-05-01T12:00:00Z") {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
    set(iso: string) {
      t = Date.parse(iso);
    },
  };
}
