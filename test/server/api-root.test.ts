import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SentryServer, startServer } from "../../src/server/index.js";
import { api } from "../support/webapi.js";

let server: SentryServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe("GET /api/0/", () => {
  it("answers an anonymous request with 200 and nulls", async () => {
    const r = await api(server, "GET", "/api/0/", { token: null });
    expect([r.status, r.body]).toEqual([200, { version: "0", auth: null, user: null }]);
    const dsn = await api(server, "GET", "/api/0/", { token: null, headers: { Authorization: "DSN http://k@h/1" } });
    expect(dsn.body).toEqual({ version: "0", auth: null, user: null });
  });

  it("describes a user token's user and scopes", async () => {
    const r = await api(server, "GET", "/api/0/");
    expect(r.status).toBe(200);
    expect(r.body.auth).toEqual({
      scopes: [
        "org:read",
        "org:write",
        "project:read",
        "project:write",
        "project:admin",
        "project:releases",
        "event:read",
      ],
    });
    expect(r.body.user).toMatchObject({ id: "1", name: "Sentry Ship", username: "ship", email: "ship@example.com" });
  });

  it("answers an org token with its scopes and no user", async () => {
    const r = await api(server, "GET", "/api/0/", { token: server.orgToken });
    expect(r.body).toEqual({ version: "0", auth: { scopes: ["org:ci"] }, user: null });
  });

  it("rejects unknown or malformed credentials with 401", async () => {
    expect((await api(server, "GET", "/api/0/", { token: "sntryu_nope" })).body).toEqual({ detail: "Invalid token" });
    expect((await api(server, "GET", "/api/0/", { token: "sntrys_nope" })).body).toEqual({
      detail: "Invalid org token",
    });
    const spaced = await api(server, "GET", "/api/0/", { token: "a b" });
    expect([spaced.status, spaced.body]).toEqual([
      401,
      { detail: "Invalid token header. Token string should not contain spaces." },
    ]);
  });
});

describe("organizations and projects", () => {
  it("lists the organizations a token can see", async () => {
    const user = await api(server, "GET", "/api/0/organizations/");
    expect(user.body.map((o: { slug: string }) => o.slug)).toEqual(["acme", "other"]);
    expect(user.body[0]).toMatchObject({
      id: "1",
      slug: "acme",
      name: "acme",
      status: { id: "active", name: "active" },
    });
    const org = await api(server, "GET", "/api/0/organizations/", { token: server.orgToken });
    expect(org.body.map((o: { slug: string }) => o.slug)).toEqual(["acme"]);
    expect((await api(server, "GET", "/api/0/organizations/", { token: null })).status).toBe(401);
  });

  it("shows an organization by slug or id, 404 for an unknown one, 403 for another org's token", async () => {
    expect((await api(server, "GET", "/api/0/organizations/1/")).body).toMatchObject({ slug: "acme" });
    expect((await api(server, "GET", "/api/0/organizations/nope/")).body).toEqual({
      detail: "The requested resource does not exist",
    });
    expect((await api(server, "GET", "/api/0/organizations/other/", { token: server.orgToken })).status).toBe(403);
  });

  it("lists an organization's projects and shows one project", async () => {
    const list = await api(server, "GET", "/api/0/organizations/acme/projects/");
    expect(list.body.map((p: { slug: string }) => p.slug)).toEqual(["backend", "frontend"]);
    expect(list.headers.get("link")).toContain('rel="previous"; results="false"');
    const p = await api(server, "GET", "/api/0/projects/acme/frontend/", { token: server.readOnlyToken });
    expect(p.body).toMatchObject({ id: "1", slug: "frontend", platform: "javascript", organization: { slug: "acme" } });
    expect((await api(server, "GET", "/api/0/projects/acme/web/")).status).toBe(404);
    expect((await api(server, "GET", "/api/0/projects/acme/frontend/", { token: server.orgToken })).status).toBe(403);
  });
});
