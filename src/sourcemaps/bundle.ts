/**
 * Artifact bundles as sentry-cli 3.8.0 writes them: symbolic's `SYSB` header, then a zip
 * (./zip.ts) whose entries are deflated, dated 1980-01-01 00:00, without extra fields, ordered by
 * URL, with manifest.json last. Entries are read, rewritten and deflated by the `prepare` job on
 * the upload's pool a bounded window of batches ahead, and written in order to a temporary file
 * while SHA-1 is computed over the whole file and over each `chunkSize` chunk, so memory holds a
 * few batches at a time. This module names things: bundle paths, URLs, the manifest, the id.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import * as zlib from "node:zlib";
import { byteCompare } from "./order.js";
import { pack } from "./pack.js";
import { crc32, type Prepared, type PrepareItem } from "./work/jobs.js";
import { InlinePool, type Pool } from "./work/pool.js";
import { BUNDLE_BATCH_BYTES, BUNDLE_BATCH_ENTRIES, BUNDLE_BATCHES_PER_WORKER, DEFLATE_LEVEL } from "./work/tuning.js";
import { ZipWriter } from "./zip.js";

export type BundleFileType = "minified_source" | "source_map" | "source" | "indexed_ram_bundle";

export interface BundleEntry {
  /** e.g. `~/static/app.js` or `app:///app.js`. */
  url: string;
  type: BundleFileType;
  headers: Record<string, string>;
  /** The bytes to store, or the file to read them from and, for a map, how to rewrite it. */
  source: PrepareItem;
  /** Upper bound of the stored size, used to split bundles. */
  sizeHint: number;
}

export interface BundleAttributes {
  org: string;
  project?: string;
  release?: string;
  dist?: string;
  note?: string;
}

export interface WrittenBundle {
  file: string;
  size: number;
  checksum: string;
  chunks: Array<{ sha1: string; offset: number; size: number }>;
  debugId: string;
  fileCount: number;
}

/** `~/a/b.js?x` → `files/_/_/a/b.js`; `app:///a.js` → `files/app/_/a.js`. */
export function urlToBundlePath(url: string): string {
  const noQuery = url.split(/[?#]/)[0]!;
  if (noQuery.startsWith("~/")) return `files/_/_/${noQuery.slice(2)}`;
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/]*)\/?(.*)$/.exec(noQuery);
  if (m) return `files/${m[1]}/${m[2] || "_"}/${m[3]}`;
  return `files/_/_/${noQuery.replace(/^\/+/, "")}`;
}

/** The URL a file is uploaded under: `<prefix or ~>/<relative path><suffix>`. */
export function fileUrl(rel: string, urlPrefix?: string, urlSuffix?: string): string {
  const raw = urlPrefix ?? "~";
  const prefix = raw.endsWith("/") ? raw.slice(0, -1) : raw;
  return `${prefix}/${rel.replace(/^\/+/, "")}${urlSuffix ?? ""}`;
}

/** A UUID-v5-shaped id from a SHA-1 digest. */
export function uuidFromSha1(digest: Buffer): string {
  const b = Buffer.from(digest.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Write one bundle with `entries` (already sorted) to `file`, preparing entries on `pool`.
 * Entries whose bundle path repeats keep the first.
 */
export async function writeBundle(
  file: string,
  entries: BundleEntry[],
  attrs: BundleAttributes,
  chunkSize: number,
  onEntry?: (bytes: number) => void,
  /** Where entries are prepared (default: inline). */
  pool: Pool = new InlinePool(),
): Promise<WrittenBundle> {
  const fd = openSync(file, "w");
  try {
    const zip = new ZipWriter(fd, chunkSize);
    const idHash = createHash("sha1");
    await zip.prelude(Buffer.from([0x53, 0x59, 0x53, 0x42, 0x02, 0x00, 0x00, 0x00])); // "SYSB" v2
    const unique = uniquePaths(entries);
    // Prepare batches a window ahead (at most BUNDLE_BATCHES_PER_WORKER batches of about
    // BUNDLE_BATCH_BYTES per worker in memory), and write them in order.
    let count = 0;
    const batches = pack(unique, (e) => e.sizeHint, BUNDLE_BATCH_BYTES, BUNDLE_BATCH_ENTRIES);
    const inFlight: Array<Promise<Prepared[]>> = [];
    let nextToStart = 0;
    for (const batch of batches) {
      while (nextToStart < batches.length && inFlight.length < pool.size * BUNDLE_BATCHES_PER_WORKER) {
        const p = pool.run({ kind: "prepare", items: batches[nextToStart++]!.map((e) => e.source) });
        p.catch(() => undefined); // awaited in order below
        inFlight.push(p);
      }
      const prepared = await inFlight.shift()!;
      for (let j = 0; j < batch.length; j++) {
        const e = batch[j]!;
        const r = prepared[j]!;
        const path = urlToBundlePath(e.url);
        await zip.add(path, r.crc, r.size, r.deflated);
        idHash.update(path).update("\0").update(Buffer.from(r.sha1, "hex")).update("\0");
        count += 1;
        onEntry?.(r.size);
      }
    }
    for (const v of [attrs.org, attrs.project, attrs.release, attrs.dist]) idHash.update(v ?? "").update("\0");
    const debugId = uuidFromSha1(idHash.digest());
    const rest: Record<string, unknown> = { debug_id: debugId };
    if (attrs.dist !== undefined) rest.dist = attrs.dist;
    if (attrs.note !== undefined) rest.note = attrs.note;
    rest.org = attrs.org;
    if (attrs.project !== undefined) rest.project = attrs.project;
    if (attrs.release !== undefined) rest.release = attrs.release;
    const manifestBytes = manifestJson(unique, rest);
    await zip.add(
      "manifest.json",
      crc32(manifestBytes),
      manifestBytes.length,
      zlib.deflateRawSync(manifestBytes, { level: DEFLATE_LEVEL }),
    );
    const z = await zip.finish();
    return { file, size: z.size, checksum: z.checksum, chunks: z.chunks, debugId, fileCount: count };
  } finally {
    closeSync(fd);
  }
}

/**
 * The entries to write: the first of those whose bundle path repeats. When the paths come in
 * order (as from URLs sorted under one prefix), equal ones are neighbours and need no set.
 */
function uniquePaths(entries: BundleEntry[]): BundleEntry[] {
  let prev: string | undefined;
  let sorted = true;
  for (const e of entries) {
    const path = urlToBundlePath(e.url);
    if (prev !== undefined && byteCompare(prev, path) > 0) {
      sorted = false;
      break;
    }
    prev = path;
  }
  const done = sorted ? undefined : new Set<string>();
  prev = undefined;
  return entries.filter((e) => {
    const path = urlToBundlePath(e.url);
    const first = done ? !done.has(path) : path !== prev;
    done?.add(path);
    prev = path;
    return first;
  });
}

/**
 * The bytes of manifest.json: JSON.stringify of { files: {…by path}, debug_id, dist?, note?,
 * org, project?, release? }, made from the entries at the end (nothing per file is kept while
 * the bundle is written) and written piece by piece into one buffer.
 */
function manifestJson(entries: BundleEntry[], rest: Record<string, unknown>): Buffer {
  const byPath = entries.map((e) => ({ path: urlToBundlePath(e.url), e }));
  byPath.sort((a, b) => byteCompare(a.path, b.path));
  let buf = Buffer.allocUnsafe(64 * 1024);
  let length = 0;
  const put = (text: string) => {
    const max = Buffer.byteLength(text);
    if (length + max > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * buf.length, length + max));
      buf.copy(bigger, 0, 0, length);
      buf = bigger;
    }
    length += buf.write(text, length);
  };
  put('{"files":{');
  byPath.forEach(({ path, e }, i) => {
    const info: Record<string, unknown> = { type: e.type, url: e.url };
    const headers = e.headers;
    if (Object.keys(headers).length > 0) info.headers = headers;
    put(`${i > 0 ? "," : ""}${JSON.stringify(path)}:${JSON.stringify(info)}`);
  });
  put(`},${JSON.stringify(rest).slice(1)}`);
  return buf.subarray(0, length);
}

export { byteCompare };

/** Read `size` bytes at `offset` of a written bundle (one chunk). */
export async function readChunk(file: string, offset: number, size: number): Promise<Buffer> {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return buf;
  } finally {
    closeSync(fd);
  }
}
