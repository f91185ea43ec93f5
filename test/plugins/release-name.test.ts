/**
 * The release the plugins use when none is named: what `releases propose-version` proposes —
 * SENTRY_RELEASE, then a CI system's commit variable, then the git HEAD SHA — found in a real git
 * repository, injected into real builds of every bundler (the SDK reports it), and used for the
 * release steps; `release.inject` and `release.create` turn it off.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SentryShipPluginOptions } from "../../src/plugins/options.js";
import { makeRepo } from "../support/git.js";
import { runBuilt, writePluginApp } from "../support/plugin-app.js";
import { BUILDERS, type Bundler } from "../support/plugin-builds.js";
import { tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";

const CI_SHA = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567";

describe("the release the plugins propose when none is named", () => {
  const s = useServer();

  function options(dir: string, lines: string[], env: Record<string, string>): SentryShipPluginOptions {
    return {
      url: s.server.url,
      authToken: s.server.token,
      org: "acme",
      project: "frontend",
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", ...env },
      dryRun: true,
      logger: { info: (m) => lines.push(m), warn: (m) => lines.push(`warn: ${m}`) },
    };
  }
  const dryRun = (steps: string) => `[sentry-ship] dry run: ${steps} (nothing is sent, nothing deleted)`;

  for (const bundler of ["vite", "vite8", "rollup", "webpack", "rspack", "esbuild"] as Bundler[]) {
    it(`${bundler}: the git HEAD SHA, a CI commit variable before it, SENTRY_RELEASE before both, and none when release injection and creation are off`, async () => {
      const dir = tempDir(`ship-${bundler}-release-`);
      writePluginApp(dir);
      writeFileSync(join(dir, ".gitignore"), "node_modules\ndist-*\n");
      const sha = makeRepo({ dir }).commit("the app");
      const build = BUILDERS[bundler];

      const fromGit: string[] = [];
      const a = await build(dir, "dist-git", options(dir, fromGit, {}));
      expect(await runBuilt(a.entry)).toBe(`a lamp costs 30 / release ${sha}\n`);
      expect(fromGit[0]).toBe(dryRun("create release, upload, finalize release"));

      const fromCi: string[] = [];
      const b = await build(dir, "dist-ci", options(dir, fromCi, { GITHUB_ACTIONS: "true", GITHUB_SHA: CI_SHA }));
      expect(await runBuilt(b.entry)).toBe(`a lamp costs 30 / release ${CI_SHA}\n`);
      expect(fromCi[0]).toBe(dryRun("create release, upload, finalize release"));

      const fromEnv: string[] = [];
      const withAll = { GITHUB_ACTIONS: "true", GITHUB_SHA: CI_SHA, SENTRY_RELEASE: "shop@env-1" };
      const e = await build(dir, "dist-env", options(dir, fromEnv, withAll));
      expect(await runBuilt(e.entry)).toBe("a lamp costs 30 / release shop@env-1\n");
      expect(fromEnv[0]).toBe(dryRun("create release, upload, finalize release"));

      const off: string[] = [];
      const c = await build(dir, "dist-off", {
        ...options(dir, off, withAll),
        release: { inject: false, create: false },
      });
      expect(await runBuilt(c.entry)).toBe("a lamp costs 30 / release undefined\n");
      expect(off[0]).toBe(dryRun("upload"));
    }, 120_000);
  }

  it("has no release outside a git repository without CI variables: debug ids only", async () => {
    const dir = tempDir("ship-norelease-");
    writePluginApp(dir);
    const lines: string[] = [];
    const built = await BUILDERS.rollup(dir, "dist", options(dir, lines, {}));
    expect(await runBuilt(built.entry)).toBe("a lamp costs 30 / release undefined\n");
    expect(lines[0]).toBe(dryRun("upload"));
  }, 60_000);
});
