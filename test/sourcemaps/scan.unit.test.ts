import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { inspectUploadFiles, listUploadFiles } from "../../src/sourcemaps/scan.js";
import { createPool, InlinePool } from "../../src/sourcemaps/work/pool.js";
import { makeDist, map, writeFiles } from "../support/upload-fixtures.js";

describe("listUploadFiles", () => {
  it("lists by extension in byte order, skips hidden folders (not node_modules), reports what it leaves out", () => {
    const dir = makeDist();
    writeFiles(dir, {
      "dist/.cache/x.js": "var x;\n",
      "dist/node_modules/m/i.js": "var i;\n",
      "dist/B.js": "var B;\n",
      "dist/skip/s.js": "var s;\n",
      "dist/.hidden.js": "var h;\n",
    });
    const skipped: string[] = [];
    const l = listUploadFiles({
      paths: ["dist", "dist/esm.mjs"],
      cwd: dir,
      ignore: ["skip/"],
      onSkip: (p, why) => void skipped.push(`${p}: ${why}`),
    });
    expect(l.rels).toEqual([
      ".hidden.js",
      "B.js",
      "app.min.js",
      "app.min.js.map",
      "chunks/c.js",
      "chunks/c.js.map",
      "esm.mjs",
      "esm.mjs.map",
      "node_modules/m/i.js",
      "vendor.js",
      "vendor.js.map",
    ]);
    expect(new Set(l.roots)).toEqual(new Set([join(dir, "dist")]));
    // Ignored while walking, then the extensions of what was found.
    expect(skipped).toEqual(["skip/: ignored", "readme.txt: extension not one of js, cjs, mjs, map, jsbundle, bundle"]);
  });
});

describe("inspectUploadFiles", () => {
  it("learns each file's debug id, map reference and missing sources alike inline and on threads", async () => {
    const dir = makeDist();
    writeFiles(dir, {
      "dist/id.js": "var d;\n//# sourceMappingURL=id.js.map\n//# debugId=11111111-2222-5333-8444-555555555555\n",
      "dist/id.js.map": map("id.js", ["a", "b"], {
        sourcesContent: ["A"],
        debug_id: "11111111-2222-5333-8444-555555555555",
      }),
      "dist/gone.js": "var g;\n//# sourceMappingURL=gone.js.map\n",
    });
    const listing = listUploadFiles({ paths: ["dist"], cwd: dir });
    const inline = await inspectUploadFiles(listing, new InlinePool());
    const pool = await createPool(2);
    expect(pool.threaded).toBe(true);
    try {
      expect(await inspectUploadFiles(listing, pool)).toEqual(inline);
    } finally {
      await pool.close();
    }
    const by = new Map(inline.map((f) => [f.rel, f]));
    expect(by.get("id.js")).toMatchObject({ kind: "script", debugId: "11111111-2222-5333-8444-555555555555" });
    expect(by.get("id.js")!.mapPath).toBe(join(dir, "dist/id.js.map"));
    expect(by.get("id.js.map")).toMatchObject({ kind: "map", mapInfo: { missingContent: ["b"] } });
    expect(by.get("gone.js")!.mapPath).toBeUndefined();
    expect(by.get("gone.js")!.sourceMapHeader).toBe("gone.js.map");
    expect(by.get("vendor.js")!.mapGuessed).toBe(true);
  });

  it("names every map that does not parse", async () => {
    const dir = makeDist();
    writeFiles(dir, { "dist/bad.js.map": "{nope", "dist/arr.js.map": "[1]" });
    const err = await inspectUploadFiles(listUploadFiles({ paths: ["dist"], cwd: dir }), new InlinePool()).catch(
      (e: Error) => e,
    );
    expect((err as Error).message).toMatch(
      /^2 source maps are not valid JSON: arr\.js\.map is not a valid source map: not a JSON object; bad\.js\.map is not a valid source map: not valid JSON \(/,
    );
  });

  it("keeps what it learns without the file text it was found in", async () => {
    // A match of 13 characters or more is a slice of the text it was found in and keeps all of it
    // alive: 16 scripts of
    // 2 MB each, kept through their references, would hold 32 MB after the scan.
    const dir = makeDist();
    const files: Record<string, string> = {};
    for (let i = 0; i < 16; i++) {
      files[`dist/big${i}.js`] =
        `var s${i}=${JSON.stringify("x".repeat(2 << 20))};\n//# sourceMappingURL=./big${i}.js.map?v=1\n//# debugId=11111111-2222-5333-8444-${String(i).padStart(12, "0")}\n`;
    }
    writeFiles(dir, files);
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const listing = listUploadFiles({ paths: ["dist"], cwd: dir });
    gc();
    const before = process.memoryUsage().heapUsed;
    const scanned = await inspectUploadFiles(listing, new InlinePool());
    gc();
    const kept = process.memoryUsage().heapUsed - before;
    expect(scanned.find((f) => f.rel === "big3.js")).toMatchObject({
      sourceMapRef: "./big3.js.map?v=1",
      debugId: "11111111-2222-5333-8444-000000000003",
    });
    expect(kept).toBeLessThan(8 << 20);
  });
});
