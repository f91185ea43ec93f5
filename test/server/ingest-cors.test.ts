/**
 * Ingestion answers browsers as Relay does (CORS preflight, any origin, the rate-limit headers
 * exposed, the key in the query string) and accepts every item type a current SDK sends.
 */
import { describe, expect, it } from "vitest";
import { parseDsn } from "../../src/domain/dsn.js";
import { setRateLimit } from "../../src/server/routes/ingest.js";
import { useServer } from "../support/server.js";

describe("ingestion for browsers", () => {
  const s = useServer();
  const dsn = () => parseDsn(s.server.dsn);
  const envelopeUrl = () =>
    `${s.server.url}/api/${dsn().projectId}/envelope/?sentry_key=${dsn().publicKey}&sentry_version=7&sentry_client=sentry.javascript.browser%2F9.47.2`;

  it("answers the preflight with Relay's CORS headers and no credentials", async () => {
    const res = await fetch(`${s.server.url}/api/${dsn().projectId}/envelope/`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://shop.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
      },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-methods")).toBe("POST");
    expect(res.headers.get("access-control-allow-headers")).toContain("x-sentry-auth");
    expect(res.headers.get("access-control-allow-headers")).toContain("content-type");
    expect(res.headers.get("access-control-max-age")).toBe("3600");
    const store = await fetch(`${s.server.url}/api/${dsn().projectId}/store/`, { method: "OPTIONS" });
    expect(store.status).toBe(200);
  });

  it("puts CORS headers on answers and errors alike, exposing the rate-limit headers", async () => {
    const ok = await fetch(envelopeUrl(), {
      method: "POST",
      headers: { Origin: "http://shop.example", "Content-Type": "text/plain;charset=UTF-8" },
      body: '{}\n{"type":"client_report"}\n{"timestamp":1,"discarded_events":[]}\n',
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe("*");
    expect(ok.headers.get("access-control-expose-headers")).toBe("x-sentry-error,x-sentry-rate-limits,retry-after");

    const bad = await fetch(`${s.server.url}/api/${dsn().projectId}/envelope/?sentry_key=short`, {
      method: "POST",
      headers: { Origin: "http://shop.example" },
      body: "{}\n",
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("access-control-allow-origin")).toBe("*");

    setRateLimit(s.server.core, { categories: ["error"], seconds: 60 });
    try {
      const limited = await fetch(envelopeUrl(), {
        method: "POST",
        headers: { Origin: "http://shop.example" },
        body: '{}\n{"type":"event"}\n{"message":"x"}\n',
      });
      expect(limited.status).toBe(429);
      expect(limited.headers.get("access-control-allow-origin")).toBe("*");
      expect(limited.headers.get("x-sentry-rate-limits")).toMatch(/^60:error:project/);
    } finally {
      const { clearRateLimits } = await import("../../src/server/routes/ingest.js");
      clearRateLimits(s.server.core);
    }
  });

  it("accepts every item type a current SDK sends in one envelope", async () => {
    const eventId = "e".repeat(32);
    const now = new Date().toISOString();
    const items: [Record<string, unknown>, unknown][] = [
      [{ type: "event" }, { event_id: eventId, platform: "javascript", message: "m" }],
      [{ type: "attachment", filename: "a.txt", content_type: "text/plain" }, "hello"],
      [
        { type: "session" },
        { sid: "1", init: true, started: now, timestamp: now, status: "ok", attrs: { release: "r@1" } },
      ],
      [{ type: "sessions" }, { aggregates: [{ started: now, exited: 1 }], attrs: { release: "r@1" } }],
      [
        { type: "client_report" },
        { timestamp: 1, discarded_events: [{ reason: "sample_rate", category: "transaction", quantity: 1 }] },
      ],
      [{ type: "check_in" }, { check_in_id: "a".repeat(32), monitor_slug: "nightly", status: "ok" }],
      [
        { type: "span", content_type: "application/json" },
        { span_id: "b".repeat(16), trace_id: "c".repeat(32), start_timestamp: 1 },
      ],
      [
        { type: "log", item_count: 1, content_type: "application/vnd.sentry.items.log+json" },
        { items: [{ timestamp: 1, level: "info", body: "hi", trace_id: "c".repeat(32) }] },
      ],
      [{ type: "statsd" }, "a:1|c"],
      [{ type: "profile_chunk" }, { chunk_id: "1" }],
      [{ type: "replay_event" }, { replay_id: "d".repeat(32) }],
      [{ type: "user_report" }, { event_id: eventId, name: "n", email: "e@example.com", comments: "c" }],
    ];
    const body = [
      JSON.stringify({ event_id: eventId, sent_at: now }),
      ...items.flatMap(([h, p]) => {
        const payload = typeof p === "string" ? p : JSON.stringify(p);
        return [JSON.stringify({ ...h, length: Buffer.byteLength(payload) }), payload];
      }),
    ].join("\n");
    const n = s.server.state.events.length;
    const res = await fetch(envelopeUrl(), { method: "POST", body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: eventId });
    const stored = s.server.state.events.slice(n)[0]!;
    expect(stored.items.map((i) => i.header.type)).toEqual(items.map(([h]) => h.type));
  });
});
