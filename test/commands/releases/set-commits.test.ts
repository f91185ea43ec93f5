import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseCommitSpec } from "../../../src/commands/releases/set-commits.js";
import { type SentryServer, startServer } from "../../../src/server/index.js";
import { git, makeRepo, repoWithCommits, shallowClone } from "../../support/git.js";
import { prepare } from "../../support/release-oracle.js";
import { runCli } from "../../support/runCli.js";
import { steppingClock } from "../../support/server.js";

/** Each scenario gets a fresh server, so no other test's release becomes "the previous release". */
let server: SentryServer;
beforeEach(async () => {
  server = await startServer({ now: steppingClock() });
});
afterEach(async () => {
  await server.close();
});
const s = {
  get server() {
    return server;
  },
  env: (extra: Record<string, string | undefined> = {}) => ({
    SENTRY_URL: `${server.url}/`,
    SENTRY_AUTH_TOKEN: server.token,
    SENTRY_ORG: "acme",
    SENTRY_PROJECT: "frontend",
    ...extra,
  }),
};

async function seed(setup: Parameters<typeof prepare>[1]) {
  await prepare(s.server, setup);
}

function since(n: number) {
  return s.server.requests.slice(n).map((q) => ({ method: q.method, path: q.path, json: q.json }));
}

describe("parseCommitSpec", () => {
  it("reads REPO, REPO@REV, REPO@PREV..REV and REPO#PATH@REV", () => {
    expect(parseCommitSpec("acme/web")).toEqual({ repo: "acme/web", rev: "HEAD" });
    expect(parseCommitSpec("acme/web@abc")).toEqual({ repo: "acme/web", rev: "abc" });
    expect(parseCommitSpec("acme/web@a..b")).toEqual({ repo: "acme/web", rev: "b", prevRev: "a" });
    expect(parseCommitSpec("acme/web#sub@v1")).toEqual({ repo: "acme/web", path: "sub", rev: "v1" });
  });

  it("rejects malformed specs and revisions over 64 characters", () => {
    expect(() => parseCommitSpec("acme/web@")).toThrow(/could not parse commit spec/);
    expect(() => parseCommitSpec(`acme/web@${"a".repeat(65)}`)).toThrow(/at most 64/);
  });
});

describe("releases set-commits", () => {
  it("in a depth-1 clone, deepens until the previous release's commit and associates exactly the commits after it", async () => {
    const { clone, shas } = shallowClone(6);
    await seed({ releases: [{ version: "sc-0.9", commit: shas[2]! }] });
    const before = s.server.requests.length;
    const r = await runCli(["releases", "set-commits", "sc-1.0", "--local"], { env: s.env(), cwd: clone });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe("Success! Set commits for release sc-1.0\n");
    expect(r.stderr).toContain(
      `Shallow clone: found ${shas[2]!.slice(0, 12)} after fetching 50 more commits (git fetch --deepen).`,
    );
    const put = since(before).find((q) => q.method === "PUT")!;
    expect((put.json as { commits: Array<{ id: string }> }).commits.map((c) => c.id)).toEqual([
      shas[5],
      shas[4],
      shas[3],
    ]);
    const rel = s.server.state.releases.find((x) => x.version === "sc-1.0")!;
    expect(rel.commits.map((c) => c.id)).toEqual([shas[5], shas[4], shas[3]]);
  });

  it("with --ignore-missing never fails when the previous commit cannot be found, even after deepening", async () => {
    const { clone } = shallowClone(3);
    await seed({ releases: [{ version: "sc-1.9", commit: "deadbeef".repeat(5) }] });
    const r = await runCli(
      ["releases", "set-commits", "sc-2.0", "--local", "--ignore-missing", "--deepen-limit", "5"],
      {
        env: s.env(),
        cwd: clone,
      },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain("Skipping previous release and creating a new one with 20 commits.");
    expect(r.stderr).toContain("is not within 5 more commits; stopped deepening.");
  });

  it.each([
    [
      "--local --ignore-missing",
      ["--local", "--ignore-missing"],
      { releases: [{ version: "sc-2.4", commit: "ab".repeat(20) }] },
    ],
    ["--local without a previous release", ["--local"], {}],
    ["--auto", ["--auto"], {}],
  ])("in a repository without commits (%s), fails in one line before sending commits", async (_n, flags, setup) => {
    const repo = makeRepo();
    await seed(setup);
    const before = s.server.requests.length;
    const r = await runCli(["releases", "set-commits", "sc-2.5", ...flags], { env: s.env(), cwd: repo.dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      `error: the git repository at '${git(repo.dir, ["rev-parse", "--show-toplevel"]).trim()}' has no commits yet: commit first, or name the commits with --commit REPO@SHA\n`,
    );
    expect(since(before).filter((q) => q.method === "PUT")).toEqual([]);
  });

  it("matches an ssh remote against the org's https repository with --auto", async () => {
    const { repo } = repoWithCommits(2, { remote: "git@github.com:Acme/Web.git" });
    await seed({ repos: [{ name: "acme/web", url: "https://github.com/acme/web" }] });
    const before = s.server.requests.length;
    const r = await runCli(["releases", "set-commits", "sc-3.0", "--auto"], { env: s.env(), cwd: repo.dir });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        "+------------+--------------+",
        "| Repository | Revision     |",
        "+------------+--------------+",
        `| acme/web   | ${repo.head().slice(0, 12)} |`,
        "+------------+--------------+",
        "",
      ].join("\n"),
    );
    expect(since(before).map((q) => q.method + " " + q.path)).toEqual([
      "GET /api/0/organizations/acme/repos/",
      "POST /api/0/organizations/acme/releases/",
      "PUT /api/0/organizations/acme/releases/sc-3.0/",
    ]);
    expect(since(before)[2]!.json).toEqual({
      refs: [{ repository: "acme/web", commit: repo.head(), previousCommit: null }],
    });
  });

  it("uses SENTRY_VCS_REMOTE as the remote and as the commits' repository", async () => {
    const { repo, shas } = repoWithCommits(2, { remote: "https://example.com/x/y.git" });
    git(repo.dir, ["remote", "rename", "origin", "upstream"]);
    const before = s.server.requests.length;
    const r = await runCli(["releases", "set-commits", "sc-4.0", "--local", "--initial-depth", "1"], {
      env: s.env({ SENTRY_VCS_REMOTE: "upstream" }),
      cwd: repo.dir,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const put = since(before).find((q) => q.method === "PUT");
    expect(put, r.stdout + r.stderr + JSON.stringify(since(before))).toBeDefined();
    expect(put!.json).toMatchObject({ commits: [{ id: shas[1], repository: "upstream" }] });
  });

  it("plans the writes with --dry-run and sends only the reads", async () => {
    const { repo } = repoWithCommits(2, { remote: "https://github.com/acme/web" });
    await seed({ repos: [{ name: "acme/web", url: "https://github.com/acme/web" }] });
    const before = s.server.requests.length;
    const r = await runCli(["releases", "set-commits", "sc-5.0", "--clear", "--dry-run", "--json"], {
      env: s.env(),
      cwd: repo.dir,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      mode: "clear",
      dryRun: true,
      requests: [
        {
          method: "POST",
          path: "/api/0/organizations/acme/releases/",
          body: { version: "sc-5.0", projects: ["frontend"] },
        },
        { method: "PUT", path: "/api/0/organizations/acme/releases/sc-5.0/", body: { refs: [] } },
      ],
    });
    expect(since(before).map((q) => q.method)).toEqual(["GET"]);
  });

  it("rejects --local with --auto as a usage error", async () => {
    const r = await runCli(["releases", "set-commits", "sc-6.0", "--local", "--auto"], { env: s.env() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("the argument '--local' cannot be used with '--auto'");
  });

  it("fails a 400 in one line, and retries a 502 on the commit upload", async () => {
    const { repo } = repoWithCommits(2, { remote: "https://github.com/acme/web" });
    s.server.faults.failNext("/api/0/organizations/acme/releases/sc-7.0/", 400, 1, {
      method: "PUT",
      body: { detail: "Invalid commit data" },
    });
    const bad = await runCli(["releases", "set-commits", "sc-7.0", "--local"], { env: s.env(), cwd: repo.dir });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain("Invalid commit data");
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    s.server.faults.failNext("/api/0/organizations/acme/releases/sc-7.0/", 502, 1, { method: "PUT" });
    const ok = await runCli(["releases", "set-commits", "sc-7.0", "--local"], { env: s.env(), cwd: repo.dir });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(s.server.requests.filter((q) => q.method === "PUT").map((q) => q.status)).toEqual([400, 502, 200]);
  });

  it("says there is no repository when run outside git", async () => {
    const r = await runCli(["releases", "set-commits", "sc-8.0", "--local"], { env: s.env() });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/no git repository found/);
  });
});
