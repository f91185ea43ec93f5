/**
 * The SentryCli-compatible class against @sentry/cli's own JavaScript wrapper: one scenario,
 * written only with calls the wrapper's declarations (js/index.d.ts) allow, runs once with the real
 * wrapper driving the real sentry-cli binary and once with sentry-ship's class in-process, against
 * the same `serve`. What each call resolves with and what reaches the server must agree.
 *
 * The type checker is part of the test: `Wrapper` is the official class's public surface, and
 * sentry-ship's class must be assignable to it (and constructible with its constructor's
 * parameters), or `npm run typecheck` fails.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SentryCli as OfficialSentryCli, type SentryCliOptions } from "@sentry/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SentryCli } from "../../src/index.js";
import { repoWithCommits } from "../support/git.js";
import { tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";
import { makeDist } from "../support/upload-fixtures.js";

type Official = InstanceType<typeof OfficialSentryCli>;
/** The official wrapper's public surface (its namespaces have private members, which make classes nominal). */
interface Wrapper {
  releases: Pick<
    Official["releases"],
    "new" | "finalize" | "proposeVersion" | "setCommits" | "newDeploy" | "listDeploys" | "uploadSourceMaps" | "execute"
  >;
  sourceMaps: Pick<Official["sourceMaps"], "inject" | "execute">;
  execute: Official["execute"];
}
type WrapperConstructor = new (...args: ConstructorParameters<typeof OfficialSentryCli>) => Wrapper;

// Compile-time: ours has the wrapper's shape and constructor.
const Ours: WrapperConstructor = SentryCli;
const Theirs: WrapperConstructor = OfficialSentryCli;

// One server per run, so neither run sees what the other left behind (set-commits registers repositories).
const theirServer = useServer();
const ourServer = useServer();
const srv = ourServer;
const saved: Record<string, string | undefined> = {};
let cwd = "";

/** The wrapper passes this process's environment on to the binary: make it a clean one for both. */
beforeAll(() => {
  const vars: Record<string, string> = {
    HOME: tempDir("ship-home-"),
    SENTRY_LOAD_DOTENV: "0",
    SENTRY_DISABLE_UPDATE_CHECK: "1",
    SENTRY_HTTP_MAX_RETRIES: "0",
    SENTRY_INTEGRATION_TEST: "1",
  };
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  // Both read git from the working directory (set-commits, propose-version): a repository of the test's own.
  cwd = process.cwd();
  process.chdir(repoWithCommits(3).repo.dir);
});
afterAll(() => {
  process.chdir(cwd);
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

interface Outcome {
  created: string;
  proposed: string;
  commits: string;
  uploads: string[];
  finalized: string;
  deploy: string;
  deploys: string;
  injected: string;
  executed: string;
  failure: string;
}

/** The scenario, in the wrapper's terms only. `tag` keeps the two runs' releases apart. */
async function scenario(
  Cli: WrapperConstructor,
  server: typeof srv.server,
  tag: string,
  dist: string,
): Promise<Outcome> {
  const options: SentryCliOptions = {
    url: `${server.url}/`,
    authToken: server.token,
    org: "acme",
    project: "frontend",
    silent: true,
  };
  const cli = new Cli(null, options);
  const release = `${tag}@1.0.0`;
  const created = await cli.releases.new(release, { projects: ["frontend"] });
  const proposed = await cli.releases.proposeVersion();
  const commits = await cli.releases
    .setCommits(release, { repo: "acme/web", commit: "a".repeat(40) })
    .catch((e: Error) => `rejected: ${/exit code \d+/.exec(e.message)?.[0] ?? e.message}`);
  const injected = await cli.sourceMaps.inject({ paths: [join(dist, "dist")] });
  const uploads = await cli.releases.uploadSourceMaps(release, {
    include: [join(dist, "dist")],
    urlPrefix: "~/static",
    rewrite: true,
  });
  const finalized = await cli.releases.finalize(release);
  const deploy = await cli.releases.newDeploy(release, { env: "production", name: "blue", time: 30 });
  const deploys = await cli.releases.listDeploys(release).catch((e: Error) => `rejected: ${e.name}`);
  const executed = await cli.execute(["releases", "propose-version"], false);
  const failure = await new Cli(null, { ...options, org: "no-such-org" }).releases.finalize(release).then(
    () => "resolved",
    () => "rejected",
  );
  return { created, proposed, commits, uploads, finalized, deploy, deploys, injected, executed, failure };
}

describe("SentryCli (compatible with @sentry/cli's JavaScript wrapper)", () => {
  it("resolves what the real wrapper resolves and sends what it sends", async () => {
    const theirDist = makeDist();
    const ourDist = tempDir("ship-compat-");
    cpSync(join(theirDist, "dist"), join(ourDist, "dist"), { recursive: true });

    const theirs = await scenario(Theirs, theirServer.server, "theirs", theirDist);
    const ours = await scenario(Ours, ourServer.server, "ours", ourDist);

    const norm = (o: Outcome) =>
      JSON.parse(JSON.stringify(o).replaceAll("theirs@", "TAG@").replaceAll("ours@", "TAG@")) as Outcome;
    const t = norm(theirs);
    const o = norm(ours);
    expect(o.created).toBe(t.created);
    expect(o.proposed).toBe(t.proposed);
    expect(o.uploads).toEqual(t.uploads);
    expect(o.uploads).toEqual(["success (live mode)"]);
    expect(o.finalized).toBe(t.finalized);
    expect(o.deploy).toBe(t.deploy);
    const age = (table: string) => table.replace(/\d+ seconds?/g, "N seconds");
    expect(age(o.deploys)).toBe(age(t.deploys));
    expect(o.deploys).toContain("| production  | blue |");
    expect(o.commits).toBe(t.commits);
    expect(o.commits).toContain("Success! Set commits for release TAG@1.0.0");
    expect(o.injected).toBe("success (live mode)");
    expect(o.injected).toBe(t.injected);
    expect(o.executed).toBe(t.executed);
    expect(o.failure).toBe("rejected");
    expect(o.failure).toBe(t.failure);

    // inject changed the two copies of the build alike, debug-id values aside (ours hash differently: see inject.oracle).
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
    const text = (root: string, f: string) => readFileSync(join(root, f), "utf8").replace(uuid, "<id>");
    for (const f of ["dist/app.min.js", "dist/app.min.js.map", "dist/chunks/c.js", "dist/esm.mjs"]) {
      expect(text(ourDist, f)).toBe(text(theirDist, f));
      expect(text(ourDist, f)).toContain("<id>");
    }
    // The server holds the same artifacts, releases and deploys for both.
    const files = (rel: string) =>
      (rel.startsWith("ours") ? ourServer : theirServer).server.state.bundles
        .filter((b) => b.release === rel)
        .flatMap((b) => b.files.map((f) => `${f.url} ${f.type} ${f.headers["debug-id"] ?? ""}`))
        .sort();
    const noIds = (l: string[]) => l.map((x) => x.replace(uuid, "<id>"));
    expect(noIds(files("ours@1.0.0"))).toEqual(noIds(files("theirs@1.0.0")));
    const id = readFileSync(join(ourDist, "dist/app.min.js"), "utf8").match(/debugId=(\S+)/)?.[1];
    expect(files("ours@1.0.0")).toContain(`~/static/app.min.js minified_source ${id}`);
    const rel = (v: string) =>
      (v.startsWith("ours") ? ourServer : theirServer).server.state.releases.find((r) => r.version === v);
    expect(Boolean(rel("ours@1.0.0")?.dateReleased)).toBe(true);
    expect(Boolean(rel("theirs@1.0.0")?.dateReleased)).toBe(true);
    const deploys = (v: string) =>
      (v.startsWith("ours") ? ourServer : theirServer).server.state.deploys.filter(
        (d) => (d as { releaseVersion?: string }).releaseVersion === v || JSON.stringify(d).includes(`"${v}"`),
      );
    expect(deploys("ours@1.0.0").length).toBe(deploys("theirs@1.0.0").length);
  });

  it("takes the config file as SENTRY_PROPERTIES, and options over it", async () => {
    const dir = tempDir("ship-props-");
    const props = join(dir, "sentry.properties");
    mkdirSync(join(dir, "x"));
    writeFileSync(
      props,
      `defaults.url=${srv.server.url}/\ndefaults.org=acme\ndefaults.project=frontend\nauth.token=${srv.server.token}\n`,
    );
    const ours = await new Ours(props, { silent: true }).releases.new("props@1", { projects: [] });
    const theirs = await new Theirs(props, { silent: true }).releases.new("props@2", { projects: [] });
    expect(ours.replace("props@1", "V")).toBe(theirs.replace("props@2", "V"));
    await expect(new Ours(props, { org: "no-such-org", silent: true }).releases.finalize("props@1")).rejects.toThrow(
      /exit code 1/,
    );
  });
});
