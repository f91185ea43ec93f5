import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sentryShip } from "../../src/plugins/vite.js";
import { debugIdFromMap, findDebugId } from "../../src/sourcemaps/debug-id.js";
import { parseDataUrl, readSourceMapReference } from "../../src/sourcemaps/map-reference.js";
import { runBuilt, writePluginApp } from "../support/plugin-app.js";
import { pluginSuite } from "../support/plugin-suite.js";
import { tempDir } from "../support/runCli.js";

pluginSuite("vite8");

describe("the vite plugin under Vite 8's Rolldown, other output options", () => {
  async function build(output: { strict?: boolean }, sourcemap: true | "inline"): Promise<string> {
    const { build: viteBuild } = await import("vite8");
    const dir = tempDir("ship-vite8-modes-");
    writePluginApp(dir);
    await viteBuild({
      root: dir,
      configFile: false,
      logLevel: "silent",
      plugins: [
        sentryShip({
          env: {},
          cwd: dir,
          silent: true,
          release: { name: "shop@8" },
          sourcemaps: { disable: true },
        }) as never,
      ],
      build: {
        ssr: join(dir, "src/index.js"),
        outDir: join(dir, "dist"),
        minify: true,
        sourcemap,
        rollupOptions: {
          external: ["@sentry/node"],
          output: { format: "cjs", ...output, entryFileNames: "[name].[hash].js", chunkFileNames: "[name].[hash].js" },
        },
      },
    });
    return join(dir, "dist");
  }

  it('keeps "use strict" first in a CommonJS chunk built with strict: true, and the app runs', async () => {
    const out = await build({ strict: true }, true);
    const js = readdirSync(out).filter((f) => f.endsWith(".js"));
    expect(js.length).toBeGreaterThanOrEqual(3);
    for (const f of js) {
      const code = readFileSync(join(out, f), "utf8");
      expect(code.startsWith('"use strict";!function(){try{'), f).toBe(true);
      expect(debugIdFromMap(readFileSync(join(out, `${f}.map`), "utf8")), f).toBe(findDebugId(code));
    }
    const entry = js.find((f) => f.startsWith("index."))!;
    expect(await runBuilt(join(out, entry))).toBe("a lamp costs 30 / release shop@8\n");
  });

  it("gives an inline map the chunk's debug id", async () => {
    const out = await build({}, "inline");
    const files = readdirSync(out);
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    for (const f of files) {
      const code = readFileSync(join(out, f), "utf8");
      const map = parseDataUrl(readSourceMapReference(code)!.url)!.json;
      expect(findDebugId(code), f).toBeDefined();
      expect(debugIdFromMap(map), f).toBe(findDebugId(code));
    }
  });
});
