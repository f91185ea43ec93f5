/**
 * `sourcemaps upload` without the CLI: discover and pair files, validate, build artifact bundles
 * (split by the server's maxFileSize) in a temporary folder, and run the chunk protocol — assemble
 * first, upload only missing chunks, assemble again and optionally poll.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ApiClient } from "../api/types.js";
import { ApiError, InputError } from "../errors.js";
import type { Output } from "../output/output.js";
import { type BundleEntry, fileUrl, readChunk, type WrittenBundle, writeBundle } from "./bundle.js";
import type { RewriteOptions } from "./bundle-rewrite.js";
import { type AssembleResponse, assemble, type ChunkServerOptions, getChunkOptions, uploadChunks } from "./chunks.js";
import { deleteAfterUpload, wantsDeletion } from "./delete-after-upload.js";
import { fileError, isFileSystemError } from "./file-errors.js";
import { byteCompare } from "./order.js";
import { pack } from "./pack.js";
import { bundleListing, inspectUploadFiles, listUploadFiles, type ScannedFile } from "./scan.js";
import { createPool, type Pool } from "./work/pool.js";
import { UPLOAD_THREADS_MIN_FILES, workerThreads } from "./work/tuning.js";

export interface UploadOptions {
  /** Files or folders to upload (none with `bundle`). */
  paths: string[];
  /**
   * `--bundle` and `--bundle-sourcemap` (React Native): upload this one bundle and this one map,
   * paired, instead of `paths`. As in sentry-cli, the map is always rewritten with the common
   * prefix of its sources stripped, and the bundle takes the map's debug id when it has none.
   */
  bundle?: { file: string; sourcemap: string };
  release?: string;
  dist?: string;
  urlPrefix?: string;
  urlSuffix?: string;
  stripPrefix?: string[];
  stripCommonPrefix?: boolean;
  extensions?: string[];
  ignore?: string[];
  ignoreFile?: string;
  validate?: boolean;
  rewrite?: boolean;
  /** false with `--no-sourcemap-reference`: scripts carry no `sourcemap` header. */
  sourcemapReference?: boolean;
  /** `--debug-id-reference`: a script without a debug id takes its map's. */
  debugIdReference?: boolean;
  /** `--decompress`: upload gzip files uncompressed. */
  decompress?: boolean;
  /** `--strict`: finding no file to upload is an error. */
  strict?: boolean;
  note?: string;
  wait?: boolean;
  /** Seconds. */
  waitFor?: number;
  dryRun?: boolean;
  /**
   * Worker threads that read, inspect, rewrite and deflate files (default: ./work/tuning.ts —
   * none below UPLOAD_THREADS_MIN_FILES files). 0 runs the same jobs inline.
   */
  threads?: number;
  /** Delete the uploaded source maps once the server has confirmed the upload. */
  deleteMapsAfterUpload?: boolean;
  /** Delete the files these globs (relative to cwd) match once the server has confirmed the upload. */
  filesToDeleteAfterUpload?: string[];
}

export interface UploadDeps {
  cwd: string;
  out: Output;
  org: string;
  projects: string[];
  api(): Promise<ApiClient>;
  sleep(ms: number): Promise<void>;
  /** Folder the temporary bundles are written under (default: the system's temp folder). */
  tempParent?: string;
}

export interface UploadedBundle {
  bundleId: string;
  checksum: string;
  files: number;
  size: number;
  chunks: number;
  missingChunks: number;
  state: AssembleResponse["state"] | "dry-run";
}

export interface UploadSummary {
  organization: string;
  projects: string[];
  release: string | null;
  dist: string | null;
  dryRun: boolean;
  files: Array<{ url: string; type: string; debugId: string | null; sourcemap: string | null }>;
  /** Scripts were given `sourcemap` headers (false with --no-sourcemap-reference). */
  sourcemapReferences: boolean;
  bundles: UploadedBundle[];
  /** Bytes sent as chunk data (after compression). */
  bytesSent: number;
  /** Bundle bytes the server already had (not sent). */
  bytesSkipped: number;
  /** Files under the paths that were not uploaded, and why. */
  skipped: Array<{ path: string; reason: string }>;
  /** Uploaded scripts that Sentry cannot map (no source map and no debug id). */
  unmapped: string[];
  problems: string[];
  processing: "complete" | "pending" | "none";
  /**
   * Only when a deletion was asked for: the files deleted after the server confirmed the upload
   * (relative to the working directory; empty on a dry run or when nothing was uploaded).
   */
  deleted?: string[];
}

/** Problems --validate reports (and which of them stop the upload). */
export function validateFiles(files: ScannedFile[]): { warnings: string[]; errors: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  const maps = new Map(files.filter((f) => f.kind === "map").map((f) => [f.abs, f]));
  for (const f of files) {
    if (f.kind === "script") {
      if (!f.mapPath && !f.sourceMapRef?.startsWith("data:") && !f.debugId)
        warnings.push(`${f.rel}: no source map and no debug id`);
      else if (!f.mapPath && !f.sourceMapRef?.startsWith("data:")) warnings.push(`${f.rel}: no source map found`);
      const m = f.mapPath ? maps.get(f.mapPath) : undefined;
      if (m && f.debugId && m.debugId && f.debugId !== m.debugId) {
        errors.push(`${f.rel}: debug id ${f.debugId} does not match ${m.rel} (${m.debugId})`);
      }
    } else {
      for (const s of f.mapInfo?.missingContent ?? []) warnings.push(`${f.rel}: missing sourcecode (${s})`);
    }
  }
  return { warnings, errors };
}

/** What every file's bundle entry shares (one object per upload). */
interface EntryContext {
  urlPrefix: string | undefined;
  urlSuffix: string | undefined;
  /** How maps are rewritten; undefined when they are uploaded as they are. */
  rewrite: RewriteOptions | undefined;
  /** Scripts carry a `sourcemap` header (not with --no-sourcemap-reference). */
  sourcemapReference: boolean;
  decompress: boolean;
}

/**
 * A scanned file as a bundle entry. There is one per file for the whole upload, so it keeps two
 * references and computes its URL, headers and bytes when the bundle writer asks.
 */
class FileEntry implements BundleEntry {
  constructor(
    readonly file: ScannedFile,
    private readonly ctx: EntryContext,
  ) {}

  get url(): string {
    return fileUrl(this.file.rel, this.ctx.urlPrefix, this.ctx.urlSuffix);
  }

  get type(): BundleEntry["type"] {
    return this.file.kind === "map" ? "source_map" : "minified_source";
  }

  get headers(): Record<string, string> {
    const f = this.file;
    const headers: Record<string, string> = {};
    if (f.debugId) headers["debug-id"] = f.debugId;
    const sourcemap = f.kind === "script" && this.ctx.sourcemapReference ? f.sourceMapHeader : undefined;
    if (sourcemap) headers.sourcemap = sourcemap;
    return headers;
  }

  get sizeHint(): number {
    return this.file.size + 256;
  }

  private get rewrite(): RewriteOptions | undefined {
    return this.file.kind === "map" ? this.ctx.rewrite : undefined;
  }

  get source(): BundleEntry["source"] {
    const f = this.file;
    // As sentry-cli does: Hermes bytecode is stored empty; its map is what the server reads.
    if (f.hermes) return new Uint8Array(0);
    const item: Exclude<BundleEntry["source"], Uint8Array> = { file: f.abs, displayPath: f.rel };
    const rewrite = this.rewrite;
    if (rewrite) item.rewrite = rewrite;
    if (this.ctx.decompress) item.decompress = true;
    return item;
  }
}

/**
 * `--debug-id-reference`: a script without a debug id of its own (Hermes bytecode has no text to
 * carry one) takes the debug id of the uploaded map it pairs with.
 */
export function takeDebugIdsFromMaps(files: ScannedFile[], out: Output): void {
  const maps = new Map<string, ScannedFile>();
  for (const f of files) if (f.kind === "map") maps.set(f.abs, f);
  for (const f of files) {
    if (f.kind !== "script" || f.debugId) continue;
    const mapPath = f.mapPath;
    const id = mapPath ? maps.get(mapPath)?.debugId : undefined;
    if (!id) continue;
    out.debug(`${f.rel}: debug id ${id}, from its source map`);
    f.debugId = id;
  }
}

/** Split sorted entries into bundles whose estimated size stays under `maxFileSize` (0 = no limit). */
export function splitBundles(entries: BundleEntry[], maxFileSize: number): BundleEntry[][] {
  if (!maxFileSize || maxFileSize <= 0) return entries.length ? [entries] : [];
  // 4 KiB per bundle for the zip's own records and the manifest's start.
  return pack(entries, (e) => e.sizeHint, maxFileSize, Infinity, 4096);
}

export async function uploadSourcemaps(opts: UploadOptions, deps: UploadDeps): Promise<UploadSummary> {
  // Make the API client (it loads the HTTP stack) while the files are scanned; its errors still
  // surface where it is awaited.
  const apiClient = opts.dryRun ? undefined : deps.api();
  apiClient?.catch(() => undefined);
  const skipped: UploadSummary["skipped"] = [];
  if (opts.bundle) {
    // sentry-cli's React Native upload: these two files, always rewritten and paired.
    opts = {
      ...opts,
      rewrite: true,
      stripCommonPrefix: true,
      sourcemapReference: true,
      debugIdReference: true,
      decompress: false,
    };
  }
  const listing = opts.bundle
    ? bundleListing(opts.bundle, deps.cwd)
    : listUploadFiles({
        onSkip: (path, reason) => skipped.push({ path, reason }),
        paths: opts.paths,
        cwd: deps.cwd,
        extensions: opts.extensions,
        ignore: opts.ignore,
        ignoreFile: opts.ignoreFile,
      });
  // One pool for the scan and every bundle (starting a worker costs ~50 ms of CPU).
  const threads = opts.threads ?? (listing.rels.length >= UPLOAD_THREADS_MIN_FILES ? workerThreads() : 0);
  const pool = await createPool(threads);
  deps.out.debug(
    `upload: ${listing.rels.length} files, ${pool.threaded ? `${pool.size} worker thread(s)` : "inline (no worker threads)"}`,
  );
  try {
    const scanned = await inspectUploadFiles(listing, pool, {
      decompress: opts.decompress === true,
      onNotDecompressed: (rel) => deps.out.warn(`could not decompress ${rel}: it is read as it is`),
    });
    if (!wantsDeletion(opts.deleteMapsAfterUpload, opts.filesToDeleteAfterUpload)) {
      return await upload(opts, deps, { pool, apiClient, skipped, scanned });
    }
    // A map that is not text is not bundled, so it is not deleted either.
    const uploadedMaps = scanned.filter((f) => f.kind === "map" && !f.notText).map((f) => f.abs);
    const summary = await upload(opts, deps, { pool, apiClient, skipped, scanned });
    // upload() returns only once every bundle was accepted (it throws otherwise).
    const confirmed = !summary.dryRun && summary.bundles.length > 0;
    summary.deleted = confirmed
      ? await deleteAfterUpload({
          uploadedMaps,
          maps: opts.deleteMapsAfterUpload === true,
          globs: opts.filesToDeleteAfterUpload ?? [],
          cwd: deps.cwd,
        })
      : [];
    if (summary.deleted.length > 0) deps.out.info(`> Deleted ${summary.deleted.length} files after the upload`);
    return summary;
  } finally {
    await pool.close();
  }
}

async function upload(
  opts: UploadOptions,
  deps: UploadDeps,
  run: {
    pool: Pool;
    apiClient: Promise<ApiClient> | undefined;
    skipped: UploadSummary["skipped"];
    scanned: ScannedFile[];
  },
): Promise<UploadSummary> {
  const { out } = deps;
  const { pool, apiClient, skipped, scanned } = run;
  // One options object for every map (entries share it).
  const rewrite: RewriteOptions | undefined =
    opts.rewrite === false
      ? undefined
      : { stripPrefixes: opts.stripPrefix ?? [], stripCommonPrefix: opts.stripCommonPrefix ?? false };
  out.info(`> Found ${scanned.length} files`);
  const summary: UploadSummary = {
    organization: deps.org,
    projects: deps.projects,
    release: opts.release ?? null,
    dist: opts.dist ?? null,
    dryRun: opts.dryRun === true,
    files: [],
    sourcemapReferences: opts.sourcemapReference !== false,
    bundles: [],
    bytesSent: 0,
    bytesSkipped: 0,
    skipped,
    unmapped: [],
    problems: [],
    processing: "none",
  };
  if (opts.bundle) {
    // The bundle pairs with the map given beside it, uploaded as `<prefix>/<its name><suffix>`.
    const [script, map] = scanned;
    const mapUrl = fileUrl(map!.rel, opts.urlPrefix, opts.urlSuffix);
    script!.pairWith(map!.abs, mapUrl.slice(mapUrl.lastIndexOf("/") + 1));
  }
  if (opts.validate) {
    out.info("> Validating sources");
    const v = validateFiles(scanned);
    summary.problems = [...v.errors, ...v.warnings];
    for (const w of v.warnings) out.warn(w);
    if (v.errors.length > 0) throw new InputError(`validation failed: ${v.errors.join("; ")}`);
  }
  if (scanned.length > 0 && !opts.release && !scanned.some((f) => f.debugId)) {
    throw new InputError(
      "Cannot upload: You must either specify a release or have debug ids injected into your sources",
    );
  }

  // sentry-cli pairs an unreferenced script with `<its URL>.map` only when that URL is uploaded
  // too. URLs share their prefix, so without a suffix they compare as the relative paths do.
  const suffix = opts.urlSuffix ?? "";
  const key = suffix ? (f: ScannedFile) => fileUrl(f.rel, opts.urlPrefix, suffix) : (f: ScannedFile) => f.rel;
  if (scanned.some((f) => f.mapGuessed)) {
    const mapKeys = new Set(scanned.filter((f) => f.kind === "map").map(key));
    for (const f of scanned) {
      if (f.mapGuessed && !mapKeys.has(`${key(f)}.map`)) f.dropGuessedMap();
    }
  }
  if (opts.debugIdReference) takeDebugIdsFromMaps(scanned, out);
  for (const f of scanned) {
    if (f.kind === "script" && !f.sourceMapHeader && !f.debugId && !f.sourceMapRef) summary.unmapped.push(f.rel);
  }
  scanned.sort((a, b) => byteCompare(key(a), key(b)));
  const ctx: EntryContext = {
    urlPrefix: opts.urlPrefix,
    urlSuffix: opts.urlSuffix,
    rewrite,
    sourcemapReference: opts.sourcemapReference !== false,
    decompress: opts.decompress === true,
  };
  // As sentry-cli does, a file that is not text is paired with, but not bundled.
  const entries: FileEntry[] = [];
  for (const f of scanned) {
    if (f.notText) skipped.push({ path: f.rel, reason: f.notText });
    else entries.push(new FileEntry(f, ctx));
  }

  const api = apiClient ? await apiClient : undefined;
  const options: ChunkServerOptions = api
    ? await getChunkOptions(api, deps.org)
    : {
        url: "",
        chunkSize: 8 << 20,
        chunksPerRequest: 64,
        maxRequestSize: 32 << 20,
        maxFileSize: 0,
        maxWait: 0,
        concurrency: 8,
        hashAlgorithm: "sha1",
        compression: ["gzip"],
      };
  if (entries.length === 0) {
    out.info("> Nothing to upload");
    if (opts.strict) throw new InputError("No files to upload (strict mode).");
    return summary;
  }
  if (opts.rewrite !== false) out.info("> Rewriting sources");
  const groups = splitBundles(entries, options.maxFileSize);
  const tmpParent = deps.tempParent ?? tmpdir();
  const tmp = await mkdtemp(join(tmpParent, "sentry-ship-bundle-")).catch((e) => {
    throw fileError(e, "write", `a temporary folder in ${tmpParent}`);
  });
  try {
    const written: WrittenBundle[] = [];
    let i = 0;
    for (const g of groups) {
      const progress = out.progress("Bundling", g.length, "files");
      const bundleFile = join(tmp, `bundle-${i++}.zip`);
      const b = await writeBundle(
        bundleFile,
        g,
        {
          org: deps.org,
          project: deps.projects.length === 1 ? deps.projects[0] : undefined,
          release: opts.release,
          dist: opts.dist,
          note: opts.note,
        },
        options.chunkSize,
        () => progress.tick(),
        pool,
      ).catch((e) => {
        // Reading is named by the reader; what fails here is writing the bundle (a full disk).
        throw isFileSystemError(e) ? fileError(e, "write", `the temporary bundle ${bundleFile}`) : e;
      });
      progress.done(`> Bundled ${b.fileCount} files for upload`);
      if (!api) written.push(b);
      // The workers' isolates are most of the memory left: stop them before the last upload.
      if (i === groups.length) await pool.close();
      if (!api) continue;
      await sendBundle(api, b, options, opts, deps, summary);
      await rm(b.file, { force: true });
    }
    if (!api) {
      for (const b of written) {
        summary.bundles.push({
          bundleId: b.debugId,
          checksum: b.checksum,
          files: b.fileCount,
          size: b.size,
          chunks: b.chunks.length,
          missingChunks: 0,
          state: "dry-run",
        });
      }
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  // Listed only now: the bundle workers are gone, and these objects were not kept while they ran.
  summary.files = entries.map((e) => ({
    url: e.url,
    type: e.type,
    debugId: e.file.debugId ?? null,
    sourcemap: e.headers.sourcemap ?? null,
  }));
  return summary;
}

async function sendBundle(
  api: ApiClient,
  b: WrittenBundle,
  options: ChunkServerOptions,
  opts: UploadOptions,
  deps: UploadDeps,
  summary: UploadSummary,
): Promise<void> {
  const { out } = deps;
  out.info(`> Bundle ID: ${b.debugId}`);
  const req = {
    checksum: b.checksum,
    chunks: b.chunks.map((c) => c.sha1),
    projects: deps.projects,
    version: opts.release,
    dist: opts.dist,
  };
  const first = await assemble(api, deps.org, req);
  const missing = new Set(first.missingChunks);
  const toSend = b.chunks.filter((c) => missing.has(c.sha1));
  const missingBytes = toSend.reduce((n, c) => n + c.size, 0);
  summary.bytesSkipped += b.size - missingBytes;
  if (toSend.length === 0) out.info("> Nothing to upload, all files are on the server");
  else {
    const p = out.progress("Uploading", missingBytes, "bytes");
    const r = await uploadChunks(
      api,
      options,
      toSend.map((c) => ({
        sha1: c.sha1,
        size: c.size,
        read: () => readChunk(b.file, c.offset, c.size),
        file: { path: b.file, offset: c.offset },
      })),
      (n) => p.tick(n),
    );
    p.done("> Uploaded files to Sentry");
    summary.bytesSent += r.wireBytes;
  }
  let res = await assemble(api, deps.org, req);
  if (opts.wait || opts.waitFor !== undefined) {
    const limits = [opts.waitFor ?? 300, options.maxWait > 0 ? options.maxWait : 300];
    const maxMs = Math.min(...limits) * 1000;
    let waited = 0;
    while (res.state !== "ok" && res.state !== "error" && res.state !== "not_found") {
      if (waited >= maxMs)
        throw new ApiError(
          `Failed to process files in ${Math.round(maxMs / 1000)}s`,
          200,
          "POST",
          "artifactbundle/assemble/",
          res,
        );
      await deps.sleep(1000);
      waited += 1000;
      res = await assemble(api, deps.org, req);
    }
  }
  if (res.state === "error" || res.state === "not_found") {
    throw new ApiError(
      `Failed to process uploaded files: ${res.detail || "unknown error"}`,
      200,
      "POST",
      "artifactbundle/assemble/",
      res,
    );
  }
  const complete = res.state === "ok";
  out.info(complete ? "> File processing complete" : "> File upload complete (processing pending on server)");
  summary.processing = summary.processing === "pending" || !complete ? "pending" : "complete";
  summary.bundles.push({
    bundleId: b.debugId,
    checksum: b.checksum,
    files: b.fileCount,
    size: b.size,
    chunks: b.chunks.length,
    missingChunks: toSend.length,
    state: res.state,
  });
}
