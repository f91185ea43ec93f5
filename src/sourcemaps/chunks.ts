/**
 * The chunk-upload protocol (sentry-cli-wire.md §6.2): server options, assemble (first to learn
 * which chunks are missing, then to start and poll processing), and concurrent multipart upload
 * of only the missing chunks within the server's limits.
 */
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import * as zlib from "node:zlib";
import type { ApiClient } from "../api/types.js";
import { pack } from "./pack.js";

export interface ChunkServerOptions {
  url: string;
  chunkSize: number;
  chunksPerRequest: number;
  maxRequestSize: number;
  maxFileSize: number;
  maxWait: number;
  concurrency: number;
  hashAlgorithm: string;
  compression: string[];
}

export interface AssembleRequest {
  checksum: string;
  chunks: string[];
  projects?: string[];
  version?: string;
  dist?: string;
}

export interface AssembleResponse {
  state: "error" | "not_found" | "created" | "assembling" | "ok";
  missingChunks: string[];
  detail?: string | null;
}

export interface ChunkRef {
  sha1: string;
  size: number;
  read(): Promise<Buffer>;
  /** Where the chunk's bytes are in a file: then they are read straight into the request body. */
  file?: { path: string; offset: number };
}

/** Chunk bytes held in memory by in-flight requests at most (bounds peak RSS). */
const MAX_IN_FLIGHT_BYTES = 16 * 1024 * 1024;
/** Chunk bytes per request at most, below the server's maxRequestSize when that is larger. */
const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

export async function getChunkOptions(api: ApiClient, org: string): Promise<ChunkServerOptions> {
  const path = `organizations/${encodeURIComponent(org)}/chunk-upload/`;
  const r = await api.get<Partial<ChunkServerOptions>>(path, { expectJson: true });
  const d = (r.data ?? {}) as Partial<ChunkServerOptions>;
  return {
    url: d.url ?? path,
    chunkSize: d.chunkSize && d.chunkSize > 0 ? d.chunkSize : 8 * 1024 * 1024,
    chunksPerRequest: d.chunksPerRequest && d.chunksPerRequest > 0 ? d.chunksPerRequest : 64,
    maxRequestSize: d.maxRequestSize && d.maxRequestSize > 0 ? d.maxRequestSize : 32 * 1024 * 1024,
    maxFileSize: d.maxFileSize ?? 0,
    maxWait: d.maxWait ?? 0,
    concurrency: d.concurrency && d.concurrency > 0 ? d.concurrency : 1,
    hashAlgorithm: d.hashAlgorithm ?? "sha1",
    compression: Array.isArray(d.compression) ? d.compression : [],
  };
}

export async function assemble(api: ApiClient, org: string, req: AssembleRequest): Promise<AssembleResponse> {
  const body: Record<string, unknown> = { checksum: req.checksum, chunks: req.chunks };
  if (req.projects && req.projects.length > 0) body.projects = req.projects;
  if (req.version) body.version = req.version;
  if (req.dist !== undefined) body.dist = req.dist;
  const path = `organizations/${encodeURIComponent(org)}/artifactbundle/assemble/`;
  const r = await api.post<AssembleResponse>(path, body, { expectJson: true });
  const d = r.data as AssembleResponse;
  return {
    state: d.state,
    missingChunks: Array.isArray(d.missingChunks) ? d.missingChunks : [],
    detail: d.detail ?? null,
  };
}

/** Group chunks into requests of ≤ chunksPerRequest parts and ≤ maxRequestSize bytes. */
export function planRequests(
  chunks: ChunkRef[],
  opts: Pick<ChunkServerOptions, "chunksPerRequest" | "maxRequestSize">,
): ChunkRef[][] {
  return pack(chunks, (c) => c.size, opts.maxRequestSize, opts.chunksPerRequest);
}

const GZIP_BLOCK = 0xffff;

/** Bytes of `n` data bytes framed as a gzip member of stored deflate blocks. */
function storedGzipLength(n: number): number {
  return 10 + Math.max(1, Math.ceil(n / GZIP_BLOCK)) * 5 + n + 8;
}

/**
 * Frame `size` bytes as a gzip member of stored blocks in `out` at `at`; `fill(to, from, len)`
 * puts data bytes [from, from + len) at `out[to]`. Returns the end offset. Needs zlib.crc32.
 */
function frameStoredGzip(
  size: number,
  out: Buffer,
  at: number,
  fill: (to: number, from: number, len: number) => void,
): number {
  const blocks = Math.max(1, Math.ceil(size / GZIP_BLOCK));
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff], at);
  at += 10;
  let crc = 0;
  for (let b = 0; b < blocks; b++) {
    const start = b * GZIP_BLOCK;
    const len = Math.min(GZIP_BLOCK, size - start);
    out[at] = b === blocks - 1 ? 1 : 0;
    out.writeUInt16LE(len, at + 1);
    out.writeUInt16LE(~len & 0xffff, at + 3);
    fill(at + 5, start, len);
    crc = zlibCrc32!(out.subarray(at + 5, at + 5 + len), crc);
    at += 5 + len;
  }
  out.writeUInt32LE(crc >>> 0, at);
  out.writeUInt32LE(size >>> 0, at + 4);
  return at + 8;
}

/** Write `data` into `out` at `at` as a gzip member of stored blocks; returns the end offset. */
function writeStoredGzip(data: Uint8Array, out: Buffer, at: number): number {
  return frameStoredGzip(data.length, out, at, (to, from, len) => out.set(data.subarray(from, from + len), to));
}

const zlibCrc32 = (zlib as { crc32?: (d: Uint8Array, value?: number) => number }).crc32;

/**
 * `data` as a gzip member of stored deflate blocks (what zlib writes at level 0), built with one
 * allocation instead of zlib's 16 KiB output pieces and their concatenation.
 */
export function storedGzip(data: Buffer): Buffer {
  if (!zlibCrc32) return zlib.gzipSync(data, { level: 0 });
  const out = Buffer.allocUnsafe(storedGzipLength(data.length));
  writeStoredGzip(data, out, 0);
  return out;
}

/**
 * A multipart/form-data body of file parts, built in one buffer (FormData copied each chunk
 * three times on its way to the wire); with `gzip`, each part is framed as stored gzip. Parts
 * are read one at a time, straight into place. The boundary is random, as FormData's is.
 */
export async function multipartBody(
  parts: Array<{ name: string; filename: string; size: number; read(): Promise<Buffer>; file?: ChunkRef["file"] }>,
  gzip = false,
  /** A buffer to build the body in when it is large enough (a body is then a view of it). */
  reuse?: Buffer,
): Promise<{ body: Buffer; contentType: string; dataBytes: number }> {
  const boundary = `----sentry-ship-${randomBytes(16).toString("hex")}`;
  const heads = parts.map((p) =>
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
  );
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const useStored = gzip && zlibCrc32 !== undefined;
  let total = tail.length;
  for (const [i, p] of parts.entries()) {
    total += heads[i]!.length + (useStored ? storedGzipLength(p.size) : gzip ? 0 : p.size) + 2;
  }
  if (gzip && !useStored) {
    // No zlib.crc32 (older Node 20): zlib frames each part.
    const pieces: Buffer[] = [];
    let dataBytes = 0;
    for (let i = 0; i < parts.length; i++) {
      const g = zlib.gzipSync(await parts[i]!.read(), { level: 0 });
      dataBytes += g.length;
      pieces.push(heads[i]!, g, Buffer.from("\r\n"));
    }
    pieces.push(tail);
    return { body: Buffer.concat(pieces), contentType: `multipart/form-data; boundary=${boundary}`, dataBytes };
  }
  const body = reuse && reuse.length >= total ? reuse.subarray(0, total) : Buffer.allocUnsafe(total);
  let at = 0;
  let dataBytes = 0;
  for (let i = 0; i < parts.length; i++) {
    at += heads[i]!.copy(body, at);
    const part = parts[i]!;
    const start = at;
    if (part.file) at = readPart(part.file, part.size, body, at, useStored);
    else {
      const data = await part.read();
      if (data.length !== part.size) throw new Error(`chunk ${part.filename} changed size while uploading`);
      at = useStored ? writeStoredGzip(data, body, at) : at + data.copy(body, at);
    }
    dataBytes += at - start;
    body[at++] = 0x0d;
    body[at++] = 0x0a;
  }
  at += tail.copy(body, at);
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, dataBytes };
}

/**
 * Read `size` bytes of `file` into `body` at `at` — as stored gzip blocks when `gzip` — without
 * an intermediate buffer; returns the end offset.
 */
function readPart(file: NonNullable<ChunkRef["file"]>, size: number, body: Buffer, at: number, gzip: boolean): number {
  const fd = openSync(file.path, "r");
  try {
    const readExactly = (into: number, len: number, from: number) => {
      for (let got = 0; got < len; ) {
        const n = readSync(fd, body, into + got, len - got, from + got);
        if (n === 0) throw new Error(`chunk at ${file.offset} of ${file.path} is shorter than ${size} bytes`);
        got += n;
      }
    };
    if (!gzip) {
      readExactly(at, size, file.offset);
      return at + size;
    }
    return frameStoredGzip(size, body, at, (to, from, len) => readExactly(to, len, file.offset + from));
  } finally {
    closeSync(fd);
  }
}

function uploadPath(url: string): string {
  if (/^https?:\/\//i.test(url)) return url;
  return url.replace(/^\/?(api\/0\/)?/, "");
}

/**
 * Upload `chunks` (de-duplicated by SHA-1) concurrently. Returns the bytes put on the wire
 * (compressed size when gzip is used). `onChunk` fires per uploaded chunk with its raw size.
 */
export async function uploadChunks(
  api: ApiClient,
  opts: ChunkServerOptions,
  chunks: ChunkRef[],
  onChunk?: (rawBytes: number) => void,
): Promise<{ wireBytes: number; requests: number }> {
  const unique = [...new Map(chunks.map((c) => [c.sha1, c])).values()];
  const requestBytes = Math.max(1, Math.min(opts.maxRequestSize, MAX_REQUEST_BYTES));
  const batches = planRequests(unique, { chunksPerRequest: opts.chunksPerRequest, maxRequestSize: requestBytes });
  const gzip = opts.compression.includes("gzip");
  const perRequest = Math.max(1, Math.min(requestBytes, opts.chunksPerRequest * opts.chunkSize));
  const concurrency = Math.max(1, Math.min(opts.concurrency, Math.floor(MAX_IN_FLIGHT_BYTES / perRequest) || 1));
  let wireBytes = 0;
  let next = 0;
  const path = uploadPath(opts.url);
  const worker = async () => {
    // One body buffer per concurrent request, reused once its request is done: a new one per
    // request stays allocated until a garbage collection, which an idle heap seldom runs.
    let reuse: Buffer | undefined;
    while (next < batches.length) {
      const batch = batches[next++]!;
      // Bundle entries are already deflated, so compressing them again gains nothing (level 1
      // even grows them and costs ~25 ms per MiB): gzip framing with stored blocks keeps the
      // offered encoding at the cost of a CRC.
      const { body, contentType, dataBytes } = await multipartBody(
        batch.map((c) => ({
          name: gzip ? "file_gzip" : "file",
          filename: c.sha1,
          size: c.size,
          read: () => c.read(),
          file: c.file,
        })),
        gzip,
        reuse,
      );
      if (!reuse || body.buffer !== reuse.buffer) reuse = body;
      wireBytes += dataBytes;
      // Sentry answers an empty 200; a web page there means the chunks went somewhere else.
      await api.request("POST", path, { body, headers: { "content-type": contentType }, expectJson: true });
      for (const c of batch) onChunk?.(c.size);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  return { wireBytes, requests: batches.length };
}
