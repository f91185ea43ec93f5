import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runInjection } from "../../src/sourcemaps/inject.js";
import { renderResolve, resolveSourceMap } from "../../src/sourcemaps/resolve.js";
import { write, writeIndexFixture } from "../support/inject-fixtures.js";
import { tempDir } from "../support/runCli.js";

describe("resolveSourceMap", () => {
  it("resolves through an index map and says it is indexed", async () => {
    const dir = tempDir("resolve-");
    writeIndexFixture(dir);
    const r = await resolveSourceMap(join(dir, "indexed.js.map"), "indexed.js.map", 2, 5);
    expect(r.type).toBe("indexed");
    expect(r.token).toMatchObject({ line: 2, column: 5, name: "r", source: "../src/b.ts", originalLine: 1 });
  });

  it("takes the last token of an earlier line when the line has none", async () => {
    const dir = tempDir("resolve-");
    write(dir, "m.map", JSON.stringify({ version: 3, sources: ["s.js"], names: [], mappings: "AAAA,EAAE;;" }));
    const r = await resolveSourceMap(join(dir, "m.map"), "m.map", 3, 1);
    expect(r.token).toMatchObject({ line: 1, column: 3, originalLine: 1, originalColumn: 3 });
    expect(renderResolve(r)).toContain("  Cannot find source");
  });

  it("resolves an injected file's shifted position to the same original place", async () => {
    const dir = tempDir("resolve-");
    write(dir, "a.js", `"use strict";var alpha=1;\n`);
    write(
      dir,
      "a.js.map",
      JSON.stringify({ version: 3, sources: ["a.ts"], names: ["alpha"], mappings: "AAAA,iBAAIA" }),
    );
    const before = await resolveSourceMap(join(dir, "a.js.map"), "a.js.map", 1, 18);
    await runInjection({ paths: ["."], cwd: dir });
    // `var alpha` moved from line 1, column 14 to line 3, column 1.
    const after = await resolveSourceMap(join(dir, "a.js.map"), "a.js.map", 3, 5);
    expect(after.token).toMatchObject({
      name: "alpha",
      source: before.token!.source,
      originalLine: before.token!.originalLine,
      originalColumn: before.token!.originalColumn,
    });
  });
});
