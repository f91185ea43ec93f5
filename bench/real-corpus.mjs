#!/usr/bin/env node
// A build made of real npm package dists that ship source maps, for the sourcemap benchmarks:
// uneven file sizes, single maps over 5 MB (pdfjs-dist's worker), .mjs and .cjs files, thousands
// of small CommonJS/ESM modules (rxjs), and — made from real maps — some index maps.
//
// The tarballs are fetched once with `npm pack` into bench/.cache/ (git-ignored) and extracted;
// the build copies each package's .js/.mjs/.cjs/.map files into dist/<package>-<copy>/ so many
// times that the whole reaches the size asked for:
//   small: about 1,900 files / 50 MB (every package once)
//   large: about 19,600 files / 105 MB (rxjs eleven times, the large packages once or a few times)
// One map in ten under 1 MB is rewritten as an index map (one section holding the original).
//
//   node bench/real-corpus.mjs OUT_DIR [small|large]
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const cache = join(here, ".cache");

/** Packages (checked with `npm view`: they publish .map files beside their code). */
export const PACKAGES = {
  pdfjs: "pdfjs-dist@4.10.38",
  angular: "@angular/core@19.2.14",
  rxjs: "rxjs@7.8.2",
  rtk: "@reduxjs/toolkit@2.8.2",
};

/** @type {Record<string, Record<string, number>>} copies of each package per size */
export const REAL_SIZES = {
  small: { pdfjs: 1, angular: 1, rtk: 1, rxjs: 1 },
  large: { pdfjs: 1, angular: 2, rtk: 4, rxjs: 11 },
};

const CODE = /\.(js|mjs|cjs|map)$/;

/**
 * The package's extracted folder (fetched and extracted once).
 * @param {string} spec
 */
function extracted(spec) {
  const name = spec.replace(/^@/, "").replace(/[/@]/g, "-");
  const dir = join(cache, name);
  if (existsSync(join(dir, ".done"))) return join(dir, "package");
  mkdirSync(dir, { recursive: true });
  const out = execFileSync("npm", ["pack", spec, "--pack-destination", dir, "--silent"], { encoding: "utf8" });
  const tgz = out.trim().split("\n").pop() ?? "";
  execFileSync("tar", ["xzf", join(dir, tgz), "-C", dir]);
  writeFileSync(join(dir, ".done"), "");
  return join(dir, "package");
}

/**
 * @param {string} dir
 * @returns {string[]}
 */
function codeFiles(dir) {
  /** @type {string[]} */
  const out = [];
  const walk = (/** @type {string} */ d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (CODE.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** @param {string} s */
function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/**
 * Write the build into `dist` and return { files, bytes, indexMaps, largestMap }.
 * @param {string} dist
 * @param {string} size
 */
export function realBuild(dist, size) {
  const copies = REAL_SIZES[size];
  if (!copies) throw new Error(`unknown size ${size} (small or large)`);
  let files = 0;
  let bytes = 0;
  let indexMaps = 0;
  let largestMap = 0;
  for (const [key, n] of Object.entries(copies)) {
    const spec = PACKAGES[/** @type {keyof typeof PACKAGES} */ (key)];
    const pkg = extracted(spec);
    for (const file of codeFiles(pkg)) {
      const rel = relative(pkg, file);
      let content = readFileSync(file);
      if (rel.endsWith(".map")) {
        largestMap = Math.max(largestMap, content.length);
        if (content.length < 1 << 20 && hash(rel) % 10 === 0) {
          const map = JSON.parse(content.toString("utf8"));
          if (!map.sections) {
            const { file: name, ...rest } = map;
            const index = { version: 3, file: name, sections: [{ offset: { line: 0, column: 0 }, map: rest }] };
            content = Buffer.from(JSON.stringify(index));
            indexMaps += n;
          }
        }
      }
      for (let i = 0; i < n; i++) {
        const to = join(dist, `${key}-${i}`, rel);
        mkdirSync(dirname(to), { recursive: true });
        writeFileSync(to, content);
        files++;
        bytes += content.length;
      }
    }
  }
  return { files, bytes, indexMaps, largestMap };
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const [out, size = "small"] = process.argv.slice(2);
  if (!out) throw new Error("usage: node bench/real-corpus.mjs OUT_DIR [small|large]");
  console.log(JSON.stringify(realBuild(join(out, "dist"), size)));
}
