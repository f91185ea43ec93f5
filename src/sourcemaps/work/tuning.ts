/**
 * Every figure that trades speed for memory in inject and upload, in one place. Measured on two
 * cores with the bench (bench/sourcemaps.mjs: ~20,000 files / ~100 MB, real npm dists and a
 * generated build); the aim is the whole process tree under 200 MB at that size.
 */
import { availableParallelism } from "node:os";
import { setFlagsFromString } from "node:v8";

/**
 * A worker's young generation (V8's default is up to 48 MiB): nearly everything a worker
 * allocates dies within one file, so a small one saves ~10 MiB of RSS per worker at no
 * measurable cost.
 */
export const WORKER_YOUNG_GENERATION_MB = 8;

/**
 * Worker threads: one per core but one, at most two — and none at all when that would be one.
 * The main thread hashes and writes every byte of a bundle (upload) or plans the work and waits
 * (inject), and each worker costs an isolate and its heap, ~25 MiB, plus copying every result
 * across. On two cores (one worker), real npm dists at 19,600 files / 104 MB ran faster inline
 * than with the worker — inject 4.4 s against 5.9 s, upload 6.4–6.8 s against 7.0–7.9 s — and
 * peaked no higher (inject 200 against 240 MiB), so there a single worker is all cost. With three
 * or more cores two workers do the per-file work while the main thread does its own.
 * SENTRY_SHIP_THREADS=N sets the count instead (0: inline), e.g. to run threads on two cores.
 */
export function workerThreads(): number {
  const set = process.env.SENTRY_SHIP_THREADS;
  if (set !== undefined && /^\d+$/.test(set)) return Number(set);
  const workers = Math.min(2, availableParallelism() - 1);
  return workers >= 2 ? workers : 0;
}

/**
 * Below this many files threads cost more than they save (starting one costs ~50 ms of CPU):
 * the work runs inline, on the calling thread — the same job functions.
 */
export const INJECT_THREADS_MIN_FILES = 1000;
export const UPLOAD_THREADS_MIN_FILES = 500;

/**
 * Inject keeps the text of small files from validation for applying (checking only that each
 * is unchanged, ./inject-apply.ts) instead of reading every file twice: at most this many bytes
 * in all, of files no larger than INJECT_KEEP_FILE_BYTES. Real dists are mostly small files: of
 * the 19,614 files of the real-large bench build, 18,819 are ≤ 4 KiB (15 MB in all); the few
 * large ones, whose second read costs little per byte, are read again.
 */
export const INJECT_KEEP_BYTES = 16 << 20;
export const INJECT_KEEP_FILE_BYTES = 4 << 10;

/*
 * Inject's file system calls stay synchronous, on the calling thread (./atomic-write.ts). Moving
 * them to libuv's threadpool was measured on the real-large bench build (19,614 files, 104 MB,
 * tmpfs; 3 alternating runs at load 6 on two cores, so CPU time is the figure to trust): files
 * read ahead of the checks (16 files / 8 MiB in flight) and pending files written and renamed
 * while the next plans are made (8 plans / 8 MiB in flight, each plan's order kept) left the main
 * thread's own CPU time no lower — 3.78 s against 3.30 s — and added 2.2 s of CPU on the other
 * threads: 9.5 s wall against 4.5 s, peak RSS 199 against 186 MB. Only plans of 64 KiB or more
 * written that way: 3.40 s on the main thread, +0.3 s on the others, 4.9 s wall, 194 MB (178
 * against 149 MB on real-small). A call on tmpfs costs a few µs, about what handing it to a thread
 * and taking its completion back costs the main thread; every file in flight needs a buffer of its
 * own. Alone, reading every file of that build took 0.28–0.31 s synchronously and 0.72–1.29 s with
 * 8–16 reads in flight; writing a pending file and renaming it over each, 0.53 s against
 * 0.64–1.9 s.
 */

/**
 * How far V8 lets the heap grow past what survived the last full collection before it collects
 * again, in percent (V8 picks 10–300% itself, growing fast when collection is cheap). Inject
 * allocates its whole input as short-lived strings — several MB at once for a large map — and
 * keeps ~20 MB, so V8's own choice lets dead text pile up: on the real-large bench build (19,614
 * files, 104 MB) peak RSS was 213–226 MB, with 20% 183–192 MB, at the same CPU time (±0.1 s,
 * the noise of the machine). 10% cost CPU; a fixed young generation (semi-space growth 1) cut
 * RSS to 143 MB but cost 1 s of CPU.
 */
export const HEAP_GROWING_PERCENT = 20;

/**
 * Apply HEAP_GROWING_PERCENT to this process (worker threads too). For the CLI's commands only:
 * a program that calls the sourcemaps functions keeps its own heap settings.
 */
export function leanHeap(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/**
 * zlib level 4. Over the real-dist build's files (19,614 files, 107.5 MB; one thread, CPU time):
 * level 1 — 1.42 s, 32.8 MB; level 4 — 1.76 s, 29.5 MB; level 6 (zlib's default) — 2.96 s,
 * 28.3 MB. Level 6 costs 1.2 s for 1.2 MB less. Level 1 saves 0.34 s of CPU for 3.3 MB (11%) more
 * to send, which costs about as much at 100 Mbit/s and more on slower uplinks.
 * Deflating entries of 64 KiB or more on libuv's threadpool (async zlib, 82 of the 107 MB) while
 * the main thread prepared the next ones was measured too and does not pay on two cores: real-large
 * upload 7.43 s wall / 8.94 s CPU against 7.02 s / 7.67 s in place (medians of 3, quiet machine):
 * entries go into the bundle in order, so the main thread mostly waits for the big ones.
 * (One worker thread sharing the per-file jobs with the main thread: +1.2 s of CPU for moving
 * results and a second isolate, and 218–226 MB peak RSS against 188–193 MB inline.)
 */
export const DEFLATE_LEVEL = 4;

/*
 * Deflating on libuv's threadpool, second try (not kept): inline, entries of 64 KiB or more
 * (82 of the real-dist build's 107 MB) deflated on the threadpool, at most two at a time, while
 * the main thread read, rewrote and hashed the next 4 MiB; waiting entries sat in one reused
 * 6 MiB ring, and deflated bytes were copied to their size (deflateRawSync's output is a view of
 * a 16 KiB buffer, which had kept 300+ MB alive with 16 MiB in flight). Same bytes. Interleaved
 * `--dry-run` pairs on a loaded machine were 0.2–0.4 s faster, but the whole bench on a quiet
 * one was not: real-large upload 8.96 and 7.62 s wall, 9.85 / 8.43 s CPU, 195 / 196 MB peak RSS,
 * against 8.07 and 7.10 s, 8.52 / 7.83 s CPU, 184 / 187 MB in place (medians of 3, two rounds in
 * opposite order, sentry-cli 12.9–13.9 s in the same runs). The main thread sheds ~1 s of CPU,
 * the threadpool takes ~1.1 s, and on two cores the second core is already busy with V8's
 * collector threads (~1.7 s). Async zlib alone costs 4% more CPU than deflateRawSync with one
 * output buffer, 10% with 256 KiB steps, 24% with zlib's default 16 KiB.
 */

/**
 * Each thread collects its garbage fully after reading this many bytes of files (./jobs.ts):
 * without it the main thread's heap grew to ~115 MB committed on the real-dist build while
 * ~10–20 MB was live; with it peak RSS stayed at 188–193 MB in three runs (186–235 MB without).
 */
export const COLLECT_EVERY_BYTES = 32 * 1024 * 1024;

/** Bytes per batch of bundle entries sent to a worker (a batch holds at least one entry). */
export const BUNDLE_BATCH_BYTES = 1 << 20;
/** Entries per bundle batch at most (many tiny files: fewer messages). */
export const BUNDLE_BATCH_ENTRIES = 64;
/** Bundle batches in flight per worker: bounds memory to about this many MiB per worker. */
export const BUNDLE_BATCHES_PER_WORKER = 3;

/** Files per upload-scan batch, and scan batches in flight per worker. */
export const SCAN_BATCH_FILES = 32;
export const SCAN_BATCHES_PER_WORKER = 4;

/** The bundle writer gathers bytes into one reused buffer of this size per write(2). */
export const BUNDLE_WRITE_BYTES = 1 << 20;
