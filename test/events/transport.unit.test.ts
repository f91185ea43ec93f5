import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseDsn } from "../../src/domain/dsn.js";
import {
  DeliveryFailed,
  deliver,
  type HttpPost,
  type HttpResponse,
  rateLimitSeconds,
} from "../../src/events/transport.js";

const A = parseDsn("https://aaaa@a.example/1");
const B = parseDsn("https://bbbb:sss@b.example/2");

function scripted(answers: Array<HttpResponse | Error>) {
  const calls: Array<{ url: string; headers: Record<string, string>; body: Buffer }> = [];
  const post: HttpPost = async (url, headers, body) => {
    calls.push({ url, headers, body });
    const a = answers.shift();
    if (!a) throw new Error("no more answers");
    if (a instanceof Error) throw a;
    return a;
  };
  return { calls, post };
}

const ok = (body = '{"id":"x"}', headers: Record<string, string> = {}): HttpResponse => ({
  status: 200,
  headers,
  body,
});
const refused = () => Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });

function opts(post: HttpPost, extra: Partial<Parameters<typeof deliver>[1]> = {}) {
  const sleeps: number[] = [];
  const logs: string[] = [];
  return {
    sleeps,
    logs,
    o: {
      body: () => Buffer.from("{}"),
      category: "error",
      sleep: async (ms: number) => void sleeps.push(ms),
      now: () => new Date(1700000000000),
      userAgent: "sentry-ship/test",
      client: "sentry-ship/test",
      log: { debug: (m: string) => logs.push(m), info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m) },
      post,
      ...extra,
    },
  };
}

describe("deliver", () => {
  it("sends X-Sentry-Auth with the DSN's keys to the envelope endpoint", async () => {
    const s = scripted([ok()]);
    const { o } = opts(s.post);
    const r = await deliver([B], o);
    expect(r.index).toBe(0);
    expect(s.calls[0]!.url).toBe("https://b.example/api/2/envelope/");
    expect(s.calls[0]!.headers["X-Sentry-Auth"]).toBe(
      "Sentry sentry_key=bbbb, sentry_version=7, sentry_timestamp=1700000000, sentry_client=sentry-ship/test, sentry_secret=sss",
    );
    expect(s.calls[0]!.headers.Authorization).toBeUndefined();
  });

  it("retries network errors and 5xx with backoff, then moves to the next DSN", async () => {
    const s = scripted([refused(), { status: 502, headers: {}, body: "" }, refused(), ok()]);
    const { o, sleeps } = opts(s.post);
    const r = await deliver([A, B], o);
    expect(r.index).toBe(1);
    expect(s.calls.map((c) => new URL(c.url).host)).toEqual(["a.example", "a.example", "a.example", "b.example"]);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]!).toBeGreaterThan(sleeps[0]!);
    expect(r.attempts.map((a) => a.outcome)).toEqual(["network-error", "server-error", "network-error", "accepted"]);
  });

  it("fails transiently when every DSN is unreachable", async () => {
    const s = scripted([refused(), refused(), refused(), refused(), refused(), refused()]);
    const { o } = opts(s.post);
    const e = await deliver([A, B], o).catch((x) => x);
    expect(e).toBeInstanceOf(DeliveryFailed);
    expect(e.transient).toBe(true);
    expect(e.message).toBe("could not deliver to any of 2 DSNs (connect ECONNREFUSED)");
  });

  it("does not retry a 400 on the same DSN and reports it as a rejection", async () => {
    const s = scripted([
      { status: 400, headers: {}, body: '{"detail":"invalid event envelope","causes":["unexpected end of file"]}' },
    ]);
    const { o } = opts(s.post);
    const e = await deliver([A], o).catch((x) => x);
    expect(s.calls).toHaveLength(1);
    expect(e.transient).toBe(false);
    expect(e.message).toBe(
      "a.example rejected the envelope (HTTP 400: invalid event envelope: unexpected end of file)",
    );
  });

  it("reports a 429 once, with the retry time of the event's category, without sleeping", async () => {
    const s = scripted([
      {
        status: 429,
        headers: { "retry-after": "5", "x-sentry-rate-limits": "60:error:key, 3600:transaction:org" },
        body: "{}",
      },
    ]);
    const { o, sleeps } = opts(s.post);
    const e = await deliver([A], o).catch((x) => x);
    expect(s.calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(e.retryAfter).toBe(60);
    expect(e.message).toBe("rate limited by a.example for category 'error': retry after 60 seconds");
  });

  it("waits once for a rate limit within the bound, and not when it is longer", async () => {
    const limited = (): HttpResponse => ({
      status: 429,
      headers: { "x-sentry-rate-limits": "20::organization" },
      body: "{}",
    });
    const s = scripted([limited(), limited()]);
    const { o, sleeps } = opts(s.post, { waitForRateLimit: 30 });
    const e = await deliver([A], o).catch((x) => x);
    expect(sleeps).toEqual([20_000]);
    expect(s.calls).toHaveLength(2);
    expect(e.retryAfter).toBe(20);

    const s2 = scripted([limited()]);
    const t = opts(s2.post, { waitForRateLimit: 10 });
    await deliver([A], t.o).catch(() => undefined);
    expect(t.sleeps).toEqual([]);
  });

  it("gzips bodies above 64 KB", async () => {
    const s = scripted([ok()]);
    const big = Buffer.from("x".repeat(70_000));
    const { o } = opts(s.post, { body: () => big });
    await deliver([A], o);
    expect(s.calls[0]!.headers["Content-Encoding"]).toBe("gzip");
    expect(gunzipSync(s.calls[0]!.body).equals(big)).toBe(true);
  });

  it("warns about a rate limit reported on a success", async () => {
    const s = scripted([ok('{"id":"x"}', { "x-sentry-rate-limits": "30:error:key" })]);
    const { o } = opts(s.post);
    const r = await deliver([A], o);
    expect(r.activeLimits).toEqual([{ retryAfter: 30, categories: ["error"], scope: "key" }]);
  });
});

describe("rateLimitSeconds", () => {
  it("uses the limits covering the category (or default, or all), else Retry-After", () => {
    expect(rateLimitSeconds({ "x-sentry-rate-limits": "10:transaction:key" }, "error", 0)).toBeUndefined();
    expect(rateLimitSeconds({ "x-sentry-rate-limits": "10:default:key" }, "error", 0)?.seconds).toBe(10);
    expect(rateLimitSeconds({ "x-sentry-rate-limits": "7::key" }, "error", 0)?.seconds).toBe(7);
    expect(rateLimitSeconds({ "retry-after": "12" }, "error", 0)?.seconds).toBe(12);
  });
});
