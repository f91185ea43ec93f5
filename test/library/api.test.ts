/**
 * The Node API against `serve`: every function returns the document `sentry-ship … --json`
 * prints for the same inputs (the CLI run through runCli, in-process, on the same server), and
 * failures are typed errors carrying the same failure document.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ApiError,
  ConfigError,
  checkSourcemaps,
  finalizeRelease,
  InputError,
  injectSourcemaps,
  listDeploys,
  newDeploy,
  newRelease,
  proposeVersion,
  runCommand,
  type SentryShipError,
  sendEvent,
  setCommits,
  UsageError,
  uploadSourcemaps,
} from "../../src/index.js";
import { repoWithCommits } from "../support/git.js";
import { runCli, tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";
import { makeDist } from "../support/upload-fixtures.js";

const srv = useServer();

/** Every source map of makeDist's build. */
const DIST_MAPS = ["dist/app.min.js.map", "dist/chunks/c.js.map", "dist/esm.mjs.map", "dist/vendor.js.map"];

/** The environment both the CLI and the API resolve configuration from (a fresh HOME, no rc file). */
function env(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return { PATH: process.env.PATH, HOME: tempDir("ship-home-"), SENTRY_LOAD_DOTENV: "0", ...srv.env(), ...extra };
}

async function cliJson(argv: string[], opts: { env?: Record<string, string | undefined>; cwd?: string } = {}) {
  const r = await runCli([...argv, "--json"], { env: opts.env ?? env(), cwd: opts.cwd });
  return { exitCode: r.exitCode, doc: JSON.parse(r.stdout) as Record<string, unknown>, stderr: r.stderr };
}

async function thrown(p: Promise<unknown>): Promise<SentryShipError> {
  try {
    await p;
  } catch (e) {
    return e as SentryShipError;
  }
  throw new Error("expected the call to throw");
}

describe("Node API releases", () => {
  it("newRelease returns the document releases new --json prints", async () => {
    const first = await cliJson(["releases", "new", "api@1.0.0"]);
    expect(first.doc).toMatchObject({ ok: true, version: "api@1.0.0", created: true });
    // The release exists now: both answer 208, with the same release.
    const api = await newRelease({ version: "api@1.0.0", env: env() });
    const cli = await cliJson(["releases", "new", "api@1.0.0"]);
    expect(api).toEqual(cli.doc);
    expect(api).toMatchObject({ created: false, release: { version: "api@1.0.0" } });
  });

  it("dry runs plan the same request as the CLI, stamped with the given clock", async () => {
    const now = new Date("2026-01-02T03:04:05Z");
    const api = await newRelease({ version: "dry@1", finalize: true, dryRun: true, env: env(), now: () => now });
    const cli = await runCli(["releases", "new", "dry@1", "--finalize", "--dry-run", "--json"], {
      env: env(),
      overrides: { now: () => now },
    });
    expect(api).toEqual(JSON.parse(cli.stdout));
    expect(api).toMatchObject({
      dryRun: true,
      requests: [{ method: "POST", body: { dateReleased: "2026-01-02T03:04:05Z" } }],
    });
    expect(srv.server.state.releases.some((r) => r.version === "dry@1")).toBe(false);
  });

  it("finalizeRelease with a release time equals releases finalize --released", async () => {
    await newRelease({ version: "fin@1", env: env() });
    const api = await finalizeRelease({ version: "fin@1", released: new Date("2026-03-04T05:06:07Z"), env: env() });
    const cli = await cliJson(["releases", "finalize", "fin@1", "--released", "2026-03-04T05:06:07Z"]);
    expect(api).toEqual(cli.doc);
    expect(api).toMatchObject({ release: { dateReleased: "2026-03-04T05:06:07Z" } });
  });

  it("setCommits (local git) and proposeVersion equal the CLI's documents", async () => {
    await newRelease({ version: "sc@1", env: env() });
    const { repo, shas } = repoWithCommits(3);
    // Dry runs first (a real run changes what "the previous commit" is), then the real one.
    const dry = await setCommits({ version: "sc@1", local: true, dryRun: true, env: env(), cwd: repo.dir });
    expect(dry).toEqual(
      (await cliJson(["releases", "set-commits", "sc@1", "--local", "--dry-run"], { cwd: repo.dir })).doc,
    );
    const commits = await setCommits({ version: "sc@1", local: true, env: env(), cwd: repo.dir });
    expect(commits).toEqual({ ...dry, dryRun: undefined, requests: undefined });
    expect(commits).toMatchObject({ mode: "local", commits: [...shas].reverse() });
    const e = env({ SENTRY_RELEASE: "from-env@7" });
    const api = await proposeVersion({ prefix: "web@", env: e });
    expect(api).toEqual((await cliJson(["releases", "propose-version", "--prefix", "web@"], { env: e })).doc);
    expect(api.version).toBe("web@from-env@7");
  });

  it("explicit options override the environment, and a missing setting is a ConfigError with the CLI's document", async () => {
    const noOrg = env({ SENTRY_ORG: "" });
    delete noOrg.SENTRY_ORG;
    const err = await thrown(newRelease({ version: "x@1", env: noOrg }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ kind: "config", exitCode: 1 });
    const cli = await cliJson(["releases", "new", "x@1"], { env: noOrg });
    expect(cli.exitCode).toBe(1);
    // The same document, but the API names its option where the CLI names its flag.
    const flagNamed = (d: Record<string, unknown>) =>
      JSON.parse(JSON.stringify(d).replace("the `org` option", "--org"));
    expect(flagNamed(err.document)).toEqual(cli.doc);
    // The same call with org given as an option works.
    await expect(newRelease({ version: "x@1", org: "acme", env: noOrg })).resolves.toMatchObject({ created: true });
    // A wrong org named explicitly wins over SENTRY_ORG: the server answers 404.
    const notFound = await thrown(newRelease({ version: "x@2", org: "nope", env: env() }));
    expect(notFound).toBeInstanceOf(ApiError);
    expect(notFound).toMatchObject({ kind: "api", exitCode: 1, status: 404 });
  });

  it.each<[string, string, (e: Record<string, string | undefined>) => Promise<unknown>, string[], string, string]>([
    [
      "no organization",
      "SENTRY_ORG",
      (e) => newRelease({ version: "n@1", env: e }),
      ["releases", "new", "n@1"],
      "an organization is required: pass the `org` option, set SENTRY_ORG, add `org` under [defaults] in .sentryclirc, or use an org auth token",
      "an organization is required: pass --org, set SENTRY_ORG, add `org` under [defaults] in .sentryclirc, or use an org auth token",
    ],
    [
      "no project",
      "SENTRY_PROJECT",
      (e) => uploadSourcemaps({ paths: ["dist"], cwd: makeDist(), env: e }),
      ["sourcemaps", "upload", "dist"],
      "a project is required: pass the `project` option, set SENTRY_PROJECT, or add `project` under [defaults] in .sentryclirc",
      "a project is required: pass --project, set SENTRY_PROJECT, or add `project` under [defaults] in .sentryclirc",
    ],
    [
      "no auth token",
      "SENTRY_AUTH_TOKEN",
      (e) => newRelease({ version: "n@1", env: e }),
      ["releases", "new", "n@1"],
      "an auth token is required: pass the `authToken` option, set SENTRY_AUTH_TOKEN, or run `sentry-ship login`",
      "an auth token is required: pass --auth-token, set SENTRY_AUTH_TOKEN, or run `sentry-ship login`",
    ],
    [
      "no release for a deploy",
      "SENTRY_RELEASE",
      (e) => newDeploy({ environment: "prod", env: e }),
      ["deploys", "new", "-e", "prod"],
      "a release is required: pass the `release` option or set SENTRY_RELEASE",
      "a release is required: pass --release/-r or set SENTRY_RELEASE",
    ],
    [
      "no DSN",
      "SENTRY_DSN",
      (e) => sendEvent({ message: "m", env: e }),
      ["send-event", "-m", "m"],
      "DSN missing: pass the `dsn` option, set the SENTRY_DSN environment variable, or add `dsn` under [auth] in .sentryclirc",
      "DSN missing: pass --dsn, set the SENTRY_DSN environment variable, or add `dsn` under [auth] in .sentryclirc",
    ],
    [
      "a dist without a release",
      "SENTRY_RELEASE",
      (e) => uploadSourcemaps({ paths: ["dist"], dist: "7", cwd: makeDist(), env: e }),
      ["sourcemaps", "upload", "dist", "--dist", "7"],
      "the `dist` option requires a release (pass the `release` option)",
      "--dist requires a release (pass --release)",
    ],
  ])(
    "names the option, not the flag, when %s stops an API call",
    async (_what, unset, call, argv, apiMessage, cliMessage) => {
      const e = env();
      delete e[unset];
      const err = await thrown(call(e));
      expect(err.message).toBe(apiMessage);
      expect(err.document.error).toMatchObject({ message: apiMessage });
      const cli = await runCli(argv, { env: e, cwd: makeDist() });
      expect(cli.stderr).toBe(`error: ${cliMessage}\n`);
    },
  );

  it("names the option a rejected token or a bad URL came from", async () => {
    const token = "sntryu_" + "0".repeat(60) + "dead";
    const err = await thrown(newRelease({ version: "t@1", authToken: token, env: env() }));
    expect(err.message).toMatch(/— check the auth token from the `authToken` option \(sntryu_…dead\)$/);
    const cli = await runCli(["releases", "new", "t@1", "--auth-token", token], { env: env() });
    expect(cli.stderr).toMatch(/— check the auth token from --auth-token \(sntryu_…dead\)\n$/);

    const bad = await thrown(newRelease({ version: "t@1", url: "ftp://x", env: env() }));
    expect(bad.message).toContain("(from the `url` option)");
  });

  it("a bad version is a typed input or usage error, never a process exit", async () => {
    const err = await thrown(newRelease({ version: "bad/version\n", env: env() }));
    expect(["input", "usage"]).toContain(err.kind);
    expect(err.exitCode).toBeGreaterThan(0);
    expect(err instanceof InputError || err instanceof UsageError).toBe(true);
  });
});

describe("Node API deploys", () => {
  it("newDeploy and listDeploys equal deploys new/list --json", async () => {
    await newRelease({ version: "dep@1", env: env() });
    const times = { started: "2026-01-01T00:00:00Z", finished: "2026-01-01T00:10:00Z" };
    const api = await newDeploy({ release: "dep@1", environment: "production", name: "n1", ...times, env: env() });
    const cli = await cliJson([
      "deploys",
      "new",
      "-r",
      "dep@1",
      "-e",
      "production",
      "-n",
      "n1",
      "--started",
      times.started,
      "--finished",
      times.finished,
    ]);
    const withoutId = (d: Record<string, unknown>) => ({ ...d, deploy: { ...(d.deploy as object), id: "" } });
    expect(withoutId(api as unknown as Record<string, unknown>)).toEqual(withoutId(cli.doc));
    expect(api).toMatchObject({ deploy: { environment: "production", dateStarted: times.started } });
    const list = await listDeploys({ release: "dep@1", env: env() });
    expect(list).toEqual((await cliJson(["deploys", "list", "-r", "dep@1"])).doc);
    expect(list.deploys).toContainEqual(expect.objectContaining({ name: "n1", environment: "production" }));
  });
});

describe("Node API source maps", () => {
  it("injectSourcemaps returns the document sourcemaps inject --json prints for the same build", async () => {
    const a = makeDist();
    const b = tempDir("ship-inject-b-");
    cpSync(join(a, "dist"), join(b, "dist"), { recursive: true });
    const api = await injectSourcemaps({ paths: ["dist"], cwd: a });
    const cli = await cliJson(["sourcemaps", "inject", "dist"], { cwd: b });
    expect(api).toEqual(cli.doc);
    expect(api.modified.length).toBeGreaterThan(0);
    expect(readFileSync(join(a, "dist/app.min.js"), "utf8")).toBe(readFileSync(join(b, "dist/app.min.js"), "utf8"));
    // check on the injected build (its maps lack sources): the same failure and report both ways.
    const err = await thrown(checkSourcemaps({ paths: ["dist"], cwd: a }));
    const cli2 = await cliJson(["sourcemaps", "check", "dist"], { cwd: b });
    expect(err).toBeInstanceOf(InputError);
    expect(err.exitCode).toBe(cli2.exitCode);
    expect(err.document).toEqual(cli2.doc);
    expect(err.document).toMatchObject({ ok: false, errors: 3 });
  });

  it("uploadSourcemaps returns the document sourcemaps upload --json prints", async () => {
    const dir = makeDist();
    await injectSourcemaps({ paths: ["dist"], cwd: dir });
    // The first upload sends the chunks; after it both see the same server state.
    const first = await uploadSourcemaps({ paths: ["dist"], release: "up@1", cwd: dir, env: env() });
    expect(first.bundles).toHaveLength(1);
    expect(first.bytesSent).toBeGreaterThan(0);
    const cli = await cliJson(["sourcemaps", "upload", "dist", "--release", "up@1"], { cwd: dir });
    const api = await uploadSourcemaps({ paths: ["dist"], release: "up@1", cwd: dir, env: env() });
    expect(api).toEqual(cli.doc);
    expect(api).not.toHaveProperty("deleted");
  });

  it("uploadSourcemaps with non-default options equals sourcemaps upload --json with the same flags", async () => {
    // Three copies of one build: a first upload sends the chunks, so the CLI and the API then see
    // the same server state; each deletes its own maps once the server has confirmed the upload.
    const [warm, cliDir, apiDir] = [makeDist(), makeDist(), makeDist()];
    const options = {
      paths: ["dist"],
      release: "opts@1",
      dist: "web",
      urlPrefix: "~/static/",
      urlSuffix: "?v=1",
      stripPrefix: ["../"],
      ext: ["js", "map"],
      ignore: ["**/vendor*"],
      validate: true,
      rewrite: false,
      sourcemapReference: false,
      debugIdReference: true,
      strict: true,
      note: "built by ci",
      filesToDeleteAfterUpload: "dist/**/*.map",
    };
    const flags = [
      ...["sourcemaps", "upload", "dist", "--release", "opts@1", "--dist", "web", "--url-prefix", "~/static/"],
      ...["--url-suffix", "?v=1", "--strip-prefix", "../", "-x", "js", "-x", "map", "-i", "**/vendor*"],
      ...["--validate", "--no-rewrite", "--no-sourcemap-reference", "--debug-id-reference", "--strict"],
      ...["--note", "built by ci", "--delete-after-upload", "dist/**/*.map"],
    ];
    await uploadSourcemaps({ ...options, cwd: warm, env: env() });
    const cli = await cliJson(flags, { cwd: cliDir });
    expect(cli.exitCode, cli.stderr).toBe(0);
    const api = await uploadSourcemaps({ ...options, cwd: apiDir, env: env() });
    expect(api).toEqual(cli.doc);
    // The options took effect: .js and .map only, no vendor files, prefixed and suffixed URLs, maps deleted.
    const urls = api.files.map((f) => (f as { url: string }).url).sort();
    expect(urls).toEqual([
      "~/static/app.min.js.map?v=1",
      "~/static/app.min.js?v=1",
      "~/static/chunks/c.js.map?v=1",
      "~/static/chunks/c.js?v=1",
      "~/static/esm.mjs.map?v=1",
    ]);
    expect(api).toMatchObject({ dist: "web", sourcemapReferences: false, bytesSent: 0 });
    expect(api.skipped).toContainEqual({ path: "vendor.js", reason: "ignored" });
    // The glob names every map, uploaded or not; the CLI's copy lost the same files.
    expect(api.deleted).toEqual(DIST_MAPS);
    expect(existsSync(join(apiDir, "dist/app.min.js.map"))).toBe(false);
    expect(existsSync(join(cliDir, "dist/vendor.js.map"))).toBe(false);
    expect(existsSync(join(cliDir, "dist/vendor.js"))).toBe(true);
  });

  it("writes nothing without a logger and routes lines to the logger it is given", async () => {
    const dir = makeDist();
    const lines: Array<[string, string]> = [];
    const logger = {
      info: (m: string) => lines.push(["info", m]),
      warn: (m: string) => lines.push(["warn", m]),
    };
    await uploadSourcemaps({ paths: ["dist"], release: "log@1", cwd: dir, env: env(), logger, validate: true });
    expect(lines).toContainEqual(["info", "> Found 8 files"]);
    // Warnings arrive as warnings, without the CLI's "warning:" prefix.
    expect(lines).toContainEqual(["warn", "chunks/c.js.map: missing sourcecode (../../src/c.js)"]);
    expect(lines.some(([, m]) => m.includes(srv.server.token))).toBe(false);
  });

  it("runCommand runs the CLI in-process and returns its output and exit code", async () => {
    const r = await runCommand(["releases", "propose-version"], {
      env: env({ SENTRY_RELEASE: "in-process@1" }),
      cwd: tempDir(),
    });
    expect(r).toEqual({ exitCode: 0, stdout: "in-process@1\n", stderr: "" });
    const bad = await runCommand(["releases", "new"], { env: env(), cwd: tempDir() });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("error:");
  });
});

describe("deleting maps after the upload", () => {
  it("deletes the uploaded maps only after the server confirmed the upload (API and CLI flag)", async () => {
    const dir = makeDist();
    await injectSourcemaps({ paths: ["dist"], cwd: dir });
    const doc = await uploadSourcemaps({
      paths: ["dist"],
      release: "del@1",
      cwd: dir,
      env: env(),
      deleteMapsAfterUpload: true,
    });
    expect(doc.deleted).toEqual(DIST_MAPS);
    expect(existsSync(join(dir, "dist/app.min.js.map"))).toBe(false);
    expect(existsSync(join(dir, "dist/app.min.js"))).toBe(true);
    expect(doc.bundles[0]?.files).toBe(8);

    const dir2 = makeDist();
    const cli = await cliJson(
      ["sourcemaps", "upload", "dist", "--release", "del@2", "--delete-after-upload", "dist/**/*.map"],
      { cwd: dir2 },
    );
    expect(cli.exitCode).toBe(0);
    expect(cli.doc.deleted).toEqual(doc.deleted);
    expect(existsSync(join(dir2, "dist/vendor.js.map"))).toBe(false);
  });

  it("keeps every file when the upload fails or is a dry run", async () => {
    const dir = makeDist();
    srv.server.faults.failNext(/artifactbundle\/assemble/, 500, 10);
    const err = await thrown(
      uploadSourcemaps({
        paths: ["dist"],
        release: "del@3",
        cwd: dir,
        env: env({ SENTRY_HTTP_MAX_RETRIES: "0" }),
        deleteMapsAfterUpload: true,
      }),
    );
    srv.server.faults.clear();
    expect(err.kind).toBe("api");
    expect(existsSync(join(dir, "dist/app.min.js.map"))).toBe(true);
    const dry = await uploadSourcemaps({
      paths: ["dist"],
      release: "del@3",
      cwd: dir,
      env: env(),
      dryRun: true,
      deleteMapsAfterUpload: true,
    });
    expect(dry.deleted).toEqual([]);
    expect(existsSync(join(dir, "dist/app.min.js.map"))).toBe(true);
  });
});

describe("the package's own entry", () => {
  it("writes nothing to the real stdout or stderr", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "dist"));
    writeFileSync(join(dir, "dist/a.js"), "console.log(1)\n");
    const writes: string[] = [];
    // Standard input is not touched either (reading the getter would create the stream).
    const stdin = Object.getOwnPropertyDescriptor(process, "stdin")!;
    Object.defineProperty(process, "stdin", {
      configurable: true,
      get: () => {
        writes.push("stdin read");
        return stdin.get?.call(process);
      },
    });
    const orig = [process.stdout.write, process.stderr.write] as const;
    process.stdout.write = ((c: string) => writes.push(String(c)) > 0) as typeof process.stdout.write;
    process.stderr.write = ((c: string) => writes.push(String(c)) > 0) as typeof process.stderr.write;
    try {
      await injectSourcemaps({ paths: ["dist"], cwd: dir });
      await thrown(newRelease({ version: "q@1", env: { HOME: dir } }));
    } finally {
      [process.stdout.write, process.stderr.write] = orig;
      Object.defineProperty(process, "stdin", stdin);
    }
    expect(writes).toEqual([]);
  });
});

describe("options from JavaScript callers", () => {
  it("a paths option that is not an array of strings is a usage error", async () => {
    const err = await thrown(injectSourcemaps({ paths: "dist" as unknown as string[], cwd: tempDir() }));
    expect(err).toBeInstanceOf(UsageError);
    expect(err).toMatchObject({ kind: "usage", exitCode: 2 });
    expect(err.message).toBe("paths must be a non-empty array of strings (files or folders)");
  });
});

describe("Node API events", () => {
  it("sendEvent delivers through the DSN and returns send-event's document", async () => {
    const e = env({ SENTRY_DSN: srv.server.dsn });
    const cwd = tempDir();
    const api = await sendEvent({
      message: "hello from the API",
      level: "warning",
      tags: { area: "build" },
      env: e,
      cwd,
    });
    const cli = await cliJson(["send-event", "-m", "hello from the API", "--level", "warning", "-t", "area:build"], {
      env: e,
      cwd,
    });
    const noId = (d: unknown) => JSON.parse(JSON.stringify(d).replace(/"eventId":"[0-9a-f-]+"/g, '"eventId":"<id>"'));
    expect(noId(api)).toEqual(noId(cli.doc));
    const id = "events" in api ? api.events[0]?.eventId : undefined;
    expect(id).toMatch(/^[0-9a-f]{8}-/);
    const stored = srv.server.state.events.find((ev) => ev.id === id?.replaceAll("-", ""));
    expect(stored).toBeDefined();
  });
});
