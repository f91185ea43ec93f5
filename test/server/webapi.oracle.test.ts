/**
 * Oracle: the real sentry-cli 3.8.0 against the embedded server. Every command must succeed with
 * sentry-cli's own output, and the server state must show its effect.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SentryServer, startServer } from "../../src/server/index.js";
import { tempDir } from "../support/runCli.js";
import { runSentryCli } from "../support/sentryCli.js";
import { sentryCliEnv } from "../support/server.js";
import { api } from "../support/webapi.js";

let server: SentryServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

async function cli(args: string[], cwd?: string) {
  const r = await runSentryCli(args, { env: sentryCliEnv(server), cwd });
  if (r.exitCode !== 0) throw new Error(`sentry-cli ${args.join(" ")} exited ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const release = (v: string) => server.state.release(server.state.orgs[0]!, v);
const slugs = (v: string) => release(v)!.projects.map((id) => server.state.projects.find((p) => p.id === id)!.slug);

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_AUTHOR_NAME: "Dev Person",
      GIT_AUTHOR_EMAIL: "dev@example.com",
      GIT_COMMITTER_NAME: "Dev Person",
      GIT_COMMITTER_EMAIL: "dev@example.com",
    },
  })
    .toString()
    .trim();
}

describe("sentry-cli 3.8.0 against the embedded web API", () => {
  it("info shows the token's user and scopes", async () => {
    const out = await cli(["info"]);
    expect(out).toBe(
      [
        `Sentry Server: ${server.url}`,
        "Default Organization: acme",
        "Default Project: frontend",
        "",
        "Authentication Info:",
        "  Method: Auth Token",
        "  User: ship@example.com",
        "  Scopes:",
        ...[
          "org:read",
          "org:write",
          "project:read",
          "project:write",
          "project:admin",
          "project:releases",
          "event:read",
        ].map((s) => `    - ${s}`),
        "",
      ].join("\n"),
    );
  });

  it("info with an org auth token shows its scope and no user", async () => {
    const r = await runSentryCli(["info"], { env: sentryCliEnv(server, { SENTRY_AUTH_TOKEN: server.orgToken }) });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split("\n").slice(4)).toEqual([
      "Authentication Info:",
      "  Method: Auth Token",
      "  Scopes:",
      "    - org:ci",
      "",
    ]);
  });

  it("releases new, with projects, --finalize and --url", async () => {
    expect(await cli(["releases", "new", "1.0.0"])).toBe("Created release 1.0.0\n");
    expect(slugs("1.0.0")).toEqual(["frontend"]);
    expect(await cli(["releases", "new", "1.0.1", "-p", "frontend", "-p", "backend"])).toBe("Created release 1.0.1\n");
    expect(slugs("1.0.1")).toEqual(["frontend", "backend"]);
    expect(await cli(["releases", "new", "1.0.2", "--finalize", "--url", "https://example.com/r/1.0.2"])).toBe(
      "Created release 1.0.2\n",
    );
    expect(release("1.0.2")).toMatchObject({ url: "https://example.com/r/1.0.2", userAgent: "sentry-cli/3.8.0" });
    expect(release("1.0.2")!.dateReleased).not.toBeNull();
    // Idempotent: a second `new` is a 208 that sentry-cli accepts.
    expect(await cli(["releases", "new", "1.0.0"])).toBe("Created release 1.0.0\n");
    expect(server.requests.at(-1)!.status).toBe(208);
  });

  it("releases finalize sets dateReleased", async () => {
    expect(await cli(["releases", "finalize", "1.0.0", "--released", "1700000000"])).toBe("Finalized release 1.0.0\n");
    expect(release("1.0.0")!.dateReleased).toBe("2023-11-14T22:13:20.000Z");
  });

  it("releases list shows the project's releases, and -R prints raw versions", async () => {
    const table = await cli(["releases", "list"]);
    const lines = table.trimEnd().split("\n");
    expect(lines[1]).toMatch(/^\| Released\s+\| Version\s+\| New Events \| Last Event \|$/);
    const versions = lines.slice(3, -1).map((l) => l.split("|")[2]!.trim());
    expect(versions.sort()).toEqual(["1.0.0", "1.0.1", "1.0.2"]);
    expect(lines.find((l) => l.includes("| 1.0.1 "))).toMatch(/^\| \(unreleased\) +\| 1\.0\.1 +\| 0 +\| - +\|$/);
    const raw = await cli(["releases", "list", "-R"]);
    // Project list order: COALESCE(dateReleased, dateCreated) desc — 1.0.0 was released in 2023.
    expect(raw.trim().split("\n").slice(-1)).toEqual(["1.0.0"]);
    expect(raw.trim().split("\n").sort()).toEqual(["1.0.0", "1.0.1", "1.0.2"]);
  });

  it("releases info, with -P and -C", async () => {
    const info = await cli(["releases", "info", "1.0.1", "-P", "-C"]);
    expect(info).toContain("| 1.0.1   |");
    expect(info).toMatch(/\| Version +\| Date created +\| Projects +\| Commits +\|/);
    expect(info).toMatch(/frontend/);
    expect(info).toMatch(/\| - +\|\n/);
    expect(server.requests.at(-1)!.path).toBe("/api/0/organizations/acme/releases/1.0.1/commits/");
  });

  it("releases archive and restore", async () => {
    expect(await cli(["releases", "archive", "1.0.2"])).toBe("Archived release 1.0.2\n");
    expect(release("1.0.2")!.status).toBe("archived");
    expect((await cli(["releases", "list", "-R"])).trim().split("\n").sort()).toEqual(["1.0.0", "1.0.1"]);
    expect(await cli(["releases", "restore", "1.0.2"])).toBe("Restored release 1.0.2\n");
    expect(release("1.0.2")!.status).toBe("open");
  });

  it("releases set-commits --commit, --clear", async () => {
    const repo = await api(server, "POST", "/api/0/organizations/acme/repos/", {
      body: { name: "acme/web", url: "https://github.com/acme/web", provider: "integrations:github" },
    });
    expect(repo.status).toBe(201);
    const sha = "1d6de30281e0e576ca725321246ae766299294b2";
    const out = await cli(["releases", "set-commits", "1.0.0", "--commit", `acme/web@${sha}`]);
    expect(out).toMatch(/\| Repository +\| Revision +\|/);
    expect(out).toMatch(/\| acme\/web +\| 1d6de30281e0 +\|/);
    expect(release("1.0.0")!.refs).toEqual([{ repository: "acme/web", commit: sha, previousCommit: null }]);
    expect(release("1.0.0")!.commits.map((c) => c.id)).toEqual([sha]);
    expect(await cli(["releases", "set-commits", "1.0.0", "--clear"])).toBe("Clearing commits for release.\n");
    expect(release("1.0.0")!.commits).toEqual([]);
  });

  it("releases set-commits --local in a git repository", async () => {
    const dir = tempDir("ship-oracle-git-");
    git(dir, "init", "-q", "-b", "main");
    git(dir, "remote", "add", "origin", "https://github.com/acme/app.git");
    const shas: string[] = [];
    for (let i = 1; i <= 3; i++) {
      writeFileSync(join(dir, `f${i}.txt`), `file ${i}\n`);
      git(dir, "add", ".");
      git(dir, "commit", "-q", "-m", `commit ${i}`, "--date", `2024-05-0${i}T10:00:00+02:00`);
      shas.unshift(git(dir, "rev-parse", "HEAD"));
    }
    expect(await cli(["releases", "new", "2.0.0"])).toBe("Created release 2.0.0\n");
    const out = await cli(["releases", "set-commits", "2.0.0", "--local"], dir);
    expect(out).toBe(
      "Could not find the previous commit. Creating a release with 20 commits.\nSuccess! Set commits for release 2.0.0\n",
    );
    const commits = release("2.0.0")!.commits;
    expect(commits.map((c) => c.id)).toEqual(shas);
    expect(commits[0]).toMatchObject({
      repository: "origin",
      message: "commit 3",
      authorEmail: "dev@example.com",
      patchSet: [{ path: "f3.txt", type: "A" }],
    });
    // The next release finds 2.0.0 as its previous release and sends only the new commit.
    writeFileSync(join(dir, "f1.txt"), "changed\n");
    git(dir, "commit", "-q", "-am", "commit 4");
    const head = git(dir, "rev-parse", "HEAD");
    expect(await cli(["releases", "new", "2.0.1"])).toBe("Created release 2.0.1\n");
    expect(await cli(["releases", "set-commits", "2.0.1", "--local"], dir)).toBe(
      "Success! Set commits for release 2.0.1\n",
    );
    expect(release("2.0.1")!.commits.map((c) => c.id)).toEqual([head]);
  });

  it("deploys new and deploys list", async () => {
    expect(await cli(["deploys", "new", "-r", "1.0.1", "-e", "staging", "-n", "Deploy #1"])).toBe(
      "Created new deploy Deploy #1 for 'staging'\n",
    );
    expect(await cli(["deploys", "new", "-r", "1.0.1", "-e", "production"])).toBe(
      "Created new deploy unnamed for 'production'\n",
    );
    expect(server.state.deploys.map((d) => [d.environment, d.name, d.projects])).toEqual([
      ["staging", "Deploy #1", [1, 2]],
      ["production", null, [1, 2]],
    ]);
    const list = await cli(["deploys", "list", "-r", "1.0.1"]);
    const rows = list.trimEnd().split("\n");
    expect(rows[1]).toMatch(/^\| Environment \| Name +\| Finished +\|$/);
    expect(
      rows.slice(3, -1).map((r) =>
        r
          .split("|")
          .slice(1, 3)
          .map((x) => x.trim()),
      ),
    ).toEqual([
      ["production", "unnamed"],
      ["staging", "Deploy #1"],
    ]);
  });

  it("an org auth token creates and lists releases but may not delete them", async () => {
    const env = sentryCliEnv(server, { SENTRY_AUTH_TOKEN: server.orgToken });
    const created = await runSentryCli(["releases", "new", "3.0.0"], { env });
    expect([created.exitCode, created.stdout]).toEqual([0, "Created release 3.0.0\n"]);
    const listed = await runSentryCli(["releases", "list", "-R"], { env });
    expect(listed.stdout.split("\n")).toContain("3.0.0");
    const denied = await runSentryCli(["releases", "delete", "3.0.0"], { env });
    expect(denied.exitCode).toBe(1);
    expect(denied.stderr).toContain("You do not have permission to perform this action. (http status: 403)");
    expect(release("3.0.0")).toBeDefined();
  });

  it("releases delete removes the release, and reports a missing one", async () => {
    expect(await cli(["releases", "delete", "1.0.2"])).toBe("Deleted release 1.0.2!\n");
    expect(release("1.0.2")).toBeUndefined();
    expect(await cli(["releases", "delete", "1.0.2"])).toBe(
      "Did nothing. Release with this version (1.0.2) does not exist.\n",
    );
  });
});
