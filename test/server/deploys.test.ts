import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type SentryServer, startServer } from "../../src/server/index.js";
import { api, clock } from "../support/webapi.js";

const REL = "/api/0/organizations/acme/releases/";
const DEP = `${REL}1.0.0/deploys/`;
const c = clock();
let server: SentryServer;

beforeAll(async () => {
  server = await startServer({ now: c.now });
});
afterAll(() => server.close());
beforeEach(async () => {
  server.state.releases = [];
  server.state.deploys = [];
  c.set("2024-05-01T12:00:00Z");
  await api(server, "POST", REL, { body: { version: "1.0.0", projects: ["frontend", "backend"] } });
});

const deploy = (body: unknown, path = DEP, token?: string) => api(server, "POST", path, { body, token });

describe("POST /organizations/{org}/releases/{version}/deploys/", () => {
  it("creates a deploy with 201, dateFinished defaulting to now", async () => {
    const r = await deploy({ environment: "production", name: null, url: null, dateStarted: null });
    expect([r.status, r.body]).toEqual([
      201,
      {
        id: "1",
        environment: "production",
        dateStarted: null,
        dateFinished: "2024-05-01T12:00:00Z",
        name: null,
        url: null,
      },
    ]);
    expect(server.state.deploys[0]!.projects).toEqual([1, 2]);
    const rel = await api(server, "GET", `${REL}1.0.0/`);
    expect(rel.body).toMatchObject({ deployCount: 1, lastDeploy: { id: "1", environment: "production" } });
  });

  it("keeps the dates, name and url it is given", async () => {
    const r = await deploy({
      environment: "staging",
      name: "Deploy #1",
      url: "https://ci.example/1",
      dateStarted: "2023-11-14T22:13:20Z",
      dateFinished: "2023-11-14T22:15:00.250Z",
    });
    expect(r.body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      environment: "staging",
      dateStarted: "2023-11-14T22:13:20Z",
      dateFinished: "2023-11-14T22:15:00.250Z",
      name: "Deploy #1",
      url: "https://ci.example/1",
    });
  });

  it("validates the environment like Environment.is_valid_name", async () => {
    const cases: Array<[unknown, unknown]> = [
      [{}, { environment: ["This field is required."] }],
      [{ environment: "" }, { environment: ["This field may not be blank."] }],
      [{ environment: "a/b" }, { environment: ["Invalid value for environment"] }],
      [{ environment: "a\nb" }, { environment: ["Invalid value for environment"] }],
      [{ environment: "e".repeat(65) }, { environment: ["Ensure this field has no more than 64 characters."] }],
      [
        { environment: "prod", name: "n".repeat(65), url: "ftp:/x", dateStarted: "2024-13-01T00:00:00Z" },
        {
          name: ["Ensure this field has no more than 64 characters."],
          url: ["Enter a valid URL."],
          dateStarted: [
            "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
          ],
        },
      ],
    ];
    for (const [body, expected] of cases) {
      const r = await deploy(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body).toEqual(expected);
    }
    expect(server.state.deploys).toEqual([]);
  });

  it("requires projects to be a non-empty list of the release's projects", async () => {
    expect((await deploy({ environment: "prod", projects: [] })).body).toEqual({
      projects: ["This list may not be empty."],
    });
    expect((await deploy({ environment: "prod", projects: ["nope"] })).body).toEqual({
      projects: { "0": ["Invalid project"] },
    });
    await api(server, "POST", REL, { body: { version: "2.0.0", projects: ["frontend"] } });
    const r = await deploy({ environment: "prod", projects: ["frontend", "backend"] }, `${REL}2.0.0/deploys/`);
    expect([r.status, r.body]).toEqual([
      400,
      {
        detail: {
          code: "parameter-validation-error",
          message: "Invalid projects (backend) for release 2.0.0",
          extra: { context: "" },
        },
      },
    ]);
    const ok = await deploy({ environment: "prod", projects: ["backend", 1] });
    expect(ok.status).toBe(201);
    expect(server.state.deploys.map((d) => d.projects)).toEqual([[2, 1]]);
  });

  it("answers 404 for an unknown release before validating, and checks scopes", async () => {
    const r = await deploy({ environment: "" }, `${REL}missing/deploys/`);
    expect([r.status, r.body]).toEqual([404, { detail: "The requested resource does not exist" }]);
    expect((await deploy({ environment: "prod" }, DEP, server.readOnlyToken)).status).toBe(403);
    expect((await deploy({ environment: "prod" }, DEP, server.orgToken)).status).toBe(201);
    expect((await api(server, "GET", DEP, { token: null })).status).toBe(401);
  });
});

describe("GET /organizations/{org}/releases/{version}/deploys/", () => {
  it("lists the last deploy per (project, environment), newest dateFinished first", async () => {
    await deploy({ environment: "production", dateFinished: "2024-05-01T10:00:00Z" });
    await deploy({ environment: "staging", dateFinished: "2024-05-01T11:00:00Z" });
    await deploy({ environment: "production", dateFinished: "2024-05-01T09:00:00Z", projects: ["frontend"] });
    const r = await api(server, "GET", DEP);
    expect(r.status).toBe(200);
    const ids = server.state.deploys.map((d) => d.id);
    expect(r.body.map((d: { id: string }) => d.id)).toEqual([ids[1], ids[0], ids[2]]);
    expect(r.headers.get("link")).toContain('rel="next"; results="false"');
    expect((await api(server, "GET", `${REL}missing/deploys/`)).status).toBe(404);
  });
});
