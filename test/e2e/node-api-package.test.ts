/**
 * The published package as a user's TypeScript project consumes it: a fixture project in a
 * temporary folder installs sentry-ship by symlink (as `npm install <folder>` does), imports it by
 * name — resolved through package.json's `exports` map to dist/index.js and its declarations — and
 * must type-check (declarations included: skipLibCheck off) and run. Its results must equal the
 * documents the built CLI prints with `--json` for the same inputs, against the same `serve`.
 */
import { execFile, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";
import { makeDist } from "../support/upload-fixtures.js";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin", "sentry-ship.js");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const srv = useServer();

const PROGRAM = `
import {
  ConfigError,
  injectSourcemaps,
  newRelease,
  proposeVersion,
  SentryCli,
  type InjectDocument,
  type SentryOptions,
  type SentryShipError,
} from "sentry-ship";

const options: SentryOptions = { cwd: process.argv[2] };
const inject: InjectDocument = await injectSourcemaps({ ...options, paths: ["dist"], dryRun: true });
const release = await newRelease({ ...options, version: "pkg@1.0.0" });
const proposed = await proposeVersion({ ...options, prefix: "web@" });
let failure: unknown;
try {
  await newRelease({ ...options, version: "pkg@2.0.0", env: { HOME: process.argv[2] } });
} catch (e) {
  const err = e as SentryShipError;
  failure = { isConfigError: err instanceof ConfigError, kind: err.kind, exitCode: err.exitCode, document: err.document };
}
const compat: string = await new SentryCli(null, { silent: true }).releases.proposeVersion();

// The declarations are real types, not any (type-checked, never run):
export async function typeErrors() {
  // @ts-expect-error paths must be a string array
  await injectSourcemaps({ paths: "dist" });
  // @ts-expect-error there is no such option
  await newRelease({ version: "x", finalise: true });
}
const version: string = proposed.version;

process.stdout.write(JSON.stringify({ inject, release, proposed, version, failure, compat }));
`;

function fixture(): string {
  const dir = tempDir("ship-consumer-");
  mkdirSync(join(dir, "node_modules", "@types"), { recursive: true });
  symlinkSync(root, join(dir, "node_modules", "sentry-ship"), "dir");
  symlinkSync(join(root, "node_modules", "@types", "node"), join(dir, "node_modules", "@types", "node"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        skipLibCheck: false,
        types: ["node"],
        outDir: "out",
      },
      include: ["index.ts"],
    }),
  );
  writeFileSync(join(dir, "index.ts"), PROGRAM);
  return dir;
}

// Asynchronous on purpose: the server runs in this process and must answer while a child waits on it.
const run = promisify(execFile);

async function cli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Record<string, unknown>> {
  const r = await run(process.execPath, [bin, ...args, "--json"], { env, cwd, encoding: "utf8" }).catch(
    (e: { stdout: string }) => e,
  );
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe("the package's Node API, as a TypeScript project consumes it", () => {
  it("type-checks against the published declarations, runs, and returns what the CLI prints with --json", {
    timeout: 120_000,
  }, async () => {
    const dir = fixture();
    const tc = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
    expect(tc.stdout + tc.stderr).toBe("");
    expect(tc.status).toBe(0);

    const work = makeDist();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: tempDir("ship-home-"),
      SENTRY_LOAD_DOTENV: "0",
      SENTRY_RELEASE: "from-env@3",
      ...srv.env(),
    };
    // The release exists before the program runs, so the program and the CLI after it both get 208.
    await cli(["releases", "new", "pkg@1.0.0"], env, work);
    const out = JSON.parse((await run(process.execPath, [join(dir, "out", "index.js"), work], { env })).stdout);

    const copy = tempDir("ship-consumer-copy-");
    cpSync(join(work, "dist"), join(copy, "dist"), { recursive: true });
    expect(out.inject).toEqual(await cli(["sourcemaps", "inject", "dist", "--dry-run"], env, copy));
    expect(out.inject.modified.length).toBeGreaterThan(0);
    expect(out.release).toEqual(await cli(["releases", "new", "pkg@1.0.0"], env, work));
    expect(out.release).toMatchObject({ ok: true, created: false });
    expect(out.proposed).toEqual(await cli(["releases", "propose-version", "--prefix", "web@"], env, work));
    expect(out.version).toBe("web@from-env@3");
    expect(out.compat).toBe("from-env@3");
    const noConfig = { PATH: process.env.PATH, HOME: work, SENTRY_LOAD_DOTENV: "0" };
    // The CLI's document, with the API's name for the setting where the CLI names its flag.
    const cliFailure = await cli(["releases", "new", "pkg@2.0.0"], noConfig, work);
    expect(JSON.stringify(cliFailure)).toContain("pass --org,");
    expect(out.failure).toEqual({
      isConfigError: true,
      kind: "config",
      exitCode: 1,
      document: JSON.parse(JSON.stringify(cliFailure).replace("pass --org,", "pass the `org` option,")),
    });
  });
});
