/**
 * The chunk-upload protocol (sentry-cli-wire.md §6.2): server options, assemble (first to learn
 * which chunks are missing, then to start and poll processing), and concurrent multipart upload
 * of only the missing chunks within the server's limits.
 */
import { randomBytes } from "node:crypto";
import * as zlib from "node:zlib";
import type { ApiClient } from "../api/types.js";

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
}

/** Chunk bytes held in memory by in-flight requests at most (bounds peak RSS). */
const MAX_IN_FLIGHT_BYTES = 16 * 1024 * 1024;
/** Chunk bytes per request at most, below the server's maxRequestSize when that is larger. */
const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

export async function getChunkOptions(api: ApiClient, org: string): Promise<ChunkServerOptions> {
  const r = await api.get<Partial<ChunkServerOptions>>(`organizations/${encodeURIComponent(org)}/chunk-upload/`);
  const d = (r.data ?? {}) as Partial<ChunkServerOptions>;
  return {
    url: d.url ?? `organizations/${encodeURIComponent(org)}/chunk-upload/`,
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
  const r = await api.post<AssembleResponse>(`organizations/${encodeURIComponent(org)}/artifactbundle/assemble/`, body);
  const d = r.data as AssembleResponse;
  return { state: d.state, missingChunks: Array.isArray(d.missingChunks) ? d.missingChunks : [], detail: d.detail ?? null };
}

/** Group chunks into requests of ≤ chunksPerRequest parts and ≤ maxRequestSize bytes. */
export function planRequests(chunks: ChunkRef[], opts: Pick<ChunkServerOptions, "chunksPerRequest" | "maxRequestSize">): ChunkRef[][] {
  const out: ChunkRef[][] = [];
  let cur: ChunkRef[] = [];
  let bytes = 0;
  for (const c of chunks) {
    if (cur.length > 0 && (cur.length >= opts.chunksPerRequest || bytes + c.size > opts.maxRequestSize)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(c);
    bytes += c.size;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/**
 * `data` as a gzip member of stored deflate blocks (what zlib writes at level 0), built with one
 * allocation instead of zlib's 16 KiB output pieces and their concatenation.
 */
export function storedGzip(data: Buffer): Buffer {
  const crc32 = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
  if (!crc32) return zlib.gzipSync(data, { level: 0 });
  const BLOCK = 0xffff;
  const blocks = Math.max(1, Math.ceil(data.length / BLOCK));
  const out = Buffer.allocUnsafe(10 + blocks * 5 + data.length + 8);
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff], 0);
  let at = 10;
  for (let b = 0; b < blocks; b++) {
    const start = b * BLOCK;
    const len = Math.min(BLOCK, data.length - start);
    out[at] = b === blocks - 1 ? 1 : 0;
    out.writeUInt16LE(len, at + 1);
    out.writeUInt16LE(~len & 0xffff, at + 3);
    data.copy(out, at + 5, start, start + len);
    at += 5 + len;
  }
  out.writeUInt32LE(crc32(data) >>> 0, at);
  out.writeUInt32LE(data.length >>> 0, at + 4);
  return out;
}

/**
 * A multipart/form-data body of file parts, as one buffer (FormData would copy each chunk
 * three times on its way to the wire). The boundary is random, as FormData's is.
 */
export function multipartBody(parts: Array<{ name: string; filename: string; data: Buffer }>): { body: Buffer; contentType: string } {
  const boundary = `----sentry-ship-${randomBytes(16).toString("hex")}`;
  const pieces: Buffer[] = [];
  for (const p of parts) {
    pieces.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      p.data,
      Buffer.from("\r\n"),
    );
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(pieces), contentType: `multipart/form-data; boundary=${boundary}` };
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
    while (next < batches.length) {
      const batch = batches[next++]!;
      const parts: Array<{ name: string; filename: string; data: Buffer }> = [];
      for (const c of batch) {
        // Bundle entries are already deflated, so compressing them again gains nothing (level 1
        // even grows them and costs ~25 ms per MiB): gzip framing with stored blocks keeps the
        // offered encoding at the cost of a copy and a CRC.
        const data = gzip ? storedGzip(await c.read()) : await c.read();
        wireBytes += data.length;
        parts.push({ name: gzip ? "file_gzip" : "file", filename: c.sha1, data });
      }
      const { body, contentType } = multipartBody(parts);
      parts.length = 0;
      await api.request("POST", path, { body, headers: { "content-type": contentType } });
      for (const c of batch) onChunk?.(c.size);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  return { wireBytes, requests: batches.length };
}
