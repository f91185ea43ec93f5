/**
 * Vite 8 with `build.minify: "terser"`: terser runs as Vite's own renderChunk plugin, not inside
 * Rolldown, so the chunks the plugin's addons frame were minified by another plugin. The whole
 * real-build suite runs on it.
 */
import { expect } from "vitest";
import { unhashed } from "../support/plugin-checks.js";
import { pluginSuite } from "../support/plugin-suite.js";

pluginSuite("vite8-terser", {
  check(plain, injected) {
    // terser's, not Oxc's: Oxc writes `throw TypeError(`item `+…` (no `new`, template literals).
    for (const b of [plain, injected]) {
      const price = [...b.js].find(([name]) => unhashed(name) === "price.js")?.[1];
      expect(price).toContain('throw new TypeError("item "+');
    }
  },
});
