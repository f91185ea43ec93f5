/**
 * `sourcemaps upload` flags beside sentry-cli 3.8.0: --strict, --no-sourcemap-reference,
 * --debug-id-reference, --decompress and Hermes bytecode, each run by both against the same
 * server on the same files, comparing what reached it.
 */
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Bundle } from "../../src/server/state.js";
import { runCli, tempDir } from "../support/runCli.js";
import { runSentryCli } from "../support/sentryCli.js";
import { sentryCliEnv, useServer } from "../support/server.js";
import { makeDist, map, writeFiles } from "../support/upload-fixtures.js";

function comparable(b: Bundle) {
  const { debug_id: _id, ...manifest } = b.manifest;
  return { manifest, files: Object.fromEntries(b.files.map((f) => [f.path, f.content.toString("utf8")])) };
}

function headersOf(b: Bundle, path: string): Record<string, string> {
  const files = b.manifest.files as Record<string, { headers?: Record<string, string> }>;
  return files[path]?.headers ?? {};
}

/** Hermes bytecode: its magic number, then bytes that are not text. */
const HERMES = Buffer.from([0xc6, 0x1f, 0xbc, 0x03, 0xc1, 0x03, 0x19, 0x1f, 0x60, 0x00, 0x00, 0x00, 0xff, 0xfe]);
const HERMES_ID = "44444444-2222-5333-8444-cccccccccccc";
const hermesMap = JSON.stringify({
  version: 3,
  sources: ["/home/u/app/src/App.js", "/home/u/app/node_modules/react/index.js"],
  sourcesContent: ["App", null],
  names: ["App"],
  mappings: "AAAAA,CCAA",
  debugId: HERMES_ID,
  x_facebook_sources: [[{ names: ["<global>", "App"], mappings: "AAA,CCC", extra: 1 }], null],
  x_hermes_function_offsets: { 0: [0, 10] },
  ignoreList: [1],
});

describe("sourcemaps upload flags against sentry-cli 3.8.0", () => {
  const s = useServer();

  /** Run sentry-cli, then sentry-ship, with `args` in `dir`; return both results and the bundles each stored. */
  async function both(dir: string, args: string[]) {
    const before = s.server.state.bundles.length;
    const theirs = await runSentryCli(["sourcemaps", "upload", ...args], { env: sentryCliEnv(s.server), cwd: dir });
    const mid = s.server.state.bundles.length;
    const ours = await runCli(["sourcemaps", "upload", ...args], { env: s.env(), cwd: dir });
    const after = s.server.state.bundles.length;
    return {
      theirs,
      ours,
      ref: s.server.state.bundles.slice(before, mid),
      mine: s.server.state.bundles.slice(mid, after),
    };
  }

  it("--strict fails as sentry-cli does when no file is found, and changes nothing otherwise", async () => {
    const dir = makeDist();
    writeFiles(dir, { "docs/readme.txt": "not a script\n" });
    const empty = await both(dir, ["--release", "s1", "--strict", "docs"]);
    expect(empty.theirs.exitCode).toBe(1);
    expect(empty.theirs.stderr).toContain("error: No files to upload (strict mode).");
    expect(empty.ours.exitCode).toBe(1);
    expect(empty.ours.stderr).toBe("> Found 0 files\n> Nothing to upload\nerror: No files to upload (strict mode).\n");
    expect([empty.ref.length, empty.mine.length]).toEqual([0, 0]);
    // Without --strict both succeed on the same folder.
    const lenient = await both(dir, ["--release", "s1", "docs"]);
    expect([lenient.theirs.exitCode, lenient.ours.exitCode]).toEqual([0, 0]);

    const full = await both(dir, ["--release", "s1", "-s", "dist"]);
    expect([full.theirs.exitCode, full.ours.exitCode]).toEqual([0, 0]);
    expect(comparable(full.mine[0]!)).toEqual(comparable(full.ref[0]!));
  });

  it("--no-sourcemap-reference stores the same bundle as sentry-cli: no sourcemap headers", async () => {
    const dir = makeDist();
    const { theirs, ours, ref, mine } = await both(dir, ["--release", "n1", "--no-sourcemap-reference", "dist"]);
    expect([theirs.exitCode, ours.exitCode]).toEqual([0, 0]);
    expect(JSON.stringify(ref[0]!.manifest)).not.toContain("sourcemap");
    expect(comparable(mine[0]!)).toEqual(comparable(ref[0]!));
    expect(ours.stdout).toContain("~/app.min.js (no sourcemap reference (--no-sourcemap-reference))");
    // Without the flag the same folder's scripts carry the header.
    const plain = await both(dir, ["--release", "n1", "dist"]);
    expect(headersOf(plain.mine[0]!, "files/_/_/app.min.js")).toEqual({ sourcemap: "app.min.js.map" });
    expect(comparable(plain.mine[0]!)).toEqual(comparable(plain.ref[0]!));
  });

  it("takes sentry-cli's hidden legacy flags: --version as the release, --no-dedupe (warns), --rewrite and -v (no effect)", async () => {
    const dir = makeDist();
    const { theirs, ours, ref, mine } = await both(dir, [
      "--version",
      "legacy-1",
      "--no-dedupe",
      "--rewrite",
      "-v",
      "dist",
    ]);
    expect([theirs.exitCode, ours.exitCode]).toEqual([0, 0]);
    expect([ref[0]!.release, mine[0]!.release]).toEqual(["legacy-1", "legacy-1"]);
    expect(comparable(mine[0]!)).toEqual(comparable(ref[0]!));
    expect(theirs.stderr).toContain("The --no-dedupe flag is deprecated and has no effect");
    expect(ours.stderr).toContain("warning: --no-dedupe is deprecated in sentry-cli and has no effect\n");
  });

  it("--debug-id-reference gives a script its guessed map's debug id, as sentry-cli does", async () => {
    const dir = tempDir("ship-upload-");
    writeFiles(dir, {
      "dist/vendor.js": "var v=1;\n",
      "dist/vendor.js.map": map("vendor.js", ["v.js"], { debugId: "22222222-2222-5333-8444-cccccccccccc" }),
      "dist/own.js": "var o=1;\n//# debugId=33333333-2222-5333-8444-cccccccccccc\n",
      "dist/own.js.map": map("own.js", ["o.js"], { debugId: "55555555-2222-5333-8444-cccccccccccc" }),
      "dist/plain.js": "var p=1;\n",
    });
    // No release: the referenced debug id is what makes the upload possible.
    const { theirs, ours, ref, mine } = await both(dir, ["--debug-id-reference", "dist"]);
    expect([theirs.exitCode, ours.exitCode]).toEqual([0, 0]);
    expect(headersOf(ref[0]!, "files/_/_/vendor.js")).toEqual({
      "debug-id": "22222222-2222-5333-8444-cccccccccccc",
      sourcemap: "vendor.js.map",
    });
    // A script's own debug id is kept.
    expect(headersOf(ref[0]!, "files/_/_/own.js")["debug-id"]).toBe("33333333-2222-5333-8444-cccccccccccc");
    expect(comparable(mine[0]!)).toEqual(comparable(ref[0]!));
    // Without the flag, the scripts keep no debug id.
    const plain = await both(dir, ["--release", "d1", "dist"]);
    expect(headersOf(plain.mine[0]!, "files/_/_/vendor.js")).toEqual({ sourcemap: "vendor.js.map" });
    expect(comparable(plain.mine[0]!)).toEqual(comparable(plain.ref[0]!));
  });

  it("--debug-id-reference also follows a sourceMappingURL, which sentry-cli 3.8.0 does not (a documented difference)", async () => {
    const dir = tempDir("ship-upload-");
    writeFiles(dir, {
      "dist/app.js": "var a=1;\n//# sourceMappingURL=maps/app.js.map\n",
      "dist/maps/app.js.map": map("app.js", ["a.js"], { debugId: "66666666-2222-5333-8444-cccccccccccc" }),
    });
    const { theirs, ours, ref, mine } = await both(dir, ["--release", "d2", "--debug-id-reference", "dist"]);
    expect([theirs.exitCode, ours.exitCode]).toEqual([0, 0]);
    expect(headersOf(ref[0]!, "files/_/_/app.js")).toEqual({ sourcemap: "maps/app.js.map" });
    expect(headersOf(mine[0]!, "files/_/_/app.js")).toEqual({
      "debug-id": "66666666-2222-5333-8444-cccccccccccc",
      sourcemap: "maps/app.js.map",
    });
    // Everything else is the same.
    const strip = (b: Bundle) => {
      const c = comparable(b);
      const files = c.manifest.files as Record<string, { headers?: Record<string, string> }>;
      delete files["files/_/_/app.js"]!.headers!["debug-id"];
      return c;
    };
    expect(strip(mine[0]!)).toEqual(strip(ref[0]!));
  });

  it("uploads Hermes bytecode empty and keeps a Hermes map's x_facebook_sources, as sentry-cli does", async () => {
    const dir = tempDir("ship-upload-");
    writeFiles(dir, { "rn/main.jsbundle": HERMES, "rn/main.jsbundle.map": hermesMap });
    const { theirs, ours, ref, mine } = await both(dir, ["--debug-id-reference", "--strip-common-prefix", "rn"]);
    expect([theirs.exitCode, ours.exitCode]).toEqual([0, 0]);
    const bundle = ref[0]!.files.find((f) => f.path === "files/_/_/main.jsbundle")!;
    expect(bundle.content.length).toBe(0);
    expect(headersOf(ref[0]!, "files/_/_/main.jsbundle")).toEqual({
      "debug-id": HERMES_ID,
      sourcemap: "main.jsbundle.map",
    });
    const storedMap = ref[0]!.files.find((f) => f.path === "files/_/_/main.jsbundle.map")!.content.toString();
    expect(storedMap).toContain('"x_facebook_sources":[[{"names":["<global>","App"],"mappings":"AAA,CCC"}],null]');
    expect(comparable(mine[0]!)).toEqual(comparable(ref[0]!));
    // With a release and without the flag: no debug id on the bytecode, same bundle.
    const plain = await both(dir, ["--release", "h1", "rn"]);
    expect(comparable(plain.mine[0]!)).toEqual(comparable(plain.ref[0]!));
  });

  it("--decompress uploads gzip files uncompressed, and one that does not uncompress as it is, with a warning", async () => {
    const dir = makeDist();
    const app = '"use strict";var z=1;\n//# sourceMappingURL=zipped.js.map\n';
    writeFiles(dir, {
      "dist/zipped.js": gzipSync(app),
      "dist/zipped.js.map": gzipSync(map("zipped.js", ["../src/zipped.js"], { sourcesContent: ["var z = 1;"] })),
      "dist/broken.js": Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03]),
    });
    const { theirs, ours, ref, mine } = await both(dir, ["--release", "z1", "--decompress", "dist"]);
    expect([theirs.exitCode, ours.exitCode]).toEqual([0, 0]);
    const stored = (b: Bundle, p: string) => b.files.find((f) => f.path === p)!.content;
    expect(stored(ref[0]!, "files/_/_/zipped.js").toString()).toBe(app);
    // Not text once it failed to uncompress: neither bundles it.
    expect(ref[0]!.files.map((f) => f.path)).not.toContain("files/_/_/broken.js");
    expect(theirs.stderr).toMatch(/Could not decompress: .*broken\.js/);
    expect(ours.stderr).toContain("warning: could not decompress broken.js: it is read as it is\n");
    expect(comparable(mine[0]!)).toEqual(comparable(ref[0]!));
    expect(ours.stdout).toContain("  broken.js: not valid UTF-8\n");
    // Without --decompress, gzip data is not text: both leave it out, and we say why.
    const plain = await both(dir, ["--release", "z1", "dist"]);
    expect([plain.theirs.exitCode, plain.ours.exitCode]).toEqual([0, 0]);
    expect(plain.ref[0]!.files.map((f) => f.path)).not.toContain("files/_/_/zipped.js");
    expect(comparable(plain.mine[0]!)).toEqual(comparable(plain.ref[0]!));
    expect(plain.ours.stdout).toContain(
      "  zipped.js: not valid UTF-8: gzip data (--decompress uploads it uncompressed)\n",
    );
  });

  it("--strip-common-prefix and --strip-prefix cut whole path components as sentry-cli does, edge cases included", async () => {
    const dir = tempDir("ship-upload-");
    const cases = [
      ["/a/src/x.js"],
      ["/foo/bar/baz", "/foo/bar/baz/blah"],
      ["/a/x.js", "/a/b/y.js"],
      ["/a/x.js", "rel.js"],
      ["/ab/x.js", "/ac/y.js"],
      ["/a/x.js", "/a/x.js.map"],
      ["/foo/bar/x.js", "/foo/bar", "/foo/barx/y.js", "foo/bar/z.js"],
    ];
    const files: Record<string, string> = {};
    cases.forEach((sources, i) => {
      files[`m/a${i}.js`] = `var a=${i};\n//# sourceMappingURL=a${i}.js.map\n`;
      // One segment per source, so every source is used.
      files[`m/a${i}.js.map`] = map(`a${i}.js`, sources, {
        mappings: ["AAAA", ...sources.slice(1).map(() => "CCAA")].join(","),
      });
    });
    writeFiles(dir, files);
    const runs = [
      ["--strip-common-prefix"],
      ["--strip-prefix", "/foo/bar"],
      ["--strip-prefix", "/foo/bar/"],
      ["--strip-prefix", "foo", "--strip-prefix", "/a"],
    ];
    for (const [i, args] of runs.entries()) {
      const { theirs, ours, ref, mine } = await both(dir, ["--release", `sp-${i}`, ...args, "m"]);
      expect([theirs.exitCode, ours.exitCode]).toEqual([0, 0]);
      expect(comparable(mine[0]!), args.join(" ")).toEqual(comparable(ref[0]!));
    }
  });

  describe("--bundle and --bundle-sourcemap (React Native)", () => {
    const rnMap = (extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        version: 3,
        sources: ["/home/u/app/src/App.js", "/home/u/app/node_modules/react/index.js"],
        sourcesContent: ["App", "React"],
        names: ["App"],
        mappings: "AAAAA,CCAA",
        x_metro_module_paths: ["src/App.js"],
        ...extra,
      });

    it("store the same bundle as sentry-cli for a plain JS bundle: map always rewritten, common prefix stripped", async () => {
      const dir = tempDir("ship-rn-");
      writeFiles(dir, {
        "out/index.android.bundle": "var App=1;\n//# sourceMappingURL=index.android.bundle.map\n",
        "maps/index.android.bundle.map": rnMap(),
      });
      const args = ["--release", "rn1", "--url-prefix", "app:///", "--no-rewrite"];
      const files = ["--bundle", "out/index.android.bundle", "--bundle-sourcemap", "maps/index.android.bundle.map"];
      const { theirs, ours, ref, mine } = await both(dir, [...args, ...files]);
      expect([theirs.exitCode, ours.exitCode]).toEqual([0, 0]);
      const storedMap = ref[0]!.files.find((f) => f.path === "files/app/_/index.android.bundle.map")!.content;
      expect(JSON.parse(storedMap.toString()).sources).toEqual(["src/App.js", "node_modules/react/index.js"]);
      expect(headersOf(ref[0]!, "files/app/_/index.android.bundle")).toEqual({ sourcemap: "index.android.bundle.map" });
      expect(comparable(mine[0]!)).toEqual(comparable(ref[0]!));
      expect(ours.stderr).toContain("warning: --no-rewrite has no effect with --bundle\n");
    });

    it("store the same bundle as sentry-cli for Hermes bytecode: empty, with its map's debug id and without a release", async () => {
      const dir = tempDir("ship-rn-");
      writeFiles(dir, { "build/main.jsbundle": HERMES, "build/main.jsbundle.map": hermesMap });
      const files = ["--bundle", "build/main.jsbundle", "--bundle-sourcemap", "build/main.jsbundle.map"];
      const { theirs, ours, ref, mine } = await both(dir, ["--url-prefix", "~/ios", ...files]);
      expect([theirs.exitCode, ours.exitCode]).toEqual([0, 0]);
      expect(headersOf(ref[0]!, "files/_/_/ios/main.jsbundle")).toEqual({
        "debug-id": HERMES_ID,
        sourcemap: "main.jsbundle.map",
      });
      expect(ref[0]!.files.find((f) => f.path === "files/_/_/ios/main.jsbundle")!.content.length).toBe(0);
      expect(comparable(mine[0]!)).toEqual(comparable(ref[0]!));
    });

    it("are checked as sentry-cli checks them: both or neither, and no paths beside them (exit 2)", async () => {
      const dir = makeDist();
      writeFiles(dir, { "b/x.bundle": "var x;\n", "b/x.bundle.map": map("x.bundle", ["x.js"]) });
      for (const args of [
        ["--release", "u1", "--bundle", "b/x.bundle"],
        ["--release", "u1", "--bundle-sourcemap", "b/x.bundle.map"],
        ["--release", "u1", "--bundle", "b/x.bundle", "--bundle-sourcemap", "b/x.bundle.map", "dist"],
        ["--release", "u1"],
      ]) {
        const { theirs, ours, ref, mine } = await both(dir, args);
        expect([theirs.exitCode, ours.exitCode], args.join(" ")).toEqual([2, 2]);
        expect(ours.stderr).toMatch(/^error: .*(--bundle|paths)/);
        expect([ref.length, mine.length]).toEqual([0, 0]);
      }
    });

    it("pair the bundle with the map given even when its name does not follow the bundle's, where sentry-cli 3.8.0 leaves them unpaired (a documented difference)", async () => {
      const dir = tempDir("ship-rn-");
      writeFiles(dir, {
        "out/app.bundle": "var App=1;\n",
        "maps/sourcemap.json": rnMap({ debugId: "77777777-2222-5333-8444-cccccccccccc" }),
      });
      const files = ["--bundle", "out/app.bundle", "--bundle-sourcemap", "maps/sourcemap.json"];
      const { theirs, ours, ref, mine } = await both(dir, ["--release", "rn2", ...files]);
      expect([theirs.exitCode, ours.exitCode]).toEqual([0, 0]);
      expect(headersOf(ref[0]!, "files/_/_/app.bundle")).toEqual({});
      expect(headersOf(mine[0]!, "files/_/_/app.bundle")).toEqual({
        "debug-id": "77777777-2222-5333-8444-cccccccccccc",
        sourcemap: "sourcemap.json",
      });
      const without = (b: Bundle) => {
        const c = comparable(b);
        delete (c.manifest.files as Record<string, { headers?: unknown }>)["files/_/_/app.bundle"]!.headers;
        return c;
      };
      expect(without(mine[0]!)).toEqual(without(ref[0]!));
    });

    it("refuse a RAM bundle, which sentry-ship does not unpack, in one line", async () => {
      const dir = tempDir("ship-rn-");
      const ram = Buffer.alloc(16);
      ram.writeUInt32LE(0xfb0bd1e5, 0);
      writeFiles(dir, { "out/main.jsbundle": ram, "out/main.jsbundle.map": rnMap() });
      const r = await runCli(
        [
          "sourcemaps",
          "upload",
          "--release",
          "r",
          "--bundle",
          "out/main.jsbundle",
          "--bundle-sourcemap",
          "out/main.jsbundle.map",
        ],
        { env: s.env(), cwd: dir },
      );
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/^error: out\/main\.jsbundle is a RAM bundle, which sentry-ship does not unpack: .*\n$/);
    });
  });
});
