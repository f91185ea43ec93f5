/**
 * `sourcemaps inject`: give every JS file (and its source map) a debug id, byte-for-byte as
 * sentry-cli 3.8.0 writes the JS, without losing a single mapping.
 *
 * Two phases. Preparation reads and validates every file and map once, decides what to do and
 * writes the new content of each file to a sibling "pending" file (never the file itself); if any
 * map is corrupt, the pending files are removed and nothing is changed. Commit then renames the
 * pending files into place, each pair map first, then JS. A JS that carries a debug id counts as
 * done, so its map is always committed first; a pending JS without a pending map means the map is
 * already in place, and a re-run only has to rename it — so a killed run, re-run, ends exactly
 * where an uninterrupted one would.
 */
import { closeSync, existsSync, fchmodSync, fstatSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { InputError } from "../errors.js";
import { exists, pendingPath } from "./atomic-write.js";
import { debugIdFromBytes, debugIdFromMap, findDebugId, isDebugId } from "./debug-id.js";
import {
  comparePaths,
  discover,
  encodeDataUrl,
  mapLocation,
  parseDataUrl,
  readSourceMapReference,
  type DiscoveredFile,
} from "./discover.js";
import { mappingsProblem, sectionsProblem, shiftMappings, shiftSections, type IndexSection } from "./mappings-shift.js";
import { injectWithIndexMap, injectWithMap, injectWithoutMap, insertionPoint } from "./snippet.js";

export interface InjectStep {
  op: "write-pending" | "commit" | "remove-pending";
  path: string;
}

export interface InjectOptions {
  paths: string[];
  cwd: string;
  extensions?: string[];
  ignore?: string[];
  ignoreFile?: string;
  dryRun?: boolean;
  /** Files processed at once in each phase (default 8). */
  concurrency?: number;
  /** Called before every filesystem change; throwing simulates the process dying there (tests). */
  onStep?: (step: InjectStep) => void | Promise<void>;
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
}

type Plan =
  | { kind: "done"; js: DiscoveredFile; id: string; noReference: boolean }
  | { kind: "nomap"; js: DiscoveredFile; id: string; noReference: boolean }
  | { kind: "inline"; js: DiscoveredFile; id: string; mapHadId: boolean }
  | { kind: "pair"; js: DiscoveredFile; map: DiscoveredFile; id: string; mapHadId: boolean; resume: boolean; jsPending: boolean }
  | { kind: "missing"; js: DiscoveredFile; map: string }
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

async function pool<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let stop = false;
  let firstError: unknown;
  const worker = async () => {
    while (next < items.length && !stop) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!);
      } catch (e) {
        if (!stop) firstError = e;
        stop = true;
        throw e;
      }
    }
  };
  // Let every worker stop before reporting a failure, so nothing is still writing afterwards.
  const results = await Promise.allSettled(Array.from({ length: Math.min(n, items.length) }, worker));
  if (results.some((r) => r.status === "rejected")) throw firstError;
  return out;
}

function describeJsonError(e: unknown): string {
  return `not valid JSON (${(e as Error).message})`;
}

interface Prepare {
  invalid: Invalid[];
  /** Map path → the JS file that injects it (the first one, in discovery order). */
  owners: Map<string, string>;
  /** Write pending files (false on a dry run). */
  write: boolean;
  step: (op: InjectStep["op"], path: string) => Promise<void>;
  /** Pending files this run wrote, removed again when the run fails validation. */
  written: string[];
}

/**
 * Read and check one JS file (and its map) and decide what to do with it; unless the run is dry
 * or something is already invalid, write its pending file(s).
 */
async function prepare(js: DiscoveredFile, ctx: Prepare): Promise<Plan | undefined> {
  const plan = analyze(js, ctx);
  if (!plan || !ctx.write || ctx.invalid.length > 0) return plan?.plan;
  const { step, written } = ctx;
  const p = plan.plan;
  if (p.kind === "pair" && !p.resume) {
    const out = injectParsedPair(plan.jsText!, plan.mapObj!, p.id);
    await step("remove-pending", p.js.abs);
    // A stale pending JS (from a killed run) must not outlive a new pending map.
    if (p.jsPending) rmSync(pendingPath(p.js.abs), { force: true });
    await step("write-pending", p.map.abs);
    written.push(pendingPath(p.map.abs));
    writePending(p.map.abs, out.map, plan.mapMode!);
    await step("write-pending", p.js.abs);
    written.push(pendingPath(p.js.abs));
    writePending(p.js.abs, out.js, plan.jsMode!);
  } else if (p.kind === "inline" || p.kind === "nomap") {
    const text = plan.jsText!;
    const out = p.kind === "inline" ? injectInline(text, p.id) : injectWithoutMap(text, p.id);
    await step("write-pending", p.js.abs);
    written.push(pendingPath(p.js.abs));
    writePending(p.js.abs, out, plan.jsMode!);
  }
  return p;
}

interface Analysis {
  plan: Plan;
  jsText?: string;
  mapObj?: Record<string, unknown>;
  /** Permission bits of the JS file and of its map. */
  jsMode?: number;
  mapMode?: number;
}

/** A file's bytes and permission bits, in one open. */
function readWithMode(path: string): { buf: Buffer; mode: number } {
  const fd = openSync(path, "r");
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    let buf = Buffer.allocUnsafe(st.size);
    let n = 0;
    for (;;) {
      if (n === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(Math.max(8192, buf.length))]);
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
    }
    return { buf: n === buf.length ? buf : buf.subarray(0, n), mode: st.mode & 0o7777 };
  } finally {
    closeSync(fd);
  }
}

/** Synchronous on purpose: map ownership is claimed in discovery order. */
function analyze(js: DiscoveredFile, ctx: Prepare): Analysis | undefined {
  const { invalid } = ctx;
  let buf: Buffer;
  let jsMode: number;
  try {
    ({ buf, mode: jsMode } = readWithMode(js.abs));
  } catch (e) {
    invalid.push({ path: js.display, reason: `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
    return undefined;
  }
  const text = decodeUtf8(buf);
  if (text === undefined) {
    invalid.push({ path: js.display, reason: "it is not valid UTF-8" });
    return undefined;
  }
  const ref = readSourceMapReference(text);
  const existing = findDebugId(text);
  if (existing) return { plan: { kind: "done", js, id: existing, noReference: ref === undefined } };

  if (ref) {
    // sentry-cli 3.8.0 reads only this exact form; any other data: URL (`;charset=utf-8;base64,`)
    // counts as no map, and the snippet goes at the end, which leaves the inline map valid.
    const data = ref.url.startsWith("data:application/json;base64,") ? parseDataUrl(ref.url) : undefined;
    if (ref.url.startsWith("data:") && !data) return { plan: { kind: "nomap", js, id: debugIdFromBytes(buf), noReference: false }, jsText: text, jsMode };
    if (data) {
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
      return { plan: { kind: "inline", js, id: mapId ?? debugIdFromBytes(buf), mapHadId: mapId !== undefined }, jsText: text, jsMode };
    }
  }
  let map: DiscoveredFile | undefined;
  if (ref) {
    map = mapLocation(js, ref.url);
    if (!map) return { plan: { kind: "missing", js, map: ref.url } };
  } else if (exists(js.abs + ".map")) {
    map = { abs: js.abs + ".map", display: js.display + ".map" };
  }
  if (!map) return { plan: { kind: "nomap", js, id: debugIdFromBytes(buf), noReference: true }, jsText: text, jsMode };

  let mapBuf: Buffer;
  let mapMode: number;
  try {
    ({ buf: mapBuf, mode: mapMode } = readWithMode(map.abs));
  } catch (e) {
    // Reading is how we learn that a referenced map does not exist.
    if (ref && !existsSync(map.abs)) return { plan: { kind: "missing", js, map: map.display } };
    invalid.push({ path: map.display, reason: `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
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
  // A map can belong to one file only: a second file naming it would shift it twice.
  const owner = ctx.owners.get(map.abs);
  if (owner !== undefined) return { plan: { kind: "shared", js, map: map.display, owner } };
  ctx.owners.set(map.abs, js.display);
  // An interrupted run that already committed the map left only the JS pending: finish it.
  const jsPending = js.pending ?? exists(pendingPath(js.abs));
  if (jsPending && !exists(pendingPath(map.abs))) {
    const pending = decodeUtf8(readFileSync(pendingPath(js.abs)));
    const pid = pending === undefined ? undefined : findDebugId(pending);
    const mid = debugIdFromMap(mapObj);
    if (pid && pid === mid) return { plan: { kind: "pair", js, map, id: pid, mapHadId: false, resume: true, jsPending } };
  }
  const mapId = debugIdFromMap(mapObj);
  const plan: Plan = {
    kind: "pair",
    js,
    map,
    id: mapId ?? debugIdFromBytes(buf, "\0", mapBuf),
    mapHadId: mapId !== undefined,
    resume: false,
    jsPending,
  };
  return { plan, jsText: text, mapObj, jsMode, mapMode };
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

// Pending files are written synchronously while preparing (a thread-pool round trip per call
// costs more than the call); renames go through the thread pool, several at once: on ext4 a rename
// over an existing file starts writeback of the new data inside the syscall and waits on the disk,
// so they overlap each other. Not fsynced: the rename is what makes a change atomic for a killed
// process (power loss is out of scope, as for the bundler that wrote these files).

let umask: number | undefined;

/** Write `data` to `path`'s pending file, with permission bits `mode` (`path`'s). */
function writePending(path: string, data: string, mode: number): void {
  const tmp = pendingPath(path);
  umask ??= process.umask();
  let fd: number;
  let chmod = (mode & ~umask) !== mode;
  try {
    fd = openSync(tmp, "wx", mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    // Left by a killed run: reuse it, with the right mode.
    fd = openSync(tmp, "w");
    chmod = true;
  }
  try {
    writeFileSync(fd, data);
    if (chmod) fchmodSync(fd, mode);
  } finally {
    closeSync(fd);
  }
}

const commitPendingAsync = (path: string) => rename(pendingPath(path), path);

export const NO_MAP_WARNING = (display: string) =>
  `could not determine a source map reference (Could not auto-detect referenced sourcemap for ${display})`;

export async function runInjection(opts: InjectOptions): Promise<InjectReport> {
  const concurrency = opts.concurrency ?? 32;
  const discovery = await discover(opts.paths, {
    cwd: opts.cwd,
    extensions: opts.extensions,
    ignore: opts.ignore,
    ignoreFile: opts.ignoreFile,
  });

  let dead = false;
  const step = async (op: InjectStep["op"], path: string) => {
    if (dead) throw new Error("run stopped");
    if (opts.onStep) {
      try {
        await opts.onStep({ op, path });
      } catch (e) {
        dead = true;
        throw e;
      }
    }
  };

  // Phase 1: read and validate everything, writing pending files as we go.
  // All pending files are created before any rename: a rename frees the replaced file's inode,
  // and ext4 can be slow to allocate inodes right after many were freed (measured: interleaving
  // creates and renames cost several times the system time).
  const ctx: Prepare = { invalid: [], owners: new Map(), write: opts.dryRun !== true, step, written: [] };
  const { invalid } = ctx;
  const removeWritten = () => Promise.all(ctx.written.map((path) => rm(path, { force: true })));
  let analysed: (Plan | undefined)[];
  try {
    analysed = await pool(discovery.sources, concurrency, (js) => prepare(js, ctx));
  } catch (e) {
    // A failure of our own (not a simulated death) takes back what it wrote.
    if (!dead) await removeWritten().catch(() => undefined);
    throw e;
  }
  if (invalid.length > 0) {
    await removeWritten();
    invalid.sort((a, b) => comparePaths(a.path, b.path));
    const list = invalid.map((i) => `${i.path}: ${i.reason}`).join("; ");
    throw new InputError(
      `${invalid.length === 1 ? "1 file is" : `${invalid.length} files are`} invalid, so nothing was written — ${list}`,
      { hint: "Fix or rebuild these files (or exclude them with --ignore) and run inject again." },
    );
  }
  const plans = analysed.filter((p): p is Plan => p !== undefined);

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
  };
  for (const p of plans) {
    switch (p.kind) {
      // sentry-cli warns about every file without a sourceMappingURL reference (a sibling
      // FILE.map is still used), except when it will inject the map it found that way.
      case "done":
      case "nomap": {
        const w = p.noReference ? [NO_MAP_WARNING(p.js.display)] : [];
        (p.kind === "done" ? report.ignoredSources : report.modifiedSources).push({ path: p.js.display, debugId: p.id, warnings: w });
        for (const message of w) report.warnings.push({ path: p.js.display, message });
        break;
      }
      case "inline":
        report.modifiedSources.push({ path: p.js.display, debugId: p.id, warnings: [] });
        break;
      case "pair":
        report.modifiedSources.push({ path: p.js.display, debugId: p.id, warnings: [] });
        (p.mapHadId ? report.ignoredMaps : report.modifiedMaps).push({ path: p.map.display, debugId: p.id, warnings: [] });
        break;
      case "missing": {
        const reason = `the source map it references (${p.map}) was not found`;
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

  // Phase 2: commit, each pair map first.
  const commit = async (p: Plan): Promise<void> => {
    if (p.kind === "pair") {
      if (!p.resume) {
        await step("commit", p.map.abs);
        await commitPendingAsync(p.map.abs);
      }
      await step("commit", p.js.abs);
      await commitPendingAsync(p.js.abs);
    } else if (p.kind === "inline" || p.kind === "nomap") {
      await step("commit", p.js.abs);
      await commitPendingAsync(p.js.abs);
    }
  };
  await pool(plans, concurrency, commit);
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
    for (const u of [...r.untouched].sort((a, b) => comparePaths(a.path, b.path))) lines.push(`    ${u.path} - ${u.reason}`);
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
      ...r.ignoredSources.map((e) => ({ path: e.path, type: "source", debugId: e.debugId, reason: "already has a debug id" })),
      ...r.ignoredMaps.map((e) => ({ path: e.path, type: "sourcemap", debugId: e.debugId, reason: "already has a debug id" })),
      ...r.untouched.map((u) => ({ path: u.path, type: "source", reason: u.reason })),
    ],
    warnings: r.warnings,
  };
}
