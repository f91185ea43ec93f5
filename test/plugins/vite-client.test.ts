/**
 * A Vite client build (index.html, an entry that loads modules on demand): Vite rewrites the
 * entry chunk for its preload helper in its own generateBundle and makes that chunk's map anew —
 * the map file, or the inline `data:` URL — so the map must keep the debug id the chunk carries,
 * and its mappings must stay those of the chunk as injected. Vite 7 (Rollup) and Vite 8 (Rolldown).
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sentryShip } from "../../src/plugins/vite.js";
import { checkDebugIds, checkSameMappings, readBuild, readInlineBuild, unhashed } from "../support/plugin-checks.js";
import { tempDir } from "../support/runCli.js";

const root = join(import.meta.dirname, "..", "..");

function writeClientApp(dir: string): void {
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "index.html"), '<!doctype html><script type="module" src="/src/main.js"></script>\n');
  writeFileSync(
    join(dir, "src", "main.js"),
    [
      'import { price } from "./price.js";',
      "document.title = String(price(3));",
      'import("./lazy.js").then((m) => m.run());',
      'document.body.onclick = () => import("./cart.js").then((m) => m.open());',
      "",
    ].join("\n"),
  );
  writeFileSync(join(dir, "src", "price.js"), "export function price(n) {\n  return n * 2;\n}\n");
  writeFileSync(join(dir, "src", "lazy.js"), 'export function run() {\n  console.log("lazy");\n}\n');
  writeFileSync(join(dir, "src", "cart.js"), 'export function open() {\n  console.log("cart", Date.now());\n}\n');
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
}

type Sourcemap = true | "inline";

describe.each(["vite", "vite8"])("a %s client build with chunks loaded on demand", (pkg) => {
  async function build(dir: string, out: string, sourcemap: Sourcemap, withPlugin: boolean): Promise<string> {
    const { build: viteBuild } = (await import(pkg)) as { build(config: object): Promise<unknown> };
    const outDir = join(dir, out);
    const plugin = sentryShip({ env: {}, cwd: dir, release: { name: "shop@1.0.0" }, sourcemaps: { disable: true } });
    await viteBuild({
      root: dir,
      configFile: false,
      logLevel: "silent",
      build: {
        sourcemap,
        outDir,
        // Dotted hashes, as the shared checks read them (`name.HASH.js`).
        rollupOptions: {
          output: { entryFileNames: "assets/[name].[hash].js", chunkFileNames: "assets/[name].[hash].js" },
        },
      },
      plugins: withPlugin ? [plugin] : [],
    });
    return outDir;
  }

  it.each([
    [true, readBuild],
    ["inline", readInlineBuild],
  ] as const)(
    "with sourcemap: %s, every chunk's map carries its chunk's debug id and maps as before injection",
    async (sourcemap, read) => {
      const dir = tempDir(`ship-${pkg}-client-`);
      writeClientApp(dir);
      const plain = read(await build(dir, "dist-plain", sourcemap, false));
      const injected = read(await build(dir, "dist", sourcemap, true));
      expect([...injected.js.keys()].map(unhashed).sort()).toEqual([
        "assets/cart.js",
        "assets/index.js",
        "assets/lazy.js",
      ]);
      checkDebugIds(injected);
      expect(checkSameMappings(plain, injected)).toBeGreaterThan(10);
    },
    60_000,
  );
});
