/**
 * `sourcemaps inject`: give every JS file (and its source map) a debug id, byte-for-byte as
 * sentry-cli 3.8.0 writes the JS, without losing a single mapping.
 *
 * Two phases. Validation reads and checks every file and map, and decides what to do with each,
 * writing nothing: if any map is corrupt, nothing is changed. Then each file (each pair) is read
 * again, its new content written to a sibling "pending" file and renamed into place — map first,
 * then JS, with both pending files written before either rename. A JS that carries a debug id
 * counts as done, so its map is always committed first; a pending JS without a pending map means
 * the map is already in place, and a re-run only has to rename it — so a killed run, re-run, ends
 * exactly where an uninterrupted one would. (Replacement itself: ./atomic-write.ts.)
 */
import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { availableParallelism } from "node:os";
import { sep } from "node:path";
import { Worker } from "node:worker_threads";
import { InputError } from "../errors.js";
import { exists, FileReplacer, PENDING_SUFFIX, pendingPath, type ReplaceOp, SPARE_SUFFIX } from "./atomic-write.js";
import { debugIdFromBytes, debugIdFromMap, findDebugId, isDebugId } from "./debug-id.js";
import {
  comparePaths,
  type DiscoveredFile,
  type Discovery,
  discover,
  encodeDataUrl,
  isDataUrl,
  mapLocation,
  parseDataUrl,
  readSourceMapReference,
} from "./discover.js";
import {
  describeCause,
  fileError,
  isFileSystemError,
  MAX_TEXT_BYTES,
  NOT_REGULAR,
  refusal,
  TOO_LARGE,
} from "./file-errors.js";
import { type IndexSection, mappingsProblem, sectionsProblem, shiftMappings, shiftSections } from "./mappings-shift.js";
import { siblingModuleUrl } from "./sibling.js";
import { injectWithIndexMap, injectWithMap, injectWithoutMap, insertionPoint } from "./snippet.js";

export interface InjectStep {
  op: ReplaceOp;
  path: string;
}

export interface InjectOptions {
  paths: string[];
  cwd: string;
  extensions?: string[];
  ignore?: string[];
  ignoreFile?: string;
  dryRun?: boolean;
  /**
   * Helper threads that do the reading, checking and writing (default: two — one on a single
   * core — with 1,000 JS files or more, else none; never with `onStep`). Each has a small young
   * generation, which bounds memory. Needs the compiled module: from TypeScript sources, or in a
   * single-file bundle, the work stays on this thread.
   */
  threads?: number;
  /** Called before every filesystem change; throwing simulates the process dying there (tests). */
  onStep?: (step: InjectStep) => void;
}

export interface ReportEntry {
  path: string;
  debugId: string;
  warnings: string[];
}

export interface InjectWarning {
  path: string;
  message: string;
}

export interface InjectReport {
  /** JS files and maps found (sentry-cli's "Found N files"). */
  found: number;
  /** JS files analysed. */
  sources: number;
  modifiedSources: ReportEntry[];
  modifiedMaps: ReportEntry[];
  ignoredSources: ReportEntry[];
  ignoredMaps: ReportEntry[];
  /** JS files left unchanged because the map they name is missing (or claimed by another file). */
  untouched: { path: string; reason: string }[];
  warnings: InjectWarning[];
  dryRun: boolean;
  /** Helper threads that did the work (0: this thread did). */
  threads: number;
}

/** What validation saw of a file: its size, modification time and permission bits. */
interface Stamp {
  size: number;
  mtimeMs: number;
  mode: number;
}

type Plan =
  | { kind: "done"; js: DiscoveredFile; id: string; noReference: boolean }
  | { kind: "nomap"; js: DiscoveredFile; id: string; noReference: boolean; jsStamp: Stamp }
  | { kind: "inline"; js: DiscoveredFile; id: string; mapHadId: boolean; jsStamp: Stamp }
  | {
      kind: "pair";
      js: DiscoveredFile;
      map: DiscoveredFile;
      id: string;
      mapHadId: boolean;
      resume: boolean;
      jsPending: boolean;
      jsStamp: Stamp;
      mapStamp: Stamp;
    }
  | { kind: "missing"; js: DiscoveredFile; map: string }
  | { kind: "outside"; js: DiscoveredFile; map: string }
  | { kind: "shared"; js: DiscoveredFile; map: string; owner: string };

interface Invalid {
  path: string;
  reason: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function decodeUtf8(buf: Buffer): string | undefined {
  try {
    return utf8.decode(buf);
  } catch {
    return undefined;
  }
}

/** Parse source map JSON (BOM and the `)]}'` XSSI guard tolerated). */
export function parseMapJson(text: string): Record<string, unknown> {
  let t = text.replace(/^\uFEFF/, "");
  if (t.startsWith(")]}")) t = t.slice(t.indexOf("\n") + 1);
  const v: unknown = JSON.parse(t);
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("not a JSON object");
  return v as Record<string, unknown>;
}

/** Why a parsed map cannot be injected, or undefined. */
export function mapProblem(map: Record<string, unknown>): string | undefined {
  if (map.sections !== undefined) {
    const p = sectionsProblem(map.sections);
    if (p) return p;
    for (const [i, s] of (map.sections as IndexSection[]).entries()) {
      const inner = s.map as Record<string, unknown> | undefined;
      if (inner && typeof inner === "object") {
        const q = regularProblem(inner);
        if (q) return `section ${i}: ${q}`;
      }
    }
    return undefined;
  }
  return regularProblem(map);
}

function regularProblem(map: Record<string, unknown>): string | undefined {
  if (typeof map.mappings !== "string") return "it has no `mappings` string";
  const sources = Array.isArray(map.sources) ? map.sources.length : undefined;
  const names = Array.isArray(map.names) ? map.names.length : undefined;
  try {
    return mappingsProblem(map.mappings, sources, names);
  } catch (e) {
    return `mappings do not decode (${(e as Error).message})`;
  }
}

function describeJsonError(e: unknown): string {
  return `not valid JSON (${(e as Error).message})`;
}

/**
 * Read buffers, reused file after file (one for JS files, one for maps): a new buffer per file
 * is memory outside the JS heap that only a garbage collection gives back.
 */
const scratch = [Buffer.alloc(0), Buffer.alloc(0)];
const JS = 0;
const MAP = 1;

/**
 * A file's bytes and what validation records of it, in one open. The bytes are a view of the
 * `slot`'s read buffer, valid until the next read into that slot.
 */
function readStamped(path: string, slot: typeof JS | typeof MAP): { buf: Buffer; stamp: Stamp } {
  // Non-blocking, so a FIFO is refused rather than waited on (no effect on regular files).
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    if (!st.isFile()) throw refusal(NOT_REGULAR, path);
    if (st.size > MAX_TEXT_BYTES) throw refusal(TOO_LARGE, path);
    let buf = scratch[slot]!;
    if (buf.length < st.size) buf = scratch[slot] = Buffer.allocUnsafeSlow(Math.max(st.size, 2 * buf.length, 1 << 16));
    let n = 0;
    // Until the size fstat gave (a file that grows meanwhile is caught by the second read's
    // check), or the end for a file whose size is not known (0).
    while (st.size === 0 || n < st.size) {
      if (n === buf.length) {
        const bigger = Buffer.allocUnsafeSlow(2 * buf.length);
        buf.copy(bigger, 0, 0, n);
        buf = scratch[slot] = bigger;
      }
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n > MAX_TEXT_BYTES) throw refusal(TOO_LARGE, path);
    }
    return { buf: buf.subarray(0, n), stamp: { size: n, mtimeMs: st.mtimeMs, mode: st.mode & 0o7777 } };
  } finally {
    closeSync(fd);
  }
}

/** Read and check one JS file (and its map) and decide what to do with it. Writes nothing. */
function analyze(js: DiscoveredFile, roots: string[], invalid: Invalid[]): Plan | undefined {
  let buf: Buffer;
  let jsStamp: Stamp;
  try {
    ({ buf, stamp: jsStamp } = readStamped(js.abs, JS));
  } catch (e) {
    invalid.push({ path: js.display, reason: `cannot read it: ${describeCause(e)}` });
    return undefined;
  }
  const text = decodeUtf8(buf);
  if (text === undefined) {
    invalid.push({ path: js.display, reason: "it is not valid UTF-8" });
    return undefined;
  }
  const ref = readSourceMapReference(text);
  const existing = findDebugId(text);
  if (existing) return { kind: "done", js, id: existing, noReference: ref === undefined };

  if (ref && isDataUrl(ref.url)) {
    // Every form browsers accept (sentry-cli 3.8.0 reads only `data:application/json;base64,`
    // and leaves any other with a JS that has an id and a map that lacks it).
    const data = parseDataUrl(ref.url);
    if (!data) return { kind: "nomap", js, id: debugIdFromBytes(buf), noReference: false, jsStamp };
    let map: Record<string, unknown>;
    try {
      map = parseMapJson(data.json);
    } catch (e) {
      invalid.push({ path: `${js.display} (inline source map)`, reason: describeJsonError(e) });
      return undefined;
    }
    const p = mapProblem(map);
    if (p) {
      invalid.push({ path: `${js.display} (inline source map)`, reason: p });
      return undefined;
    }
    const mapId = debugIdFromMap(map);
    return { kind: "inline", js, id: mapId ?? debugIdFromBytes(buf), mapHadId: mapId !== undefined, jsStamp };
  }
  let map: DiscoveredFile | undefined;
  if (ref) {
    map = mapLocation(js, ref.url);
    if (!map) return { kind: "missing", js, map: ref.url };
    if (!roots.some((r) => isInside(map!.abs, r))) return { kind: "outside", js, map: map.display };
  } else if (exists(js.abs + ".map")) {
    map = { abs: js.abs + ".map", display: js.display + ".map" };
  }
  if (!map) return { kind: "nomap", js, id: debugIdFromBytes(buf), noReference: true, jsStamp };

  let mapBuf: Buffer;
  let mapStamp: Stamp;
  try {
    ({ buf: mapBuf, stamp: mapStamp } = readStamped(map.abs, MAP));
  } catch (e) {
    // Reading is how we learn that a referenced map does not exist.
    if (ref && !existsSync(map.abs)) return { kind: "missing", js, map: map.display };
    invalid.push({ path: map.display, reason: `cannot read it: ${describeCause(e)}` });
    return undefined;
  }
  let mapObj: Record<string, unknown>;
  try {
    mapObj = parseMapJson(mapBuf.toString("utf8"));
  } catch (e) {
    invalid.push({ path: map.display, reason: describeJsonError(e) });
    return undefined;
  }
  const p = mapProblem(mapObj);
  if (p) {
    invalid.push({ path: map.display, reason: p });
    return undefined;
  }
  // An interrupted run that already committed the map left only the JS pending: finish it.
  const jsPending = js.pending ?? exists(pendingPath(js.abs));
  if (jsPending && !exists(pendingPath(map.abs))) {
    const pending = decodeUtf8(readFileSync(pendingPath(js.abs)));
    const pid = pending === undefined ? undefined : findDebugId(pending);
    const mid = debugIdFromMap(mapObj);
    if (pid && pid === mid)
      return { kind: "pair", js, map, id: pid, mapHadId: false, resume: true, jsPending, jsStamp, mapStamp };
  }
  const mapId = debugIdFromMap(mapObj);
  return {
    kind: "pair",
    js,
    map,
    id: mapId ?? debugIdFromBytes(buf, "\0", mapBuf),
    mapHadId: mapId !== undefined,
    resume: false,
    jsPending,
    jsStamp,
    mapStamp,
  };
}

export interface Validated {
  /** Per JS file, in the order given: its plan, or undefined when it is invalid. */
  plans: (Plan | undefined)[];
  invalid: Invalid[];
}

/** Validate `sources`: what to do with each, and what is wrong. Writes nothing. */
export function validate(sources: DiscoveredFile[], roots: string[]): Validated {
  const invalid: Invalid[] = [];
  return { plans: sources.map((js) => analyze(js, roots, invalid)), invalid };
}

/** Whether `abs` is `root` or below it (both absolute and normalised). */
function isInside(abs: string, root: string): boolean {
  return abs === root || abs.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * A map can belong to one file only — a second file naming it would shift it twice — so the
 * first file naming it, in discovery order, gets it; the others are left unchanged.
 */
function claimMaps(plans: Plan[]): Plan[] {
  const owners = new Map<string, string>();
  return plans.map((p) => {
    if (p.kind !== "pair") return p;
    const owner = owners.get(p.map.abs);
    if (owner !== undefined) return { kind: "shared", js: p.js, map: p.map.display, owner };
    owners.set(p.map.abs, p.js.display);
    return p;
  });
}

function trimSemicolons(mappings: string): string {
  let end = mappings.length;
  while (end > 0 && mappings.charCodeAt(end - 1) === 59 /* ; */) end--;
  return end === mappings.length ? mappings : mappings.slice(0, end);
}

/** The map after injection: mappings (or sections) shifted, `debugId` present (last when added). */
export function rewriteMap(map: Record<string, unknown>, id: string, at: { line: number; column: number }): string {
  if (Array.isArray(map.sections)) map.sections = shiftSections(map.sections as IndexSection[]);
  // Trailing `;`s (lines without segments) carry nothing; sentry-cli drops them, and so do we.
  else map.mappings = trimSemicolons(shiftMappings(map.mappings as string, at.line, at.column));
  if (!isDebugId(map.debugId)) {
    delete map.debugId;
    delete map.debug_id;
    map.debugId = id;
  }
  return JSON.stringify(map);
}

/** The JS and map text after injection, for a file whose map is `mapText`. */
export function injectPair(jsText: string, mapText: string, id: string): { js: string; map: string } {
  return injectParsedPair(jsText, parseMapJson(mapText), id);
}

/** `injectPair` for a map already parsed (which this changes). */
function injectParsedPair(jsText: string, map: Record<string, unknown>, id: string): { js: string; map: string } {
  const isIndex = Array.isArray(map.sections);
  const at = insertionPoint(jsText);
  const newMap = rewriteMap(map, id, at);
  const js = isIndex ? injectWithIndexMap(jsText, id) : injectWithMap(jsText, id, at);
  return { js, map: newMap };
}

/** The JS text after injection for a file carrying its map inline as a `data:` URL. */
export function injectInline(jsText: string, id: string): string {
  const ref = readSourceMapReference(jsText)!;
  const data = parseDataUrl(ref.url)!;
  const map = parseMapJson(data.json);
  const isIndex = Array.isArray(map.sections);
  const newMap = rewriteMap(map, id, insertionPoint(jsText));
  const replaced = jsText.slice(0, ref.start) + encodeDataUrl(data.prefix, data.base64, newMap) + jsText.slice(ref.end);
  return isIndex ? injectWithIndexMap(replaced, id) : injectWithMap(replaced, id);
}

/** A file's text, provided it is still as validation saw it (which found it is UTF-8). */
function readUnchanged(file: DiscoveredFile, was: Stamp, slot: typeof JS | typeof MAP): string {
  const { buf, stamp } = readStamped(file.abs, slot);
  if (stamp.size !== was.size || stamp.mtimeMs !== was.mtimeMs) {
    throw new InputError(`${file.display} changed while inject was running`, {
      hint: "Run inject again when the build has finished writing.",
    });
  }
  return buf.toString("utf8");
}

/**
 * `apply`, with a failure of the file system (a full disk, a read-only folder, a name too long
 * for the pending file) named as an InputError about the file it hit.
 */
function applyNamed(p: Plan, files: FileReplacer): void {
  try {
    apply(p, files);
  } catch (e) {
    if (!isFileSystemError(e) || (p.kind !== "pair" && p.kind !== "inline" && p.kind !== "nomap")) throw e;
    const hit = e.path ?? "";
    const display = p.kind === "pair" && hit.startsWith(p.map.abs) ? p.map.display : p.js.display;
    const writing =
      hit.endsWith(PENDING_SUFFIX) || hit.endsWith(SPARE_SUFFIX) || !/^(open|read|fstat)?$/.test(e.syscall ?? "");
    throw fileError(e, writing ? "write" : "read", display);
  }
}

/** Write one plan's files: pending files first (map, then JS), then the renames (map, then JS). */
function apply(p: Plan, files: FileReplacer): void {
  if (p.kind === "pair") {
    if (!p.resume) {
      const out = injectParsedPair(
        readUnchanged(p.js, p.jsStamp, JS),
        parseMapJson(readUnchanged(p.map, p.mapStamp, MAP)),
        p.id,
      );
      // A stale pending JS (from a killed run) must not sit beside a new pending map: a re-run
      // would take the pair for one whose map is already committed.
      if (p.jsPending) files.removePending(p.js.abs);
      files.writePending(p.map.abs, out.map, p.mapStamp.mode);
      files.writePending(p.js.abs, out.js, p.jsStamp.mode);
      files.commit(p.map.abs, p.mapStamp.size);
    }
    files.commit(p.js.abs, p.jsStamp.size);
  } else if (p.kind === "inline" || p.kind === "nomap") {
    const js = readUnchanged(p.js, p.jsStamp, JS);
    files.writePending(
      p.js.abs,
      p.kind === "inline" ? injectInline(js, p.id) : injectWithoutMap(js, p.id),
      p.jsStamp.mode,
    );
    files.commit(p.js.abs, p.jsStamp.size);
  }
}

/**
 * Bytes a plan writes, roughly (-1: it writes nothing): the order of writing, so reused storage
 * mostly grows.
 */
function weight(p: Plan): number {
  if (p.kind === "pair") return p.resume ? p.jsStamp.size : p.mapStamp.size;
  if (p.kind === "inline" || p.kind === "nomap") return p.jsStamp.size;
  return -1;
}

/** Write and commit `plans` in order, then remove the spares left over. */
export function applyPlans(
  plans: Plan[],
  opts: { staleSpares?: string[]; listed?: Discovery["listed"]; onStep?: (step: InjectStep) => void },
): void {
  let dead = false;
  const step = (op: ReplaceOp, path: string) => {
    try {
      opts.onStep?.({ op, path });
    } catch (e) {
      dead = true;
      throw e;
    }
  };
  const files = new FileReplacer({ staleSpares: opts.staleSpares, listed: opts.listed, step });
  try {
    for (const p of plans) applyNamed(p, files);
  } catch (e) {
    // A failure of our own (not a simulated death) still removes the spares: every file is
    // either replaced or untouched, and a re-run finishes the job.
    if (!dead) {
      try {
        files.finish();
      } catch {
        /* a re-run removes them */
      }
    }
    throw e;
  }
  files.finish();
}

/** Below this many JS files helper threads cost more than they save. */
const HELPER_MIN_FILES = 1000;

/**
 * A helper thread: it imports this module (compiled) and runs `validate` or `applyPlans` on
 * what it is sent, one request at a time.
 */
const HELPER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const loaded = import(workerData.module);
parentPort.on("message", async (msg) => {
  try {
    const m = await loaded;
    parentPort.postMessage({ ok: msg.op === "validate" ? m.validate(msg.sources, msg.roots) : m.applyPlans(msg.plans, { listed: msg.listed, staleSpares: msg.staleSpares }) });
  } catch (e) {
    parentPort.postMessage({ error: { message: String((e && e.message) || e), hint: e && e.hint, input: !!(e && e.kind === "input"), code: e && e.code } });
  }
});
`;

interface HelperError {
  message: string;
  hint?: string;
  input: boolean;
  code?: string;
}

class Helper {
  private readonly worker: Worker;
  private waiting: { resolve(v: unknown): void; reject(e: unknown): void } | undefined;
  private failure: Error | undefined;

  private constructor(module: string) {
    this.worker = new Worker(HELPER_SOURCE, {
      eval: true,
      workerData: { module },
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    this.worker.on("message", (m: { ok?: unknown; error?: HelperError }) => {
      const w = this.waiting;
      this.waiting = undefined;
      if (m.error) w?.reject(helperError(m.error));
      else w?.resolve(m.ok);
    });
    this.worker.on("error", (e) => this.fail(e));
    this.worker.on("exit", (code) => this.fail(new Error(`the helper thread stopped (exit code ${code})`)));
  }

  /** `n` helper threads, when this module runs compiled (a thread cannot import TypeScript). */
  static start(n: number): Helper[] {
    const module = siblingModuleUrl("inject.js");
    return module === undefined ? [] : Array.from({ length: n }, () => new Helper(module));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.waiting?.reject(e);
    this.waiting = undefined;
  }

  request<T>(
    msg:
      | { op: "validate"; sources: DiscoveredFile[]; roots: string[] }
      | { op: "apply"; plans: Plan[]; listed: Discovery["listed"]; staleSpares: string[] },
  ): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      this.waiting = { resolve: resolve as (v: unknown) => void, reject };
      this.worker.postMessage(msg);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error("closed");
    await this.worker.terminate();
  }
}

function helperError(e: HelperError): Error {
  if (e.input) return new InputError(e.message, e.hint ? { hint: e.hint } : undefined);
  return Object.assign(new Error(e.message), e.code ? { code: e.code } : {});
}

export const NO_MAP_WARNING = (display: string) =>
  `could not determine a source map reference (Could not auto-detect referenced sourcemap for ${display})`;

export async function runInjection(opts: InjectOptions): Promise<InjectReport> {
  const discovery = await discover(opts.paths, {
    cwd: opts.cwd,
    extensions: opts.extensions,
    ignore: opts.ignore,
    ignoreFile: opts.ignoreFile,
  });

  const sources = discovery.sources;
  const wanted = opts.onStep
    ? 0
    : (opts.threads ?? (sources.length >= HELPER_MIN_FILES ? Math.min(2, availableParallelism()) : 0));
  const helpers = wanted > 0 ? Helper.start(wanted) : [];
  try {
    return await inject(opts, discovery, helpers);
  } finally {
    await Promise.all(helpers.map((h) => h.close()));
  }
}

async function inject(opts: InjectOptions, discovery: Discovery, helpers: Helper[]): Promise<InjectReport> {
  // Phase 1: read and validate everything; nothing is written. Helpers take every k-th file.
  const sources = discovery.sources;
  const k = helpers.length;
  let validated: Validated;
  if (k > 0) {
    const parts = await Promise.all(
      helpers.map((h, j) =>
        h.request<Validated>({
          op: "validate",
          sources: sources.filter((_, i) => i % k === j),
          roots: discovery.roots,
        }),
      ),
    );
    validated = {
      plans: sources.map((_, i) => parts[i % k]!.plans[Math.floor(i / k)]),
      invalid: parts.flatMap((p) => p.invalid),
    };
  } else validated = validate(sources, discovery.roots);
  const { invalid } = validated;
  if (invalid.length > 0) {
    invalid.sort((a, b) => comparePaths(a.path, b.path));
    const list = invalid.map((i) => `${i.path}: ${i.reason}`).join("; ");
    throw new InputError(
      `${invalid.length === 1 ? "1 file is" : `${invalid.length} files are`} invalid, so nothing was written — ${list}`,
      { hint: "Fix or rebuild these files (or exclude them with --ignore) and run inject again." },
    );
  }
  const plans = claimMaps(validated.plans.filter((p): p is Plan => p !== undefined));

  const report: InjectReport = {
    found: discovery.found,
    sources: discovery.sources.length,
    modifiedSources: [],
    modifiedMaps: [],
    ignoredSources: [],
    ignoredMaps: [],
    untouched: [],
    warnings: [],
    dryRun: opts.dryRun === true,
    threads: k,
  };
  for (const p of plans) {
    switch (p.kind) {
      // sentry-cli warns about every file without a sourceMappingURL reference (a sibling
      // FILE.map is still used), except when it will inject the map it found that way.
      case "done":
      case "nomap": {
        const w = p.noReference ? [NO_MAP_WARNING(p.js.display)] : [];
        (p.kind === "done" ? report.ignoredSources : report.modifiedSources).push({
          path: p.js.display,
          debugId: p.id,
          warnings: w,
        });
        for (const message of w) report.warnings.push({ path: p.js.display, message });
        break;
      }
      case "inline":
        report.modifiedSources.push({ path: p.js.display, debugId: p.id, warnings: [] });
        break;
      case "pair":
        report.modifiedSources.push({ path: p.js.display, debugId: p.id, warnings: [] });
        (p.mapHadId ? report.ignoredMaps : report.modifiedMaps).push({
          path: p.map.display,
          debugId: p.id,
          warnings: [],
        });
        break;
      case "missing": {
        const reason = `the source map it references (${p.map}) was not found`;
        report.untouched.push({ path: p.js.display, reason });
        report.warnings.push({ path: p.js.display, message: `${p.js.display} was left unchanged: ${reason}` });
        break;
      }
      case "outside": {
        const reason = `the source map it references (${p.map}) is outside the paths given to inject (pass its folder too to inject it)`;
        report.untouched.push({ path: p.js.display, reason });
        report.warnings.push({ path: p.js.display, message: `${p.js.display} was left unchanged: ${reason}` });
        break;
      }
      case "shared": {
        const reason = `its source map ${p.map} belongs to ${p.owner}, which was injected with it`;
        report.untouched.push({ path: p.js.display, reason });
        report.warnings.push({ path: p.js.display, message: `${p.js.display} was left unchanged: ${reason}` });
        break;
      }
    }
  }
  for (const list of [report.modifiedSources, report.modifiedMaps, report.ignoredSources, report.ignoredMaps]) {
    list.sort((a, b) => comparePaths(a.path, b.path));
  }
  if (opts.dryRun) return report;

  // Phase 2: write and commit, smallest first; helpers take every k-th plan.
  const order = plans.filter((p) => weight(p) >= 0).sort((a, b) => weight(a) - weight(b));
  const { spares, listed } = discovery;
  if (k > 0) {
    // Each helper finishes its part even when another fails: every file is replaced or untouched.
    const done = await Promise.allSettled(
      helpers.map((h, j) =>
        h.request({
          op: "apply",
          plans: order.filter((_, i) => i % k === j),
          listed,
          staleSpares: j === 0 ? spares : [],
        }),
      ),
    );
    const failed = done.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  } else applyPlans(order, { staleSpares: spares, listed, onStep: opts.onStep });
  return report;
}

// ---------------------------------------------------------------------------------------------
// rendering

function section(title: string, entries: ReportEntry[]): string[] {
  if (entries.length === 0) return [];
  const lines = [`  ${title}`];
  for (const e of entries) {
    lines.push(`    ${e.debugId} - ${e.path}`);
    for (const w of e.warnings) lines.push(`        - warning: ${w}`);
  }
  return lines;
}

/** The human report, as sentry-cli prints it (plus a section for files left unchanged). */
export function renderInjectReport(r: InjectReport): string[] {
  const lines = [
    "",
    "Source Map Debug ID Injection Report",
    ...section("Modified: The following source files have been modified to have debug ids", r.modifiedSources),
    ...section("Modified: The following sourcemap files have been modified to have debug ids", r.modifiedMaps),
    ...section("Ignored: The following source files already have debug ids", r.ignoredSources),
    ...section("Ignored: The following sourcemap files already have debug ids", r.ignoredMaps),
  ];
  if (r.untouched.length > 0) {
    lines.push("  Ignored: The following source files were left unchanged");
    for (const u of [...r.untouched].sort((a, b) => comparePaths(a.path, b.path)))
      lines.push(`    ${u.path} - ${u.reason}`);
  }
  lines.push("");
  return lines;
}

/** The `--json` document. */
export function injectJson(r: InjectReport) {
  return {
    dryRun: r.dryRun,
    found: r.found,
    modified: [
      ...r.modifiedSources.map((e) => ({ path: e.path, type: "source", debugId: e.debugId })),
      ...r.modifiedMaps.map((e) => ({ path: e.path, type: "sourcemap", debugId: e.debugId })),
    ],
    ignored: [
      ...r.ignoredSources.map((e) => ({
        path: e.path,
        type: "source",
        debugId: e.debugId,
        reason: "already has a debug id",
      })),
      ...r.ignoredMaps.map((e) => ({
        path: e.path,
        type: "sourcemap",
        debugId: e.debugId,
        reason: "already has a debug id",
      })),
      ...r.untouched.map((u) => ({ path: u.path, type: "source", reason: u.reason })),
    ],
    warnings: r.warnings,
  };
}
