import type { AddressInfo } from "node:net";
import { createServer as createNetServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/api/client.js";
import { ApiError, ConfigError, NetworkError } from "../../src/errors.js";
import { VERSION } from "../../src/version.js";
import {
  captureOutput,
  client,
  makeConfig,
  sendJson,
  sendText,
  src,
  startHttp,
  type TestServer,
  TOKEN,
} from "../support/api.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function http(handler: Parameters<typeof startHttp>[0]): Promise<TestServer> {
  const s = await startHttp(handler);
  cleanups.push(() => s.close());
  return s;
}

function track<T extends { close(): Promise<void> }>(api: T): T {
  cleanups.push(() => api.close());
  return api;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected the promise to reject");
}

describe("createApiClient", () => {
  it("sends the base URL path, user agent, accept, token and custom headers", async () => {
    const s = await http((_r, res) => sendJson(res, 200, { ok: true }));
    const { api } = client(s.url + "/", {
      headers: { value: [["X-Custom", "yes"]], source: src("--header", "flag") },
      pipeline: { value: "github-actions/1.0", source: src("SENTRY_PIPELINE") },
    });
    track(api);
    const res = await api.get("organizations/acme/releases/", { query: { per_page: 10 } });
    expect(res).toEqual({ status: 200, headers: expect.any(Object), data: { ok: true } });
    const r = s.requests[0]!;
    expect(r.method).toBe("GET");
    expect(r.url).toBe("/api/0/organizations/acme/releases/?per_page=10");
    expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(r.headers["user-agent"]).toBe(`sentry-ship/${VERSION} github-actions/1.0`);
    expect(r.headers.accept).toBe("*/*");
    expect(r.headers["x-custom"]).toBe("yes");
    expect(r.headers.expect).toBeUndefined();
    // keep-alive is off for plain http, as sentry-cli does
    expect(r.headers.connection).toBe("close");
  });

  it("requests the API root for the auth-info route", async () => {
    const s = await http((_r, res) => sendJson(res, 200, { user: null }));
    const { api } = client(s.url);
    track(api);
    await api.get("");
    expect(s.requests[0]!.url).toBe("/api/0/");
  });

  it("sends JSON bodies compactly with a JSON content type", async () => {
    const s = await http((_r, res) => sendJson(res, 201, { version: "1.0" }));
    const { api } = client(s.url);
    track(api);
    const res = await api.post("organizations/acme/releases/", { version: "1.0", projects: ["frontend"] });
    expect(res.status).toBe(201);
    const r = s.requests[0]!;
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.body.toString()).toBe('{"version":"1.0","projects":["frontend"]}');
  });

  it("sends multipart form data and raw buffers", async () => {
    const s = await http((_r, res) => {
      res.writeHead(200);
      res.end();
    });
    const { api } = client(s.url);
    track(api);
    const form = new FormData();
    form.append("file_gzip", new Blob([Buffer.from("chunk-bytes")]), "abc123");
    const res = await api.post("organizations/acme/chunk-upload/", undefined, { body: form });
    expect(res.data).toBeUndefined();
    const m = s.requests[0]!;
    expect(m.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(m.body.toString()).toContain('name="file_gzip"; filename="abc123"');
    expect(m.body.toString()).toContain("chunk-bytes");

    await api.request("PUT", "x/", {
      body: Buffer.from([1, 2, 3]),
      headers: { "Content-Type": "application/octet-stream" },
    });
    expect([...s.requests[1]!.body]).toEqual([1, 2, 3]);
    expect(s.requests[1]!.headers["content-type"]).toBe("application/octet-stream");
  });

  it("parses JSON only for an application/json media type and returns text otherwise", async () => {
    const s = await http((r, res) => {
      if (r.url.startsWith("/api/0/json/")) sendText(res, 200, '{"a":1}', "application/json; charset=utf-8");
      else sendText(res, 200, '{"a":1}', "text/plain");
    });
    const { api } = client(s.url);
    track(api);
    expect((await api.get("json/")).data).toEqual({ a: 1 });
    expect((await api.get("text/")).data).toBe('{"a":1}');
  });

  it("fails with an ApiError when a success response declares JSON but is not", async () => {
    const s = await http((_r, res) => sendText(res, 200, "{nope", "application/json"));
    const { api } = client(s.url);
    track(api);
    const e = await rejection(api.get("x/"));
    expect(e).toBeInstanceOf(ApiError);
    expect(e.message).toBe("the server sent invalid JSON (http status: 200)");
  });

  it("sends the token to the configured origin only, never to another one", async () => {
    const other = await http((_r, res) => sendJson(res, 200, {}));
    const s = await http((_r, res) => sendJson(res, 200, {}));
    const { api } = client(s.url, { headers: { value: [["X-Secret-Header", "v"]], source: src("--header", "flag") } });
    track(api);
    await api.get(`${s.url}/api/0/organizations/acme/chunk-upload/`);
    await api.get(`${other.url}/upload/`);
    expect(s.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(other.requests[0]!.url).toBe("/upload/");
    expect(other.requests[0]!.headers.authorization).toBeUndefined();
    expect(other.requests[0]!.headers["x-secret-header"]).toBeUndefined();
    expect(other.requests[0]!.headers["user-agent"]).toBe(`sentry-ship/${VERSION}`);
  });

  it("follows Link cursors over three pages", async () => {
    const pages: Record<string, { items: number[]; next?: string }> = {
      "": { items: [1, 2], next: "0:2:0" },
      "0:2:0": { items: [3, 4], next: "0:4:0" },
      "0:4:0": { items: [5] },
    };
    const s = await http((r, res) => {
      const cursor = new URL(r.url, "http://x").searchParams.get("cursor") ?? "";
      const page = pages[cursor]!;
      const next = page.next ?? "0:6:0";
      const link =
        `<${s.url}${r.url}>; rel="previous"; results="false"; cursor="0:0:1", ` +
        `<${s.url}/api/0/organizations/acme/repos/?&cursor=${next}>; rel="next"; results="${page.next ? "true" : "false"}"; cursor="${next}"`;
      sendJson(res, 200, page.items, { Link: link });
    });
    const { api } = client(s.url);
    track(api);
    expect(await api.paginate<number>("organizations/acme/repos/", { query: { status: "active" } })).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(s.requests.map((r) => r.url)).toEqual([
      "/api/0/organizations/acme/repos/?status=active",
      "/api/0/organizations/acme/repos/?status=active&cursor=0%3A2%3A0",
      "/api/0/organizations/acme/repos/?status=active&cursor=0%3A4%3A0",
    ]);
    expect(await api.paginate<number>("organizations/acme/repos/", { limit: 3 })).toEqual([1, 2, 3]);
  });

  it("returns okStatuses instead of throwing", async () => {
    const s = await http((_r, res) => sendJson(res, 404, { detail: "The requested resource does not exist" }));
    const { api } = client(s.url);
    track(api);
    const res = await api.get("organizations/acme/releases/9.9/", { okStatuses: [404] });
    expect(res.status).toBe(404);
    expect(res.data).toEqual({ detail: "The requested resource does not exist" });
  });

  it("rejects a base URL without an http scheme as a ConfigError", () => {
    const { out } = captureOutput();
    expect(() => createApiClient({ config: makeConfig("ftp://h"), out, sleep: async () => {} })).toThrow(ConfigError);
  });
});

describe("error responses", () => {
  const cases: Array<[string, number, unknown, string]> = [
    [
      "401 detail",
      401,
      { detail: "Invalid token" },
      "Invalid token (http status: 401) — check the auth token from SENTRY_AUTH_TOKEN (sntryu_…cdef)",
    ],
    [
      "403 detail",
      403,
      { detail: "You do not have permission to perform this action." },
      "You do not have permission to perform this action. (http status: 403) — check the permissions (scopes) of the auth token from SENTRY_AUTH_TOKEN (sntryu_…cdef)",
    ],
    [
      "404 detail",
      404,
      { detail: "The requested resource does not exist" },
      "The requested resource does not exist (http status: 404) — check organization acme (from SENTRY_ORG)",
    ],
    [
      "400 detail",
      400,
      { detail: "Release with version already exists" },
      "Release with version already exists (http status: 400)",
    ],
    [
      "400 field errors",
      400,
      { version: ["This field is required."] },
      "version: This field is required. (http status: 400)",
    ],
    ["400 plain text", 400, "plain text body", "bad request (http status: 400)"],
    ["500 detail", 500, { detail: "Internal Error" }, "Internal Error (http status: 500)"],
    ["413 html", 413, "<html>too big</html>", "request too large (http status: 413)"],
    ["400 error key", 400, { error: "Chunk size too large" }, "Chunk size too large (http status: 400)"],
  ];

  for (const [name, status, body, message] of cases) {
    it(`turns ${name} into one line and does not retry it`, async () => {
      const s = await http((_r, res) =>
        typeof body === "string" ? sendText(res, status, body) : sendJson(res, status, body),
      );
      const { api, waits } = client(s.url);
      track(api);
      const e = await rejection(api.post("organizations/acme/releases/", { version: "5.0.0" }));
      expect(e).toBeInstanceOf(ApiError);
      expect(e.message).toBe(message);
      expect((e as ApiError).status).toBe(status);
      expect((e as ApiError).method).toBe("POST");
      expect((e as ApiError).path).toBe("/api/0/organizations/acme/releases/");
      expect((e as ApiError).body).toEqual(body);
      expect(s.requests).toHaveLength(1);
      expect(waits).toEqual([]);
    });
  }

  it("uses the request's own 404 message", async () => {
    const s = await http((_r, res) => sendJson(res, 404, { detail: "The requested resource does not exist" }));
    const { api } = client(s.url);
    track(api);
    const e = await rejection(
      api.get("organizations/acme/releases/1.0/", { notFound: "release 1.0 in organization acme" }),
    );
    expect(e.message).toBe("release 1.0 was not found in organization acme");
  });
});

describe("retries", () => {
  it("retries 502 with growing, bounded waits and reports the last answer after max_retries + 1 attempts", async () => {
    const s = await http((_r, res) => sendText(res, 502, "bad gateway"));
    const { api, waits } = client(s.url);
    track(api);
    const e = await rejection(api.post("organizations/acme/releases/", { version: "5.0.0" }));
    expect(e).toBeInstanceOf(ApiError);
    expect(e.message).toBe("bad gateway (http status: 502, after 6 attempts)");
    expect(s.requests).toHaveLength(6);
    // random() = 0.5 → base + 12.5 %
    expect(waits).toEqual([1125, 1688, 2531, 3797, 5000]);
    for (let i = 1; i < waits.length; i++) expect(waits[i]!).toBeGreaterThan(waits[i - 1]!);
    expect(waits.every((w) => w >= 1000 && w <= 5000)).toBe(true);
    // every attempt re-sends the same body
    expect(new Set(s.requests.map((r) => r.body.toString())).size).toBe(1);
  });

  it("retries 503 and a dropped connection, then succeeds", async () => {
    let n = 0;
    const s = await http((_r, res, raw) => {
      n++;
      if (n === 1) sendJson(res, 503, { detail: "unavailable" });
      else if (n === 2) raw.socket.destroy();
      else sendJson(res, 201, { version: "5.0.0" });
    });
    const { api, waits } = client(s.url);
    track(api);
    const res = await api.post("organizations/acme/releases/", { version: "5.0.0" });
    expect(res).toMatchObject({ status: 201, data: { version: "5.0.0" } });
    expect(s.requests).toHaveLength(3);
    expect(waits).toEqual([1125, 1688]);
  });

  it("honours Retry-After seconds on 429", async () => {
    let n = 0;
    const s = await http((_r, res) =>
      ++n === 1 ? sendJson(res, 429, { detail: "rate limited" }, { "Retry-After": "7" }) : sendJson(res, 200, {}),
    );
    const { api, waits } = client(s.url);
    track(api);
    await api.get("x/");
    expect(waits).toEqual([7000]);
  });

  it("honours a Retry-After HTTP date and X-Sentry-Rate-Limits", async () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    let n = 0;
    const s = await http((_r, res) => {
      n++;
      if (n === 1) sendJson(res, 429, { detail: "slow down" }, { "Retry-After": "Thu, 01 Jan 2026 00:00:04 GMT" });
      else if (n === 2) sendJson(res, 429, { detail: "slow down" }, { "X-Sentry-Rate-Limits": "9::organization" });
      else sendJson(res, 200, {});
    });
    const { api, waits } = client(s.url, {}, { now: () => now });
    track(api);
    await api.get("x/");
    expect(waits).toEqual([4000, 9000]);
  });

  it("fails at once when Retry-After would exceed the retry budget, saying when to retry", async () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    const s = await http((_r, res) => sendJson(res, 429, { detail: "rate limited" }, { "Retry-After": "120" }));
    const { api, waits } = client(s.url, {}, { now: () => now });
    track(api);
    const e = await rejection(api.get("x/"));
    expect(e.message).toBe(
      "rate limited (http status: 429) — the server asks to wait 120 s; retry after 2026-01-01T00:02:00Z",
    );
    expect(s.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("keeps the total wait of one request within the budget", async () => {
    const s = await http((_r, res) => sendJson(res, 429, { detail: "rate limited" }, { "Retry-After": "12" }));
    const { api, waits } = client(s.url);
    track(api);
    const e = await rejection(api.get("x/"));
    expect(waits).toEqual([12000, 12000]);
    expect(e.message).toMatch(
      /^rate limited \(http status: 429, after 3 attempts\) — the server asks to wait 12 s; retry after /,
    );
  });

  for (const status of [400, 401, 403, 404, 413, 500]) {
    it(`does not retry ${status}`, async () => {
      const s = await http((_r, res) => sendJson(res, status, { detail: "no" }));
      const { api, waits } = client(s.url);
      track(api);
      const e = await rejection(api.get("x/"));
      expect((e as ApiError).status).toBe(status);
      expect(s.requests).toHaveLength(1);
      expect(waits).toEqual([]);
    });
  }

  it("makes one attempt with max_retries = 0", async () => {
    const s = await http((_r, res) => sendJson(res, 503, { detail: "x" }));
    const { api, waits } = client(s.url, { maxRetries: { value: 0, source: src("SENTRY_HTTP_MAX_RETRIES") } });
    track(api);
    const e = await rejection(api.get(""));
    expect(e.message).toBe("x (http status: 503)");
    expect(s.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("makes one attempt when the request opts out of retries", async () => {
    const s = await http((_r, res) => sendJson(res, 503, { detail: "x" }));
    const { api } = client(s.url);
    track(api);
    await rejection(api.get("", { retry: false }));
    expect(s.requests).toHaveLength(1);
  });

  it("ends an unreachable server as one NetworkError line after the retries", async () => {
    // A port that was just free: nothing listens there.
    const probe = createNetServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const { api, waits } = client(`http://127.0.0.1:${port}`, {
      maxRetries: { value: 2, source: src("[http] max_retries", "file") },
    });
    track(api);
    const e = await rejection(api.get(""));
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.message).toBe(`could not reach http://127.0.0.1:${port}: connection refused (after 3 attempts)`);
    expect((e as NetworkError).url).toBe(`http://127.0.0.1:${port}/api/0/`);
    expect(waits).toEqual([1125, 1688]);
  });
});

describe("debug logging", () => {
  it("logs each request, response, and wait without ever showing the token", async () => {
    let n = 0;
    const s = await http((_r, res) =>
      ++n === 1 ? sendText(res, 502, "bad gateway") : sendJson(res, 200, { token: TOKEN, ok: true }),
    );
    const cap = captureOutput("debug", []); // no registered secrets: the client must not leak it itself
    const { api } = client(
      s.url,
      { headers: { value: [["X-Access-Token", "cf-secret-value"]], source: src("--header", "flag") } },
      { out: cap.out },
    );
    track(api);
    await api.post("organizations/acme/releases/", { version: "1.0" });
    expect(s.requests[0]!.headers["x-access-token"]).toBe("cf-secret-value");
    const log = cap.stderr();
    expect(log).toContain(`debug: > POST ${s.url}/api/0/organizations/acme/releases/ (attempt 1 of 6)`);
    expect(log).toContain("debug: >   authorization: Bearer [redacted]");
    expect(log).toContain('debug: >   body: {"version":"1.0"}');
    expect(log).toContain("debug: < 502 Bad Gateway");
    expect(log).toContain(
      "debug: retrying POST /api/0/organizations/acme/releases/ in 1.1 s (attempt 2 of 6): 502 Bad Gateway",
    );
    expect(log).toContain("debug: < 200 OK");
    expect(log).toContain("debug: <   content-type: application/json");
    expect(log).toContain("debug: >   x-access-token: [redacted]");
    expect(log).not.toContain("cf-secret-value");
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain(TOKEN.slice(7));
  });

  it("writes nothing below debug level", async () => {
    const s = await http((_r, res) => sendJson(res, 200, {}));
    const cap = captureOutput("warn");
    const { api } = client(s.url, {}, { out: cap.out });
    track(api);
    await api.get("x/");
    expect(cap.stderr()).toBe("");
  });
});
