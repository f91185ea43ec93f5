import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "../../support/runCli.js";
import { useServer } from "../../support/server.js";

describe("info", () => {
  const ctx = useServer();

  it("prints each setting with where it came from, and the token's scopes", async () => {
    const r = await runCli(["info"], { env: ctx.env() });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`Sentry Server: ${ctx.server.url} (from SENTRY_URL)`);
    expect(r.stdout).toContain("Default Organization: acme (from SENTRY_ORG)");
    expect(r.stdout).toContain("Default Project: frontend (from SENTRY_PROJECT)");
    expect(r.stdout).toContain("  Method: Auth Token (from SENTRY_AUTH_TOKEN)");
    expect(r.stdout).toContain("  User: ship@example.com");
    expect(r.stdout).toContain("    - project:releases");
    const req = ctx.server.requests.at(-1)!;
    expect(req).toMatchObject({ method: "GET", path: "/api/0/", status: 200 });
    expect(req.headers.authorization).toBe(`Bearer ${ctx.server.token}`);
    expect(req.headers["user-agent"]).toMatch(/^sentry-ship\/\d+\.\d+\.\d+$/);
  });

  it("warns about each group of commands the token's scopes do not allow, and lists them in --json", async () => {
    const full = await runCli(["info"], { env: ctx.env() });
    expect(full.stderr).toBe("");

    const ro = await runCli(["info"], { env: ctx.env({ SENTRY_AUTH_TOKEN: ctx.server.readOnlyToken }) });
    expect(ro.exitCode).toBe(0);
    expect(ro.stderr.trim().split("\n")).toEqual([
      "warning: the token cannot run releases new/finalize/set-commits, deploys new, sourcemaps upload: that needs one of the scopes project:write, project:admin, project:releases, org:ci",
      "warning: the token cannot run releases delete: that needs one of the scopes project:admin, project:releases",
      "warning: the token cannot run releases health/gate, sourcemaps explain EVENT_ID: that needs one of the scopes event:read, event:write, event:admin",
    ]);

    const org = await runCli(["--json", "info"], {
      env: ctx.env({ SENTRY_AUTH_TOKEN: ctx.server.orgToken, SENTRY_URL: undefined }),
    });
    expect(org.exitCode).toBe(0);
    expect(JSON.parse(org.stdout).auth.cannotRun.map((n: { commands: string }) => n.commands)).toEqual([
      "releases delete",
      "releases health/gate, sourcemaps explain EVENT_ID",
    ]);
  });

  it("names the rc file a value came from", async () => {
    const project = tempDir();
    writeFileSync(join(project, ".sentryclirc"), "[defaults]\norg = acme\nproject = backend\n");
    const sub = join(project, "sub");
    mkdirSync(sub);
    const r = await runCli(["info"], { env: ctx.env({ SENTRY_ORG: undefined, SENTRY_PROJECT: undefined }), cwd: sub });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`Default Project: backend (from ${join(project, ".sentryclirc")} ([defaults] project))`);
  });

  it("prints one JSON document with --json", async () => {
    const r = await runCli(["--json", "info"], { env: ctx.env() });
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.org).toEqual({ value: "acme", source: "SENTRY_ORG" });
    expect(doc.auth).toMatchObject({ successful: true, tokenSource: "SENTRY_AUTH_TOKEN" });
    expect(doc.auth.scopes).toContain("org:read");
  });

  it("fails in one line naming the token's source when the token is invalid", async () => {
    const bad = "sntryu_" + "1".repeat(64);
    const r = await runCli(["--auth-token", bad, "info"], { env: ctx.env() });
    expect(r.exitCode).toBe(1);
    const errLines = r.stderr.trim().split("\n");
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toMatch(/^error: Invalid token \(http status: 401\).*--auth-token/);
    expect(r.stdout + r.stderr).not.toContain(bad);
  });

  it("fails with exit 1 and no request when no token is configured", async () => {
    const before = ctx.server.requests.length;
    const r = await runCli(["info"], { env: ctx.env({ SENTRY_AUTH_TOKEN: undefined }) });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("  Method: Unauthorized");
    expect(r.stderr.trim()).toBe(
      "error: an auth token is required: pass --auth-token, set SENTRY_AUTH_TOKEN, or run `sentry-ship login`",
    );
    expect(ctx.server.requests.length).toBe(before);
  });

  it("reports a URL without a scheme as a config error", async () => {
    const r = await runCli(["info"], { env: ctx.env({ SENTRY_URL: "127.0.0.1:9" }) });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("bad Sentry URL '127.0.0.1:9' (from SENTRY_URL)");
  });

  it("names the file and line of a malformed rc file", async () => {
    const project = tempDir();
    writeFileSync(join(project, ".sentryclirc"), "[defaults]\norg = acme\nthis is not ini\n");
    const r = await runCli(["info"], { env: ctx.env(), cwd: project });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`${join(project, ".sentryclirc")}:3`);
  });

  it("reports an unreachable server in one line", async () => {
    const r = await runCli(["info"], { env: ctx.env({ SENTRY_URL: "http://127.0.0.1:1/" }) });
    expect(r.exitCode).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: could not reach http:\/\/127\.0\.0\.1:1: connection refused/);
  });

  it("never prints the token, even at debug level", async () => {
    const r = await runCli(["--log-level=debug", "info"], { env: ctx.env() });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain("debug:");
    expect(r.stdout + r.stderr).not.toContain(ctx.server.token);
    expect(r.stdout + r.stderr).not.toContain(ctx.server.token.slice(7, 30));
  });

  it("exits 0 with --allow-failure and says why", async () => {
    const r = await runCli(["--allow-failure", "info"], { env: ctx.env({ SENTRY_AUTH_TOKEN: undefined }) });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('"allow-failure" flag was set. Exiting with 0 exit code.');
    const r2 = await runCli(["info"], { env: ctx.env({ SENTRY_AUTH_TOKEN: undefined, SENTRY_ALLOW_FAILURE: "1" }) });
    expect(r2.exitCode).toBe(0);
  });

  it("prints an ::error:: annotation under GitHub Actions", async () => {
    const r = await runCli(["info"], { env: ctx.env({ SENTRY_AUTH_TOKEN: undefined, GITHUB_ACTIONS: "true" }) });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("::error::an auth token is required");
  });

  it("puts the error in the JSON document with --json", async () => {
    const r = await runCli(["--json", "info"], { env: ctx.env({ SENTRY_AUTH_TOKEN: undefined }) });
    expect(r.exitCode).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: false, error: { kind: "config" } });
  });
});
