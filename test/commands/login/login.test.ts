import { execFileSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "../../support/runCli.js";
import { useServer } from "../../support/server.js";

describe("login", () => {
  const ctx = useServer();

  it("verifies a token given with --auth-token and stores it in ~/.sentryclirc with mode 0600", async () => {
    const home = tempDir();
    const r = await runCli(["--url", `${ctx.server.url}/`, "--auth-token", ctx.server.token, "login"], {
      home,
      env: {},
    });
    expect(r.exitCode).toBe(0);
    const rc = join(home, ".sentryclirc");
    expect(r.stdout).toBe(`Valid token for user ship@example.com\nStored token in ${rc}\n`);
    expect(readFileSync(rc, "utf8")).toBe(`[auth]\ntoken=${ctx.server.token}\n\n[defaults]\nurl=${ctx.server.url}/\n`);
    expect(statSync(rc).mode & 0o777).toBe(0o600);
    // The stored token is then used.
    const info = await runCli(["info"], { home, env: {} });
    expect(info.exitCode).toBe(0);
    expect(info.stdout).toContain(`(from ${rc} ([auth] token))`);
  });

  it("stores a URL given by the environment beside the token, so the next command works with or without it", async () => {
    const home = tempDir();
    const env = { SENTRY_URL: `${ctx.server.url}/` };
    const r = await runCli(["login", "--auth-token", ctx.server.token], { home, env });
    expect(r.exitCode).toBe(0);
    const rc = join(home, ".sentryclirc");
    expect(readFileSync(rc, "utf8")).toBe(`[auth]\ntoken=${ctx.server.token}\n\n[defaults]\nurl=${ctx.server.url}/\n`);
    for (const e of [env, {}]) {
      const info = await runCli(["--json", "info"], { home, env: e });
      expect(info.stderr).toBe("");
      expect(info.exitCode).toBe(0);
      const doc = JSON.parse(info.stdout);
      expect(JSON.stringify(doc)).toContain("ship@example.com");
    }
  });

  it("warns before writing a token into a .sentryclirc that git tracks", async () => {
    const home = tempDir();
    const repo = tempDir();
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", ...args], { cwd: repo });
    git("init", "-q");
    writeFileSync(join(repo, ".sentryclirc"), "[defaults]\norg = acme\n");
    git("add", ".sentryclirc");
    git("commit", "-qm", "rc");
    const rc = join(repo, ".sentryclirc");
    const r = await runCli(["--url", `${ctx.server.url}/`, "--auth-token", ctx.server.token, "login"], {
      home,
      cwd: repo,
      env: {},
    });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(`${rc} is tracked by git: the token written there would be committed with it.`);
    expect(r.stderr).not.toContain(ctx.server.token);
    // Untracked (the home rc): no warning.
    const h = await runCli(["--url", `${ctx.server.url}/`, "--auth-token", ctx.server.token, "login", "--global"], {
      home,
      cwd: repo,
      env: {},
    });
    expect(h.exitCode).toBe(0);
    expect(h.stderr).not.toContain("tracked by git");
  });

  it("keeps the rest of an existing rc file and replaces only the token", async () => {
    const home = tempDir();
    const rc = join(home, ".sentryclirc");
    writeFileSync(rc, "; my settings\n[defaults]\norg = acme\n\n[auth]\ntoken = old\n");
    const r = await runCli(["--url", `${ctx.server.url}/`, "--auth-token", ctx.server.token, "login"], {
      home,
      env: {},
    });
    expect(r.exitCode).toBe(0);
    expect(readFileSync(rc, "utf8")).toBe(
      `; my settings\n[defaults]\norg = acme\nurl=${ctx.server.url}/\n\n[auth]\ntoken=${ctx.server.token}\n`,
    );
  });

  it("prompts for the token on a terminal", async () => {
    const home = tempDir();
    const r = await runCli(["--url", `${ctx.server.url}/`, "login"], {
      home,
      env: {},
      tty: true,
      stdin: `${ctx.server.token}\n`,
    });
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(home, ".sentryclirc"), "utf8")).toContain(`token=${ctx.server.token}`);
    expect(r.stdout + r.stderr).not.toContain(ctx.server.token);
  });

  it("refuses to prompt without a terminal", async () => {
    const r = await runCli(["--url", `${ctx.server.url}/`, "login"], { env: {} });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(
      "error: no terminal to prompt for a token: pass it with --auth-token (or run login in a terminal)",
    );
  });

  it("stores nothing when the server rejects the token", async () => {
    const home = tempDir();
    const bad = "sntryu_" + "2".repeat(64);
    const r = await runCli(["--url", `${ctx.server.url}/`, "--auth-token", bad, "login"], { home, env: {} });
    expect(r.exitCode).toBe(1);
    expect(() => statSync(join(home, ".sentryclirc"))).toThrow();
    expect(r.stderr).not.toContain(bad);
  });

  it("writes to the project's rc file when there is one, unless --global", async () => {
    const home = tempDir();
    const project = tempDir();
    writeFileSync(join(project, ".sentryclirc"), "[defaults]\nproject = frontend\n");
    const r = await runCli(["--url", `${ctx.server.url}/`, "--auth-token", ctx.server.token, "login"], {
      home,
      env: {},
      cwd: project,
    });
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(project, ".sentryclirc"), "utf8")).toContain(`token=${ctx.server.token}`);
    const g = await runCli(["--url", `${ctx.server.url}/`, "--auth-token", ctx.server.token, "login", "-g"], {
      home,
      env: {},
      cwd: project,
    });
    expect(g.exitCode).toBe(0);
    expect(readFileSync(join(home, ".sentryclirc"), "utf8")).toContain(`token=${ctx.server.token}`);
  });
});
