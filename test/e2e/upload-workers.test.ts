/**
 * The upload's jobs (read, inspect, rewrite, deflate) on worker threads and inline must give the
 * same bundles and summary — from the build (threads load dist/sourcemaps/work/worker.js) and from
 * the sources (threads load the entry bundled from the sources: src/sourcemaps/work/pool.ts).
 */
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { Output } from "../../src/output/output.js";
import { type UploadOptions, uploadSourcemaps } from "../../src/sourcemaps/upload.js";
import { makeDist, map, writeFiles } from "../support/upload-fixtures.js";

const root = join(import.meta.dirname, "..", "..");
const built = (await import(
  pathToFileURL(join(root, "dist", "sourcemaps", "upload.js")).href
)) as typeof import("../../src/sourcemaps/upload.js");

const deps = (cwd: string) => ({
  cwd,
  out: new Output({ stdout: new PassThrough(), stderr: new PassThrough(), env: {}, quiet: true }),
  org: "acme",
  projects: ["frontend"],
  api: () => Promise.reject(new Error("no network in a dry run")),
  sleep: async () => {},
});

/** makeDist plus the cases the scan and the bundle writer treat apart. */
function build(): string {
  const dir = makeDist();
  writeFiles(dir, {
    // A reference to a map elsewhere (no header), an inline map, a referenced map that is missing.
    "dist/cdn.js": "var c;\n//# sourceMappingURL=https://cdn.example.com/cdn.js.map\n",
    "dist/inline.js": "var i;\n//# sourceMappingURL=data:application/json;base64,e30=\n",
    "dist/gone.js": "var g;\n//# sourceMappingURL=gone.js.map\n",
    // A percent-encoded reference, and a script that names no map and has no sibling.
    "dist/sp ace.js": "var s;\n//# sourceMappingURL=sp%20ace.js.map\n",
    "dist/sp ace.js.map": map("sp ace.js", ["../src/space.js"], { sourcesContent: ["let s;"] }),
    "dist/bare.js": "var b;\n",
    // A sibling map that is ignored: the script is uploaded without it.
    "dist/skip/g.js": "var g2;\n",
    "dist/skip/g.js.map": map("g.js", ["../src/g.js"]),
    // Two names with one bundle path (a fragment is not part of it): the first URL is kept.
    "dist/q.js": "var q=1;\n",
    "dist/q.js#x.js": "var q=2;\n",
    // Injected ids on a script and its map.
    "dist/id.js": "var d;\n//# sourceMappingURL=id.js.map\n//# debugId=11111111-2222-5333-8444-555555555555\n",
    "dist/id.js.map": map("id.js", ["../src/id.js"], {
      debugId: "11111111-2222-5333-8444-555555555555",
      sourcesContent: ["let d;"],
    }),
    // A second folder with a relative path the first one has too.
    "other/app.min.js": "var other;\n",
  });
  return dir;
}

const cases: Array<[string, Omit<UploadOptions, "paths" | "dryRun">]> = [
  ["defaults", { release: "1.0", ignore: ["skip/*.map"] }],
  [
    "prefix, suffix and rewriting off",
    { release: "1.0", urlPrefix: "app:///static/", urlSuffix: "?v=2", rewrite: false },
  ],
  [
    "--validate, --dist and the common prefix stripped",
    { release: "1.0", dist: "7", validate: true, stripCommonPrefix: true, note: "n" },
  ],
];

describe("upload with files read on worker threads", () => {
  it.each(cases)("bundles and reports what a run on this thread does: %s", async (_name, extra) => {
    const dir = build();
    const opts: UploadOptions = { paths: ["dist", "dist/app.min.js", "other"], dryRun: true, ...extra };
    const here = await uploadSourcemaps({ ...opts, threads: 0 }, deps(dir));
    expect(await built.uploadSourcemaps({ ...opts, threads: 2 }, deps(dir))).toEqual(here);
    expect(await uploadSourcemaps({ ...opts, threads: 2 }, deps(dir))).toEqual(here);
    expect(here.bundles).toHaveLength(1);
    // dist holds 20 uploadable files (19 when skip/g.js.map is ignored), other 1; dist/app.min.js
    // is dist's and counts once.
    const ignored = extra.ignore ? 1 : 0;
    expect(here.files).toHaveLength(21 - ignored);
    // q.js and q.js#x.js share a bundle path (with a suffix too: the path ends at the first `?` or
    // `#`); ~/app.min.js comes from dist and from other.
    expect(here.bundles[0]!.files).toBe(19 - ignored);
  });

  it("pairs scripts with their maps and headers the same way", async () => {
    const dir = build();
    const s = await built.uploadSourcemaps(
      { paths: ["dist"], dryRun: true, release: "1.0", ignore: ["skip/*.map"], threads: 2 },
      deps(dir),
    );
    const byUrl = new Map(s.files.map((f) => [f.url, f]));
    expect(byUrl.get("~/vendor.js")?.sourcemap).toBe("vendor.js.map");
    expect(byUrl.get("~/skip/g.js")?.sourcemap).toBeNull();
    expect(byUrl.get("~/cdn.js")?.sourcemap).toBeNull();
    expect(byUrl.get("~/inline.js")?.sourcemap).toBe("data:application/json;base64,e30=");
    expect(byUrl.get("~/sp ace.js")?.sourcemap).toBe("sp%20ace.js.map");
    expect(byUrl.get("~/id.js")?.debugId).toBe("11111111-2222-5333-8444-555555555555");
    expect(s.files.map((f) => f.url)).toEqual([...s.files.map((f) => f.url)].sort());
    expect(s.unmapped).toEqual(["bare.js", "q.js", "q.js#x.js", "skip/g.js"]);
    expect(s.skipped).toEqual([
      { path: "skip/g.js.map", reason: "ignored" },
      { path: "readme.txt", reason: "extension not one of js, cjs, mjs, map, jsbundle, bundle" },
    ]);
  });
});
