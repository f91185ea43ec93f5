import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { type BundleEntry, fileUrl, urlToBundlePath, writeBundle } from "../../src/sourcemaps/bundle.js";
import { commonSourcePrefix, rewriteSourceMap } from "../../src/sourcemaps/bundle-rewrite.js";
import { planRequests } from "../../src/sourcemaps/chunks.js";
import { splitBundles } from "../../src/sourcemaps/upload.js";
import { createPool } from "../../src/sourcemaps/work/pool.js";
import { DEFLATE_LEVEL } from "../../src/sourcemaps/work/tuning.js";
import { tempDir } from "../support/runCli.js";

const sha1 = (b: Buffer) => createHash("sha1").update(b).digest("hex");
const entry = (
  url: string,
  text: string,
  type: BundleEntry["type"] = "minified_source",
  headers = {},
): BundleEntry => ({
  url,
  type,
  headers,
  sizeHint: text.length + 256,
  source: Buffer.from(text),
});

describe("bundle paths and URLs", () => {
  it("maps ~/ URLs to files/_/_/ and absolute URLs to files/<scheme>/<host>/, without the query", () => {
    expect(urlToBundlePath("~/app.min.js")).toBe("files/_/_/app.min.js");
    expect(urlToBundlePath("~/app.min.js?v=1")).toBe("files/_/_/app.min.js");
    expect(urlToBundlePath("app:///app.min.js")).toBe("files/app/_/app.min.js");
    expect(urlToBundlePath("https://cdn.example.com/js/a.js")).toBe("files/https/cdn.example.com/js/a.js");
  });

  it("joins the prefix, the relative path and the suffix as sentry-cli does", () => {
    expect(fileUrl("a/b.js")).toBe("~/a/b.js");
    expect(fileUrl("b.js", "~/static/js")).toBe("~/static/js/b.js");
    expect(fileUrl("b.js", "~/static/js/")).toBe("~/static/js/b.js");
    expect(fileUrl("b.js", "app:///", "?v=1")).toBe("app:///b.js?v=1");
  });
});

describe("writeBundle", () => {
  it("writes a SYSB-prefixed zip with deflated 1980-dated entries, the manifest last, and chunk hashes of the file", async () => {
    const file = join(tempDir(), "b.zip");
    const big = "x".repeat(3000) + Math.random();
    const b = await writeBundle(
      file,
      [
        entry("~/a.js", big, "minified_source", { "debug-id": "fd56bef4-4c39-5193-a54f-0509ad3d612c" }),
        entry("~/a.js.map", "{}", "source_map"),
      ],
      { org: "acme", project: "frontend", release: "1.0" },
      512,
    );
    const data = readFileSync(file);
    expect(data.subarray(0, 8).toString("latin1")).toBe("SYSB\x02\x00\x00\x00");
    expect(b.size).toBe(data.length);
    expect(b.checksum).toBe(sha1(data));
    expect(b.chunks.map((c) => c.sha1)).toEqual(b.chunks.map((c) => sha1(data.subarray(c.offset, c.offset + c.size))));
    expect(b.chunks.reduce((n, c) => n + c.size, 0)).toBe(data.length);
    // Central-directory offsets count the SYSB prefix, as in sentry-cli's bundles.
    const files = unzipSync(data);
    expect(Object.keys(files)).toEqual(["files/_/_/a.js", "files/_/_/a.js.map", "manifest.json"]);
    expect(Buffer.from(files["files/_/_/a.js"]!).toString()).toBe(big);
    const manifest = JSON.parse(Buffer.from(files["manifest.json"]!).toString());
    expect(Object.keys(manifest)).toEqual(["files", "debug_id", "org", "project", "release"]);
    expect(manifest.files["files/_/_/a.js"]).toEqual({
      type: "minified_source",
      url: "~/a.js",
      headers: { "debug-id": "fd56bef4-4c39-5193-a54f-0509ad3d612c" },
    });
    expect(manifest.files["files/_/_/a.js.map"]).toEqual({ type: "source_map", url: "~/a.js.map" });
    // Local header: version 20, no flags, deflate, time 0, date 1980-01-01.
    expect([...data.subarray(8, 22)]).toEqual([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0, 0, 0, 0x21, 0]);
  });

  it("stores large and small entries, read from files or given, as deflate in place gives them, inline and on a thread", async () => {
    const dir = tempDir();
    const K64 = 64 * 1024;
    // Compressible but not trivial text: lines of numbers, entries of many sizes.
    const text = (n: number, seed: number) => {
      const lines: string[] = [];
      for (let i = 0, bytes = 0; bytes < n; i++) {
        const line = `var v${i}=${(i * 7919 + seed) % 100003};`;
        lines.push(line);
        bytes += line.length;
      }
      return lines.join("\n");
    };
    const sizes = [K64 * 5, K64 * 3, K64, K64 * 2, 100, K64 - 1, 3 << 20];
    const contents = sizes.map((n, i) => text(n, i));
    // Odd entries are read from files: the reader reuses its memory from one file to the next.
    const es = contents.map((t, i) => {
      if (i % 2 === 0) return entry(`~/f${i}.js`, t);
      writeFileSync(join(dir, `f${i}.js`), t);
      return { ...entry(`~/f${i}.js`, t), source: { file: join(dir, `f${i}.js`), displayPath: `f${i}.js` } };
    });
    const inline = await writeBundle(join(dir, "inline.zip"), es, { org: "acme" }, 1 << 20);
    const pool = await createPool(1);
    expect(pool.threaded).toBe(true);
    let threaded: Awaited<ReturnType<typeof writeBundle>>;
    try {
      threaded = await writeBundle(join(dir, "threaded.zip"), es, { org: "acme" }, 1 << 20, undefined, pool);
    } finally {
      await pool.close();
    }
    expect(threaded.checksum).toBe(inline.checksum);
    const data = readFileSync(join(dir, "inline.zip"));
    expect(readFileSync(join(dir, "threaded.zip")).equals(data)).toBe(true);
    // Each entry's stored bytes are what deflateRawSync at DEFLATE_LEVEL makes of it.
    let at = 8;
    for (const [i, t] of contents.entries()) {
      expect(data.readUInt32LE(at)).toBe(0x04034b50);
      const stored = data.readUInt32LE(at + 18);
      const nameLength = data.readUInt16LE(at + 26);
      expect(data.subarray(at + 30, at + 30 + nameLength).toString()).toBe(`files/_/_/f${i}.js`);
      const body = data.subarray(at + 30 + nameLength, at + 30 + nameLength + stored);
      expect(body.equals(deflateRawSync(Buffer.from(t), { level: DEFLATE_LEVEL }))).toBe(true);
      at += 30 + nameLength + stored;
    }
    expect(Object.keys(unzipSync(data))).toHaveLength(contents.length + 1);
  });

  it("gives the same bytes and bundle id for the same input", async () => {
    const dir = tempDir();
    const es = [entry("~/a.js", "var a;")];
    const one = await writeBundle(join(dir, "1.zip"), es, { org: "acme" }, 1 << 20);
    const two = await writeBundle(join(dir, "2.zip"), es, { org: "acme" }, 1 << 20);
    expect(two.checksum).toBe(one.checksum);
    expect(two.debugId).toBe(one.debugId);
    expect(one.debugId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("keeps the first of the entries whose bundle path repeats, neighbours or not", async () => {
    const dir = tempDir();
    const read = async (es: BundleEntry[]) => {
      const b = await writeBundle(join(dir, "b.zip"), es, { org: "acme" }, 1 << 20);
      const files = unzipSync(readFileSync(b.file));
      return {
        count: b.fileCount,
        a: Buffer.from(files["files/_/_/a.js"]!).toString(),
        urls: Object.values(JSON.parse(Buffer.from(files["manifest.json"]!).toString()).files).map(
          (f) => (f as { url: string }).url,
        ),
      };
    };
    // Paths in order: equal ones are neighbours.
    expect(await read([entry("/a.js", "one"), entry("~/a.js", "two"), entry("~/b.js", "b")])).toEqual({
      count: 2,
      a: "one",
      urls: ["/a.js", "~/b.js"],
    });
    // A query or fragment is not part of the path: a.js?v=1 repeats a.js with a.jsx between them.
    expect(await read([entry("~/a.js", "one"), entry("~/a.jsx", "x"), entry("~/a.js?v=1", "two")])).toEqual({
      count: 2,
      a: "one",
      urls: ["~/a.js", "~/a.jsx"],
    });
  });

  it("splits entries into bundles under maxFileSize and keeps one bundle without a limit", () => {
    const es = [entry("~/a", "a".repeat(1000)), entry("~/b", "b".repeat(1000)), entry("~/c", "c".repeat(1000))];
    expect(splitBundles(es, 0)).toHaveLength(1);
    expect(splitBundles(es, 4096 + 2600).map((g) => g.length)).toEqual([2, 1]);
  });
});

describe("rewriteSourceMap", () => {
  it("keeps only used sources and names in first-use order and drops unknown keys", () => {
    const out = rewriteSourceMap(
      {
        version: 3,
        file: "a.js",
        sources: ["unused.js", "b.js", "a.js"],
        sourcesContent: [null, "B", null],
        names: ["n0", "n1"],
        mappings: "ACAAC,CCAAD",
        x_google_ignoreList: [0],
        sourceRoot: "",
      },
      { stripPrefixes: [], stripCommonPrefix: false },
    );
    expect(JSON.stringify(out)).toBe(
      '{"version":3,"file":"a.js","sources":["b.js","a.js"],"sourcesContent":["B",null],"names":["n1","n0"],"mappings":"AAAAA,CCAAC"}',
    );
  });

  it("strips prefixes and the common prefix of absolute sources", () => {
    expect(commonSourcePrefix(["/abs/x/y/b.js", "/abs/x/c.js", "rel.js"])).toBe("/abs/x");
    const out = rewriteSourceMap(
      { version: 3, sources: ["/abs/x/y/b.js", "/abs/x/c.js", "../src/c.js"], names: [], mappings: "AAAA,CEAA" },
      { stripPrefixes: ["../src"], stripCommonPrefix: true },
    );
    expect(out.sources).toEqual(["y/b.js", "c.js"]);
  });

  it("reads a section's source or name index it does not have as the empty source or name, as in a regular map", () => {
    const regular = { version: 3, sources: ["a.js"], names: ["n"], mappings: "AAAA,CCAAC" };
    const indexed = { version: 3, sections: [{ offset: { line: 0, column: 0 }, map: regular }] };
    const opts = { stripPrefixes: [], stripCommonPrefix: false };
    expect(rewriteSourceMap(indexed, opts)).toEqual(rewriteSourceMap(regular, opts));
    expect(rewriteSourceMap(indexed, opts)).toMatchObject({
      sources: ["a.js", ""],
      names: [""],
      mappings: "AAAA,CCAAA",
    });
  });
});

describe("planRequests", () => {
  it("groups chunks by count and by bytes", () => {
    const c = (size: number, i: number) => ({ sha1: String(i), size, read: async () => Buffer.alloc(size) });
    const chunks = [c(10, 1), c(10, 2), c(10, 3), c(25, 4), c(5, 5)];
    expect(planRequests(chunks, { chunksPerRequest: 2, maxRequestSize: 30 }).map((b) => b.map((x) => x.sha1))).toEqual([
      ["1", "2"],
      ["3"],
      ["4", "5"],
    ]);
  });
});
