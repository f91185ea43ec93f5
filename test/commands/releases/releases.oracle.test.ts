import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { GIT_ENV, git, makeRepo, repoWithCommits, shallowClone } from "../../support/git.js";
import { type OracleRun, runBoth, type Setup } from "../../support/release-oracle.js";

const REPO = { name: "acme/web", url: "https://github.com/acme/web" };

function expectEquivalent(r: OracleRun, opts: { stdout?: boolean } = {}): void {
  expect(r.ship.requests, `stderr: ${r.ship.stderr}`).toEqual(r.cli.requests);
  expect(r.ship.exitCode, `sentry-ship stderr: ${r.ship.stderr}\nsentry-cli stderr: ${r.cli.stderr}`).toBe(
    r.cli.exitCode,
  );
  if (opts.stdout !== false) expect(stable(r.ship.stdout)).toBe(stable(r.cli.stdout));
}

/**
 * The two servers create releases milliseconds apart: times of day and "N seconds" may differ, and
 * so may a table's column widths (a time on a whole second prints without its fraction).
 */
function stable(s: string): string {
  return s
    .replace(/\d\d:\d\d:\d\d(\.\d+)? UTC/g, "<time> UTC")
    .replace(/\b\d+ seconds?\b/g, "N seconds")
    .replace(/-+/g, "-")
    .replace(/ +([|+])/g, " $1");
}

describe("releases against sentry-cli 3.8.0", () => {
  const released: Setup = { releases: [{ version: "1.0.0" }] };
  it.each<[string, string[], Setup?]>([
    ["new", ["releases", "new", "1.0.0"]],
    ["new with two projects", ["releases", "new", "1.0.1", "-p", "frontend", "-p", "backend"]],
    ["new --finalize --url", ["releases", "new", "1.0.2", "--finalize", "--url", "https://example.com/r/1.0.2"]],
    ["new with sentry-cli's legacy --ref (no effect)", ["releases", "new", "1.0.3", "--ref", "abc"]],
    ["new with a version starting with a dash", ["releases", "new", "--", "-weird-version"]],
    ["new with group-level org and project", ["releases", "--org", "other", "-p", "web", "new", "2.0.0"]],
    ["finalize", ["releases", "finalize", "1.0.0"], released],
    [
      "finalize --released --url -p",
      ["releases", "finalize", "1.0.0", "--released", "1700000000", "--url", "https://x.test", "-p", "frontend"],
      released,
    ],
    [
      "finalize with an RFC 3339 time",
      ["releases", "finalize", "1.0.0", "--released", "2024-01-02T03:04:05Z"],
      released,
    ],
    ["finalize of a missing release", ["releases", "finalize", "missing-1"]],
    ["info", ["releases", "info", "1.0.0"], released],
    ["info of a missing release", ["releases", "info", "missing-2"]],
    ["list -R", ["releases", "list", "-R"], released],
    ["list -R -D", ["releases", "list", "-R", "-D", ","], { releases: [{ version: "1.0.0" }, { version: "1.1.0" }] }],
    ["delete", ["releases", "delete", "1.0.0"], released],
    ["delete of a missing release", ["releases", "delete", "missing-3"]],
    ["archive", ["releases", "archive", "1.0.0"], released],
    ["restore", ["releases", "restore", "1.0.0"], released],
    ["a version with a slash", ["releases", "new", "a/b"]],
    ["a version with a leading space", ["releases", "new", " 1.0.4"]],
    ["a version with a trailing space", ["releases", "new", "1.0.4 "]],
    ["a version that is only a space", ["releases", "new", " "]],
    ["the reserved version ..", ["releases", "new", ".."]],
    ["finalize of a version with a trailing space", ["releases", "finalize", "1.0.0 "], released],
  ])("%s sends the same requests, prints the same and exits the same", async (_name, args, setup) => {
    expectEquivalent(await runBoth(args, { setup }), { stdout: !args.includes("new") || !args.includes("a/b") });
  });

  it("list without a project reads the organization's releases", async () => {
    expectEquivalent(
      await runBoth(["releases", "list", "-R"], {
        setup: { releases: [{ version: "1.0.0" }] },
        env: { SENTRY_PROJECT: undefined },
      }),
    );
  });

  it("list and info -P -C print the same tables", async () => {
    const setup: Setup = { releases: [{ version: "1.0.0", commit: "abcdef1234567890abcdef1234567890abcdef12" }] };
    for (const args of [
      ["releases", "list", "-P"],
      ["releases", "info", "1.0.0", "-P", "-C"],
    ]) {
      const r = await runBoth(args, { setup });
      expectEquivalent(r);
    }
  });
});

describe("deploys against sentry-cli 3.8.0", () => {
  const released: Setup = { releases: [{ version: "1.0.0" }] };
  it.each<[string, string[], Record<string, string>?]>([
    [
      "new with every field",
      [
        "deploys",
        "new",
        "-r",
        "1.0.0",
        "-e",
        "staging",
        "-n",
        "Deploy #1",
        "-u",
        "https://ci.example/1",
        "--started",
        "1700000000",
        "--finished",
        "1700000100",
      ],
    ],
    [
      "new with the release from SENTRY_RELEASE and -t",
      ["deploys", "new", "-e", "prod", "-t", "60"],
      { SENTRY_RELEASE: "1.0.0" },
    ],
    ["new with explicit projects", ["deploys", "new", "-r", "1.0.0", "-e", "prod", "-p", "frontend", "-p", "backend"]],
    ["new with the release on the group", ["deploys", "--release", "1.0.0", "new", "-e", "prod"]],
    ["new for a missing release", ["deploys", "new", "-r", "missing-5", "-e", "prod"]],
    ["new without -e", ["deploys", "new", "-r", "1.0.0"]],
    ["new for a release with a leading space", ["deploys", "new", "-r", " 1.0.0", "-e", "prod"]],
    ["list of a missing release", ["deploys", "list", "-r", "missing-6"]],
    ["new with sentry-cli's legacy --version", ["deploys", "new", "--version", "1.0.0", "-e", "legacy"]],
    ["new with the legacy --version=", ["deploys", "new", "-e", "legacy2", "--version=1.0.0"]],
  ])("%s sends the same requests and exits the same", async (_name, args, env) => {
    const r = await runBoth(args, { setup: released, env });
    expectEquivalent(r, { stdout: r.cli.exitCode === 0 });
  });

  it("list prints the same table", async () => {
    const r = await runBoth(["deploys", "list", "-r", "1.0.0"], { setup: released });
    expectEquivalent(r);
  });

  it("list with sentry-cli's legacy --version prints the same table", async () => {
    const r = await runBoth(["deploys", "list", "--version", "1.0.0"], { setup: released });
    expectEquivalent(r);
  });
});

describe("set-commits against sentry-cli 3.8.0", () => {
  const { repo, shas } = repoWithCommits(4, { remote: "https://github.com/acme/web.git" });
  const cwd = repo.dir;
  const withRepo: Setup = { repos: [REPO] };

  it.each<[string, string[], Setup, Record<string, string | undefined>?]>([
    ["--auto with a matching repository", ["releases", "set-commits", "1.0.0", "--auto"], withRepo],
    [
      "--auto without a project",
      ["releases", "set-commits", "1.0.0", "--auto"],
      withRepo,
      { SENTRY_PROJECT: undefined },
    ],
    [
      "--auto without a matching repository",
      ["releases", "set-commits", "1.0.0", "--auto"],
      { repos: [{ name: "other/repo", url: "https://github.com/other/repo" }] },
    ],
    ["--clear", ["releases", "set-commits", "1.0.0", "--clear"], withRepo],
    [
      "--commit with a range and a spelling in capitals",
      [
        "releases",
        "set-commits",
        "1.0.0",
        "--commit",
        `acme/web@${"7d49c164d660f672cff76c0a97d030ab04c4a674"}..${"1d6de30281e0e576ca725321246ae766299294b2"}`,
        "--commit",
        "ACME/WEB@abc123",
      ],
      withRepo,
    ],
    [
      "--commit with an unknown repository",
      ["releases", "set-commits", "1.0.0", "--commit", "unknown/repo@abc"],
      withRepo,
    ],
    ["--local without a previous release", ["releases", "set-commits", "1.0.0", "--local"], withRepo],
    ["--local with --initial-depth", ["releases", "set-commits", "1.0.0", "--local", "--initial-depth", "2"], withRepo],
    ["no flag", ["releases", "set-commits", "1.0.0"], withRepo],
    ["--commit when the org has no repositories", ["releases", "set-commits", "1.0.0", "--commit", "acme/web@abc"], {}],
  ])("%s sends the same requests, prints the same and exits the same", async (_name, args, setup, env) => {
    expectEquivalent(await runBoth(args, { setup, cwd, env }), { stdout: true });
  });

  it("--local sends the commits since the previous release's", async () => {
    const setup: Setup = { ...withRepo, releases: [{ version: "0.9.0", commit: shas[1]! }] };
    const r = await runBoth(["releases", "set-commits", "1.0.0", "--local"], { setup, cwd });
    expectEquivalent(r);
    const put = r.ship.requests.find((q) => q.method === "PUT")!;
    expect((put.json as { commits: Array<{ id: string }> }).commits.map((c) => c.id)).toEqual([shas[3], shas[2]]);
  });

  it("--local leaves the release alone when the previous release is at HEAD", async () => {
    const setup: Setup = { ...withRepo, releases: [{ version: "0.9.0", commit: shas[3]! }] };
    expectEquivalent(await runBoth(["releases", "set-commits", "1.0.0", "--local"], { setup, cwd }));
  });

  it("fails the same way when the previous commit is unknown, and both recover with --ignore-missing", async () => {
    const setup: Setup = { ...withRepo, releases: [{ version: "0.9.0", commit: "deadbeef".repeat(5) }] };
    const r = await runBoth(["releases", "set-commits", "1.0.0", "--local"], { setup, cwd });
    expectEquivalent(r, { stdout: true });
    expect(r.ship.exitCode).toBe(1);
    expectEquivalent(
      await runBoth(["releases", "set-commits", "1.0.0", "--local", "--ignore-missing"], { setup, cwd }),
    );
  });

  it("in a depth-1 clone, succeeds where sentry-cli fails, with the commits after the previous release's", async () => {
    const shallow = shallowClone(5);
    const setup: Setup = { ...withRepo, releases: [{ version: "0.9.0", commit: shallow.shas[1]! }] };
    const r = await runBoth(["releases", "set-commits", "1.0.0", "--local"], { setup, cwd: shallow.clone });
    expect(r.cli.exitCode).toBe(1);
    expect(r.cli.stderr).toContain("Could not find the SHA of the previous release in the git history.");
    expect(r.ship.exitCode, r.ship.stderr).toBe(0);
    const put = r.ship.requests.find((q) => q.method === "PUT")!;
    expect((put.json as { commits: Array<{ id: string }> }).commits.map((c) => c.id)).toEqual([
      shallow.shas[4],
      shallow.shas[3],
      shallow.shas[2],
    ]);
    // Up to the commit upload, both sent the same requests.
    expect(r.ship.requests.slice(0, r.cli.requests.length)).toEqual(r.cli.requests);
  });

  it("walks a history with a merge and a deletion the same way", async () => {
    const m = makeRepo({ remote: "https://github.com/acme/web.git" });
    const base = m.commit("base", { files: { "a.txt": "a", "gone.txt": "g" }, date: "2024-05-01T10:00:00+02:00" });
    git(m.dir, ["checkout", "-q", "-b", "feature"]);
    m.commit("feature work", { files: { "feature.txt": "f" }, date: "2024-05-03T10:00:00-05:00" });
    git(m.dir, ["checkout", "-q", "main"]);
    m.commit("main work", { remove: ["gone.txt"], date: "2024-05-02T10:00:00+00:00" });
    git(m.dir, ["merge", "-q", "--no-ff", "-X", "ours", "-m", "merge feature", "feature"], {
      GIT_AUTHOR_DATE: "2024-05-04T10:00:00+02:00",
      GIT_COMMITTER_DATE: "2024-05-04T10:00:00+02:00",
    });
    m.commit("after merge", { files: { "b.txt": "b" }, date: "2024-05-05T10:00:00+09:30" });
    for (const setup of [withRepo, { ...withRepo, releases: [{ version: "0.9.0", commit: base }] }]) {
      const r = await runBoth(["releases", "set-commits", "1.0.0", "--local"], { setup, cwd: m.dir });
      expectEquivalent(r);
      expect(r.ship.requests.some((q) => q.method === "PUT")).toBe(true);
    }
  });

  it("sends unusual messages, authors and paths the same way", async () => {
    const m = makeRepo({ remote: "https://github.com/acme/web.git" });
    m.commit("first", { files: { "a.txt": "a" } });
    m.commit("subject\n\nbody line 1\nbody line 2", { files: { "dir/with space ü.txt": "x", "tab\there.txt": "t" } });
    git(m.dir, ["commit", "-q", "--allow-empty", "--cleanup=verbatim", "-m", "  spaced  \n\n\n"], {
      GIT_AUTHOR_NAME: "Zoë Ünïcode",
      GIT_AUTHOR_EMAIL: "zoe@example.com",
      GIT_AUTHOR_DATE: "2024-06-01T00:00:00-03:30",
    });
    const tree = git(m.dir, ["rev-parse", "HEAD^{tree}"]).trim();
    const noNewline = execFileSync("git", ["commit-tree", tree, "-p", "HEAD"], {
      cwd: m.dir,
      input: "no trailing newline",
      env: { ...GIT_ENV },
    })
      .toString()
      .trim();
    git(m.dir, ["reset", "-q", "--hard", noNewline]);
    const r = await runBoth(["releases", "set-commits", "1.0.0", "--local"], { setup: withRepo, cwd: m.dir });
    expectEquivalent(r);
  });
});
