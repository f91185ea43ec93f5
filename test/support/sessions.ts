/** Send release-health envelopes (`session`, `sessions`) to the embedded server, as an SDK does. */
import type { SentryServer } from "../../src/server/index.js";

export type Payload = Record<string, unknown>;

export async function sendItems(
  server: SentryServer,
  items: Array<{ type: string; payload: Payload | string }>,
): Promise<{ status: number; body: unknown }> {
  const { publicKey, id } = server.state.projects.find((p) => p.slug === "frontend")!;
  const body = [
    "{}",
    ...items.flatMap((i) => [
      JSON.stringify({ type: i.type }),
      typeof i.payload === "string" ? i.payload : JSON.stringify(i.payload),
    ]),
  ].join("\n");
  const res = await fetch(`${server.url}/api/${id}/envelope/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-sentry-envelope",
      "x-sentry-auth": `Sentry sentry_key=${publicKey}, sentry_version=7, sentry_client=test/1.0`,
    },
    body,
  });
  return { status: res.status, body: await res.json() };
}

/** One session from start to end: an init update, then the end update with `status`. */
export function sessionLifecycle(
  release: string,
  o: { sid: string; did?: string; status: "exited" | "crashed" | "abnormal"; errors?: number; environment?: string },
): Array<{ type: string; payload: Payload }> {
  const started = new Date(Date.now() - 60_000).toISOString();
  const attrs = { release, environment: o.environment ?? "production" };
  const base = { sid: o.sid, ...(o.did ? { did: o.did } : {}), started, attrs };
  return [
    { type: "session", payload: { ...base, init: true, status: "ok", errors: 0, timestamp: started } },
    {
      type: "session",
      payload: { ...base, init: false, status: o.status, errors: o.errors ?? 0, timestamp: new Date().toISOString() },
    },
  ];
}

/** Pre-aggregated sessions (what a server SDK sends in request mode). */
export function aggregates(
  release: string,
  rows: Array<{ exited?: number; errored?: number; crashed?: number; abnormal?: number; did?: string }>,
  environment = "production",
): { type: string; payload: Payload } {
  const started = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000).toISOString();
  return {
    type: "sessions",
    payload: { aggregates: rows.map((r) => ({ started, ...r })), attrs: { release, environment } },
  };
}
