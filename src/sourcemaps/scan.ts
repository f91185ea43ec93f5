/**
 * Upload discovery: find the files `sourcemaps upload` sends (by extension, minus ignores), read
 * each one once in bounded batches (on the bundle workers when they can) to learn its debug id and
 * sourcemap reference, and pair every script with its map. Contents are not kept (unless a cache
 * budget asks for it); bundle.ts reads them again while zipping.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { InputError } from "../errors.js";
import { debugIdFromMap, findDebugId } from "./debug-id.js";
import { IgnoreMatcher, readSourceMapReference } from "./discover.js";
import { parseMapJson } from "./bundle-rewrite.js";
import { createWorkerPool, type WorkerPool } from "./bundle.js";

export { parseMapJson };

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

export interface ScannedFile {
  abs: string;
  /** Path relative to the upload root it was found under, with `/` separators. */
  rel: string;
  kind: "script" | "map";
  size: number;
  /** Debug id from `//# debugId=` (scripts) or `debugId`/`debug_id` (maps). */
  debugId?: string;
  /** The `sourceMappingURL` as written in the script. */
  sourceMapRef?: string;
  /** For scripts: the map file it pairs with (absolute), when it exists on disk. */
  mapPath?: string;
  /** `sourcemap` header value (the reference as written, or the guessed sibling's name). */
  sourceMapHeader?: string;
  /** The map was guessed as the `FILE.map` sibling (no reference in the script). */
  mapGuessed?: boolean;
  /** The bytes to upload, when kept by the scan (see ScanOptions.cacheBudget). */
  cached?: Buffer;
  /** For maps: problems --validate reports (sources without content), when there are any. */
  mapInfo?: { missingContent: string[] };
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
 * Walk a folder in byte order of names. Like sentry-cli's upload walker: hidden folders are
 * skipped, hidden files and node_modules are not; ignored folders are not entered.
 */
function walk(dir: string, rel: string, ignores: IgnoreMatcher, out: Array<{ abs: string; rel: string }>, onSkip?: ScanOptions["onSkip"]): void {
  const entries = readdirSync(dir, { withFileTypes: true });
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  for (const e of entries) {
    const childRel = rel ? `${rel}/${e.name}` : e.name;
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name.startsWith(".")) continue;
      if (!ignores.empty && ignores.ignores(childRel, true)) {
        onSkip?.(`${childRel}/`, "ignored");
        continue;
      }
      walk(p, childRel, ignores, out, onSkip);
    } else if (e.isFile()) {
      if (!ignores.empty && ignores.ignores(childRel, false)) {
        onSkip?.(childRel, "ignored");
        continue;
      }
      out.push({ abs: p, rel: childRel });
    }
  }
}

/** A file's metadata, or (for a map that does not parse) the message naming it. */
export type InspectedFile = ScannedFile & { badMap?: string };

/**
 * Read one file and learn what the upload needs: its debug id, for a script its sourcemap
 * reference and map, for a map its sources (and whether it parses). Runs on bundle workers too.
 */
export function inspectFile(abs: string, rel: string, onMap?: (map: Record<string, unknown>, f: ScannedFile, text: string) => void): InspectedFile {
  // Synchronous reads: for many small files they cost far less than thread-pool round trips.
  const text = readFileSync(abs, "utf8");
  const size = Buffer.byteLength(text);
  if (abs.endsWith(".map")) {
    let map: Record<string, unknown>;
    try {
      map = parseMapJson(text, rel);
    } catch (e) {
      return { abs, rel, kind: "map", size, badMap: (e as Error).message };
    }
    const sources: unknown[] = Array.isArray(map.sources) ? map.sources : [];
    const content: unknown[] = Array.isArray(map.sourcesContent) ? map.sourcesContent : [];
    const missingContent: string[] = [];
    sources.forEach((s, j) => {
      if (typeof content[j] !== "string") missingContent.push(String(s ?? ""));
    });
    const mf: ScannedFile = { abs, rel, kind: "map", size, debugId: mapDebugId(map) };
    if (missingContent.length > 0) mf.mapInfo = { missingContent };
    onMap?.(map, mf, text);
    return mf;
  }
  const f: ScannedFile = { abs, rel, kind: "script", size, debugId: findDebugId(text) };
  const ref = readSourceMapReference(text)?.url;
  if (ref !== undefined) {
    f.sourceMapRef = ref;
    // As sentry-cli 3.8.0: the header carries the reference as written (data: URLs too),
    // except an absolute URL, which is left to the server to fetch.
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) f.sourceMapHeader = ref;
    if (!ref.startsWith("data:") && f.sourceMapHeader) {
      const local = resolve(dirname(abs), safeDecode(ref.split(/[?#]/)[0]!));
      if (existsSync(local)) f.mapPath = local;
    }
  } else if (existsSync(`${abs}.map`)) {
    f.mapPath = `${abs}.map`;
    f.sourceMapHeader = `${basename(abs)}.map`;
    f.mapGuessed = true;
  }
  // Scripts are not kept: reading one again costs less than holding it.
  return f;
}

/** Find the files to upload, in a stable order, with their metadata. */
export async function scanUploadFiles(opts: ScanOptions): Promise<ScannedFile[]> {
  const exts = (opts.extensions && opts.extensions.length > 0 ? opts.extensions : DEFAULT_UPLOAD_EXTENSIONS).map((e) => e.replace(/^\./, ""));
  const ignores = new IgnoreMatcher().add(opts.ignore ?? []);
  if (opts.ignoreFile) {
    const f = resolve(opts.cwd, opts.ignoreFile);
    let text: string;
    try {
      text = readFileSync(f, "utf8");
    } catch {
      throw new InputError(`cannot read ignore file ${opts.ignoreFile}`);
    }
    ignores.add(text.split(/\r?\n/));
  }
  const found: Array<{ abs: string; rel: string }> = [];
  const seen = new Set<string>();
  for (const p of opts.paths) {
    const root = isAbsolute(p) ? p : resolve(opts.cwd, p);
    let st;
    try {
      st = statSync(root);
    } catch {
      throw new InputError(`${p} does not exist`);
    }
    const files: Array<{ abs: string; rel: string }> = [];
    if (st.isDirectory()) walk(root, "", ignores, files, opts.onSkip);
    else files.push({ abs: root, rel: basename(root) });
    for (const { abs, rel } of files) {
      const name = basename(abs);
      if (!exts.some((e) => name.endsWith(`.${e}`))) {
        opts.onSkip?.(rel, `extension not one of ${exts.join(", ")}`);
        continue;
      }
      if (seen.has(abs)) continue;
      seen.add(abs);
      found.push({ abs, rel });
    }
  }

  const result: ScannedFile[] = [];
  const badMaps: string[] = [];
  let budget = opts.cacheBudget ?? 0;
  const keep = (f: ScannedFile, make: () => Buffer): ScannedFile => {
    if (budget <= 0 || f.size > budget) return f;
    f.cached = make();
    budget -= f.cached.length;
    return f;
  };
  const own = budget <= 0 && !opts.pool ? createWorkerPool() : undefined;
  const pool = budget <= 0 ? (opts.pool ?? own) : undefined;
  if (pool) {
    // Read and inspect files on the workers (in parallel, and their text never reaches this heap).
    try {
      // A bounded window of batches in flight: results wait in the message queue otherwise.
      const pending: Array<Promise<Array<InspectedFile | { error: string }>>> = [];
      let next = 0;
      const post = () => {
        if (next >= found.length) return;
        const p = pool.inspect(found.slice(next, next + BATCH));
        p.catch(() => undefined); // awaited in order below
        pending.push(p);
        next += BATCH;
      };
      while (pending.length < pool.size * SCAN_BATCHES_PER_WORKER && next < found.length) post();
      while (pending.length > 0) {
        const p = pending.shift()!;
        post();
        for (const r of await p) {
          if ("error" in r) throw new Error(r.error);
          if (r.badMap !== undefined) {
            badMaps.push(r.badMap);
            delete r.badMap;
          }
          result.push(r);
        }
      }
    } finally {
      await own?.close();
    }
  } else {
    for (let i = 0; i < found.length; i += BATCH) {
      for (const { abs, rel } of found.slice(i, i + BATCH)) {
        const { badMap, ...f } = inspectFile(abs, rel, (map, mf, text) => keep(mf, () => (opts.transformMap ? opts.transformMap(map, rel) : Buffer.from(text, "utf8"))));
        if (badMap !== undefined) badMaps.push(badMap);
        result.push(f);
      }
    }
  }
  if (badMaps.length === 1) throw new InputError(badMaps[0]!);
  if (badMaps.length > 1) throw new InputError(`${badMaps.length} source maps are not valid JSON: ${badMaps.join("; ")}`);
  return result;
}
