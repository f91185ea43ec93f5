import { afterEach, describe, expect, it } from "vitest";
import { client, sendJson, src, startHttp, type TestServer, TOKEN } from "../support/api.js";
import { runSentryCli } from "../support/sentryCli.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Header names minus those that only describe the connection. */
function headerNames(s: TestServer, i: number): string[] {
  const skip = new Set(["host", "connection", "content-length"]);
  return Object.keys(s.requests[i]!.headers)
    .filter((k) => !skip.has(k))
    .sort();
}

describe("createApiClient compared with sentry-cli", () => {
  it("sends the same headers to the same URL for a JSON POST", async () => {
    const s = await startHttp((_r, res) => sendJson(res, 201, { version: "1.0.0" }));
    cleanups.push(() => s.close());
    const cli = await runSentryCli(["releases", "new", "1.0.0"], {
      env: {
        PATH: process.env.PATH,
        HOME: "/nonexistent",
        SENTRY_URL: s.url + "/",
        SENTRY_AUTH_TOKEN: TOKEN,
        SENTRY_ORG: "acme",
        SENTRY_PROJECT: "frontend",
        CUSTOM_HEADER: "X-Custom: yes",
      },
    });
    expect(cli.stderr).not.toContain("Could not connect");
    const { api } = client(s.url, { headers: { value: [["X-Custom", "yes"]], source: src("CUSTOM_HEADER") } });
    cleanups.push(() => api.close());
    await api.post("organizations/acme/releases/", { version: "1.0.0", projects: ["frontend"] });

    expect(s.requests, cli.stderr).toHaveLength(2);
    const [theirs, ours] = s.requests;
    expect(ours!.method).toBe(theirs!.method);
    expect(ours!.url).toBe(theirs!.url);
    expect(headerNames(s, 1)).toEqual(headerNames(s, 0));
    for (const h of ["authorization", "accept", "content-type", "x-custom"]) {
      expect(ours!.headers[h], h).toBe(theirs!.headers[h]);
    }
    expect(theirs!.headers["user-agent"]).toMatch(/^sentry-cli\/\d/);
    expect(ours!.headers["user-agent"]).toMatch(/^sentry-ship\/\d/);
  });
});
