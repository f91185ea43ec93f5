/**
 * What users rely on from content-hashed names, proven on real builds of every bundler: a name
 * stands for exactly one content. Identical builds are byte-identical; changing one source module
 * changes the names (and bytes) of exactly the chunks the bundler itself renames without the
 * plugin, and leaves every other chunk's name and bytes as they were; changing the release
 * changes every chunk's bytes, and so every name.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PLUGIN_APP_SOURCES, readTree, writePluginApp } from "../support/plugin-app.js";
import { BUILDERS, type Bundler } from "../support/plugin-builds.js";
import { unhashed } from "../support/plugin-checks.js";
import { tempDir } from "../support/runCli.js";

/** JS chunk (name without its hash) → its hashed name and bytes. */
function chunks(outDir: string): Map<string, { name: string; bytes: Buffer }> {
  const out = new Map<string, { name: string; bytes: Buffer }>();
  for (const [name, bytes] of readTree(outDir)) if (/\.m?js$/.test(name)) out.set(unhashed(name), { name, bytes });
  return out;
}

/** The chunks whose name differs between two builds; asserts that a name kept means bytes kept. */
function renamed(a: Map<string, { name: string; bytes: Buffer }>, b: Map<string, { name: string; bytes: Buffer }>) {
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  const out: string[] = [];
  for (const [key, x] of a) {
    const y = b.get(key)!;
    if (x.name !== y.name) out.push(key);
    else expect(y.bytes.equals(x.bytes), `${x.name}: the same name, the same bytes`).toBe(true);
  }
  return out.sort();
}

describe("content-hashed names with the plugin", () => {
  for (const bundler of ["vite", "vite8", "rollup", "webpack", "rspack", "esbuild"] as Bundler[]) {
    it(`${bundler}: a name changes exactly when the chunk's bytes change`, async () => {
      const dir = tempDir(`ship-${bundler}-hashes-`);
      writePluginApp(dir);
      const build = BUILDERS[bundler];
      const plugin = (release: string) => ({ release: { name: release }, cwd: dir, env: {}, silent: true });

      const plainBefore = chunks((await build(dir, "plain-1", false)).outDir);
      const before = chunks((await build(dir, "with-1", plugin("shop@1"))).outDir);
      const again = chunks((await build(dir, "with-1-again", plugin("shop@1"))).outDir);
      // Identical builds: identical names and bytes.
      expect(renamed(before, again)).toEqual([]);

      // One module changes: the bundler renames some chunks without the plugin; the plugin build
      // renames the same ones, and keeps the others byte for byte.
      writeFileSync(join(dir, "src/report.js"), PLUGIN_APP_SOURCES["src/report.js"]!.replace("a lamp", "one lamp"));
      const plainAfter = chunks((await build(dir, "plain-2", false)).outDir);
      const after = chunks((await build(dir, "with-2", plugin("shop@1"))).outDir);
      const changed = renamed(plainBefore, plainAfter);
      expect(changed.length).toBeGreaterThan(0);
      expect(changed.length).toBeLessThan(after.size);
      expect(renamed(before, after)).toEqual(changed);
      for (const key of changed) expect(after.get(key)!.bytes.equals(before.get(key)!.bytes), key).toBe(false);

      // Another release: every chunk carries it, so every name changes.
      const released = chunks((await build(dir, "with-3", plugin("shop@2"))).outDir);
      expect(renamed(after, released)).toEqual([...after.keys()].sort());
    }, 120_000);
  }
});
