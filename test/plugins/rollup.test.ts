import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { rollup } from "rollup";
import { describe, expect, it } from "vitest";
import { sentryShip } from "../../src/plugins/vite.js";
import { debugIdFromMap, findDebugId } from "../../src/sourcemaps/debug-id.js";
import { parseDataUrl, readSourceMapReference } from "../../src/sourcemaps/map-reference.js";
import { writePluginApp } from "../support/plugin-app.js";
import { pluginSuite } from "../support/plugin-suite.js";
import { tempDir } from "../support/runCli.js";

pluginSuite("rollup");

describe("the rollup plugin with other sourcemap modes", () => {
  async function build(sourcemap: "inline" | "hidden"): Promise<string> {
    const dir = tempDir("ship-rollup-modes-");
    writePluginApp(dir);
    const bundle = await rollup({
      input: join(dir, "src/index.js"),
      external: ["@sentry/node"],
      plugins: [sentryShip({ env: {}, cwd: dir, sourcemaps: { disable: true } }) as never],
    });
    await bundle.write({ dir: join(dir, "dist"), format: "cjs", sourcemap, chunkFileNames: "[name].[hash].js" });
    await bundle.close();
    return join(dir, "dist");
  }

  it("gives an inline map the chunk's debug id", async () => {
    const out = await build("inline");
    const files = readdirSync(out);
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    for (const f of files) {
      const code = readFileSync(join(out, f), "utf8");
      const ref = readSourceMapReference(code)!;
      const map = parseDataUrl(ref.url)!.json;
      expect(findDebugId(code), f).toBeDefined();
      expect(debugIdFromMap(map), f).toBe(findDebugId(code));
    }
  });

  it("gives a hidden map (no reference in the code) the chunk's debug id", async () => {
    const out = await build("hidden");
    const js = readdirSync(out).filter((f) => f.endsWith(".js"));
    expect(js.length).toBeGreaterThanOrEqual(3);
    for (const f of js) {
      const code = readFileSync(join(out, f), "utf8");
      expect(readSourceMapReference(code)).toBeUndefined();
      expect(debugIdFromMap(readFileSync(join(out, `${f}.map`), "utf8")), f).toBe(findDebugId(code));
    }
  });
});
