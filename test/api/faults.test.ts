import { afterEach, describe, expect, it } from "vitest";
import { routes } from "../../src/api/routes.js";
import { ApiError } from "../../src/errors.js";
import { type SentryServer, startServer } from "../../src/server/index.js";
import { client, src } from "../support/api.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function server(): Promise<SentryServer> {
  const s = await startServer();
  cleanups.push(() => s.close());
  return s;
}

function api(s: SentryServer) {
  const c = client(s.url);
  cleanups.push(() => c.api.close());
  return c;
}

describe("createApiClient against the embedded server's faults", () => {
  it("succeeds after 503, 503", async () => {
    const s = await server();
    s.faults.failNext("/api/0/x/", 503, 2, { body: { detail: "unavailable" } });
    s.faults.failNext("/api/0/x/", 201, 1, { body: { version: "5.0.0" } });
    const { api: c, waits } = api(s);
    const res = await c.post("x/", { version: "5.0.0" });
    expect(res).toMatchObject({ status: 201, data: { version: "5.0.0" } });
    expect(s.requests.map((r) => r.status)).toEqual([503, 503, 201]);
    expect(waits).toEqual([1125, 1688]);
  });

  it("retries 504 and a dropped connection", async () => {
    const s = await server();
    s.faults.failNext("/api/0/x/", 504, 1);
    s.faults.dropNext("/api/0/x/", 1);
    s.faults.failNext("/api/0/x/", 200, 1, { body: { ok: 1 } });
    const { api: c, waits } = api(s);
    expect((await c.get("x/")).data).toEqual({ ok: 1 });
    expect(s.requests.map((r) => r.fault)).toEqual(["status 504", "drop", "status 200"]);
    expect(waits).toEqual([1125, 1688]);
  });

  it("gives up on a connection dropped every time", async () => {
    const s = await server();
    s.faults.dropNext("/api/0/x/", 10);
    const { api: c, waits } = api(s);
    const e = await c.get("x/").then(
      () => undefined,
      (err: Error) => err,
    );
    expect(e?.message).toBe(`could not reach ${s.url}: the server closed the connection (after 6 attempts)`);
    expect(waits).toHaveLength(5);
  });

  it("retries a response that does not come in time", async () => {
    const s = await server();
    s.faults.delayNext("/api/0/x/", 2000, 1);
    s.faults.failNext("/api/0/x/", 200, 1, { body: { ok: 2 } });
    const c = client(s.url, {}, { timeouts: { headersMs: 150 } });
    cleanups.push(() => c.api.close());
    expect((await c.api.get("x/")).data).toEqual({ ok: 2 });
    expect(s.requests.map((r) => r.fault)).toEqual(["delay 2000ms", "status 200"]);
    expect(c.waits).toEqual([1125]);
  });

  it("answers the auth-info route with the server's token, and names the token's source on 401", async () => {
    const s = await server();
    const ok = client(s.url, { authToken: { value: s.token, source: src("--auth-token", "flag") } });
    cleanups.push(() => ok.api.close());
    expect((await ok.api.get(routes.authInfo())).status).toBe(200);
    const bad = client(s.url, {
      authToken: { value: "sntryu_" + "0".repeat(60) + "dead", source: src("--auth-token", "flag") },
    });
    cleanups.push(() => bad.api.close());
    const e = await bad.api.get(routes.authInfo()).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(e?.message).toMatch(/ \(http status: 401\) — check the auth token from --auth-token \(sntryu_…dead\)$/);
  });

  for (const status of [400, 401, 403, 404, 413, 500]) {
    it(`does not retry an injected ${status}`, async () => {
      const s = await server();
      s.faults.failNext("/api/0/x/", status, 3);
      const { api: c, waits } = api(s);
      const e = await c.get("x/").then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).status).toBe(status);
      expect(s.requests).toHaveLength(1);
      expect(waits).toEqual([]);
    });
  }
});
