/**
 * `sourcemaps inject`: give every JS file (and its source map) a debug id, byte-for-byte as
 * sentry-cli 3.8.0 writes the JS wherever it is right, without losing a single mapping.
 *
 * Two phases, each a job run on a pool (./work/pool.ts: worker threads, or inline for small
 * builds — the same functions either way). Validation (./inject-validate.ts) reads and checks
 * every file and map and decides what to do with each, writing nothing: if any map is corrupt,
 * nothing is changed. Applying (./inject-apply.ts) then writes each file crash-safely. What the
 * new bytes are is decided by ./inject-plan.ts (pure); the report is ./inject-render.ts.
 */
import { realpathSync } from "node:fs";
import { InputError } from "../errors.js";
import { type Discovery, discover } from "./discover.js";
import { applyPlans, type InjectStep, weight } from "./inject-apply.js";
import type { Plan, Validated } from "./inject-validate.js";
import { comparePaths } from "./order.js";
import { createPool, type Pool } from "./work/pool.js";
import { INJECT_KEEP_BYTES, INJECT_KEEP_FILE_BYTES, INJECT_THREADS_MIN_FILES, workerThreads } from "./work/tuning.js";

export type { InjectStep };

export interface InjectOptions {
  paths: string[];
  cwd: string;
  extensions?: string[];
  ignore?: string[];
  ignoreFile?: string;
  dryRun?: boolean;
  /**
   * Worker threads that do the reading, checking and writing (default: ./work/tuning.ts — none
   * below INJECT_THREADS_MIN_FILES JS files; never with `onStep`). 0 runs the same jobs inline.
   */
  threads?: number;
  /** Called before every filesystem change; throwing simulates the process dying there (tests). */
  onStep?: (step: InjectStep) => void;
  /**
   * Whether replaced files' storage carries later files' content (./atomic-write.ts; default:
   * everywhere but on tmpfs).
   */
  recycle?: boolean;
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
  /** Worker threads that did the work (0: this thread did). */
  threads: number;
}

/**
 * A map can belong to one file only — a second file naming it would shift it twice — so the
 * first file naming it, in discovery order, gets it; the others are left unchanged. A map is
 * the file a name leads to: `b.js.map`, a symbolic link to `a.js.map`, is a.js's map too
 * (while two hard links are two names, each replaced by a file of its own). A file that already
 * has a debug id keeps the map it names, so a second run leaves the others unchanged again.
 */
function claimMaps(plans: Plan[]): Plan[] {
  const owners = new Map<string, { js: string; abs: string }>();
  // A file injected by an earlier run already has its map: a re-run leaves that map alone.
  for (const p of plans) {
    if (p.kind === "done" && p.map && !owners.has(p.map.file))
      owners.set(p.map.file, { js: p.js.display, abs: p.map.abs });
  }
  return plans.map((p) => {
    if (p.kind !== "pair") return p;
    const file = `${p.mapStamp.dev}:${p.mapStamp.ino}`;
    const owner = owners.get(file);
    if (owner !== undefined && (owner.abs === p.map.abs || sameTarget(owner.abs, p.map.abs)))
      return { kind: "shared", js: p.js, map: p.map.display, owner: owner.js };
    if (owner === undefined) owners.set(file, { js: p.js.display, abs: p.map.abs });
    return p;
  });
}

/** Whether two paths to one inode lead to it through the same name (symbolic links resolved). */
function sameTarget(a: string, b: string): boolean {
  try {
    return realpathSync.native(a) === realpathSync.native(b);
  } catch {
    return false;
  }
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
  const wanted = opts.onStep ? 0 : (opts.threads ?? (sources.length >= INJECT_THREADS_MIN_FILES ? workerThreads() : 0));
  const pool = await createPool(wanted);
  try {
    return await inject(opts, discovery, pool);
  } finally {
    await pool.close();
  }
}

async function inject(opts: InjectOptions, discovery: Discovery, pool: Pool): Promise<InjectReport> {
  // Phase 1: read and validate everything; nothing is written. Each worker takes every k-th file.
  const sources = discovery.sources;
  const k = pool.size;
  const parts = await Promise.all(
    Array.from({ length: k }, (_, j) =>
      pool.run({
        kind: "inject-validate",
        sources: k === 1 ? sources : sources.filter((_, i) => i % k === j),
        roots: discovery.roots,
        // Texts kept for applying (not read twice), the budget shared between the jobs.
        keep: { left: Math.floor(INJECT_KEEP_BYTES / k), fileBytes: INJECT_KEEP_FILE_BYTES },
      }),
    ),
  );
  const validated: Validated = {
    plans: sources.map((_, i) => parts[i % k]!.plans[Math.floor(i / k)]),
    invalid: parts.flatMap((p) => p.invalid),
  };
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
    threads: pool.threaded ? k : 0,
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

  // Phase 2: write and commit, smallest first; each worker takes every k-th plan.
  const order = plans.filter((p) => weight(p) >= 0).sort((a, b) => weight(a) - weight(b));
  const { recovery } = discovery;
  // A test's simulated death (onStep) cannot cross to a thread: the same function, called here.
  if (opts.onStep) {
    applyPlans(order, { recovery, onStep: opts.onStep, recycle: opts.recycle });
    return report;
  }
  // Each worker finishes its part even when another fails: every file is replaced or untouched.
  const done = await Promise.allSettled(
    Array.from({ length: k }, (_, j) =>
      pool.run({
        kind: "inject-apply",
        plans: k === 1 ? order : order.filter((_, i) => i % k === j),
        // One worker reuses and removes the spares an interrupted run left.
        recovery: j === 0 ? recovery : { ...recovery, spares: [] },
        recycle: opts.recycle,
      }),
    ),
  );
  const failed = done.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return report;
}
