/**
 * `sourcemaps inject`: give every JS file (and its source map) a debug id, byte-for-byte as
 * sentry-cli 3.8.0 writes the JS, without losing a single mapping.
 *
 * Two phases. Analysis reads and validates every file and map and decides what to do; if any map
 * is corrupt nothing is written. Execution then rewrites file by file, each pair as:
 * map → pending, JS → pending, rename map, rename JS. A JS that carries a debug id counts as done,
 * so its map is always committed first; a pending JS without a pending map means the map is
 * already in place, and a re-run only has to rename it — so a killed run, re-run, ends exactly
 * where an uninterrupted one would.
 */
import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";
import { commitPending, exists, pendingPath, removePending, writePending } from "./atomic-write.js";
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
  | { kind: "pair"; js: DiscoveredFile; map: DiscoveredFile; id: string; mapHadId: boolean; resume: boolean }
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

async function analyze(js: DiscoveredFile, invalid: Invalid[]): Promise<Plan | undefined> {
  let buf: Buffer;
  try {
    buf = readFileSync(js.abs);
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
  if (existing) return { kind: "done", js, id: existing, noReference: ref === undefined };

  if (ref) {
    // sentry-cli 3.8.0 reads only this exact form; any other data: URL (`;charset=utf-8;base64,`)
    // counts as no map, and the snippet goes at the end, which leaves the inline map valid.
    const data = ref.url.startsWith("data:application/json;base64,") ? parseDataUrl(ref.url) : undefined;
    if (ref.url.startsWith("data:") && !data) return { kind: "nomap", js, id: debugIdFromBytes(buf), noReference: false };
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
      return { kind: "inline", js, id: mapId ?? debugIdFromBytes(buf), mapHadId: mapId !== undefined };
    }
  }
  let map: DiscoveredFile | undefined;
  if (ref) {
    map = mapLocation(js, ref.url);
    if (!map || !(exists(map.abs))) return { kind: "missing", js, map: map?.display ?? ref.url };
  } else if (exists(js.abs + ".map")) {
    map = { abs: js.abs + ".map", display: js.display + ".map" };
  }
  if (!map) return { kind: "nomap", js, id: debugIdFromBytes(buf), noReference: true };

  let mapBuf: Buffer;
  try {
    mapBuf = readFileSync(map.abs);
  } catch (e) {
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
  // An interrupted run that already committed the map left only the JS pending: finish it.
  if ((exists(pendingPath(js.abs))) && !(exists(pendingPath(map.abs)))) {
    const pending = decodeUtf8(readFileSync(pendingPath(js.abs)));
    const pid = pending === undefined ? undefined : findDebugId(pending);
    const mid = debugIdFromMap(mapObj);
    if (pid && pid === mid) return { kind: "pair", js, map, id: pid, mapHadId: false, resume: true };
  }
  const mapId = debugIdFromMap(mapObj);
  return {
    kind: "pair",
    js,
    map,
    id: mapId ?? debugIdFromBytes(buf, "\0", mapBuf),
    mapHadId: mapId !== undefined,
    resume: false,
  };
}

/** The map after injection: mappings (or sections) shifted, `debugId` present (last when added). */
export function rewriteMap(map: Record<string, unknown>, id: string, at: { line: number; column: number }): string {
  if (Array.isArray(map.sections)) map.sections = shiftSections(map.sections as IndexSection[]);
  // Trailing `;`s (lines without segments) carry nothing; sentry-cli drops them, and so do we.
  else map.mappings = shiftMappings(map.mappings as string, at.line, at.column).replace(/;+$/, "");
  if (!isDebugId(map.debugId)) {
    delete map.debugId;
    delete map.debug_id;
    map.debugId = id;
  }
  return JSON.stringify(map);
}

/** The JS and map text after injection, for a file whose map is `mapText`. */
export function injectPair(jsText: string, mapText: string, id: string): { js: string; map: string } {
  const map = parseMapJson(mapText);
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

  // Phase 1: read and validate everything.
  const invalid: Invalid[] = [];
  const analysed = await pool(discovery.sources, concurrency, (js) => analyze(js, invalid));
  if (invalid.length > 0) {
    invalid.sort((a, b) => comparePaths(a.path, b.path));
    const list = invalid.map((i) => `${i.path}: ${i.reason}`).join("; ");
    throw new InputError(
      `${invalid.length === 1 ? "1 file is" : `${invalid.length} files are`} invalid, so nothing was written — ${list}`,
      { hint: "Fix or rebuild these files (or exclude them with --ignore) and run inject again." },
    );
  }
  const plans = analysed.filter((p): p is Plan => p !== undefined);

  // A map can belong to one file only: a second file naming it would shift it twice.
  const owners = new Map<string, string>();
  for (const [i, p] of plans.entries()) {
    if (p.kind !== "pair") continue;
    const owner = owners.get(p.map.abs);
    if (owner !== undefined) plans[i] = { kind: "shared", js: p.js, map: p.map.display, owner };
    else owners.set(p.map.abs, p.js.display);
  }

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

  // Phase 2: write.
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
  const execute = async (p: Plan): Promise<void> => {
    switch (p.kind) {
      case "pair": {
        if (p.resume) {
          await step("commit", p.js.abs);
          await commitPending(p.js.abs);
          return;
        }
        const jsText = readFileSync(p.js.abs, "utf8");
        const mapText = readFileSync(p.map.abs, "utf8");
        const out = injectPair(jsText, mapText, p.id);
        await step("remove-pending", p.js.abs);
        await removePending(p.js.abs);
        await step("write-pending", p.map.abs);
        await writePending(p.map.abs, out.map);
        await step("write-pending", p.js.abs);
        await writePending(p.js.abs, out.js);
        await step("commit", p.map.abs);
        await commitPending(p.map.abs);
        await step("commit", p.js.abs);
        await commitPending(p.js.abs);
        return;
      }
      case "inline":
      case "nomap": {
        const jsText = readFileSync(p.js.abs, "utf8");
        const out = p.kind === "inline" ? injectInline(jsText, p.id) : injectWithoutMap(jsText, p.id);
        await step("write-pending", p.js.abs);
        await writePending(p.js.abs, out);
        await step("commit", p.js.abs);
        await commitPending(p.js.abs);
        return;
      }
      default:
        return;
    }
  };
  await pool(plans, concurrency, execute);
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
