import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { comparePaths, discover, IgnoreMatcher, mapLocation } from "../../src/sourcemaps/discover.js";
import { parseDataUrl } from "../../src/sourcemaps/map-reference.js";
import { comparePathsSplit } from "../../src/sourcemaps/order.js";
import { write } from "../support/inject-fixtures.js";
import { tempDir } from "../support/runCli.js";

describe("discover", () => {
  it("finds JS files below each path, counts maps too, and reports paths as the argument joins them", async () => {
    const dir = tempDir("discover-");
    write(dir, "dist/a.js", "");
    write(dir, "dist/a.js.map", "{}");
    write(dir, "dist/sub/b.mjs", "");
    write(dir, "dist/c.txt", "");
    const d = await discover(["dist/"], { cwd: dir });
    expect(d.sources.map((s) => s.display)).toEqual(["dist/a.js", "dist/sub/b.mjs"]);
    expect(d.found).toBe(3);
    expect((await discover(["./dist"], { cwd: dir })).sources[0]!.display).toBe("./dist/a.js");
    expect((await discover(["dist/a.js"], { cwd: dir })).sources.map((s) => s.display)).toEqual(["dist/a.js"]);
  });

  it("orders paths component by component, as sentry-cli's report does", () => {
    expect(["a-b.js", "a/b.js", "a.js"].sort(comparePaths)).toEqual(["a-b.js", "a.js", "a/b.js"].sort(comparePaths));
    expect(comparePaths("a/b.js", "a-b.js")).toBeLessThan(0);
  });

  it("orders paths in one pass exactly as splitting them into components does", () => {
    const alphabet = ["a", "b", "-", ".", "/", "/", "é", "😀", "\uffff", "\ud83d"];
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const path = () => Array.from({ length: next(8) }, () => alphabet[next(alphabet.length)]).join("");
    for (let i = 0; i < 20_000; i++) {
      const a = path();
      const b = next(3) === 0 ? a + path() : path();
      expect(Math.sign(comparePaths(a, b)), JSON.stringify([a, b])).toBe(Math.sign(comparePathsSplit(a, b)));
    }
  });

  it("matches gitignore-style patterns, later ones winning", () => {
    const m = new IgnoreMatcher().add(["*.min.js", "/build/", "!keep.min.js", "deep/**/x.js"]);
    expect(m.ignores("a/b.min.js", false)).toBe(true);
    expect(m.ignores("keep.min.js", false)).toBe(false);
    expect(m.ignores("build", true)).toBe(true);
    expect(m.ignores("src/build", true)).toBe(false);
    expect(m.ignores("deep/1/2/x.js", false)).toBe(true);
  });

  it("locates a referenced map relative to the JS file, keeping a leading ./", () => {
    const js = { abs: join("/r", "sub", "rel.js"), display: "./sub/rel.js" };
    expect(mapLocation(js, "../maps/rel.js.map")).toEqual({
      abs: join("/r", "maps", "rel.js.map"),
      display: "./maps/rel.js.map",
    });
    expect(mapLocation(js, "https://cdn.example.com/x.map")).toBeUndefined();
    expect(mapLocation({ abs: "/r/dist/a.js", display: "dist/a.js" }, "a.js.map?v=1")?.display).toBe("dist/a.js.map");
  });

  it("decodes base64 and percent-encoded data URLs", () => {
    expect(parseDataUrl("data:application/json;base64,eyJhIjoxfQ==")).toEqual({
      prefix: "data:application/json;base64,",
      base64: true,
      json: '{"a":1}',
    });
    expect(parseDataUrl("data:application/json,%7B%7D")?.json).toBe("{}");
    expect(parseDataUrl("x.map")).toBeUndefined();
  });
});
