import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type SentryServer, startServer } from "../../src/server/index.js";
import { api, clock } from "../support/webapi.js";

const REL = "/api/0/organizations/acme/releases/";
const c = clock();
let server: SentryServer;

beforeAll(async () => {
  server = await startServer({ now: c.now });
});
afterAll(() => server.close());
beforeEach(() => {
  server.state.releases = [];
  server.state.deploys = [];
  server.state.repos = [];
  c.set("2024-05-01T12:00:00Z");
});

const create = (body: unknown, token?: string) => api(server, "POST", REL, { body, token });

describe("POST /organizations/{org}/releases/", () => {
  it("creates a release with 201 and the full release object", async () => {
    const r = await api(server, "POST", REL, {
      body: { version: "1.0.0", projects: ["frontend"], dateStarted: "2024-01-01T00:00:00Z" },
      headers: { "User-Agent": "sentry-cli/3.8.0" },
    });
    expect(r.status).toBe(201);
    expect(r.headers.get("content-type")).toBe("application/json");
    expect(r.body).toEqual({
      id: 1,
      version: "1.0.0",
      status: "open",
      shortVersion: "1.0.0",
      versionInfo: {
        package: null,
        version: { raw: "1.0.0", major: 1, minor: 0, patch: 0, revision: 0, pre: null, buildCode: null, components: 3 },
        description: "1.0.0",
        buildHash: null,
      },
      ref: null,
      url: null,
      dateReleased: null,
      dateCreated: "2024-05-01T12:00:00Z",
      dateStarted: null,
      data: {},
      newGroups: 0,
      owner: null,
      commitCount: 0,
      lastCommit: null,
      deployCount: 0,
      lastDeploy: null,
      authors: [],
      projects: [
        {
          id: 1,
          slug: "frontend",
          name: "frontend",
          newGroups: 0,
          platform: "javascript",
          platforms: ["javascript"],
          hasHealthData: false,
        },
      ],
      firstEvent: null,
      lastEvent: null,
      currentProjectMeta: {},
      userAgent: "sentry-cli/3.8.0",
    });
  });

  it("answers 208 when nothing new is linked and 201 when a project is added", async () => {
    expect((await create({ version: "1.0.0", projects: ["frontend"] })).status).toBe(201);
    expect((await create({ version: "1.0.0", projects: ["frontend"] })).status).toBe(208);
    const added = await create({ version: "1.0.0", projects: [2] });
    expect(added.status).toBe(201);
    expect(added.body.projects.map((p: { slug: string }) => p.slug)).toEqual(["frontend", "backend"]);
    expect((await create({ version: "1.0.0", projects: [] })).status).toBe(208);
  });

  it("does not overwrite an existing release's fields, except status", async () => {
    await create({ version: "1.0.0", projects: [], url: "https://a.example/1", ref: "main" });
    const again = await create({
      version: "1.0.0",
      projects: [],
      url: "https://b.example/2",
      ref: "other",
      status: "archived",
    });
    expect(again.status).toBe(208);
    expect(again.body).toMatchObject({ url: "https://a.example/1", ref: "main", status: "archived" });
    const restored = await create({ version: "1.0.0", projects: [], status: "open" });
    expect(restored.body.status).toBe("open");
  });

  it("accepts project ids as numbers or strings and rejects unknown or foreign projects", async () => {
    expect((await create({ version: "a", projects: [1, "2"] })).body.projects.length).toBe(2);
    for (const projects of [["nope"], [99], ["web"], [{ slug: "frontend" }]]) {
      const r = await create({ version: "b", projects });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ projects: ["Invalid project ids or slugs"] });
    }
    expect(server.state.releases.map((r) => r.version)).toEqual(["a"]);
  });

  it("rejects invalid versions with the serializer's messages", async () => {
    const cases: Array<[unknown, unknown]> = [
      [{ projects: [] }, { version: ["This field is required."] }],
      [{ version: "", projects: [] }, { version: ["This field may not be blank."] }],
      [{ version: null, projects: [] }, { version: ["This field may not be null."] }],
      [{ version: ["x"], projects: [] }, { version: ["Not a valid string."] }],
      [{ version: "x".repeat(201), projects: [] }, { version: ["Ensure this field has no more than 200 characters."] }],
      [{ version: "a/b", projects: [] }, { version: ["Release with name a/b is not allowed"] }],
      [{ version: "a\tb", projects: [] }, { version: ["Release with name a\tb is not allowed"] }],
      [{ version: " Latest ", projects: [] }, { version: ["Release with name  Latest  is not allowed"] }],
      [{ version: "..", projects: [] }, { version: ["Release with name .. is not allowed"] }],
      [{ version: "   ", projects: [] }, { version: ["Release with name     is not allowed"] }],
    ];
    for (const [body, expected] of cases) {
      const r = await create(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body).toEqual(expected);
    }
    const spaced = await create({ version: " 1.0 beta ", projects: [] });
    expect(spaced.status).toBe(201);
    expect(spaced.body.version).toBe(" 1.0 beta ");
  });

  it("requires projects as a list and validates url, dateReleased and status together", async () => {
    expect((await create({ version: "1" })).body).toEqual({ projects: ["This field is required."] });
    expect((await create({ version: "1", projects: "frontend" })).body).toEqual({
      projects: ['Expected a list of items but got type "str".'],
    });
    const r = await create({
      version: "1",
      projects: [],
      url: "not a url",
      dateReleased: "yesterday",
      status: "closed",
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      url: ["Enter a valid URL."],
      dateReleased: [
        "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
      ],
      status: ["Invalid status closed"],
    });
    expect(server.state.releases).toEqual([]);
  });

  it("stores dateReleased in UTC and accepts nanosecond timestamps and blank/null url and ref", async () => {
    const r = await create({
      version: "1",
      projects: [],
      dateReleased: "2026-11-26T23:20:43.533434990Z",
      url: "",
      ref: null,
    });
    expect(r.status).toBe(201);
    // Like Sentry, a blank url is stored as sent.
    expect(r.body).toMatchObject({ dateReleased: "2026-11-26T23:20:43.533Z", url: "", ref: null });
    const tz = await create({ version: "2", projects: [], dateReleased: "2024-05-03T10:00:00+02:00" });
    expect(tz.body.dateReleased).toBe("2024-05-03T08:00:00Z");
  });

  it("rejects bodies that are not JSON objects", async () => {
    expect((await api(server, "POST", REL, { raw: "[1]" })).body).toEqual({
      non_field_errors: ["Invalid data. Expected a dictionary, but got list."],
    });
    const bad = await api(server, "POST", REL, { raw: "{nope" });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/^JSON parse error - /);
  });

  it("sets commits given on create and auto-creates their repositories", async () => {
    const r = await create({
      version: "1",
      projects: ["frontend"],
      commits: [
        {
          id: "a".repeat(40),
          repository: "acme/web",
          message: "old",
          timestamp: "2024-01-01T00:00:00Z",
          author_name: "Dev Person",
        },
        {
          id: "b".repeat(40),
          repository: "acme/web",
          message: "new",
          timestamp: "2024-02-01T00:00:00Z",
          author_email: "d@example.com",
        },
        { id: "c".repeat(40) },
      ],
    });
    expect(r.status).toBe(201);
    expect(r.body.commitCount).toBe(3);
    expect(r.body.lastCommit).toMatchObject({
      id: "b".repeat(40),
      message: "new",
      dateCreated: "2024-02-01T00:00:00Z",
    });
    expect(r.body.authors).toEqual([
      { name: null, email: "d@example.com" },
      { name: "Dev Person", email: "devperson@localhost" },
    ]);
    expect(server.state.repos.map((x) => [x.name, x.provider.id])).toEqual([
      ["acme/web", "unknown"],
      ["organization-1", "unknown"],
    ]);
  });

  it("validates commit items with nested, index-keyed errors", async () => {
    const r = await create({
      version: "1",
      projects: [],
      commits: [
        { id: "ok" },
        { message: "no id" },
        { id: "x".repeat(65), patch_set: [{ path: "a", type: "X" }] },
        "str",
      ],
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      commits: {
        "1": { id: ["This field is required."] },
        "2": {
          id: ["Ensure this field has no more than 64 characters."],
          patch_set: { "0": { type: ["Commit patch_set type X is not supported."] } },
        },
        "3": { non_field_errors: ["Invalid data. Expected a dictionary, but got str."] },
      },
    });
  });

  it("requires refs to name existing repositories exactly", async () => {
    server.state.repos.push({
      id: "1",
      orgId: 1,
      name: "acme/web",
      url: "https://github.com/acme/web",
      provider: { id: "integrations:github", name: "GitHub" },
      status: "active",
      dateCreated: "2024-01-01T00:00:00.000Z",
      integrationId: null,
      externalSlug: "acme/web",
      externalId: null,
    });
    const bad = await create({
      version: "1",
      projects: [],
      refs: [
        { repository: "ACME/WEB", commit: "abc" },
        { repository: "x/y", commit: "def" },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ refs: ["Invalid repository names: ACME/WEB,x/y"] });
    const ok = await create({
      version: "2",
      projects: ["frontend"],
      refs: [{ repository: "acme/web", commit: "abc..def" }],
    });
    expect(ok.status).toBe(201);
    expect(ok.body.lastCommit.id).toBe("def");
    expect(server.state.release(server.state.orgs[0]!, "2")!.refs).toEqual([
      { repository: "acme/web", commit: "def", previousCommit: "abc" },
    ]);
  });

  it("validates ref commits and ranges", async () => {
    const r = await create({
      version: "1",
      projects: [],
      refs: [
        { repository: "r", commit: "..abc" },
        { repository: "r", commit: `${"a".repeat(65)}..b` },
        { repository: "r", commit: "a".repeat(65) },
        { commit: "a" },
      ],
    });
    expect(r.body).toEqual({
      refs: {
        "0": { commit: ["Commit cannot begin or end with .."] },
        "1": { commit: ["Start or end commit too long - max is 64 chars each"] },
        "2": { commit: ["Commit too long - max is 64 chars"] },
        "3": { repository: ["This field is required."] },
      },
    });
  });
});

describe("GET /organizations/{org}/releases/", () => {
  it("lists open releases linked to projects, newest first, and filters by status and query", async () => {
    await create({ version: "1.0.0", projects: ["frontend"] });
    c.advance(1000);
    await create({ version: "1.1.0", projects: ["backend"] });
    c.advance(1000);
    await create({ version: "orphan", projects: [] });
    await create({ version: "2.0.0", projects: ["frontend"], status: "archived" });
    const open = await api(server, "GET", REL);
    expect(open.status).toBe(200);
    expect(open.body.map((r: { version: string }) => r.version)).toEqual(["1.1.0", "1.0.0"]);
    const archived = await api(server, "GET", `${REL}?status=archived`);
    expect(archived.body.map((r: { version: string }) => r.version)).toEqual(["2.0.0"]);
    const q = await api(server, "GET", `${REL}?query=1.1`);
    expect(q.body.map((r: { version: string }) => r.version)).toEqual(["1.1.0"]);
    const byProject = await api(server, "GET", `${REL}?project=2`);
    expect(byProject.body.map((r: { version: string }) => r.version)).toEqual(["1.1.0"]);
  });

  it("answers the list's 400s", async () => {
    const cases: Array<[string, string]> = [
      ["status=closed", "invalid value for status"],
      ["sort=nope", "invalid sort"],
      ["sort=crash_free_sessions", "sorting by crash statistics requires flattening (flatten=1)"],
      ["healthStat=x", "invalid healthStat"],
      ["per_page=101", "Invalid per_page value. Cannot exceed 100."],
      ["per_page=x", "Invalid per_page parameter."],
      ["cursor=bad", "Invalid cursor parameter."],
      ["project=abc", "Invalid project parameter. Values must be numbers."],
    ];
    for (const [qs, message] of cases) {
      const r = await api(server, "GET", `${REL}?${qs}`);
      expect(r.status, qs).toBe(400);
      expect(r.body).toEqual({ detail: message });
    }
    expect((await api(server, "GET", `${REL}?project=3`)).status).toBe(403);
  });

  it("paginates with a Link header, previous first", async () => {
    for (let i = 0; i < 3; i++) {
      await create({ version: `v${i}`, projects: ["frontend"] });
      c.advance(1000);
    }
    const first = await api(server, "GET", `${REL}?per_page=2`);
    expect(first.body.map((r: { version: string }) => r.version)).toEqual(["v2", "v1"]);
    const base = `${server.url}${REL}?per_page=2&`;
    expect(first.headers.get("link")).toBe(
      `<${base}cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", <${base}cursor=0:2:0>; rel="next"; results="true"; cursor="0:2:0"`,
    );
    const second = await api(server, "GET", `${REL}?per_page=2&cursor=0:2:0`);
    expect(second.body.map((r: { version: string }) => r.version)).toEqual(["v0"]);
    expect(second.headers.get("link")).toContain('rel="next"; results="false"');
  });
});

describe("GET /projects/{org}/{project}/releases/", () => {
  it("lists the project's open releases by COALESCE(dateReleased, dateCreated) desc", async () => {
    await create({ version: "a", projects: ["frontend"], dateReleased: "2030-01-01T00:00:00Z" });
    c.advance(1000);
    await create({ version: "b", projects: ["frontend"] });
    await create({ version: "c", projects: ["backend"] });
    await create({ version: "d", projects: ["frontend"], status: "archived" });
    const r = await api(server, "GET", "/api/0/projects/acme/frontend/releases/");
    expect(r.status).toBe(200);
    expect(r.body.map((x: { version: string }) => x.version)).toEqual(["a", "b"]);
    expect(r.headers.get("link")).toContain('rel="next"; results="false"');
    expect((await api(server, "GET", "/api/0/projects/acme/nope/releases/")).body).toEqual({
      detail: "The requested resource does not exist",
    });
    expect(
      (await api(server, "GET", "/api/0/projects/acme/frontend/releases/?query=B")).body.map(
        (x: { version: string }) => x.version,
      ),
    ).toEqual(["b"]);
  });
});

describe("GET/PUT/DELETE /organizations/{org}/releases/{version}/", () => {
  it("returns 404 for an unknown release, before validating the body", async () => {
    const nf = { detail: "The requested resource does not exist" };
    expect((await api(server, "GET", `${REL}missing/`)).body).toEqual(nf);
    const put = await api(server, "PUT", `${REL}missing/`, { body: { url: "bad" } });
    expect([put.status, put.body]).toEqual([404, nf]);
    expect((await api(server, "DELETE", `${REL}missing/`)).status).toBe(404);
  });

  it("applies only truthy fields on update", async () => {
    await create({ version: "1", projects: ["frontend"], url: "https://a.example/", ref: "main" });
    const r = await api(server, "PUT", `${REL}1/`, {
      body: { url: "", ref: null, dateReleased: "2024-06-01T00:00:00Z", projects: ["nope"], version: "zzz" },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      version: "1",
      url: "https://a.example/",
      ref: "main",
      dateReleased: "2024-06-01T00:00:00Z",
    });
    const archived = await api(server, "PUT", `${REL}1/`, { body: { status: "archived" } });
    expect(archived.body.status).toBe("archived");
    // ReleaseStatus.OPEN is 0 in Sentry: a PUT with "open" changes nothing.
    expect((await api(server, "PUT", `${REL}1/`, { body: { status: "open" } })).body.status).toBe("archived");
    const bad = await api(server, "PUT", `${REL}1/`, { body: { url: "nope", status: "x" } });
    expect([bad.status, bad.body]).toEqual([400, { url: ["Enter a valid URL."], status: ["Invalid status x"] }]);
  });

  it("sets commits, sets refs and clears them with refs: []", async () => {
    await create({ version: "1", projects: ["frontend"] });
    const commits = await api(server, "PUT", `${REL}1/`, {
      body: {
        commits: [
          {
            id: "abc",
            repository: "origin",
            patch_set: [{ path: "a.js", type: "M" }],
            message: "m\n",
            timestamp: "2024-05-03T10:00:00+02:00",
          },
        ],
      },
    });
    expect(commits.body.commitCount).toBe(1);
    expect(server.state.repos.map((r) => r.name)).toEqual(["origin"]);
    const list = await api(server, "GET", `${REL}1/commits/`);
    expect(list.status).toBe(200);
    // DRF's CharField trims whitespace: the trailing newline sentry-cli sends is dropped.
    expect(list.body).toMatchObject([
      { id: "abc", message: "m", dateCreated: "2024-05-03T08:00:00Z", repository: { name: "origin" } },
    ]);
    const badRef = await api(server, "PUT", `${REL}1/`, { body: { refs: [{ repository: "acme/web", commit: "x" }] } });
    expect([badRef.status, badRef.body]).toEqual([400, { refs: ["Invalid repository names: acme/web"] }]);
    const refs = await api(server, "PUT", `${REL}1/`, {
      body: { refs: [{ repository: "origin", commit: "def", previousCommit: null }] },
    });
    expect(refs.body.lastCommit.id).toBe("def");
    const cleared = await api(server, "PUT", `${REL}1/`, { body: { refs: [] } });
    expect(cleared.body).toMatchObject({ commitCount: 0, lastCommit: null });
  });

  it("deletes with 204 and an empty body, and needs project:admin or project:releases", async () => {
    await create({ version: "1", projects: ["frontend"] });
    const denied = await api(server, "DELETE", `${REL}1/`, { token: server.orgToken });
    expect([denied.status, denied.body]).toEqual([
      403,
      { detail: "You do not have permission to perform this action." },
    ]);
    const r = await api(server, "DELETE", `${REL}1/`);
    expect([r.status, r.text]).toEqual([204, ""]);
    expect(server.state.releases).toEqual([]);
  });
});

describe("GET …/releases/{version}/previous-with-commits/", () => {
  it("answers {} when no earlier release of the same projects has commits", async () => {
    await create({ version: "1", projects: ["frontend"] });
    const r = await api(server, "GET", `${REL}1/previous-with-commits/`);
    expect([r.status, r.text]).toEqual([200, "{}"]);
    expect((await api(server, "GET", `${REL}nope/previous-with-commits/`)).status).toBe(404);
  });

  it("finds the newest earlier release sharing a project that has commits", async () => {
    await create({ version: "old", projects: ["frontend"], commits: [{ id: "aaa" }] });
    c.advance(1000);
    await create({ version: "other", projects: ["backend"], commits: [{ id: "bbb" }] });
    c.advance(1000);
    await create({ version: "new", projects: ["frontend"] });
    c.advance(1000);
    await create({ version: "future", projects: ["frontend"], commits: [{ id: "ccc" }] });
    const r = await api(server, "GET", `${REL}new/previous-with-commits/`);
    expect(r.body).toMatchObject({ version: "old", lastCommit: { id: "aaa" } });
  });
});

describe("release endpoint permissions", () => {
  it("answers 401 without or with a bad token, 403 for missing scopes or another org, 404 for an unknown org", async () => {
    const none = await api(server, "GET", REL, { token: null });
    expect([none.status, none.body]).toEqual([401, { detail: "Authentication credentials were not provided." }]);
    expect(none.headers.get("www-authenticate")).toBe('xBasic realm="api"');
    expect((await api(server, "GET", REL, { token: "sntryu_bad" })).body).toEqual({ detail: "Invalid token" });
    const ro = await create({ version: "1", projects: [] }, server.readOnlyToken);
    expect([ro.status, ro.body]).toEqual([403, { detail: "You do not have permission to perform this action." }]);
    expect((await api(server, "GET", "/api/0/organizations/other/releases/", { token: server.orgToken })).status).toBe(
      403,
    );
    expect((await api(server, "GET", "/api/0/organizations/nope/releases/")).status).toBe(404);
    expect((await create({ version: "1", projects: ["frontend"] }, server.orgToken)).status).toBe(201);
    expect((await api(server, "GET", REL, { token: server.readOnlyToken })).status).toBe(200);
  });
});
