/**
 * The work module: every per-file job inject and upload hand to a pool, as plain functions over
 * plain data, and the typed union of job messages. A pool (./pool.ts) runs `runJob` either on
 * worker threads (./worker.ts is the threads' entry) or inline on the calling thread — the very
 * same functions, so the path the tests take is the path users take.
 *
 * - inspect: read files for the upload scan (debug id, map reference, map sources)
 * - prepare: read (or take) a bundle entry's bytes, rewrite a map, deflate, CRC-32 and SHA-1
 * - inject-validate / inject-apply: inject's two phases
 */
import { createHash } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { isMainThread } from "node:worker_threads";
import * as zlib from "node:zlib";
import type { RecoveryFiles } from "../atomic-write.js";
import { type RewriteOptions, rewriteMapText } from "../bundle-rewrite.js";
import { decompressed } from "../content.js";
import type { DiscoveredFile } from "../discover.js";
import { readRegularFile } from "../file-errors.js";
import { applyPlans } from "../inject-apply.js";
import { type Keep, type Plan, type Validated, validate } from "../inject-validate.js";
import { type Inspection, inspectFile } from "../inspection.js";
import {
  ASYNC_DEFLATE_MIN_BYTES,
  COLLECT_EVERY_BYTES,
  DEFLATE_LEVEL,
  DEFLATE_RING_BYTES,
  THREADPOOL_DEFLATE_CHUNK_BYTES,
  THREADPOOL_DEFLATES,
} from "./tuning.js";

/**
 * A bundle entry's bytes, or the file to read them from (uncompressed first with `decompress`
 * when it is gzip data, and, for a map, how to rewrite it).
 */
export type PrepareItem =
  | Uint8Array
  | { file: string; displayPath: string; rewrite?: RewriteOptions; decompress?: boolean };

/** A bundle entry ready for the zip: deflated bytes, CRC-32, stored size and SHA-1 (hex). */
export interface Prepared {
  deflated: Uint8Array;
  crc: number;
  size: number;
  sha1: string;
}

export type Job =
  | { kind: "inspect"; files: Array<{ abs: string; rel: string; kind?: "script" | "map" }>; decompress?: boolean }
  | { kind: "prepare"; items: PrepareItem[] }
  | { kind: "inject-validate"; sources: DiscoveredFile[]; roots: string[]; keep: Keep }
  | { kind: "inject-apply"; plans: Plan[]; recovery: RecoveryFiles; recycle?: boolean };

interface Results {
  inspect: Inspection[];
  prepare: Prepared[];
  "inject-validate": Validated;
  "inject-apply": null;
}

export type JobResult<J extends Job> = Results[J["kind"]];

/** A job's result, and the buffers to move (not copy) to the thread that asked. */
export interface Done<J extends Job> {
  result: JobResult<J>;
  transfer: ArrayBuffer[];
}

/** A job's failure as it crosses from a thread: enough to rebuild the error the job threw. */
export interface JobFailure {
  message: string;
  /** The ShipError kind (`input`…), when it was one. */
  kind?: string;
  hint?: string;
  code?: string;
}

export function describeFailure(e: unknown): JobFailure {
  const err = e as { message?: unknown; kind?: unknown; hint?: unknown; code?: unknown };
  const f: JobFailure = { message: String(err?.message ?? e) };
  if (typeof err?.kind === "string") f.kind = err.kind;
  if (typeof err?.hint === "string") f.hint = err.hint;
  if (typeof err?.code === "string") f.code = err.code;
  return f;
}

/**
 * Run one job. Rejects with what the job function throws (InputErrors naming files, for bad
 * input). Only `prepare` waits on anything: its large entries deflate on libuv's threadpool, and
 * everything else it does runs before its first wait, so jobs started one after the other read,
 * rewrite and hash their entries in order while the deflating of earlier ones goes on.
 */
export async function runJob<J extends Job>(job: J): Promise<Done<J>> {
  const transfer: ArrayBuffer[] = [];
  let result: unknown;
  switch (job.kind) {
    case "inspect":
      result = job.files.map((f) => {
        const info = inspectFile(f.abs, f.rel, { decompress: job.decompress, kind: f.kind });
        readSinceCollect += info.size;
        return info;
      });
      collectIfDue();
      break;
    case "prepare": {
      const pending = job.items.map((item) => {
        const p = prepareEntry(item);
        readSinceCollect += p.size;
        return p;
      });
      collectIfDue();
      const prepared: Prepared[] = [];
      for (const p of pending) {
        const deflated = await p.deflated;
        transfer.push(deflated.buffer as ArrayBuffer);
        prepared.push({ deflated, crc: p.crc, size: p.size, sha1: p.sha1 });
      }
      result = prepared;
      break;
    }
    case "inject-validate":
      result = validate(job.sources, job.roots, job.keep);
      break;
    case "inject-apply":
      applyPlans(job.plans, { recovery: job.recovery, recycle: job.recycle });
      result = null;
      break;
  }
  return { result: result as JobResult<J>, transfer };
}

/** File bytes this thread has read (and turned into strings) since its last full collection. */
let readSinceCollect = 0;
let collect: (() => void) | null | undefined;

/**
 * A full collection on this thread once COLLECT_EVERY_BYTES of files have been read since the
 * last. Reading a map or a script makes strings of its whole text (twice its bytes when it is not
 * Latin-1), which V8 puts straight into the old generation and frees only at a full collection —
 * left alone, it lets the old generation grow to ~100 MB of such dead text before it collects.
 * What these threads keep between jobs is small, so a collection costs a few ms.
 */
function collectIfDue(): void {
  if (readSinceCollect < COLLECT_EVERY_BYTES) return;
  readSinceCollect = 0;
  if (collect === undefined) {
    // `gc` is installed in contexts made after the flag is set: here, a throwaway one.
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    collect = typeof gc === "function" ? (gc as () => void) : null;
  }
  collect?.();
}

/** An entry read, rewritten and hashed, whose deflated bytes may still be on their way. */
interface Pending {
  deflated: Uint8Array | Promise<Uint8Array>;
  crc: number;
  size: number;
  sha1: string;
}

/**
 * Read (or take) one entry's bytes, uncompress them, rewrite a map, hash them, and deflate them:
 * in place below ASYNC_DEFLATE_MIN_BYTES, else on libuv's threadpool (./tuning.ts says why).
 * Everything but that deflating is done when this returns.
 */
export function prepareEntry(item: PrepareItem): Pending {
  let data: Uint8Array;
  // Where `data` is, when it is in the ring (freed once deflated).
  let region: Region | undefined;
  if (item instanceof Uint8Array) data = item;
  else {
    // Read into reused memory: the bytes are done with before the next entry is read, unless
    // they deflate on the threadpool (copied into the ring below).
    const raw = readRegularFile(item.file, item.displayPath, true);
    const read = item.decompress ? decompressed(raw).bytes : raw;
    if (item.rewrite) {
      const text = rewriteMapText(read, item.displayPath, item.rewrite);
      const length = Buffer.byteLength(text, "utf8");
      region = length >= ASYNC_DEFLATE_MIN_BYTES ? ring().alloc(length) : undefined;
      if (region) region.bytes.write(text, "utf8");
      data = region ? region.bytes : Buffer.from(text, "utf8");
    } else if (read.buffer === raw.buffer && read.length >= ASYNC_DEFLATE_MIN_BYTES) {
      region = ring().alloc(read.length);
      region?.bytes.set(read);
      data = region ? region.bytes : Buffer.from(read);
    } else data = read;
  }
  const crc = crc32(data);
  const size = data.length;
  const sha1 = createHash("sha1").update(data).digest("hex");
  if (size < ASYNC_DEFLATE_MIN_BYTES) {
    return { deflated: owned(zlib.deflateRawSync(data, DEFLATE_OPTIONS)), crc, size, sha1 };
  }
  const deflated = deflateOnThreadpool(data, region);
  deflated.catch(() => undefined); // awaited in order by runJob, maybe after a later one failed
  return { deflated, crc, size, sha1 };
}

/** A piece of the ring (below): `bytes` is its memory. */
interface Region {
  bytes: Buffer;
  start: number;
  free: boolean;
}

/**
 * Where entries read into the reader's reused memory, or rewritten, wait for the threadpool to
 * deflate them: one buffer of DEFLATE_RING_BYTES per thread, kept for the process's life, used in
 * turn and freed in order. A buffer of their own per entry outlived the young generation
 * (deflating takes a while) and waited for a full collection as garbage: more peak RSS on the
 * real-dist build (./tuning.ts). An entry that does not fit gets a buffer of its own after all.
 */
class Ring {
  private readonly buf: Buffer;
  private readonly regions: Region[] = [];
  /** Where the next region starts. */
  private head = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafeSlow(size);
  }

  alloc(length: number): Region | undefined {
    const size = this.buf.length;
    let start = 0;
    if (this.regions.length > 0) {
      const tail = this.regions[0]!.start;
      if (this.head > tail) {
        // In use: [tail, head). After it, or else before it.
        if (this.head + length <= size) start = this.head;
        else if (length > tail) return undefined;
      } else if (this.head + length <= tail) start = this.head;
      // In use: [tail, end) and [0, head).
      else return undefined;
    } else if (length > size) return undefined;
    const region: Region = { bytes: this.buf.subarray(start, start + length), start, free: false };
    this.regions.push(region);
    this.head = start + length;
    return region;
  }

  free(region: Region): void {
    region.free = true;
    while (this.regions.length > 0 && this.regions[0]!.free) this.regions.shift();
  }
}

let theRing: Ring | undefined;
function ring(): Ring {
  theRing ??= new Ring(DEFLATE_RING_BYTES);
  return theRing;
}

const DEFLATE_OPTIONS: zlib.ZlibOptions = { level: DEFLATE_LEVEL };

/**
 * Deflated bytes that hold no more memory than they need: zlib's output is a view of its output
 * buffer (16 KiB at least), which a small entry would keep whole while it waits to be written.
 * On a worker, always a copy that owns its memory, so it can be moved (not cloned) to the main
 * thread: a clone of a view copies the whole buffer behind it.
 */
function owned(out: Buffer): Uint8Array {
  if (!isMainThread) return new Uint8Array(out);
  return out.length < out.buffer.byteLength ? Buffer.from(out) : out;
}

/**
 * Deflate `data` on libuv's threadpool, at most THREADPOOL_DEFLATES at a time (the rest wait
 * their turn here), and free its ring region once zlib is done with it.
 */
function deflateOnThreadpool(data: Uint8Array, region: Region | undefined): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const start = () => {
      deflating++;
      zlib.deflateRaw(data, THREADPOOL_DEFLATE_OPTIONS, (e, out) => {
        deflating--;
        if (region) ring().free(region);
        waitingToDeflate.shift()?.();
        if (e) reject(e);
        else resolve(owned(out));
      });
    };
    if (deflating < THREADPOOL_DEFLATES) start();
    else waitingToDeflate.push(start);
  });
}

const THREADPOOL_DEFLATE_OPTIONS: zlib.ZlibOptions = {
  level: DEFLATE_LEVEL,
  chunkSize: THREADPOOL_DEFLATE_CHUNK_BYTES,
};
let deflating = 0;
const waitingToDeflate: Array<() => void> = [];

let crcTable: Int32Array | undefined;

/** CRC-32 (zlib's where this Node has it, since 20.15; else a table). */
export function crc32(data: Uint8Array): number {
  const native = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
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
