/**
 * Artifact bundles as sentry-cli 3.8.0 writes them: symbolic's `SYSB` header, then a zip whose
 * entries are deflated, dated 1980-01-01 00:00, without extra fields, ordered by URL, with
 * manifest.json last. Entries are read, rewritten and deflated on worker threads a bounded window
 * of batches ahead, and written in order to a temporary file while SHA-1 is computed over the
 * whole file and over each `chunkSize` chunk, so memory holds a few batches at a time.
 */
import { createHash, type Hash } from "node:crypto";
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import * as zlib from "node:zlib";
import { InputError } from "../errors.js";
import type { RewriteOptions } from "./bundle-rewrite.js";
import { fileError, isFileSystemError } from "./file-errors.js";
import type { Inspection } from "./inspection.js";
import { pack } from "./pack.js";
import { siblingModuleUrl } from "./sibling.js";

export type BundleFileType = "minified_source" | "source_map" | "source" | "indexed_ram_bundle";

export interface BundleEntry {
  /** e.g. `~/static/app.js` or `app:///app.js`. */
  url: string;
  type: BundleFileType;
  headers: Record<string, string>;
  /** Produces the bytes to store (read lazily, one entry at a time). */
  load(): Promise<Buffer>;
  /**
   * The same bytes described for a worker thread: the file to read and, for a map, how to
   * rewrite it. When given (and the workers can rewrite), `load` is not called.
   */
  source?: { file: string; displayPath: string; rewrite?: RewriteOptions };
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

let crcTable: Int32Array | undefined;
function crc32(data: Buffer): number {
  const native = (zlib as { crc32?: (d: Buffer) => number }).crc32;
  if (native) return native(data) >>> 0;
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** Bytes per write to the bundle file. */
const WRITE_BYTES = 1 << 20;

/** Writes bytes to a file while hashing the whole and each chunk. */
class HashingWriter {
  offset = 0;
  private readonly whole = createHash("sha1");
  private chunk: Hash = createHash("sha1");
  private chunkStart = 0;
  private chunkFill = 0;
  readonly chunks: WrittenBundle["chunks"] = [];
  constructor(
    private readonly fd: number,
    private readonly chunkSize: number,
  ) {}

  /** Bytes not yet written, gathered in one reused buffer (no garbage per entry or per write). */
  private readonly buf = Buffer.allocUnsafe(WRITE_BYTES);
  private fill = 0;
  private fileOffset = 0;

  /** Append bytes (copied); they reach the file in writes of WRITE_BYTES. */
  async write(data: Uint8Array): Promise<void> {
    let from = 0;
    while (from < data.length) {
      const take = Math.min(WRITE_BYTES - this.fill, data.length - from);
      this.buf.set(take === data.length ? data : data.subarray(from, from + take), this.fill);
      this.fill += take;
      from += take;
      if (this.fill === WRITE_BYTES) await this.flush();
    }
    this.offset += data.length;
    this.whole.update(data);
    let pos = 0;
    while (pos < data.length) {
      const take = Math.min(this.chunkSize - this.chunkFill, data.length - pos);
      this.chunk.update(take === data.length ? data : data.subarray(pos, pos + take));
      this.chunkFill += take;
      pos += take;
      if (this.chunkFill === this.chunkSize) this.closeChunk();
    }
  }

  private closeChunk(): void {
    this.chunks.push({ sha1: this.chunk.digest("hex"), offset: this.chunkStart, size: this.chunkFill });
    this.chunkStart += this.chunkFill;
    this.chunkFill = 0;
    this.chunk = createHash("sha1");
  }

  async flush(): Promise<void> {
    let done = 0;
    while (done < this.fill) done += writeSync(this.fd, this.buf, done, this.fill - done, this.fileOffset + done);
    this.fileOffset += this.fill;
    this.fill = 0;
  }

  finish(): string {
    if (this.chunkFill > 0 || this.chunks.length === 0) this.closeChunk();
    return this.whole.digest("hex");
  }
}

const DOS_DATE_1980 = 0x21;

/**
 * zlib level 4: on minified JS and source maps it is about 40% faster than the default (6) for
 * output about 3% larger, and deflate is most of a bundle's CPU time.
 */
const DEFLATE_LEVEL = 4;

/**
 * Entries are read, rewritten (maps) and compressed on worker threads, with zlib's synchronous
 * deflate: Node's async zlib spends a thread-pool round trip per 16 KiB of output plus stream
 * machinery per call, which for thousands of small files costs about three times the deflate
 * itself. A worker takes a batch of items — bytes, or a file to read (and a map to rewrite with
 * bundle-rewrite.js, when its compiled module is there to import) — and answers, per item, the
 * deflated bytes, the CRC-32, the stored size and its SHA-1, or the error.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { readFileSync } = require("node:fs");
const zlib = require("node:zlib");
const { createHash } = require("node:crypto");
const rewriter = workerData.rewriteModule ? import(workerData.rewriteModule) : undefined;
const scanner = workerData.scanModule ? import(workerData.scanModule) : undefined;
parentPort.on("message", async ({ id, items }) => {
  const mod = rewriter && (await rewriter);
  const scan = scanner && (await scanner);
  const transfer = [];
  const out = items.map((item) => {
    try {
      if (item.inspect) return scan.inspectFile(item.inspect.abs, item.inspect.rel);
      let data = item;
      if (item.file !== undefined) {
        data = readFileSync(item.file);
        if (item.rewrite) data = mod.rewriteMapBytes(data, item.displayPath, item.rewrite);
      }
      // Copies that own their memory, moved (not cloned) to the main thread: a clone of a view
      // copies the whole pool or output buffer behind it.
      const deflated = new Uint8Array(zlib.deflateRawSync(data, { level: ${DEFLATE_LEVEL} }));
      transfer.push(deflated.buffer);
      return {
        deflated,
        crc: zlib.crc32 ? zlib.crc32(data) >>> 0 : -1,
        size: data.length,
        sha1: createHash("sha1").update(data).digest("hex"),
        data: zlib.crc32 ? undefined : new Uint8Array(data),
      };
    } catch (e) {
      return { error: String((e && e.message) || e), input: !!(e && e.kind === "input"), code: e && e.code };
    }
  });
  parentPort.postMessage({ id, out }, transfer);
});
`;

type WorkItem = Buffer | { file: string; displayPath: string; rewrite?: RewriteOptions };

type Prepared =
  | {
      deflated: Uint8Array;
      /** -1 when this Node has no zlib.crc32 (the main thread computes it from `data`). */
      crc: number;
      size: number;
      /** Hex. */
      sha1: string;
      data?: Uint8Array;
      error?: undefined;
    }
  | { error: string; input: boolean; code?: string };

function rewriteModuleUrl(): string | undefined {
  return siblingModuleUrl("bundle-rewrite.js");
}

/**
 * A worker's young generation (V8's default is up to 48 MiB): nearly everything a worker
 * allocates dies within one file, so a small one saves ~10 MiB of RSS per worker at no measurable cost.
 */
const YOUNG_GENERATION_MB = 8;

/** Bytes per batch sent to a worker (a batch holds at least one entry). */
const BATCH_BYTES = 1 << 20;
/** Entries per batch at most. */
const BATCH_ENTRIES = 64;
/** Batches in flight per worker (bounds memory: about this many MiB per worker). */
const BATCHES_PER_WORKER = 3;

/** A few deflate workers, each fed batches; results come back per batch. */
export class WorkerPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve(v: unknown[]): void; reject(e: Error): void }>();
  private nextId = 0;
  private failure: Error | undefined;
  /** The workers read and rewrite files themselves (else they get bytes). */
  readonly readsFiles: boolean;
  constructor(size: number) {
    const rewriteModule = rewriteModuleUrl();
    const scanModule = siblingModuleUrl("scan.js");
    this.readsFiles = rewriteModule !== undefined && scanModule !== undefined;
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { rewriteModule, scanModule },
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      });
      w.on("message", ({ id, out }: { id: number; out: Prepared[] }) => {
        const p = this.waiting.get(id);
        this.waiting.delete(id);
        p?.resolve(out);
      });
      w.on("error", (e) => this.fail(e));
      return w;
    });
  }

  private fail(e: Error): void {
    this.failure = e;
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
  }

  get size(): number {
    return this.workers.length;
  }

  /** Inspect files for the upload scan (scan.ts inspectFile) on the workers. */
  inspect(files: Array<{ abs: string; rel: string }>): Promise<Array<Inspection | { error: string; input: boolean }>> {
    return this.post(files.map((f) => ({ inspect: f })));
  }

  run(items: WorkItem[]): Promise<Prepared[]> {
    return this.post(items);
  }

  private post<T>(items: unknown[]): Promise<T[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const w = this.workers[id % this.workers.length]!;
    return new Promise<T[]>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown[]) => void, reject });
      w.postMessage({ id, items });
    });
  }

  private closing: Promise<void> | undefined;

  /** Stop the workers (again: no-op). */
  close(): Promise<void> {
    this.closing ??= Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined);
    return this.closing;
  }
}

/** Whether bundle workers read and rewrite files themselves (so callers need not keep contents). */
export function workersReadFiles(): boolean {
  return rewriteModuleUrl() !== undefined && siblingModuleUrl("scan.js") !== undefined;
}

/** Workers that can also inspect files for the scan, or undefined when they cannot. */
export function createWorkerPool(): WorkerPool | undefined {
  return workersReadFiles() ? new WorkerPool(deflateWorkers()) : undefined;
}

/**
 * One worker per core but one, at most 2: this thread hashes and writes every byte of the
 * bundle, and each worker costs memory (an isolate and its heap, ~25 MiB). At 20,000 files /
 * 100 MB the upload peaks near 165 MiB with one worker, 185 with two and 215 with three. On two
 * cores, one worker is about 20% slower than two.
 */
function deflateWorkers(): number {
  return Math.max(1, Math.min(2, availableParallelism() - 1));
}

/**
 * Write one bundle with `entries` (already sorted) to `file`. Entries whose bundle path repeats
 * keep the first.
 */
export async function writeBundle(
  file: string,
  entries: BundleEntry[],
  attrs: BundleAttributes,
  chunkSize: number,
  onEntry?: (bytes: number) => void,
  /** Workers to use (they stay open); else the bundle starts and stops its own. */
  workers?: WorkerPool,
): Promise<WrittenBundle> {
  const fd = openSync(file, "w");
  try {
    const w = new HashingWriter(fd, chunkSize);
    // The central directory grows in one buffer; headers are built in reused ones (the writer
    // copies what it is given): thousands of tiny buffers cost more than their bytes.
    let central = Buffer.allocUnsafe(64 * 1024);
    let centralLength = 0;
    const local = Buffer.alloc(30);
    const idHash = createHash("sha1");
    const addEntry = async (name: string, crc: number, size: number, deflated: Uint8Array) => {
      const nameBuf = Buffer.from(name, "utf8");
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(name.length === nameBuf.length ? 0 : 0x0800, 6);
      local.writeUInt16LE(8, 8);
      local.writeUInt16LE(0, 10);
      local.writeUInt16LE(DOS_DATE_1980, 12);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(deflated.length, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(nameBuf.length, 26);
      local.writeUInt16LE(0, 28);
      const at = w.offset;
      await w.write(local);
      await w.write(nameBuf);
      await w.write(deflated);
      if (centralLength + 46 + nameBuf.length > central.length) {
        const bigger = Buffer.allocUnsafe(Math.max(2 * central.length, centralLength + 46 + nameBuf.length));
        central.copy(bigger, 0, 0, centralLength);
        central = bigger;
      }
      const cd = central.subarray(centralLength, centralLength + 46);
      cd.writeUInt32LE(0x02014b50, 0);
      cd.writeUInt16LE(0x0314, 4);
      cd.writeUInt16LE(20, 6);
      local.copy(cd, 8, 6, 30);
      cd.writeUInt16LE(0, 32);
      cd.writeUInt16LE(0, 34);
      cd.writeUInt16LE(0, 36);
      cd.writeUInt32LE(0o100644 * 0x10000, 38);
      cd.writeUInt32LE(at, 42);
      centralLength += 46 + nameBuf.copy(central, centralLength + 46);
    };
    await w.write(Buffer.from([0x53, 0x59, 0x53, 0x42, 0x02, 0x00, 0x00, 0x00])); // "SYSB" v2
    const unique = uniquePaths(entries);
    // Read entries here (maps are rewritten on this thread) in batches, compress them on worker
    // threads a window of batches ahead, and write them in order: memory holds at most
    // BATCHES_PER_WORKER batches of about BATCH_BYTES per worker.
    let count = 0;
    const pool = workers ?? new WorkerPool(deflateWorkers());
    try {
      const batches = pack(unique, (e) => e.sizeHint, BATCH_BYTES, BATCH_ENTRIES);
      const inFlight: Array<Promise<Prepared[]>> = [];
      let nextToStart = 0;
      const start = async (batch: BundleEntry[]) => {
        const items: WorkItem[] = [];
        for (const e of batch) items.push(pool.readsFiles && e.source ? e.source : await e.load());
        return pool.run(items);
      };
      for (const batch of batches) {
        while (nextToStart < batches.length && inFlight.length < pool.size * BATCHES_PER_WORKER) {
          const p = start(batches[nextToStart++]!);
          p.catch(() => undefined); // awaited in order below
          inFlight.push(p);
        }
        const prepared = await inFlight.shift()!;
        for (let j = 0; j < batch.length; j++) {
          const e = batch[j]!;
          const r = prepared[j]!;
          if (r.error !== undefined) {
            if (r.input) throw new InputError(r.error);
            const err = Object.assign(new Error(r.error), { code: r.code });
            throw isFileSystemError(err) ? fileError(err, "read", e.url) : err;
          }
          const crc = r.crc >= 0 ? r.crc : crc32(Buffer.from(r.data!));
          const path = urlToBundlePath(e.url);
          await addEntry(path, crc, r.size, r.deflated);
          idHash.update(path).update("\0").update(Buffer.from(r.sha1, "hex")).update("\0");
          count += 1;
          onEntry?.(r.size);
        }
      }
    } finally {
      if (!workers) await pool.close();
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
    await addEntry(
      "manifest.json",
      crc32(manifestBytes),
      manifestBytes.length,
      zlib.deflateRawSync(manifestBytes, { level: DEFLATE_LEVEL }),
    );
    const cdStart = w.offset;
    const cdBuf = central.subarray(0, centralLength);
    await w.write(cdBuf);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(count + 1, 8);
    eocd.writeUInt16LE(count + 1, 10);
    eocd.writeUInt32LE(cdBuf.length, 12);
    eocd.writeUInt32LE(cdStart, 16);
    await w.write(eocd);
    await w.flush();
    const checksum = w.finish();
    return { file, size: w.offset, checksum, chunks: w.chunks, debugId, fileCount: count };
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

/**
 * Order of the strings' UTF-8 bytes (code point order), without encoding them: UTF-16 code units
 * already sort that way unless a surrogate meets a character above U+DFFF, which falls back to
 * comparing the encodings.
 */
export function byteCompare(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if ((x >= 0xd800 && x <= 0xdfff) || (y >= 0xd800 && y <= 0xdfff))
      return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

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
