import { describe, expect, it } from "vitest";
import { runCli } from "../../support/runCli.js";
import { useServer } from "../../support/server.js";

const s = useServer();
const mutating = () => s.server.requests.filter((r) => r.method !== "GET");

describe("releases new", () => {
  it("creates the release with the configured projects and a start date", async () => {
    const before = s.server.requests.length;
    const r = await runCli(["releases", "new", "3.0.0", "--url", "https://example.com/r/3"], {
      env: s.env(),
      overrides: { now: () => new Date("2024-05-01T12:00:00Z"), sleep: async () => {} },
    });
    expect(r).toMatchObject({ exitCode: 0, stdout: "Created release 3.0.0\n" });
    const req = s.server.requests.slice(before);
    expect(req.map((q) => [q.method, q.path, q.json])).toEqual([
      [
        "POST",
        "/api/0/organizations/acme/releases/",
        {
          version: "3.0.0",
          projects: ["frontend"],
          url: "https://example.com/r/3",
          dateStarted: "2024-05-01T12:00:00Z",
        },
      ],
    ]);
  });

  it("prints the request with --dry-run and sends nothing", async () => {
    const before = s.server.requests.length;
    const r = await runCli(["releases", "new", "3.1.0", "--finalize", "--dry-run"], {
      env: s.env(),
      overrides: { now: () => new Date("2024-05-01T12:00:00Z"), sleep: async () => {} },
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      '[dry-run] POST /api/0/organizations/acme/releases/ {"version":"3.1.0","projects":["frontend"],"dateStarted":"2024-05-01T12:00:00Z","dateReleased":"2024-05-01T12:00:00Z"}\n',
    );
    expect(s.server.requests.length).toBe(before);
  });

  it("prints one JSON document with --json", async () => {
    const r = await runCli(["releases", "new", "3.2.0", "--json"], { env: s.env() });
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: true, version: "3.2.0", created: true, release: { version: "3.2.0" } });
  });

  it.each([
    ["1.0/evil", 2, "invalid release version '1.0/evil': it contains '/'"],
    ["a\tb", 2, "invalid release version 'a\\tb': it contains a tab"],
    ["latest", 1, "invalid release version 'latest': 'latest' is reserved"],
    ["..", 2, "invalid release version '..': '..' is reserved"],
    ["1.0 ", 2, "invalid release version '1.0 ': it has leading or trailing whitespace"],
    ["x".repeat(201), 1, "it is 201 characters long (at most 200)"],
  ])("rejects the version %j before any request (exit %i)", async (version, code, message) => {
    const before = s.server.requests.length;
    const r = await runCli(["releases", "new", version], { env: s.env() });
    expect(r.exitCode).toBe(code);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(s.server.requests.length).toBe(before);
  });

  it("needs a project", async () => {
    const r = await runCli(["releases", "new", "3.3.0"], { env: s.env({ SENTRY_PROJECT: undefined }) });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/a project is required/);
  });

  it("keeps the server URL given before the group apart from the release URL", async () => {
    const env = s.env({ SENTRY_URL: undefined });
    const r = await runCli(["--url", s.server.url, "releases", "new", "3.4.0", "--url", "https://example.com/r/34"], {
      env,
    });
    expect(r.exitCode).toBe(0);
    expect(s.server.requests.at(-1)!.json).toMatchObject({ version: "3.4.0", url: "https://example.com/r/34" });
  });
});

describe("releases under server faults", () => {
  it("retries a 503 and succeeds", async () => {
    s.server.faults.failNext("/api/0/organizations/acme/releases/", 503, 2, { method: "POST" });
    const r = await runCli(["releases", "new", "4.0.0"], { env: s.env() });
    expect(r).toMatchObject({ exitCode: 0, stdout: "Created release 4.0.0\n" });
    expect(s.server.requests.slice(-3).map((q) => q.status)).toEqual([503, 503, 201]);
  });

  it("fails a 500 with one line and no retry", async () => {
    s.server.faults.failNext("/api/0/organizations/acme/releases/4.0.0/", 500, 1, { method: "PUT" });
    const before = s.server.requests.length;
    const r = await runCli(["releases", "finalize", "4.0.0"], { env: s.env() });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: .*500/);
    expect(s.server.requests.length - before).toBe(1);
  });

  it("waits out a 429 with Retry-After and then succeeds", async () => {
    const sleeps: number[] = [];
    s.server.faults.failNext("/api/0/organizations/acme/releases/", 429, 1, {
      method: "POST",
      headers: { "Retry-After": "2" },
    });
    const r = await runCli(["releases", "archive", "4.0.0"], {
      env: s.env(),
      overrides: { sleep: async (ms) => void sleeps.push(ms) },
    });
    expect(r).toMatchObject({ exitCode: 0, stdout: "Archived release 4.0.0\n" });
    expect(sleeps.some((ms) => ms >= 2000)).toBe(true);
  });

  it("survives a dropped connection", async () => {
    s.server.faults.dropNext("/api/0/organizations/acme/releases/4.0.0/", 1, "DELETE");
    const r = await runCli(["releases", "delete", "4.0.0"], { env: s.env() });
    expect(r).toMatchObject({ exitCode: 0, stdout: "Deleted release 4.0.0!\n" });
  });

  it.each<[string, string[], string]>([
    ["releases new", ["releases", "new", "4.1.0"], "/api/0/organizations/acme/releases/"],
    ["releases finalize", ["releases", "finalize", "4.0.0"], "/api/0/organizations/acme/releases/4.0.0/"],
    ["releases archive", ["releases", "archive", "4.0.0"], "/api/0/organizations/acme/releases/"],
    ["releases info", ["releases", "info", "4.0.0"], "/api/0/organizations/acme/releases/4.0.0/"],
    [
      "deploys new",
      ["deploys", "new", "-r", "4.0.0", "-e", "prod"],
      "/api/0/organizations/acme/releases/4.0.0/deploys/",
    ],
    ["deploys list", ["deploys", "list", "-r", "4.0.0"], "/api/0/organizations/acme/releases/4.0.0/deploys/"],
    ["info", ["info"], "/api/0/"],
  ])("%s fails when a success answer is a web page, not Sentry's JSON", async (_name, args, path) => {
    await runCli(["releases", "new", "4.0.0"], { env: s.env() });
    s.server.faults.failNext(path, 200, 1, {
      body: "<html><body>Sign in</body></html>",
      headers: { "Content-Type": "text/html; charset=utf-8" },
    });
    const r = await runCli(args, { env: s.env() });
    s.server.faults.clear();
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      `error: the server answered with text/html, not JSON (http status: 200) — check that the Sentry URL ${s.server.url} (from SENTRY_URL) is Sentry's\n`,
    );
    expect(r.stdout).not.toMatch(/Created|Finalized|Archived|Sign in/);
  });

  it("reports a connection that keeps dropping in one line", async () => {
    s.server.faults.dropNext("/api/0/organizations/acme/releases/", 20, "GET");
    const r = await runCli(["releases", "list"], { env: s.env({ SENTRY_PROJECT: undefined }) });
    s.server.faults.clear();
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("releases list, info, archive, restore, delete", () => {
  it("lists versions with --raw and a delimiter, and as JSON", async () => {
    await runCli(["releases", "new", "5.0.0"], { env: s.env() });
    const r = await runCli(["releases", "list", "-R", "-D", " "], { env: s.env() });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split(" ")).toContain("5.0.0");
    const j = await runCli(["releases", "list", "--json"], { env: s.env() });
    expect(JSON.parse(j.stdout).releases.map((x: { version: string }) => x.version)).toContain("5.0.0");
  });

  it("shows a release's projects and commits", async () => {
    await runCli(["releases", "new", "5.1.0", "-p", "frontend", "-p", "backend"], { env: s.env() });
    const r = await runCli(["releases", "info", "5.1.0", "-P", "-C"], { env: s.env() });
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[1]).toBe("| Version | Date created                | Projects | Commits |");
    expect(lines[3]).toMatch(
      /^\| 5\.1\.0 {3}\| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? UTC \| (frontend|backend) +\| - +\|$/,
    );
    expect(lines[4]).toMatch(/^\| +\| +\| (frontend|backend) +\| +\|$/);
  });

  it("archives and restores with --dry-run without sending", async () => {
    const before = mutating().length;
    const a = await runCli(["releases", "archive", "5.1.0", "--dry-run"], { env: s.env() });
    const b = await runCli(["releases", "restore", "5.1.0", "--dry-run", "--json"], { env: s.env() });
    const d = await runCli(["releases", "delete", "5.1.0", "--dry-run"], { env: s.env() });
    expect(a.stdout).toBe(
      '[dry-run] POST /api/0/organizations/acme/releases/ {"version":"5.1.0","projects":[],"status":"archived"}\n',
    );
    expect(JSON.parse(b.stdout)).toMatchObject({
      dryRun: true,
      requests: [
        {
          method: "POST",
          path: "/api/0/organizations/acme/releases/",
          body: { version: "5.1.0", projects: [], status: "open" },
        },
      ],
    });
    expect(d.stdout).toBe("[dry-run] DELETE /api/0/organizations/acme/releases/5.1.0/\n");
    expect(mutating().length).toBe(before);
  });
});

describe("releases propose-version", () => {
  it("prints SENTRY_RELEASE or the CI's commit without any request", async () => {
    const before = s.server.requests.length;
    const r = await runCli(["releases", "propose-version"], {
      env: { GITHUB_ACTIONS: "true", GITHUB_SHA: "c".repeat(40) },
    });
    expect(r).toMatchObject({ exitCode: 0, stdout: "c".repeat(40) + "\n" });
    const j = await runCli(["releases", "propose-version", "--json"], { env: { SENTRY_RELEASE: "9.9.9" } });
    expect(JSON.parse(j.stdout)).toMatchObject({ version: "9.9.9", source: "SENTRY_RELEASE" });
    expect(s.server.requests.length).toBe(before);
  });

  it("fails in one line outside a repository with no variable", async () => {
    const r = await runCli(["releases", "propose-version"], { env: {} });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
