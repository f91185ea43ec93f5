/**
 * Upload discovery: find the files `sourcemaps upload` sends (by extension, minus ignores), read
 * each one once in bounded batches (on the bundle workers when they can) to learn its debug id and
 * sourcemap reference, and pair every script with its map. Contents are not kept (unless a cache
 * budget asks for it); bundle.ts reads them again while zipping.
 */
import { type Dirent, existsSync, readdirSync, readFileSync, type Stats, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { InputError } from "../errors.js";
import { createWorkerPool, type WorkerPool } from "./bundle.js";
import { parseMapJson } from "./bundle-rewrite.js";
import { debugIdFromMap, findDebugId } from "./debug-id.js";
import { IgnoreMatcher, ignoreFileError, missingPathError, readSourceMapReference } from "./discover.js";
import { fileError, NOT_REGULAR, nameIsNotUtf8, notUtf8NameError, readRegularFile, refusal } from "./file-errors.js";
import type { Inspection } from "./inspection.js";

export const DEFAULT_UPLOAD_EXTENSIONS = ["js", "cjs", "mjs", "map", "jsbundle", "bundle"];

export interface ScanOptions {
  paths: string[];
  cwd: string;
  extensions?: string[];
  ignore?: string[];
  ignoreFile?: string;
  /**
   * Keep the bytes to upload for maps while their total stays under this many bytes, so the
   * bundle writer need not read and parse them again. 0 keeps nothing.
   */
  cacheBudget?: number;
  /** Workers to inspect files on (else the scan makes its own, when it keeps no contents). */
  pool?: WorkerPool;
  /** Told about every file under the paths that is not uploaded, and why. */
  onSkip?: (rel: string, reason: string) => void;
  /** What to upload for a parsed map (e.g. the rewritten map); default: the file's bytes. */
  transformMap?: (map: Record<string, unknown>, rel: string) => Buffer;
}

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Whether a script has a map on disk, and how it was found. */
const MapState = { None: 0, Referenced: 1, Guessed: 2 } as const;
type MapState = (typeof MapState)[keyof typeof MapState];

/**
 * One file to upload. Kept for every file until the upload ends, so it holds only what cannot be
 * derived: its folder (shared by all files found under it), its relative path and what reading it
 * told; paths, headers and URLs are computed when asked for.
 */
export class ScannedFile {
  /** Debug id from `//# debugId=` (scripts) or `debugId`/`debug_id` (maps). */
  debugId: string | undefined;
  /** The `sourceMappingURL` as written in the script. */
  sourceMapRef: string | undefined;
  /** The bytes to upload, when kept by the scan (see ScanOptions.cacheBudget). */
  cached: Buffer | undefined;
  /** For maps: problems --validate reports (sources without content), when there are any. */
  mapInfo: { missingContent: string[] } | undefined;
  private mapState: MapState;

  constructor(
    /** The folder the file was found under (for a file named on the command line, its folder). */
    readonly root: string,
    /** Path relative to `root`, with `/` separators. */
    readonly rel: string,
    readonly kind: "script" | "map",
    readonly size: number,
    info: Omit<Inspection, "kind" | "size"> = {},
  ) {
    this.debugId = info.debugId;
    this.sourceMapRef = info.sourceMapRef;
    this.cached = undefined;
    this.mapInfo = info.missingContent ? { missingContent: info.missingContent } : undefined;
    this.mapState = info.mapGuessed ? MapState.Guessed : info.mapFound ? MapState.Referenced : MapState.None;
  }

  get abs(): string {
    return join(this.root, this.rel);
  }

  /** For scripts: the map file it pairs with (absolute), when it exists on disk. */
  get mapPath(): string | undefined {
    if (this.mapState === MapState.Guessed) return `${this.abs}.map`;
    if (this.mapState === MapState.Referenced)
      return resolve(dirname(this.abs), safeDecode(this.sourceMapRef!.split(/[?#]/)[0]!));
    return undefined;
  }

  /** `sourcemap` header value (the reference as written, or the guessed sibling's name). */
  get sourceMapHeader(): string | undefined {
    if (this.mapState === MapState.Guessed) return `${basename(this.rel)}.map`;
    // As sentry-cli 3.8.0: the header carries the reference as written (data: URLs too),
    // except an absolute URL, which is left to the server to fetch.
    const ref = this.sourceMapRef;
    return ref !== undefined && !ABSOLUTE_URL.test(ref) ? ref : undefined;
  }

  /** The map was guessed as the `FILE.map` sibling (no reference in the script). */
  get mapGuessed(): boolean {
    return this.mapState === MapState.Guessed;
  }

  /** Forget a guessed sibling map (it is not uploaded): no header, no map. */
  dropGuessedMap(): void {
    if (this.mapState === MapState.Guessed) this.mapState = MapState.None;
  }
}

const BATCH = 32;
/** Scan batches in flight per worker. */
const SCAN_BATCHES_PER_WORKER = 4;
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function mapDebugId(map: Record<string, unknown>): string | undefined {
  return debugIdFromMap(map);
}

/**
 * Walk a folder in byte order of names, collecting the relative paths of its files. Like
 * sentry-cli's upload walker: hidden folders are skipped, hidden files and node_modules are not;
 * ignored folders are not entered.
 */
function walk(dir: string, rel: string, ignores: IgnoreMatcher, out: string[], onSkip?: ScanOptions["onSkip"]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw fileError(e, "list", rel || dir);
  }
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  for (const e of entries) {
    const childRel = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (e.name.startsWith(".")) continue;
      if (!ignores.empty && ignores.ignores(childRel, true)) {
        onSkip?.(`${childRel}/`, "ignored");
        continue;
      }
      walk(join(dir, e.name), childRel, ignores, out, onSkip);
    } else if (e.isFile()) {
      if (!ignores.empty && ignores.ignores(childRel, false)) {
        onSkip?.(childRel, "ignored");
        continue;
      }
      if (nameIsNotUtf8(dir, e.name)) throw notUtf8NameError(childRel);
      out.push(childRel);
    }
  }
}

/**
 * Read one file and learn what the upload needs: its debug id, for a script its sourcemap
 * reference and whether its map exists, for a map its sources (and whether it parses). Runs on
 * bundle workers too. `onMap` sees each map that parses.
 */
export function inspectFile(
  abs: string,
  rel: string,
  onMap?: (map: Record<string, unknown>, text: string, size: number) => void,
): Inspection {
  // Synchronous reads: for many small files they cost far less than thread-pool round trips.
  const bytes = readRegularFile(abs, rel);
  const size = bytes.length;
  const text = bytes.toString("utf8");
  if (abs.endsWith(".map")) {
    let map: Record<string, unknown>;
    try {
      map = parseMapJson(text, rel);
    } catch (e) {
      return { kind: "map", size, badMap: (e as Error).message };
    }
    const sources: unknown[] = Array.isArray(map.sources) ? map.sources : [];
    const content: unknown[] = Array.isArray(map.sourcesContent) ? map.sourcesContent : [];
    const missingContent: string[] = [];
    sources.forEach((s, j) => {
      if (typeof content[j] !== "string") missingContent.push(String(s ?? ""));
    });
    const info: Inspection = { kind: "map", size, debugId: mapDebugId(map) };
    if (missingContent.length > 0) info.missingContent = missingContent;
    onMap?.(map, text, size);
    return info;
  }
  const info: Inspection = { kind: "script", size, debugId: findDebugId(text) };
  const ref = readSourceMapReference(text)?.url;
  if (ref !== undefined) {
    info.sourceMapRef = ref;
    if (
      !ref.startsWith("data:") &&
      !ABSOLUTE_URL.test(ref) &&
      existsSync(resolve(dirname(abs), safeDecode(ref.split(/[?#]/)[0]!)))
    )
      info.mapFound = true;
  } else if (existsSync(`${abs}.map`)) {
    info.mapGuessed = true;
  }
  // Scripts are not kept: reading one again costs less than holding it.
  return info;
}

/** Find the files to upload, in a stable order, with their metadata. */
export async function scanUploadFiles(opts: ScanOptions): Promise<ScannedFile[]> {
  const exts = (opts.extensions && opts.extensions.length > 0 ? opts.extensions : DEFAULT_UPLOAD_EXTENSIONS).map((e) =>
    e.replace(/^\./, ""),
  );
  const ignores = new IgnoreMatcher().add(opts.ignore ?? []);
  if (opts.ignoreFile) {
    const f = resolve(opts.cwd, opts.ignoreFile);
    let text: string;
    try {
      text = readFileSync(f, "utf8");
    } catch (e) {
      throw ignoreFileError(opts.ignoreFile, e);
    }
    ignores.add(text.split(/\r?\n/));
  }
  // Found files as parallel lists of folder and relative path (the folder string is shared).
  const roots: string[] = [];
  const rels: string[] = [];
  // Paths may overlap (a folder and a file in it): the first finding counts.
  const seen = opts.paths.length > 1 ? new Set<string>() : undefined;
  for (const p of opts.paths) {
    const given = isAbsolute(p) ? p : resolve(opts.cwd, p);
    let st: Stats;
    try {
      st = statSync(given);
    } catch (e) {
      throw missingPathError(p, e);
    }
    const root = st.isDirectory() ? resolve(given) : dirname(resolve(given));
    const files: string[] = [];
    if (st.isDirectory()) walk(root, "", ignores, files, opts.onSkip);
    else if (st.isFile()) files.push(basename(given));
    else throw fileError(refusal(NOT_REGULAR, given), "read", p);
    for (const rel of files) {
      if (!exts.some((e) => rel.endsWith(`.${e}`))) {
        opts.onSkip?.(rel, `extension not one of ${exts.join(", ")}`);
        continue;
      }
      if (seen) {
        const abs = join(root, rel);
        if (seen.has(abs)) continue;
        seen.add(abs);
      }
      roots.push(root);
      rels.push(rel);
    }
  }

  const result: ScannedFile[] = [];
  const badMaps: string[] = [];
  const add = (i: number, info: Inspection, cached?: Buffer) => {
    if (info.badMap !== undefined) badMaps.push(info.badMap);
    // The kind as this thread's constant, not a copy per file from a worker.
    const f = new ScannedFile(roots[i]!, rels[i]!, info.kind === "map" ? "map" : "script", info.size, info);
    f.cached = cached;
    result.push(f);
  };
  let budget = opts.cacheBudget ?? 0;
  const own = budget <= 0 && !opts.pool ? createWorkerPool() : undefined;
  const pool = budget <= 0 ? (opts.pool ?? own) : undefined;
  if (pool) {
    // Read and inspect files on the workers (in parallel, and their text never reaches this heap).
    try {
      // A bounded window of batches in flight: results wait in the message queue otherwise.
      const pending: Array<{ from: number; done: Promise<Array<Inspection | { error: string; input: boolean }>> }> = [];
      let next = 0;
      const post = () => {
        if (next >= rels.length) return;
        const batch: Array<{ abs: string; rel: string }> = [];
        for (let i = next; i < Math.min(next + BATCH, rels.length); i++)
          batch.push({ abs: join(roots[i]!, rels[i]!), rel: rels[i]! });
        const done = pool.inspect(batch);
        done.catch(() => undefined); // awaited in order below
        pending.push({ from: next, done });
        next += BATCH;
      };
      while (pending.length < pool.size * SCAN_BATCHES_PER_WORKER && next < rels.length) post();
      while (pending.length > 0) {
        const { from, done } = pending.shift()!;
        post();
        (await done).forEach((r, j) => {
          if ("error" in r) throw r.input ? new InputError(r.error) : new Error(r.error);
          add(from + j, r);
        });
      }
    } finally {
      await own?.close();
    }
  } else {
    for (let i = 0; i < rels.length; i++) {
      const rel = rels[i]!;
      let cached: Buffer | undefined;
      const info = inspectFile(join(roots[i]!, rel), rel, (map, text, size) => {
        if (budget <= 0 || size > budget) return;
        cached = opts.transformMap ? opts.transformMap(map, rel) : Buffer.from(text, "utf8");
        budget -= cached.length;
      });
      add(i, info, cached);
    }
  }
  if (badMaps.length === 1) throw new InputError(badMaps[0]!);
  if (badMaps.length > 1)
    throw new InputError(`${badMaps.length} source maps are not valid JSON: ${badMaps.join("; ")}`);
  return result;
}
