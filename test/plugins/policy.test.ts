/**
 * The plugins' after-build policy, on real Rollup builds against `serve`: a dry run sends and
 * deletes nothing; a failed upload fails the build by default, only warns with onError "warn",
 * goes to errorHandler when one is given, and in every case deletes no map.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SentryShipPluginOptions } from "../../src/plugins/options.js";
import { writePluginApp } from "../support/plugin-app.js";
import { buildRollup } from "../support/plugin-builds.js";
import { tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";

describe("the plugins' failure policy and dry run", () => {
  const s = useServer();

  function setup(version: string) {
    const dir = tempDir("ship-policy-");
    writePluginApp(dir);
    const lines: string[] = [];
    const options: SentryShipPluginOptions = {
      url: s.server.url,
      authToken: s.server.token,
      org: "acme",
      project: "frontend",
      cwd: dir,
      env: {},
      logger: { info: (m) => lines.push(`info: ${m}`), warn: (m) => lines.push(`warn: ${m}`) },
      release: { name: version },
      sourcemaps: { filesToDeleteAfterUpload: "dist/*.map" },
    };
    const maps = () => readdirSync(join(dir, "dist")).filter((n) => n.endsWith(".map")).length;
    return { dir, lines, options, maps };
  }

  async function releaseStatus(version: string): Promise<number> {
    const res = await fetch(`${s.server.url}/api/0/organizations/acme/releases/${encodeURIComponent(version)}/`, {
      headers: { Authorization: `Bearer ${s.server.token}` },
    });
    await res.arrayBuffer();
    return res.status;
  }

  it("sends nothing and deletes nothing on a dry run, and says what it would do", async () => {
    const { dir, lines, options, maps } = setup("shop@dry-1");
    const bundles = s.server.state.bundles.length;
    await buildRollup(dir, "dist", { ...options, dryRun: true });
    expect(s.server.state.bundles.length).toBe(bundles);
    expect(await releaseStatus("shop@dry-1")).toBe(404);
    expect(maps()).toBe(4);
    expect(lines[0]).toBe(
      "info: [sentry-ship] dry run: create release, upload, finalize release (nothing is sent, nothing deleted)",
    );
    expect(lines[1]).toMatch(/^info: \[sentry-ship\] would upload 8 files$/);
  });

  it("fails the build when the upload fails, and keeps the maps", async () => {
    const { dir, options, maps } = setup("shop@fail-1");
    s.server.faults.failNext(/artifactbundle\/assemble/, 400, 1, { body: { error: "broken on purpose" } });
    await expect(buildRollup(dir, "dist", options)).rejects.toThrow(/^sentry-ship: .*400/);
    expect(maps()).toBe(4);
    // The release was created before the upload, and is not finalized.
    expect(await releaseStatus("shop@fail-1")).toBe(200);
  });

  it('only warns with onError "warn", and keeps the maps', async () => {
    const { dir, lines, options, maps } = setup("shop@warn-1");
    s.server.faults.failNext(/artifactbundle\/assemble/, 400, 1, { body: { error: "broken on purpose" } });
    const built = await buildRollup(dir, "dist", { ...options, onError: "warn" });
    expect(existsSync(built.entry)).toBe(true);
    expect(maps()).toBe(4);
    expect(lines.filter((l) => l.startsWith("warn:"))).toEqual([
      expect.stringMatching(/^warn: \[sentry-ship\] .*400.* \(the build goes on: onError is "warn"\)$/),
    ]);
  });

  it("hands the error to errorHandler instead", async () => {
    const { dir, options, maps } = setup("shop@handler-1");
    s.server.faults.failNext(/artifactbundle\/assemble/, 400, 1, { body: { error: "broken on purpose" } });
    const errors: Error[] = [];
    await buildRollup(dir, "dist", { ...options, errorHandler: (e) => errors.push(e) });
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error & { kind?: string }).kind).toBe("api");
    expect(maps()).toBe(4);
  });
});
