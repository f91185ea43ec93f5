/**
 * Vite 8 (Rolldown) puts the plugin's snippet line first in a chunk (output.postBanner), before
 * the directives Rolldown opens the chunk with — with the default `output.strict: "auto"`, those
 * of the entry module's source. The line repeats them, so the chunk keeps its directive prologue
 * and its mode: real builds of the plugin app whose entry (and one dynamic import) start with
 * "use strict", and that reports whether it runs strict.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { directivePrologue } from "../../src/sourcemaps/snippet.js";
import { PLUGIN_APP_SOURCES, readTree, runBuilt, writePluginApp } from "../support/plugin-app.js";
import { buildVite8, type ViteVariant } from "../support/plugin-builds.js";
import { checkDebugIds, checkSameMappings, readBuild, unhashed } from "../support/plugin-checks.js";
import { tempDir } from "../support/runCli.js";

const SNIPPET = "!function(){try{";

/** The plugin app with `"use strict"` opening the entry and cart.js; the entry says whether it runs strict. */
function writeStrictApp(dir: string): void {
  writePluginApp(dir);
  const index = PLUGIN_APP_SOURCES["src/index.js"]!.replace(
    "Sentry.init(",
    'console.log("strict " + (function () { return this === undefined; })());\nSentry.init(',
  );
  writeFileSync(join(dir, "src/index.js"), `"use strict";\n${index}`);
  writeFileSync(join(dir, "src/cart.js"), `'use strict'\n${PLUGIN_APP_SOURCES["src/cart.js"]}`);
}

/** Each JS file (name without its hash) → the directives it opens with, and what follows them. */
function prologues(outDir: string): Map<string, { directives: string[]; rest: string }> {
  const out = new Map<string, { directives: string[]; rest: string }>();
  for (const [name, code] of readBuild(outDir).js) {
    const p = directivePrologue(code);
    out.set(unhashed(name), { directives: p.directives.map((d) => d.text), rest: code.slice(p.end, p.end + 40) });
  }
  return out;
}

describe("the vite plugin under Vite 8's Rolldown, with a source-level directive prologue", () => {
  const plugin = { env: {}, cwd: "", silent: true, release: { name: "shop@8" }, sourcemaps: { disable: true } };

  it('strict: "auto" — the entry chunk keeps its "use strict" first and runs strict; names, bytes and mappings hold', async () => {
    const dir = tempDir("ship-vite8-directives-");
    writeStrictApp(dir);
    const warnings: string[] = [];
    const variant: ViteVariant = { minify: true, strict: "auto", onWarning: (m) => warnings.push(m) };
    const options = { ...plugin, cwd: dir };
    const a = await buildVite8(dir, "dist-a", options, variant);
    const b = await buildVite8(dir, "dist-b", options, variant);
    const plain = await buildVite8(dir, "dist-plain", false, variant);
    expect(warnings.filter((w) => w.includes("sentry-ship"))).toEqual([]);

    // Rolldown opens the entry chunk with the entry's directive, and the dynamic import's chunk
    // (cart.js) with none; the plugin's chunks open the same, the snippet line right after.
    const want = prologues(plain.outDir);
    expect(want.get("index.js")?.directives).toEqual(["use strict"]);
    expect(want.get("cart.js")?.directives).toEqual([]);
    const got = prologues(a.outDir);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [name, p] of got) {
      expect(p.directives, name).toEqual(want.get(name)!.directives);
      expect(p.rest.startsWith(SNIPPET), `${name}: the snippet follows the directives`).toBe(true);
    }

    const treeA = readTree(a.outDir);
    const treeB = readTree(b.outDir);
    expect([...treeB.keys()]).toEqual([...treeA.keys()]);
    for (const [name, bytes] of treeA) expect(treeB.get(name)!.equals(bytes), name).toBe(true);
    const injected = readBuild(a.outDir);
    checkDebugIds(injected);
    expect(checkSameMappings(readBuild(plain.outDir), injected)).toBeGreaterThan(20);

    expect(await runBuilt(a.entry)).toBe("strict true\na lamp costs 30 / release shop@8\n");
    expect(await runBuilt(plain.entry)).toBe("strict true\na lamp costs 30 / release undefined\n");
  }, 60_000);

  it("strict: false — Rolldown drops the directive, and the snippet line adds none", async () => {
    const dir = tempDir("ship-vite8-directives-off-");
    writeStrictApp(dir);
    const built = await buildVite8(dir, "dist", { ...plugin, cwd: dir }, { minify: true, strict: false });
    for (const [name, p] of prologues(built.outDir)) {
      expect(p.directives, name).toEqual([]);
      expect(p.rest.startsWith(SNIPPET), name).toBe(true);
    }
    expect(await runBuilt(built.entry)).toBe("strict false\na lamp costs 30 / release shop@8\n");
  }, 60_000);

  it('ES module output keeps a "use client" directive first and drops "use strict" as Rolldown does', async () => {
    const dir = tempDir("ship-vite8-directives-esm-");
    writeStrictApp(dir);
    writeFileSync(join(dir, "src/index.js"), `"use client";\n"use strict";\n${PLUGIN_APP_SOURCES["src/index.js"]}`);
    const variant: ViteVariant = { minify: true, format: "es" };
    const built = await buildVite8(dir, "dist", { ...plugin, cwd: dir }, variant);
    const plain = await buildVite8(dir, "dist-plain", false, variant);
    const want = prologues(plain.outDir);
    expect(want.get("index.js")?.directives).toEqual(["use client"]);
    for (const [name, p] of prologues(built.outDir)) {
      expect(p.directives, name).toEqual(want.get(name)!.directives);
      expect(p.rest.startsWith(SNIPPET), name).toBe(true);
    }
  }, 60_000);

  it("warns when the chunk Rolldown rendered opens with other directives than the snippet line repeats", async () => {
    const dir = tempDir("ship-vite8-directives-warn-");
    writeStrictApp(dir);
    const warnings: string[] = [];
    // A plugin that adds a directive to every chunk after Rolldown rendered it.
    const addsDirective = {
      name: "adds-directive",
      renderChunk: (code: string) => ({ code: `"use client";\n${code}`, map: null }),
    };
    await buildVite8(
      dir,
      "dist",
      { ...plugin, cwd: dir },
      { minify: true, plugins: [addsDirective], onWarning: (m) => warnings.push(m) },
    );
    const ours = warnings.filter((w) => w.includes("sentry-ship")).sort();
    expect(ours).toHaveLength(4);
    expect(ours[0]).toMatch(
      /^sentry-ship: cart\.[^ ]+\.js: Rolldown opened the chunk with "use client";, but the debug-id line that goes before them repeats none, so the chunk's directive prologue is the line's$/,
    );
  }, 60_000);
});
