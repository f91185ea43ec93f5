/**
 * Chunk upload (sentry-api.md §4.1–4.2): the options GET and the multipart POST that stores
 * chunks per organization, with real Sentry's 400 checks in their order. The artifact-bundle
 * assemble endpoint lives in assemble.ts.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { RELEASE_SCOPES } from "../../domain/scopes.js";
import { authorizeOrg } from "../auth.js";
import { type ChunkBudget, ChunkStore } from "../chunk-store.js";
import type { ServerCore } from "../core.js";
import { json, type Reply, type Router } from "../http.js";
import { formatBytes } from "../limits.js";
import { type MultipartPart, multipartBoundary, parseMultipart } from "./chunk-multipart.js";

export interface ChunkUploadOptions {
  chunkSize: number;
  chunksPerRequest: number;
  maxRequestSize: number;
  maxFileSize: number;
  /** Seconds; sentry-cli caps --wait by it. */
  maxWait: number;
  concurrency: number;
  hashAlgorithm: "sha1";
  compression: string[];
  accept: string[];
}

export const DEFAULT_CHUNK_UPLOAD_OPTIONS: ChunkUploadOptions = {
  chunkSize: 8 * 1024 * 1024,
  chunksPerRequest: 64,
  maxRequestSize: 32 * 1024 * 1024,
  maxFileSize: 2 * 1024 * 1024 * 1024,
  maxWait: 300,
  concurrency: 8,
  hashAlgorithm: "sha1",
  compression: ["gzip"],
  accept: [
    "debug_files",
    "release_files",
    "pdbs",
    "sources",
    "bcsymbolmaps",
    "il2cpp",
    "portablepdbs",
    "artifact_bundles",
    "artifact_bundles_v2",
    "proguard",
    "preprod_artifacts",
    "dartsymbolmap",
  ],
};

/** Per-server overrides (tests shrink chunkSize, drop gzip, …). */
const overrides = new WeakMap<ServerCore, Partial<ChunkUploadOptions>>();

/**
 * Override the chunk-upload options one server announces and enforces. Also read from
 * `core.options.chunkUpload` when a caller passes it to startServer.
 */
export function setChunkUploadOptions(core: ServerCore, opts: Partial<ChunkUploadOptions>): void {
  overrides.set(core, { ...(overrides.get(core) ?? {}), ...opts });
}

export function resetChunkUploadOptions(core: ServerCore): void {
  overrides.delete(core);
}

export function chunkUploadOptions(core: ServerCore): ChunkUploadOptions {
  const fromOptions = (core.options as { chunkUpload?: Partial<ChunkUploadOptions> }).chunkUpload;
  return { ...DEFAULT_CHUNK_UPLOAD_OPTIONS, ...(fromOptions ?? {}), ...(overrides.get(core) ?? {}) };
}

const budgets = new WeakMap<ServerCore, ChunkBudget>();

/** The chunks an organization has uploaded. */
export function orgChunks(core: ServerCore, orgId: number): ChunkStore {
  let m = core.state.chunks.get(orgId);
  if (!m) {
    let budget = budgets.get(core);
    if (!budget) {
      budget = { used: 0, limit: core.limits.chunkStoreBytes };
      budgets.set(core, budget);
    }
    const dir = core.persist.dir ? join(core.persist.dir, "chunks", String(orgId)) : undefined;
    m = new ChunkStore(budget, dir);
    core.state.chunks.set(orgId, m);
  }
  return m;
}

const err = (message: string): Reply => json(400, { error: message });

function sha1(b: Buffer): string {
  return createHash("sha1").update(b).digest("hex");
}

/** Gunzip with an output cap, so a decompression bomb cannot exhaust memory. */
function gunzipCapped(data: Buffer, cap: number): Buffer | "too-large" | "invalid" {
  try {
    return gunzipSync(data, { maxOutputLength: cap + 1 });
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || /maxOutputLength|too large/i.test(String(e)))
      return "too-large";
    return "invalid";
  }
}

export function register(router: Router, core: ServerCore): void {
  const path = "/api/0/organizations/:org/chunk-upload/";

  router.on("GET", path, (req) => {
    const a = authorizeOrg(core.state, req, req.params.org!, RELEASE_SCOPES.GET!);
    if ("reply" in a) return a.reply;
    const o = chunkUploadOptions(core);
    return json(200, {
      url: `${req.origin}/api/0/organizations/${encodeURIComponent(a.org.slug)}/chunk-upload/`,
      chunkSize: o.chunkSize,
      chunksPerRequest: o.chunksPerRequest,
      maxFileSize: o.maxFileSize,
      maxRequestSize: o.maxRequestSize,
      concurrency: o.concurrency,
      hashAlgorithm: o.hashAlgorithm,
      compression: o.compression,
      maxWait: o.maxWait,
      accept: o.accept,
    });
  });

  router.on(
    "POST",
    path,
    (req) => {
      const a = authorizeOrg(core.state, req, req.params.org!, RELEASE_SCOPES.POST!);
      if ("reply" in a) return a.reply;
      const o = chunkUploadOptions(core);
      const encoding = String(req.headers["content-encoding"] ?? "")
        .trim()
        .toLowerCase();
      if (encoding && encoding !== "gzip") return err("Unsupported Content-Encoding");
      const boundary = multipartBoundary(req.headers["content-type"]);
      let parts: MultipartPart[] = [];
      if (boundary) {
        try {
          parts = parseMultipart(req.body, boundary);
        } catch {
          parts = [];
        }
      }
      const files = parts.filter((p) => p.filename !== undefined && (p.name === "file" || p.name === "file_gzip"));
      if (encoding && files.some((p) => p.name === "file_gzip"))
        return err("Cannot combine Content-Encoding with file_gzip field");
      if (files.length > o.chunksPerRequest) return err("Too many chunks");
      if (files.length === 0) return { status: 200 };
      const decoded: Array<{ name: string; data: Buffer }> = [];
      let total = 0;
      for (const p of files) {
        let data: Buffer;
        if (p.name === "file_gzip" || encoding === "gzip") {
          const g = gunzipCapped(p.data, o.chunkSize);
          if (g === "too-large") return err("Chunk size too large");
          if (g === "invalid") return err("Invalid gzip payload");
          data = g;
        } else data = p.data;
        if (data.length > o.chunkSize) return err("Chunk size too large");
        total += data.length;
        if (total > o.maxRequestSize) return err("Request too large");
        decoded.push({ name: p.filename!, data });
      }
      for (const d of decoded) if (sha1(d.data) !== d.name) return err("Checksum mismatch");
      const store = orgChunks(core, a.org.id);
      const fresh = decoded.filter((d, i) => !store.has(d.name) && decoded.findIndex((x) => x.name === d.name) === i);
      const adding = fresh.reduce((n, d) => n + d.data.length, 0);
      if (!store.fits(adding)) {
        return json(413, {
          error: `Chunk storage full: this server keeps at most ${formatBytes(core.limits.chunkStoreBytes)} of chunks (serve --max-chunk-store)`,
        });
      }
      try {
        for (const d of fresh) store.set(d.name, d.data);
      } catch (e) {
        return json(507, { error: `Could not store chunk: ${(e as NodeJS.ErrnoException).code ?? "write failed"}` });
      }
      return { status: 200 };
    },
    // The announced maxRequestSize of decoded chunks, plus multipart framing; auth is checked first.
    { maxBody: (l) => chunkUploadOptions(core).maxRequestSize + l.chunkUploadOverheadBytes },
  );
}
