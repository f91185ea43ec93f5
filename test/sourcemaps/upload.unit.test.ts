import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { Output } from "../../src/output/output.js";
import { scanUploadFiles } from "../../src/sourcemaps/scan.js";
import { uploadSourcemaps, validateFiles } from "../../src/sourcemaps/upload.js";
import { makeDist, writeFiles } from "../support/upload-fixtures.js";

function quietOut(): Output {
  return new Output({ stdout: new PassThrough(), stderr: new PassThrough(), env: {}, quiet: true });
}

const deps = (cwd: string) => ({
  cwd,
  out: quietOut(),
  org: "acme",
  projects: ["frontend"],
  api: () => Promise.reject(new Error("no network in a dry run")),
  sleep: async () => {},
});

describe("uploadSourcemaps", () => {
  it("builds the same bundle inline and on worker threads", async () => {
    const dir = makeDist();
    writeFiles(dir, {
      "dist/big.js": "var big=1;\n".repeat(50_000),
      "dist/big.js.map": JSON.stringify({ version: 3, sources: ["/abs/src/big.js"], names: [], mappings: "AAAA" }),
    });
    const opts = { paths: ["dist"], release: "1.0", dryRun: true, stripCommonPrefix: true };
    const inline = await uploadSourcemaps({ ...opts, threads: 0 }, deps(dir));
    const threaded = await uploadSourcemaps({ ...opts, threads: 2 }, deps(dir));
    expect(inline.bundles).toHaveLength(1);
    expect(threaded.bundles[0]!.checksum).toBe(inline.bundles[0]!.checksum);
    expect(threaded.files).toEqual(inline.files);
  });

  it("sends nothing and asks for no API client on a dry run", async () => {
    const dir = makeDist();
    const s = await uploadSourcemaps({ paths: ["dist"], release: "1.0", dryRun: true }, deps(dir));
    expect(s).toMatchObject({ dryRun: true, bytesSent: 0, processing: "none" });
    expect(s.skipped).toEqual([
      { path: "readme.txt", reason: "extension not one of js, cjs, mjs, map, jsbundle, bundle" },
    ]);
  });
});

describe("validateFiles", () => {
  it("lists scripts without maps, sources without content and id mismatches", async () => {
    const dir = makeDist();
    writeFiles(dir, {
      "dist/x.js": "var x;\n//# sourceMappingURL=x.js.map\n//# debugId=11111111-2222-5333-8444-555555555555\n",
      "dist/x.js.map": JSON.stringify({
        version: 3,
        sources: ["a", "b"],
        sourcesContent: ["A"],
        names: [],
        mappings: "AAAA",
        debugId: "11111111-2222-5333-8444-555555555556",
      }),
      "dist/lone.js": "var lone;\n",
      "dist/inline.js": "var i;\n//# sourceMappingURL=data:application/json;base64,e30=\n",
    });
    const files = await scanUploadFiles({ paths: ["dist"], cwd: dir });
    const v = validateFiles(files);
    expect(v.errors).toEqual([
      "x.js: debug id 11111111-2222-5333-8444-555555555555 does not match x.js.map (11111111-2222-5333-8444-555555555556)",
    ]);
    expect(v.warnings).toEqual([
      "chunks/c.js.map: missing sourcecode (../../src/c.js)",
      "esm.mjs.map: missing sourcecode (../src/esm.ts)",
      "lone.js: no source map and no debug id",
      "vendor.js.map: missing sourcecode (../src/vendor.js)",
      "x.js.map: missing sourcecode (b)",
    ]);
  });
});
