/**
 * Monorepos: `set-commits --path` on a real temporary monorepo (two packages and shared root
 * files), in local and auto mode and in a depth-1 clone; package-prefixed release names
 * (`web@<sha>`) from propose-version through deploy and finalize.
 */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SentryServer, startServer } from "../../../src/server/index.js";
import { git, makeRepo, type TestRepo, tmp } from "../../support/git.js";
import { runCli } from "../../support/runCli.js";

let server: SentryServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await server.close();
});
const env = (extra: Record<string, string | undefined> = {}) => ({
  SENTRY_URL: `${server.url}/`,
  SENTRY_AUTH_TOKEN: server.token,
  SENTRY_ORG: "acme",
  SENTRY_PROJECT: "frontend",
  ...extra,
});

interface Mono {
  repo: TestRepo;
  /** SHAs by label, in commit order. */
  web: string[];
  api: string[];
  root: string[];
  all: string[];
}

/** A monorepo: web and api commits interleaved, plus root-only commits (every commit also touches app.js at the root). */
function monorepo(remote?: string): Mono {
  const repo = makeRepo(remote ? { remote } : {});
  const m: Mono = { repo, web: [], api: [], root: [], all: [] };
  const plan: Array<["web" | "api" | "root", string]> = [
    ["root", "init"],
    ["web", "web: page"],
    ["api", "api: route"],
    ["web", "web: button"],
    ["root", "ci: lint"],
    ["api", "api: auth"],
    ["web", "web: styles"],
  ];
  plan.forEach(([kind, msg], i) => {
    const files: Record<string, string> =
      kind === "root"
        ? { [`tools/t${i}.txt`]: `${i}\n` }
        : { [`packages/${kind}/f${i}.ts`]: `export const x = ${i};\n` };
    const sha = repo.commit(msg, { files });
    m[kind].push(sha);
    m.all.push(sha);
  });
  return m;
}

function putCommits(fromSeq: number): string[] | undefined {
  const put = server.requests.slice(fromSeq).find((q) => q.method === "PUT" && q.path.includes("/releases/"));
  return (put?.json as { commits?: Array<{ id: string }> } | undefined)?.commits?.map((c) => c.id);
}

describe("releases set-commits --path", () => {
  it("without a previous release, associates only the commits that touch the package, newest first", async () => {
    const m = monorepo();
    const before = server.requests.length;
    const r = await runCli(["releases", "set-commits", "web@1", "--local", "--path", "packages/web", "--json"], {
      env: env(),
      cwd: m.repo.dir,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(putCommits(before)).toEqual([...m.web].reverse());
    const doc = JSON.parse(r.stdout);
    expect(doc.paths).toEqual(["packages/web"]);
    const rel = server.state.releases.find((x) => x.version === "web@1")!;
    expect(rel.commits.map((c) => c.id)).toEqual([...m.web].reverse());
    // Each commit's patch set is its own change against its parent, not against the previous web commit.
    const button = rel.commits.find((c) => c.id === m.web[1])!;
    expect(button.patchSet.map((f) => f.path).sort()).toEqual(["app.js", "packages/web/f3.ts"]);
  });

  it("after a previous release, keeps the range's commits that touch any of the paths (repeatable), relative to the working directory", async () => {
    const m = monorepo();
    // The previous web release pointed at the second commit.
    await api("POST", "organizations/acme/releases/", { version: "web@0", projects: ["frontend"] });
    await api("PUT", "organizations/acme/releases/web@0/", { commits: [{ id: m.all[1] }] });
    const before = server.requests.length;
    const r = await runCli(["releases", "set-commits", "web@2", "--path", "../web", "--path", "../../tools"], {
      env: env(),
      cwd: join(m.repo.dir, "packages", "api"),
    });
    expect(r.exitCode, r.stderr).toBe(0);
    // After all[1]: api all[2], web all[3], root all[4], api all[5], web all[6] → web and tools only.
    expect(putCommits(before)).toEqual([m.all[6], m.all[4], m.all[3]]);
  });

  it("with --auto and a matching repository, sends the filtered local commits under that repository's name", async () => {
    const m = monorepo("git@github.com:acme/mono.git");
    await api("POST", "organizations/acme/repos/", {
      name: "acme/mono",
      url: "https://github.com/acme/mono",
      provider: "integrations:github",
    });
    const before = server.requests.length;
    const r = await runCli(["releases", "set-commits", "api@1", "--auto", "--path", "packages/api"], {
      env: env(),
      cwd: m.repo.dir,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const put = server.requests.slice(before).find((q) => q.method === "PUT")!;
    const body = put.json as { refs?: unknown; commits: Array<{ id: string; repository: string }> };
    expect(body.refs).toBeUndefined();
    expect(body.commits.map((c) => c.id)).toEqual([...m.api].reverse());
    expect(new Set(body.commits.map((c) => c.repository))).toEqual(new Set(["acme/mono"]));
  });

  it("in a depth-1 clone, deepens within the bound to find the previous release and filters the range", async () => {
    const m = monorepo();
    const bare = tmp("ship-bare-");
    git(bare, ["clone", "-q", "--bare", m.repo.dir, "."]);
    const clone = join(tmp("ship-clone-"), "work");
    git(join(clone, ".."), ["clone", "-q", "--depth", "1", `file://${bare}`, "work"]);
    await api("POST", "organizations/acme/releases/", { version: "web@0", projects: ["frontend"] });
    await api("PUT", "organizations/acme/releases/web@0/", { commits: [{ id: m.all[2] }] });
    const before = server.requests.length;
    const r = await runCli(["releases", "set-commits", "web@3", "--local", "--path", "packages/web"], {
      env: env(),
      cwd: clone,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain("Shallow clone: found");
    expect(putCommits(before)).toEqual([m.web[2], m.web[1]]);
  });

  it("refuses --path with --commit, and a path outside the repository", async () => {
    const m = monorepo();
    const a = await runCli(["releases", "set-commits", "x@1", "--commit", "acme/mono@HEAD", "--path", "packages/web"], {
      env: env(),
      cwd: m.repo.dir,
    });
    expect(a.exitCode).toBe(2);
    expect(a.stderr).toContain("'--path' cannot be used with '--commit'");
    const b = await runCli(["releases", "set-commits", "x@1", "--local", "--path", "../elsewhere"], {
      env: env(),
      cwd: m.repo.dir,
    });
    expect(b.exitCode).toBe(1);
    expect(b.stderr).toMatch(/--path \.\.\/elsewhere is outside the git repository/);
  });
});

describe("package-prefixed release names", () => {
  it("propose-version --prefix, new, set-commits --path, deploy, finalize and info all work on web@<sha>", async () => {
    const m = monorepo();
    const e = env({ SENTRY_RELEASE: undefined });
    const p = await runCli(["releases", "propose-version", "--prefix", "web@"], { env: e, cwd: m.repo.dir });
    expect(p.exitCode, p.stderr).toBe(0);
    const version = p.stdout.trim();
    expect(version).toBe(`web@${m.repo.head()}`);
    for (const argv of [
      ["releases", "new", version],
      ["releases", "set-commits", version, "--local", "--path", "packages/web"],
      ["deploys", "new", "--release", version, "-e", "production"],
      ["releases", "finalize", version],
    ]) {
      const r = await runCli(argv, { env: e, cwd: m.repo.dir });
      expect(r.exitCode, `${argv.join(" ")}: ${r.stderr}`).toBe(0);
    }
    const info = await runCli(["releases", "info", version, "--json"], { env: e, cwd: m.repo.dir });
    expect(info.exitCode, info.stderr).toBe(0);
    const rel = server.state.releases.find((x) => x.version === version)!;
    expect(rel.commits.map((c) => c.id)).toEqual([...m.web].reverse());
    expect(rel.dateReleased).not.toBeNull();
    expect(server.state.deploys.filter((d) => d.releaseId === rel.id)).toHaveLength(1);
    // An already-prefixed SENTRY_RELEASE is not prefixed twice.
    const again = await runCli(["releases", "propose-version", "--prefix", "web@"], {
      env: env({ SENTRY_RELEASE: "web@1.2.3" }),
      cwd: m.repo.dir,
    });
    expect(again.stdout.trim()).toBe("web@1.2.3");
  });
});

async function api(method: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${server.url}/api/0/${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  await new Promise((r) => setTimeout(r, 5));
}
