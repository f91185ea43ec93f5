/**
 * What the plugins upload, on real Rollup builds (dry runs against `serve`): `sourcemaps.ignore`
 * holds globs relative to `cwd`, as the options table says and the official plugins read them —
 * with the output folder uploaded and with `sourcemaps.assets` naming the files.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SentryShipPluginOptions } from "../../src/plugins/options.js";
import { writePluginApp } from "../support/plugin-app.js";
import { buildRollup } from "../support/plugin-builds.js";
import { tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";

describe("the plugins' upload selection", () => {
  const s = useServer();

  async function wouldUpload(sourcemaps: SentryShipPluginOptions["sourcemaps"]): Promise<string[]> {
    const dir = tempDir("ship-select-");
    writePluginApp(dir);
    const lines: string[] = [];
    await buildRollup(dir, "dist", {
      url: s.server.url,
      authToken: s.server.token,
      org: "acme",
      project: "frontend",
      cwd: dir,
      env: {},
      logger: { info: (m) => lines.push(m), warn: (m) => lines.push(`warn: ${m}`) },
      release: { name: "shop@select-1" },
      sourcemaps,
      dryRun: true,
    });
    const entry = readdirSync(join(dir, "dist")).filter((n) => n.startsWith("index."));
    expect(entry).toHaveLength(2); // the entry chunk and its map
    return lines.filter((l) => /would upload/.test(l));
  }

  it("leaves out what sourcemaps.ignore matches relative to cwd, from the output folder", async () => {
    expect(await wouldUpload({ ignore: "dist/index.*" })).toEqual(["[sentry-ship] would upload 6 files"]);
  });

  it("leaves out what sourcemaps.ignore matches relative to cwd, from sourcemaps.assets", async () => {
    expect(await wouldUpload({ assets: "dist/**", ignore: ["dist/index.*"] })).toEqual([
      "[sentry-ship] would upload 6 files",
    ]);
  });

  it("still takes an ignore pattern without a folder as matching anywhere in the output folder", async () => {
    expect(await wouldUpload({ ignore: "index.*" })).toEqual(["[sentry-ship] would upload 6 files"]);
  });
});
