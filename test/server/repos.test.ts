import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type SentryServer, startServer } from "../../src/server/index.js";
import { api, clock } from "../support/webapi.js";

const REPOS = "/api/0/organizations/acme/repos/";
const c = clock();
let server: SentryServer;

beforeAll(async () => {
  server = await startServer({ now: c.now });
});
afterAll(() => server.close());
beforeEach(() => {
  server.state.repos = [];
});

const add = (body: unknown, token?: string) => api(server, "POST", REPOS, { body, token });

describe("POST /organizations/{org}/repos/", () => {
  it("creates a repository with 201 and Sentry's repository shape", async () => {
    const r = await add({ name: "acme/web", url: "https://github.com/acme/web", provider: "integrations:github" });
    expect([r.status, r.body]).toEqual([
      201,
      {
        id: "1",
        name: "acme/web",
        url: "https://github.com/acme/web",
        provider: { id: "integrations:github", name: "GitHub" },
        status: "active",
        dateCreated: "2024-05-01T12:00:00Z",
        integrationId: null,
        externalSlug: "acme/web",
        externalId: null,
      },
    ]);
  });

  it("is strict about provider, name, url, duplicates and scopes", async () => {
    expect((await add({ name: "a", provider: "github" })).body).toEqual({ error_type: "validation" });
    expect((await add({ name: "a", provider: "constructor" })).body).toEqual({ error_type: "validation" });
    expect((await add({ name: "a" })).body).toEqual({ error_type: "validation" });
    expect((await add({ provider: "integrations:gitlab" })).body).toEqual({ name: ["This field is required."] });
    expect((await add({ name: "a", url: "nope", provider: "integrations:gitlab" })).body).toEqual({
      url: ["Enter a valid URL."],
    });
    expect((await add({ name: "a", provider: "integrations:gitlab" })).status).toBe(201);
    const dup = await add({ name: "a", provider: "integrations:gitlab" });
    expect([dup.status, dup.body]).toEqual([400, { detail: "A repository with that name already exists" }]);
    expect((await add({ name: "b", provider: "integrations:gitlab" }, server.orgToken)).status).toBe(403);
    expect((await add({ name: "b", provider: "integrations:gitlab" }, server.readOnlyToken)).status).toBe(403);
    expect(server.state.repos.map((r) => r.name)).toEqual(["a"]);
  });
});

describe("GET /organizations/{org}/repos/", () => {
  it("lists active repositories by name, paginated with X-Hits, and filters by query and status", async () => {
    for (const name of ["zeta/z", "acme/web", "Mid/m"]) await add({ name, provider: "integrations:github" });
    const r = await api(server, "GET", `${REPOS}?cursor=`, { token: server.orgToken });
    expect(r.status).toBe(200);
    expect(r.body.map((x: { name: string }) => x.name)).toEqual(["acme/web", "Mid/m", "zeta/z"]);
    expect(r.headers.get("x-hits")).toBe("3");
    const page = await api(server, "GET", `${REPOS}?per_page=1&cursor=0:1:0`);
    expect(page.body.map((x: { name: string }) => x.name)).toEqual(["Mid/m"]);
    expect(page.headers.get("link")).toBe(
      `<${server.url}${REPOS}?per_page=1&cursor=0:0:1>; rel="previous"; results="true"; cursor="0:0:1", ` +
        `<${server.url}${REPOS}?per_page=1&cursor=0:2:0>; rel="next"; results="true"; cursor="0:2:0"`,
    );
    expect((await api(server, "GET", `${REPOS}?query=ACME`)).body.map((x: { name: string }) => x.name)).toEqual([
      "acme/web",
    ]);
    expect((await api(server, "GET", `${REPOS}?status=deleted`)).body).toEqual([]);
    expect((await api(server, "GET", `${REPOS}?status=bogus`)).body).toEqual([]);
    expect((await api(server, "GET", "/api/0/organizations/other/repos/", { token: server.orgToken })).status).toBe(
      403,
    );
  });
});
