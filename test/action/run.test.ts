import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { git, makeWorkspace, readOutput, runActionWith } from "../support/action.js";
import { runCli, tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";
import { aggregates, sendItems } from "../support/sessions.js";

const s = useServer();

const RUN_ENV = { GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "acme/web", GITHUB_RUN_ID: "42" };

function release(version: string) {
  return s.server.state.releases.find((r) => r.version === version);
}

/** Byte counts depend on gzip; the rest of a summary is exact. */
function normalise(summary: string): string {
  return summary.replace(/\(\d+(?:\.\d)? (?:KiB|B) sent/g, "(N sent");
}

describe("runAction", () => {
  it("creates the release, sets commits, uploads source maps, deploys and finalizes, and reports each step", async () => {
    const ws = makeWorkspace(3);
    const r = await runActionWith(
      {
        version: "1.2.3",
        sourcemaps: "dist",
        environment: "production",
        projects: "frontend",
        working_directory: "app",
      },
      { workspace: ws, env: { ...s.env(), ...RUN_ENV } },
    );
    expect(r.exitCode).toBe(0);
    expect(readOutput(r.outputs, "version")).toBe("1.2.3");

    // What the server received.
    const rel = release("1.2.3")!;
    expect(rel.projects).toEqual([1]);
    expect(rel.commits.map((c) => c.message?.trim())).toEqual(["commit 3", "commit 2", "commit 1"]);
    expect(rel.dateReleased).not.toBeNull();
    const deploys = s.server.state.deploys.filter((d) => d.releaseId === rel.id);
    expect(deploys.map((d) => [d.environment, d.url])).toEqual([
      ["production", "https://github.com/acme/web/actions/runs/42"],
    ]);
    const bundles = s.server.state.bundles.filter((b) => b.release === "1.2.3");
    expect(bundles).toHaveLength(1);
    expect(bundles[0]!.files.map((f) => f.url).sort()).toEqual(["~/app.min.js", "~/app.min.js.map"]);
    expect(bundles[0]!.files.find((f) => f.url === "~/app.min.js")!.headers["debug-id"]).toMatch(/^[0-9a-f-]{36}$/);

    // The step summary.
    expect(normalise(r.summary)).toBe(
      [
        "### Sentry release `1.2.3`",
        "",
        "| | Step | Result |",
        "| --- | --- | --- |",
        "| ✅ | Release | created (org acme, project frontend) |",
        "| ✅ | Commits | 3 commits associated from the local git history (no repository integration matched the git remote) |",
        "| ✅ | Source maps | 2 files uploaded in 1 bundle (N sent); debug ids injected into 1 script; processing pending on the server |",
        "| ✅ | Deploy | production |",
        `| ✅ | Finalize | finalized at ${rel.dateReleased} |`,
        "",
        "Sentry release 1.2.3: all 5 steps succeeded (release, commits, sourcemaps, deploy, finalize).",
        "",
      ].join("\n"),
    );
    // The log: one group per CLI run, the closing line last, no annotation.
    expect(r.stdout).toContain("::group::Create release 1.2.3\n$ sentry-ship releases new 1.2.3 -p frontend\n");
    expect(r.stdout).toContain("$ sentry-ship sourcemaps upload -p frontend --release 1.2.3 dist\n");
    expect(r.stdout).not.toMatch(/::(error|warning)/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looks for terminal escape codes
    expect(r.stdout + r.stderr).not.toMatch(/\u001b/);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe(r.closingLine);
    expect(r.runs.map((x) => x.argv.slice(1, 3).join(" "))).toEqual([
      "releases new",
      "releases set-commits",
      "sourcemaps inject",
      "sourcemaps upload",
      "deploys new",
      "releases finalize",
    ]);
  });

  it("associates only the new commits on the next release and keeps the debug ids already injected", async () => {
    const ws = makeWorkspace(2);
    // Earlier releases on this server came from other repositories: their commits are not in this
    // history, which ignore_missing tolerates for the first release.
    const inputs = { sourcemaps: "dist", projects: "frontend", working_directory: "app", ignore_missing: "true" };
    const first = await runActionWith({ ...inputs, version: "2.0.0" }, { workspace: ws, env: s.env() });
    expect(first.exitCode).toBe(0);
    writeFileSync(join(ws, "app", "src", "more.txt"), "more\n");
    git(ws, "add", "-A");
    git(ws, "commit", "-q", "-m", "commit 3");
    const second = await runActionWith({ ...inputs, version: "2.0.1" }, { workspace: ws, env: s.env() });
    expect(second.exitCode).toBe(0);
    expect(release("2.0.1")!.commits.map((c) => c.message?.trim())).toEqual(["commit 3"]);
    expect(second.summary).toContain("| ✅ | Commits | 1 commit associated from the local git history");
    // The second run finds the debug ids already injected.
    expect(second.summary).toContain("; 1 script already had one");
  });

  it("in a depth-1 clone associates exactly the commits since the previous release", async () => {
    // Origin: 6 commits. The previous release was made at commit 2 (from a full clone).
    const origin = makeWorkspace(6);
    const full = join(origin, "..", `${origin.split("/").pop()}-full`);
    git(join(origin, ".."), "clone", "-q", origin, full);
    git(full, "checkout", "-q", "HEAD~4");
    const prev = await runCli(["releases", "set-commits", "sh-1", "--local", "--ignore-missing", "-p", "frontend"], {
      env: s.env(),
      cwd: full,
    });
    expect(prev.exitCode).toBe(0);
    // What actions/checkout makes: a depth-1 clone at the tip.
    const shallow = join(origin, "..", `${origin.split("/").pop()}-shallow`);
    git(join(origin, ".."), "clone", "-q", "--depth", "1", `file://${origin}`, shallow);
    expect(git(shallow, "rev-parse", "--is-shallow-repository")).toBe("true");

    const r = await runActionWith(
      { version: "sh-2", set_commits: "local", projects: "frontend", finalize: "false" },
      { workspace: shallow, env: s.env() },
    );
    expect(r.exitCode).toBe(0);
    expect(release("sh-2")!.commits.map((c) => c.message?.trim())).toEqual([
      "commit 6",
      "commit 5",
      "commit 4",
      "commit 3",
    ]);
    expect(r.summary).toMatch(
      /^\| ✅ \| Commits \| 4 commits associated from the local git history \(shallow clone; fetched \d+ more commits of history\) \|$/m,
    );
  });

  it("derives the version from the commit SHA and applies version_prefix", async () => {
    const ws = makeWorkspace(1);
    const sha = git(ws, "rev-parse", "HEAD");
    const r = await runActionWith(
      { version_prefix: "web@", projects: "frontend", set_commits: "skip", finalize: "false" },
      { workspace: ws, env: s.env() },
    );
    expect(r.exitCode).toBe(0);
    expect(r.version).toBe(`web@${sha}`);
    expect(readOutput(r.outputs, "version")).toBe(`web@${sha}`);
    expect(release(`web@${sha}`)).toBeDefined();
    expect(r.closingLine).toBe(
      `Sentry release web@${sha}: the 1 step succeeded (release); not requested: commits, sourcemaps, deploy, finalize.`,
    );
  });

  it("with set_commits_path associates only the commits that touch the package (monorepos)", async () => {
    const ws = makeWorkspace(3); // commits 2 and 3 touch app/src; commit 1 adds everything
    writeFileSync(join(ws, "README.md"), "root only\n");
    git(ws, "add", "-A");
    git(ws, "commit", "-q", "-m", "docs: root only");
    const r = await runActionWith(
      {
        version_prefix: "app@",
        projects: "frontend",
        set_commits: "local",
        set_commits_path: "app/src",
        ignore_missing: "true",
        finalize: "false",
      },
      { workspace: ws, env: s.env() },
    );
    expect(r.exitCode, r.stdout).toBe(0);
    const setCommits = r.runs.find((x) => x.argv.includes("set-commits"))!;
    expect(setCommits.argv).toEqual(expect.arrayContaining(["--path", "app/src"]));
    const rel = release(r.version!)!;
    expect(rel.commits.map((c) => c.message?.trim())).toEqual(["commit 3", "commit 2", "commit 1"]);
  });

  it("with gate inputs judges the release after the deploy: a pass finalizes, not enough data fails even with allow_failure", async () => {
    const ws = makeWorkspace(1);
    await sendItems(s.server, [aggregates("gate-ok-1", [{ exited: 300, crashed: 1 }])]);
    const ok = await runActionWith(
      {
        version: "gate-ok-1",
        projects: "frontend",
        set_commits: "skip",
        environment: "production",
        gate_min_crash_free_sessions: "99",
        gate_min_sessions: "100",
      },
      { workspace: ws, env: s.env() },
    );
    expect(ok.exitCode, ok.stdout).toBe(0);
    expect(readOutput(ok.outputs, "gate")).toBe("pass");
    expect(ok.steps.find((x) => x.name === "gate")).toMatchObject({
      status: "ok",
      detail: "passed: sessions 301 (min 100), crash-free sessions 99.67% (min 99.00%)",
    });
    expect(release("gate-ok-1")?.dateReleased).not.toBeNull();

    const none = await runActionWith(
      {
        version: "gate-none-1",
        projects: "frontend",
        set_commits: "skip",
        environment: "production",
        gate_min_crash_free_sessions: "99",
        allow_failure: "true",
      },
      { workspace: ws, env: s.env() },
    );
    expect(none.exitCode).toBe(1);
    expect(readOutput(none.outputs, "gate")).toBe("not-enough-data");
    expect(none.steps.find((x) => x.name === "finalize")?.status).toBe("not-run");
    expect(release("gate-none-1")?.dateReleased).toBeNull();
    expect(none.stdout).toMatch(/^::error title=Sentry release::Health gate not enough data: sessions 0 \(min 1\)/m);
  });

  it("fails with an error annotation and runs nothing else when the release cannot be created", async () => {
    const ws = makeWorkspace(1);
    s.server.faults.failNext("/api/0/organizations/acme/releases/", 500, 1, { method: "POST" });
    const r = await runActionWith(
      { version: "3.0.0", environment: "production", projects: "frontend", working_directory: "app" },
      { workspace: ws, env: s.env() },
    );
    expect(r.exitCode).toBe(1);
    expect(release("3.0.0")).toBeUndefined();
    expect(r.stdout).toMatch(/^::error title=Sentry release::Release failed: .+$/m);
    // The CLI's own ::error:: line is replaced by the action's.
    expect(r.stdout.match(/^::error/gm)).toHaveLength(1);
    expect(r.closingLine).toBe(
      "Sentry release 3.0.0: 0 of 4 steps succeeded; failed: release; not run: commits, deploy, finalize.",
    );
    expect(r.summary).toContain("| ⏭️ | Deploy | not run: the release was not created |");
    expect(r.summary).toMatch(/^\| ❌ \| Release \| .+ \|$/m);
    // The version output is set even though the release failed.
    expect(readOutput(r.outputs, "version")).toBe("3.0.0");
  });

  it("with allow_failure reports a failing step as a warning and succeeds", async () => {
    const ws = makeWorkspace(1);
    s.server.faults.failNext("/api/0/organizations/acme/releases/", 500, 1, { method: "POST" });
    const r = await runActionWith(
      { version: "3.0.1", projects: "frontend", set_commits: "skip", allow_failure: "true" },
      { workspace: ws, env: s.env() },
    );
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toContain("::error");
    expect(r.stdout).toMatch(/^::warning title=Sentry release::Release failed: .+$/m);
    expect(r.closingLine).toBe(
      "Sentry release 3.0.1: 0 of 2 steps succeeded; failed: release; not run: finalize; allow_failure is set, so the action succeeds.",
    );
    expect(r.summary).toMatch(/^\| ⚠️ \| Release \| .+ \|$/m);
  });

  it("keeps deploying after a failed upload but leaves the release open", async () => {
    const ws = makeWorkspace(1);
    s.server.faults.failNext("/api/0/organizations/acme/artifactbundle/assemble/", 500, 1, { method: "POST" });
    const r = await runActionWith(
      {
        version: "4.0.0",
        sourcemaps: "dist",
        environment: "staging",
        projects: "frontend",
        set_commits: "local",
        ignore_missing: "true",
        working_directory: "app",
      },
      { workspace: ws, env: s.env() },
    );
    expect(r.exitCode).toBe(1);
    const rel = release("4.0.0")!;
    expect(rel.dateReleased).toBeNull();
    expect(s.server.state.deploys.filter((d) => d.releaseId === rel.id).map((d) => d.environment)).toEqual(["staging"]);
    expect(s.server.state.bundles.filter((b) => b.release === "4.0.0")).toEqual([]);
    expect(r.stdout).toMatch(/^::error title=Sentry release::Source maps failed: upload: .+$/m);
    expect(r.summary).toContain("| ⏭️ | Finalize | not run: an earlier step failed, so the release is left open |");
    expect(r.closingLine).toBe(
      "Sentry release 4.0.0: 3 of 5 steps succeeded (release, commits, deploy); failed: sourcemaps; not run: finalize.",
    );
  });

  it("takes url, org and auth_token from its inputs and never prints the token", async () => {
    const ws = makeWorkspace(1);
    const r = await runActionWith(
      {
        version: "5.0.0",
        projects: "backend",
        set_commits: "skip",
        url: `${s.server.url}/`,
        org: "acme",
        auth_token: s.server.token,
      },
      { workspace: ws, env: {} },
    );
    expect(r.exitCode).toBe(0);
    expect(release("5.0.0")!.projects).toEqual([2]);
    expect(r.stdout + r.stderr + r.summary).not.toContain(s.server.token);
  });

  it("without a version and outside a git repository says so, and with allow_failure succeeds", async () => {
    const notGit = tempDir("ship-action-nogit-");
    const before = s.server.requests.length;
    const r = await runActionWith({ projects: "frontend", allow_failure: "true" }, { workspace: notGit, env: s.env() });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(
      /^::warning title=Sentry release::could not determine the release version \(.+\); set the version input$/m,
    );
    expect(r.closingLine).toMatch(
      /^Sentry release: nothing was sent \(could not determine the release version .+\); allow_failure is set, so the action succeeds\.$/,
    );
    expect(r.outputs).toBe("");
    expect(s.server.requests.length).toBe(before);
  });

  it("warns but still succeeds when the step summary file cannot be written", async () => {
    const ws = makeWorkspace(1);
    const r = await runActionWith(
      { version: "8.0.0", projects: "frontend", set_commits: "skip" },
      { workspace: ws, env: { ...s.env(), GITHUB_STEP_SUMMARY: join(ws, "no-such-dir", "summary") } },
    );
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(
      /^::warning title=Sentry release::could not write the step summary \(GITHUB_STEP_SUMMARY\): .*ENOENT.*$/m,
    );
    expect(release("8.0.0")!.dateReleased).not.toBeNull();
  });

  it("refuses an invalid input even with allow_failure", async () => {
    const ws = makeWorkspace(1);
    const before = s.server.requests.length;
    const r = await runActionWith(
      { version: "6.0.0", set_commits: "sometimes", allow_failure: "true" },
      { workspace: ws, env: s.env() },
    );
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(
      "::error title=Sentry release::input 'set_commits' must be auto, local or skip, got 'sometimes'\n",
    );
    expect(r.closingLine).toBe(
      "Sentry release: nothing was sent (input 'set_commits' must be auto, local or skip, got 'sometimes').",
    );
    expect(r.outputs).toBe("");
    expect(s.server.requests.length).toBe(before);
  });

  it("fails when working_directory does not exist", async () => {
    const ws = makeWorkspace(1);
    const r = await runActionWith({ version: "7.0.0", working_directory: "nope" }, { workspace: ws, env: s.env() });
    expect(r.exitCode).toBe(1);
    expect(r.closingLine).toBe(
      `Sentry release: nothing was sent (working_directory ${join(ws, "nope")} does not exist).`,
    );
  });
});
