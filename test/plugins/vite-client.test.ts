/**
 * A Vite client build (index.html, an entry that loads a module on demand): Vite rewrites the
 * entry chunk for its preload helper in its own generateBundle and writes that chunk's map anew,
 * so the map must keep the debug id the chunk carries. Vite 7 (Rollup) and Vite 8 (Rolldown).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sentryShip } from "../../src/plugins/vite.js";
import { tempDir } from "../support/runCli.js";

function writeClientApp(dir: string): void {
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "index.html"), '<!doctype html><script type="module" src="/src/main.js"></script>\n');
  writeFileSync(
    join(dir, "src", "main.js"),
    'import { price } from "./price.js";\ndocument.title = String(price(3));\nimport("./lazy.js").then((m) => m.run());\n',
  );
  writeFileSync(join(dir, "src", "price.js"), "export function price(n) {\n  return n * 2;\n}\n");
  writeFileSync(join(dir, "src", "lazy.js"), 'export function run() {\n  console.log("lazy");\n}\n');
}

describe.each(["vite", "vite8"])("a %s client build with a chunk loaded on demand", (pkg) => {
  it("gives every chunk's map the debug id of its chunk, the entry's included", async () => {
    const dir = tempDir("ship-vite-client-");
    writeClientApp(dir);
    const { build } = (await import(pkg)) as { build(config: object): Promise<unknown> };
    await build({
      root: dir,
      configFile: false,
      logLevel: "silent",
      build: { sourcemap: true, outDir: join(dir, "dist") },
      plugins: [sentryShip({ env: {}, cwd: dir, release: { name: "shop@1.0.0" }, sourcemaps: { disable: true } })],
    });
    const assets = join(dir, "dist", "assets");
    const scripts = readdirSync(assets).filter((n) => n.endsWith(".js"));
    expect(scripts.map((n) => n.replace(/-[\w-]+\.js$/, "")).sort()).toEqual(["index", "lazy"]);
    for (const name of scripts) {
      const id = /\/\/# debugId=([0-9a-f-]{36})/.exec(readFileSync(join(assets, name), "utf8"))?.[1];
      expect(id, name).toBeDefined();
      const map = JSON.parse(readFileSync(join(assets, `${name}.map`), "utf8")) as { debugId?: string };
      expect(map.debugId, `${name}.map`).toBe(id);
    }
  });
});
