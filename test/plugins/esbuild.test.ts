import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { sentryShip } from "../../src/plugins/esbuild.js";
import { writePluginApp } from "../support/plugin-app.js";
import { checkDebugIds } from "../support/plugin-checks.js";
import { pluginSuite } from "../support/plugin-suite.js";
import { tempDir } from "../support/runCli.js";

pluginSuite("esbuild");

describe("the esbuild plugin with write: false", () => {
  it("injects the output files in memory, the same bytes as a build that writes", async () => {
    const dir = tempDir("ship-esbuild-mem-");
    writePluginApp(dir);
    const memory = async () => {
      const r = await build({
        entryPoints: [join(dir, "src/index.js")],
        bundle: true,
        splitting: true,
        format: "esm",
        platform: "node",
        minify: true,
        sourcemap: true,
        external: ["@sentry/node"],
        outdir: join(dir, "out"),
        entryNames: "[name].[hash]",
        chunkNames: "[name].[hash]",
        write: false,
        logLevel: "silent",
        plugins: [sentryShip({ release: { name: "shop@1.2.3" } })],
      });
      return r.outputFiles;
    };
    const files = await memory();
    const js = new Map(files.filter((f) => f.path.endsWith(".js")).map((f) => [f.path, f.text]));
    const maps = new Map(files.filter((f) => f.path.endsWith(".map")).map((f) => [f.path, JSON.parse(f.text)]));
    expect(checkDebugIds({ js, maps }).size).toBe(4);
    // The contents agree with the text, and a second build gives the same bytes.
    for (const f of files) expect(Buffer.from(f.contents).toString("utf8")).toBe(f.text);
    const again = await memory();
    expect(again.map((f) => [f.path, f.text])).toEqual(files.map((f) => [f.path, f.text]));
  });
});
