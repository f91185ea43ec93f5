/**
 * One interface for running jobs (./jobs.ts), two implementations: worker threads, and inline on
 * the calling thread. Both run `runJob` — the threads load ./worker.ts, a real module the type
 * checker sees, never code passed as a string.
 *
 * Where the threads' entry module is:
 * - built (dist/sourcemaps/work/pool.js): the compiled sibling, dist/sourcemaps/work/worker.js;
 * - the GitHub Action's single-file bundle (action/index.mjs): action/sourcemaps-worker.mjs,
 *   which action/build.mjs bundles from the same entry;
 * - the TypeScript sources (vitest runs them; Node 20 cannot load TypeScript in a thread without
 *   a loader): the entry bundled from these same sources with esbuild (a devDependency, present
 *   wherever the sources are), once per process, into a temporary file.
 * So tests and users run the same job functions on threads; only how the entry file is found
 * differs. Where none can be found (an installation without esbuild running sources, or a copied
 * bundle without its worker file) the pool runs inline.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { InputError } from "../../errors.js";
import { type Job, type JobFailure, type JobResult, runJob } from "./jobs.js";
import { WORKER_YOUNG_GENERATION_MB } from "./tuning.js";

export interface Pool {
  /** Jobs that run at the same time (threads, or 1 inline). */
  readonly size: number;
  /** Whether jobs run on worker threads. */
  readonly threaded: boolean;
  run<J extends Job>(job: J): Promise<JobResult<J>>;
  /** Stop the threads (again: no-op). */
  close(): Promise<void>;
}

function rebuild(f: JobFailure): Error {
  if (f.kind === "input") return new InputError(f.message, f.hint ? { hint: f.hint } : undefined);
  return Object.assign(new Error(f.message), f.code ? { code: f.code } : {});
}

/** Runs jobs on the calling thread, one at a time (each as its own task). */
export class InlinePool implements Pool {
  readonly size = 1;
  readonly threaded = false;
  run<J extends Job>(job: J): Promise<JobResult<J>> {
    return new Promise((resolve, reject) =>
      setImmediate(() => {
        try {
          resolve(runJob(job).result);
        } catch (e) {
          reject(e);
        }
      }),
    );
  }
  async close(): Promise<void> {}
}

type Reply = { id: number; result: unknown } | { id: number; failure: JobFailure };

/** Runs jobs on `size` worker threads, round robin. */
export class ThreadPool implements Pool {
  readonly threaded = true;
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 0;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(size: number, entry: URL) {
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(entry, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
      w.on("message", (m: Reply) => {
        const p = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if ("failure" in m) p?.reject(rebuild(m.failure));
        else p?.resolve(m.result);
      });
      w.on("error", (e) => this.fail(e));
      w.on("exit", (code) => {
        if (!this.closing) this.fail(new Error(`a worker thread stopped (exit code ${code})`));
      });
      return w;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
  }

  run<J extends Job>(job: J): Promise<JobResult<J>> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const w = this.workers[id % this.workers.length]!;
    return new Promise<JobResult<J>>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      w.postMessage({ id, job });
    });
  }

  close(): Promise<void> {
    this.closing ??= Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined);
    return this.closing;
  }
}

/** `threads` worker threads (0: inline), or inline when the threads' entry cannot be found. */
export async function createPool(threads: number): Promise<Pool> {
  if (threads <= 0) return new InlinePool();
  const entry = await workerEntry();
  return entry ? new ThreadPool(threads, entry) : new InlinePool();
}

let entry: Promise<URL | undefined> | undefined;

/** The threads' entry module (see the top of this file), found once per process. */
export function workerEntry(): Promise<URL | undefined> {
  entry ??= findWorkerEntry();
  return entry;
}

async function findWorkerEntry(): Promise<URL | undefined> {
  const here = import.meta.url;
  if (!here.startsWith("file:")) return undefined;
  for (const name of ["./worker.js", "./sourcemaps-worker.mjs"]) {
    const url = new URL(name, here);
    if (existsSync(fileURLToPath(url))) return url;
  }
  const source = fileURLToPath(new URL("./worker.ts", here));
  if (!existsSync(source)) return undefined;
  return bundleFromSources(source);
}

/** Bundle the entry from the TypeScript sources (see the top of this file). */
async function bundleFromSources(source: string): Promise<URL | undefined> {
  // A variable specifier: bundlers leave it alone, and built code never gets here.
  const name = "esbuild";
  let esbuild: { buildSync(o: Record<string, unknown>): unknown };
  try {
    esbuild = (await import(name)) as typeof esbuild;
  } catch {
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), "sentry-ship-worker-"));
  const outfile = join(dir, "worker.mjs");
  esbuild.buildSync({
    entryPoints: [source],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    logLevel: "error",
    banner: {
      js: 'import { createRequire as __shipCreateRequire } from "node:module"; const require = __shipCreateRequire(import.meta.url);',
    },
  });
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return pathToFileURL(outfile);
}
