/**
 * The real-build checks every bundler plugin passes, as one suite each bundler's test file runs:
 * two builds with the plugin and one without, of the same multi-chunk app.
 */
import { describe, expect, it } from "vitest";
import { readTree, runBuilt, writePluginApp } from "./plugin-app.js";
import { BUILDERS, type Bundler } from "./plugin-builds.js";
import { checkDebugIds, checkSameMappings, readBuild, unhashed } from "./plugin-checks.js";
import { tempDir } from "./runCli.js";

export function pluginSuite(bundler: Bundler): void {
  const build = BUILDERS[bundler];

  describe(`the ${bundler} plugin, in a real build`, () => {
    it("injects one debug id per chunk before hashing: stable names and bytes, maps intact, the app runs", async () => {
      const dir = tempDir(`ship-${bundler}-`);
      writePluginApp(dir);
      const options = { release: { name: "shop@1.2.3" } };
      const a = await build(dir, "dist-a", options);
      const b = await build(dir, "dist-b", options);
      const plain = await build(dir, "dist-plain", false);

      // Two builds: the same names, the same bytes.
      const treeA = readTree(a.outDir);
      const treeB = readTree(b.outDir);
      expect([...treeB.keys()]).toEqual([...treeA.keys()]);
      for (const [name, bytes] of treeA) expect(treeB.get(name)!.equals(bytes), name).toBe(true);

      const injected = readBuild(a.outDir);
      const plainFiles = readBuild(plain.outDir);
      const ids = checkDebugIds(injected);
      expect(ids.size).toBe(plainFiles.js.size);
      // Every mapping of the build without the plugin resolves the same through the plugin's maps.
      expect(checkSameMappings(plainFiles, injected)).toBeGreaterThan(20);
      hashCheck(bundler, plainFiles, injected);

      // It runs: the error is caught, the other chunk loads, and the SDK took the injected release.
      expect(await runBuilt(a.entry)).toBe("a lamp costs 30 / release shop@1.2.3\n");
      expect(await runBuilt(plain.entry)).toBe("a lamp costs 30 / release undefined\n");
    }, 120_000);
  });
}

/**
 * Where the bundler hashes after the plugin ran, a chunk's name changes with the injected bytes:
 * no injected chunk keeps the name it has in the build without the plugin.
 */
function hashCheck(bundler: Bundler, plain: ReturnType<typeof readBuild>, injected: ReturnType<typeof readBuild>) {
  const plainNames = new Set(plain.js.keys());
  const kept = [...injected.js.keys()].filter((n) => plainNames.has(n));
  if (bundler === "esbuild") expect(kept.map(unhashed).sort()).toEqual([...injected.js.keys()].map(unhashed).sort());
  else expect(kept).toEqual([]);
}
