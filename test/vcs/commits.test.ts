import { describe, expect, it } from "vitest";
import { collectLocalCommits, type LocalCommitsOptions, MISSING_PREVIOUS_MESSAGE } from "../../src/vcs/commits.js";
import { checkRemoteName, GitRepo } from "../../src/vcs/git.js";
import { git, makeRepo, repoWithCommits, shallowClone } from "../support/git.js";

const ENV = { PATH: process.env.PATH, HOME: "/nonexistent", GIT_CONFIG_NOSYSTEM: "1" };

async function collect(dir: string, o: Partial<LocalCommitsOptions> = {}) {
  const said: string[] = [];
  const notes: string[] = [];
  const repo = await GitRepo.open(dir, ENV);
  const result = await collectLocalCommits({
    repo,
    previousCommit: "",
    initialDepth: 20,
    ignoreMissing: false,
    repository: "origin",
    remote: "origin",
    deepenLimit: 1000,
    say: (l) => said.push(l),
    note: (l) => notes.push(l),
    ...o,
  });
  return { ...result, said, notes };
}

describe("collectLocalCommits", () => {
  it("sends author, raw message, author time with its offset and the patch set, newest first", async () => {
    const { repo, shas } = repoWithCommits(3);
    const r = await collect(repo.dir, { previousCommit: shas[0]! });
    expect(r.said).toEqual([]);
    expect(r.commits).toEqual([
      {
        patch_set: [
          { path: "app.js", type: "M" },
          { path: "src/f3.txt", type: "A" },
        ],
        repository: "origin",
        author_name: "Dev Person",
        author_email: "dev@example.com",
        timestamp: "2024-05-03T10:00:00+02:00",
        message: "commit 3\n",
        id: shas[2],
      },
      expect.objectContaining({ id: shas[1], message: "commit 2\n", timestamp: "2024-05-02T10:00:00+02:00" }),
    ]);
    expect(Object.keys(r.commits[0]!)).toEqual([
      "patch_set",
      "repository",
      "author_name",
      "author_email",
      "timestamp",
      "message",
      "id",
    ]);
  });

  it("takes --initial-depth commits when there is no previous release, the root commit adding every file", async () => {
    const { repo, shas } = repoWithCommits(3);
    const r = await collect(repo.dir, { initialDepth: 20 });
    expect(r.said).toEqual(["Could not find the previous commit. Creating a release with 20 commits."]);
    expect(r.commits.map((c) => c.id)).toEqual([...shas].reverse());
    expect(r.commits[2]!.patch_set).toEqual([
      { path: "app.js", type: "A" },
      { path: "src/f1.txt", type: "A" },
    ]);
    const two = await collect(repo.dir, { initialDepth: 2 });
    expect(two.commits.map((c) => c.id)).toEqual([shas[2], shas[1]]);
  });

  it("reports deletions as D", async () => {
    const repo = makeRepo();
    const first = repo.commit("add", { files: { "old.txt": "x" } });
    repo.commit("remove", { remove: ["old.txt"] });
    const r = await collect(repo.dir, { previousCommit: first });
    expect(r.commits[0]!.patch_set).toEqual([
      { path: "app.js", type: "M" },
      { path: "old.txt", type: "D" },
    ]);
  });

  it("finds nothing when the previous release is at HEAD", async () => {
    const { repo, shas } = repoWithCommits(2);
    expect((await collect(repo.dir, { previousCommit: shas[1]! })).commits).toEqual([]);
  });

  it("fails with sentry-cli's message when the previous commit is not in the history, unless --ignore-missing", async () => {
    const { repo, shas } = repoWithCommits(2);
    await expect(collect(repo.dir, { previousCommit: "deadbeef".repeat(5) })).rejects.toThrow(MISSING_PREVIOUS_MESSAGE);
    const r = await collect(repo.dir, { previousCommit: "deadbeef".repeat(5), ignoreMissing: true });
    expect(r.said).toEqual([
      "Could not find the SHA of the previous release in the git history. Skipping previous release and creating a new one with 20 commits.",
    ]);
    expect(r.commits.map((c) => c.id)).toEqual([shas[1], shas[0]]);
    expect(r.notes).toEqual([]); // not shallow: nothing fetched
  });

  it("deepens a depth-1 clone in bounded steps until the previous release's commit is found", async () => {
    const { clone, shas } = shallowClone(8);
    expect(git(clone, ["rev-parse", "--is-shallow-repository"]).trim()).toBe("true");
    const r = await collect(clone, { previousCommit: shas[4]! });
    expect(r.commits.map((c) => c.id)).toEqual([shas[7], shas[6], shas[5]]);
    expect(r.commits[2]!.patch_set).toEqual([
      { path: "app.js", type: "M" },
      { path: "src/f6.txt", type: "A" },
    ]);
    expect(r.deepenedBy).toBe(50);
    expect(r.notes).toEqual([
      `Shallow clone: the previous release's commit ${shas[4]!.slice(0, 12)} is not in the local history; deepening from origin (at most 1000 commits).`,
      `Shallow clone: found ${shas[4]!.slice(0, 12)} after fetching 50 more commits (git fetch --deepen).`,
    ]);
  });

  it("stops at the bound and, with --ignore-missing, still succeeds", async () => {
    const { clone, shas } = shallowClone(4);
    const missing = "deadbeef".repeat(5);
    await expect(collect(clone, { previousCommit: missing, deepenLimit: 2 })).rejects.toThrow(MISSING_PREVIOUS_MESSAGE);
    const r = await collect(clone, { previousCommit: missing, deepenLimit: 2, ignoreMissing: true, initialDepth: 2 });
    expect(r.commits.map((c) => c.id)).toEqual([shas[3], shas[2]]);
    expect(shas.length).toBe(4);
  });

  it("never deepens when the limit is 0", async () => {
    const { clone, shas } = shallowClone(3);
    await expect(collect(clone, { previousCommit: shas[0]!, deepenLimit: 0 })).rejects.toThrow(
      MISSING_PREVIOUS_MESSAGE,
    );
    expect(git(clone, ["rev-list", "--count", "HEAD"]).trim()).toBe("1");
  });

  it("still succeeds with --ignore-missing when the remote cannot be reached", async () => {
    const { clone } = shallowClone(3);
    git(clone, ["remote", "set-url", "origin", "file:///nonexistent/repo.git"]);
    const r = await collect(clone, { previousCommit: "deadbeef".repeat(5), ignoreMissing: true });
    expect(r.commits).toHaveLength(1);
    expect(r.notes.some((n) => n.includes("failed"))).toBe(true);
  });
});

describe("GitRepo", () => {
  it("works in CI environments that set GIT_ASKPASS, GIT_SSH_COMMAND, GIT_PAGER and GIT_CONFIG_* (deepening needs them)", async () => {
    const { clone, shas } = shallowClone(3);
    const env = {
      ...ENV,
      GIT_ASKPASS: "/bin/true",
      GIT_SSH_COMMAND: "ssh -o BatchMode=yes",
      GIT_PAGER: "cat",
      GIT_EDITOR: "true",
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "core.quotePath",
      GIT_CONFIG_VALUE_0: "false",
    };
    const repo = await GitRepo.open(clone, env);
    expect(await repo.head()).toBe(shas[2]);
    expect(await repo.deepen("origin", 5)).toEqual({ ok: true });
    expect(await repo.isAncestorOfHead(shas[0]!)).toBe(true);
  });
});

describe("checkRemoteName", () => {
  it("refuses a remote name git would read as an option", async () => {
    const { repo } = repoWithCommits(1);
    const g = await GitRepo.open(repo.dir, ENV);
    await expect(g.remoteUrl("--upload-pack=touch /tmp/x")).rejects.toThrow(/invalid git remote name/);
    expect(await g.deepen("-oops", 1)).toMatchObject({ ok: false });
    expect(checkRemoteName("origin")).toBe("origin");
  });
});

describe("collectLocalCommits with dryRun", () => {
  it("does not fetch, and says what a real run would do", async () => {
    const { clone, shas } = shallowClone(3);
    const r = await collect(clone, { previousCommit: shas[0]!, dryRun: true, ignoreMissing: true, initialDepth: 5 });
    expect(r.deepenedBy).toBe(0);
    expect(r.notes[0]).toMatch(
      /a real run would deepen from origin \(at most 1000 commits\)\. Dry run: not fetching\./,
    );
    expect(git(clone, ["rev-list", "--count", "HEAD"]).trim()).toBe("1");
  });
});
