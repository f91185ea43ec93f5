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
import { type RewriteOptions, rewriteMapBytes } from "../bundle-rewrite.js";
import { decompressed } from "../content.js";
import type { DiscoveredFile } from "../discover.js";
import { readRegularFile } from "../file-errors.js";
import { applyPlans } from "../inject-apply.js";
import { type Keep, type Plan, type Validated, validate } from "../inject-validate.js";
import { type Inspection, inspectFile } from "../inspection.js";
import { COLLECT_EVERY_BYTES, DEFLATE_LEVEL } from "./tuning.js";

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

/** Run one job. Throws what the job function throws (InputErrors naming files, for bad input). */
export function runJob<J extends Job>(job: J): Done<J> {
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
    case "prepare":
      result = job.items.map((item) => {
        const p = prepareEntry(item);
        transfer.push(p.deflated.buffer as ArrayBuffer);
        readSinceCollect += p.size;
        return p;
      });
      collectIfDue();
      break;
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

/**
 * Read (or take) one entry's bytes, uncompress them, rewrite a map, and deflate them (on this
 * thread: DEFLATE_LEVEL in ./tuning.ts says why not on libuv's threadpool).
 */
export function prepareEntry(item: PrepareItem): Prepared {
  let data: Uint8Array;
  if (item instanceof Uint8Array) data = item;
  else {
    // Read into reused memory: the bytes are done with before the next entry is read.
    let read = readRegularFile(item.file, item.displayPath, true);
    if (item.decompress) read = decompressed(read).bytes;
    data = item.rewrite ? rewriteMapBytes(read, item.displayPath, item.rewrite) : read;
  }
  // On a worker, a copy that owns its memory, so it can be moved (not cloned) to the main
  // thread: a clone of a view copies the whole pool or output buffer behind it.
  const out = zlib.deflateRawSync(data, { level: DEFLATE_LEVEL });
  const deflated = isMainThread ? out : new Uint8Array(out);
  return { deflated, crc: crc32(data), size: data.length, sha1: createHash("sha1").update(data).digest("hex") };
}

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
