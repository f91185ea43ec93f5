#!/usr/bin/env node
// A realistic synthetic JS build for the sourcemap benchmarks, deterministic from a seed.
//
// Every JS file is "minified" code generated from pseudo-TypeScript modules, with a real source
// map (sources, sourcesContent, names, VLQ mappings that decode and point at real tokens of the
// original text) next to it and a `//# sourceMappingURL=` comment. Sizes follow a long tail (many
// small chunks, a few large vendor bundles). Some files start with a shebang, a `/*! license */`
// comment or a `"use strict"` / `"use client"` directive; a few are split over several lines.
//
//   node bench/generate-build.mjs OUT_DIR [small|large|FILES:MB] [seed=1]
//
// small = about 2,000 files / 10 MB, large = about 20,000 files / 100 MB (files counts JS and
// maps; sizes count both). Prints a one-line JSON summary. Also usable as a module:
// `generateBuild(dir, { files, bytes, seed })`.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { encode } from "@jridgewell/sourcemap-codec";

/** @type {Record<string, { files: number, bytes: number }>} */
export const SIZES = {
  small: { files: 2000, bytes: 10_000_000 },
  large: { files: 20000, bytes: 100_000_000 },
};

/**
 * @param {number} seed
 * @returns {() => number}
 */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  "user",
  "session",
  "cart",
  "item",
  "price",
  "total",
  "render",
  "state",
  "props",
  "effect",
  "value",
  "index",
  "list",
  "map",
  "filter",
  "reduce",
  "config",
  "options",
  "request",
  "response",
  "error",
  "handler",
  "event",
  "target",
  "node",
  "child",
  "parent",
  "route",
  "params",
  "query",
  "cache",
  "store",
  "action",
  "payload",
  "result",
  "count",
  "format",
  "parse",
  "update",
  "create",
  "delete",
  "fetch",
];
const MIN_NAMES = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ$_";

/**
 * One build file: original modules (text) and the minified output with its mappings.
 * `target` is the approximate size of the minified JS in bytes.
 * @param {() => number} rand
 * @param {number} target
 * @param {string} name
 */
function makeFile(rand, target, name) {
  /** @type {(arr: string[]) => string} */
  const pick = (arr) => arr[Math.floor(rand() * arr.length)] ?? "";
  const ident = () => pick(WORDS) + pick(WORDS).replace(/^./, (c) => c.toUpperCase());
  const nSources = Math.max(1, Math.min(40, Math.round(target / 3000 + rand() * 2)));
  /** @type {string[]} */
  const sources = [];
  /** @type {string[]} */
  const sourcesContent = [];
  /** @type {string[]} */
  const names = [];
  /** @type {Map<string, number>} */
  const nameIndex = new Map();
  /** @type {(n: string) => number} */
  const nameOf = (n) => {
    let i = nameIndex.get(n);
    if (i === undefined) {
      i = names.length;
      names.push(n);
      nameIndex.set(n, i);
    }
    return i;
  };
  // Header: what sits above the code (shebang, license, directive).
  const kind = rand();
  let header = "";
  if (kind < 0.03) header = "#!/usr/bin/env node\n";
  if (rand() < 0.1) header += `/*! ${name} | (c) 2026 Example Corp | MIT License */\n`;
  if (kind > 0.85) header += rand() < 0.5 ? '"use strict";' : '"use client";';
  const multiLine = rand() < 0.1; // some minifiers wrap lines
  const headerLines = header.split("\n");
  const out = [header];
  let genLine = headerLines.length - 1;
  let genCol = headerLines[headerLines.length - 1]?.length ?? 0;
  /** @typedef {[number, number, number, number] | [number, number, number, number, number]} Segment */
  /** @type {Segment[][]} */
  const lines = [];
  for (let i = 0; i < genLine; i++) lines.push([]);
  /** @type {Segment[]} */
  let cur = [];
  let size = header.length;
  /** @type {(text: string, seg?: [number, number, number] | [number, number, number, number]) => void} */
  const emit = (text, seg) => {
    if (seg) cur.push(/** @type {Segment} */ ([genCol, ...seg]));
    out.push(text);
    genCol += text.length;
    size += text.length;
  };
  for (let s = 0; s < nSources && size < target; s++) {
    const dir = pick(["components", "pages", "lib", "utils", "hooks", "store", "api"]);
    sources.push(`webpack://app/./src/${dir}/${ident()}${s}.ts`);
    const src = [`// ${dir} module ${s}`, `import { ${ident()} } from "../lib/${pick(WORDS)}";`, ""];
    const perSource = (target - header.length) / nSources;
    const start = size;
    while (size - start < perSource && size < target) {
      const fn = ident();
      const a = ident();
      const b = ident();
      const k = Math.floor(rand() * 1000);
      const lineNo = src.length;
      src.push(`export function ${fn}(${a}, ${b}) {`);
      src.push(`  const v = ${a} * ${k} + ${b};`);
      src.push(`  return ${a} > ${b} ? v - ${b} : ${fn}(${b}, ${a} + 1);`);
      src.push("}");
      const m1 = MIN_NAMES[Math.floor(rand() * MIN_NAMES.length)];
      const m2 = MIN_NAMES[Math.floor(rand() * MIN_NAMES.length)];
      const m3 = MIN_NAMES[Math.floor(rand() * MIN_NAMES.length)];
      emit("function ", [s, lineNo, 7]);
      emit(m1 + fn.length.toString(36), [s, lineNo, 16, nameOf(fn)]);
      emit(`(${m2},${m3}){`, [s, lineNo, 16 + fn.length]);
      emit(`var t=${m2}*${k}+${m3};`, [s, lineNo + 1, 2]);
      emit(`return ${m2}>${m3}?t-${m3}:`, [s, lineNo + 2, 2]);
      emit(`${m1}${fn.length.toString(36)}(${m3},${m2}+1)}`, [s, lineNo + 2, 22 + a.length + 2 * b.length, nameOf(fn)]);
      if (multiLine && rand() < 0.05) {
        out.push("\n");
        size++;
        lines.push(cur);
        cur = [];
        genLine++;
        genCol = 0;
      }
    }
    sourcesContent.push(src.join("\n"));
  }
  lines.push(cur);
  return { js: out.join(""), sources, sourcesContent, names, mappings: encode(lines) };
}

/**
 * Write a build of about `files` files (JS + maps) and `bytes` bytes below `dir`.
 * @param {string} dir
 * @param {{ files: number, bytes: number, seed?: number }} size
 */
export function generateBuild(dir, { files, bytes, seed = 1 }) {
  const rand = rng(seed);
  const pairs = Math.round(files / 2);
  // Maps are about 4.5× their JS (sourcesContent, mappings, names): aim the JS at ~18% of the total;
  // the size distribution below has a mean of about 1.38.
  const meanJs = ((bytes / pairs) * 0.18) / 1.38;
  let total = 0;
  let jsFiles = 0;
  let mapFiles = 0;
  const dirs = ["static/chunks", "static/chunks/pages", "static/chunks/app", "assets", "server/chunks", "server/app"];
  for (let i = 0; i < pairs; i++) {
    // Long tail: most files near the mean/3, a few up to ~30× the mean.
    const u = rand();
    const target = Math.max(
      300,
      Math.round(meanJs * (u < 0.97 ? 0.15 + 1.2 * rand() * rand() * 2.6 : 6 + 20 * rand())),
    );
    const sub = `${dirs[i % dirs.length]}/${(i >> 6).toString(36)}`;
    const base = `${["main", "chunk", "page", "vendor", "route"][i % 5]}-${i.toString(16).padStart(5, "0")}.js`;
    const f = makeFile(rand, target, base);
    const js = `${f.js}\n//# sourceMappingURL=${base}.map\n`;
    const map = JSON.stringify({
      version: 3,
      file: base,
      mappings: f.mappings,
      sources: f.sources,
      sourcesContent: f.sourcesContent,
      names: f.names,
      sourceRoot: "",
    });
    const abs = join(dir, sub);
    mkdirSync(abs, { recursive: true });
    writeFileSync(join(abs, base), js);
    writeFileSync(join(abs, base + ".map"), map);
    total += Buffer.byteLength(js) + Buffer.byteLength(map);
    jsFiles++;
    mapFiles++;
  }
  return { dir, jsFiles, mapFiles, files: jsFiles + mapFiles, bytes: total, seed };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [out, sizeArg = "small", seedArg = "1"] = process.argv.slice(2);
  if (!out) {
    console.error("usage: node bench/generate-build.mjs OUT_DIR [small|large|FILES:MB] [seed]");
    process.exit(2);
  }
  let size = SIZES[sizeArg];
  if (!size) {
    const [f, mb] = sizeArg.split(":").map(Number);
    size = { files: f ?? Number.NaN, bytes: (mb ?? Number.NaN) * 1e6 };
  }
  console.log(JSON.stringify(generateBuild(out, { ...size, seed: Number(seedArg) })));
}
