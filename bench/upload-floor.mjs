#!/usr/bin/env node
// Where an upload's time goes, next to the floor: on one thread, the time to read every file of a
// build, SHA-1 its bytes, deflate them (zlib level 4, what the bundles use) and JSON.parse its
// maps. An upload must at least read, hash and deflate everything (and parse the maps to rewrite
// them), so the sum of these, divided by the threads that share it, is what no upload can beat.
//
//   node bench/upload-floor.mjs DIR
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { deflateRawSync } from "node:zlib";

/**
 * @param {string} dir
 * @returns {{ files: number, bytes: number, readMs: number, sha1Ms: number, deflateMs: number, parseMs: number }}
 */
export function uploadFloor(dir) {
  /** @type {string[]} */
  const paths = [];
  const walk = (/** @type {string} */ d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() && !e.name.startsWith(".")) walk(p);
      else if (e.isFile() && /\.(js|mjs|cjs|map)$/.test(e.name)) paths.push(p);
    }
  };
  walk(dir);
  let t = performance.now();
  const now = () => {
    const d = performance.now() - t;
    t = performance.now();
    return d;
  };
  let bytes = 0;
  let readMs = 0;
  let sha1Ms = 0;
  let deflateMs = 0;
  let parseMs = 0;
  for (const p of paths) {
    now();
    const data = readFileSync(p);
    readMs += now();
    bytes += data.length;
    createHash("sha1").update(data).digest();
    sha1Ms += now();
    deflateRawSync(data, { level: 4 });
    deflateMs += now();
    if (p.endsWith(".map")) {
      JSON.parse(data.toString("utf8"));
      parseMs += now();
    }
  }
  return { files: paths.length, bytes, readMs, sha1Ms, deflateMs, parseMs };
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: node bench/upload-floor.mjs DIR");
  console.log(JSON.stringify(uploadFloor(dir)));
}
