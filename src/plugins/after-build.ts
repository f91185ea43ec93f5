/**
 * The after-build half of the plugins: once the bundler has written its files, the release is
 * created, the files are uploaded, commits and a deploy are recorded and the release finalized —
 * all through the in-process Node API (../library/), the functions the CLI's commands run. No
 * child process, no binary. Files named by `filesToDeleteAfterUpload` are deleted by the upload
 * itself, and only once the server has confirmed it.
 *
 * Failures follow the options' policy: `errorHandler`, else `onError: "warn"` logs, else the build
 * fails. A missing auth token only warns (nothing is sent), as the official plugins do.
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { SentryOptions } from "../library/session.js";
import { type PluginLogger, plannedSteps, type SentryShipPluginOptions } from "./options.js";

export interface AfterBuild {
  options: SentryShipPluginOptions;
  log: Required<PluginLogger>;
  /** The bundler's output folder (absolute, or relative to the working directory). */
  outDir: string;
  /** The release (./options.ts `releaseResolver`), or undefined. */
  release: string | undefined;
}

function list(v: string | string[] | undefined): string[] | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? v : [v];
}

export async function afterBuild(job: AfterBuild): Promise<void> {
  const { options, log } = job;
  const steps = plannedSteps(options, job.release);
  if (steps.length === 0) return;
  try {
    const base = apiOptions(job);
    if (!(await hasAuthToken(base))) {
      log.warn(`no auth token (set SENTRY_AUTH_TOKEN or the authToken option): ${steps.join(", ")} skipped`);
      return;
    }
    await runSteps(job, base, steps);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    if (options.errorHandler) return options.errorHandler(err);
    if (options.onError === "warn") return log.warn(`${err.message} (the build goes on: onError is "warn")`);
    err.message = `sentry-ship: ${err.message}`;
    throw err;
  }
}

/** The API options (where the server is, who we are) the plugin options give. */
function apiOptions(job: AfterBuild): SentryOptions {
  const { options, log } = job;
  return {
    url: options.url,
    authToken: options.authToken,
    org: options.org,
    project: options.project,
    headers: options.headers,
    cwd: options.cwd ?? process.cwd(),
    env: options.env,
    ...(options.debug && !options.silent ? { logger: log, logLevel: "debug" as const } : {}),
  };
}

/** Whether the configuration (options, environment, `.env`, rc files) names an auth token. */
async function hasAuthToken(base: SentryOptions): Promise<boolean> {
  if (base.authToken) return true;
  const { libraryIO, globalOptions } = await import("../library/session.js");
  const { loadDotenv } = await import("../config/dotenv.js");
  const { createContext } = await import("../context.js");
  const io = libraryIO(base);
  io.env = loadDotenv(io.env, io.cwd);
  const ctx = createContext(io, globalOptions(base));
  try {
    return Boolean((await ctx.config()).authToken);
  } finally {
    await ctx.dispose();
  }
}

async function runSteps(job: AfterBuild, base: SentryOptions, steps: string[]): Promise<void> {
  const { options, log } = job;
  const api = await import("../index.js");
  const cwd = base.cwd!;
  const dryRun = options.dryRun === true;
  const version = job.release;
  const r = options.release ?? {};
  if (dryRun) log.info(`dry run: ${steps.join(", ")} (nothing is sent, nothing deleted)`);

  if (steps.includes("create release")) {
    await api.newRelease({ ...base, version: version!, dryRun });
    log.debug(`release ${version} created`);
  }
  if (steps.includes("upload")) {
    const outDir = isAbsolute(job.outDir) ? job.outDir : resolve(cwd, job.outDir);
    const assets = list(options.sourcemaps?.assets);
    const ignore = list(options.sourcemaps?.ignore);
    const paths = assets ? await matchGlobs(assets, cwd, ignore) : [outDir];
    if (paths.length === 0) throw new Error(`sourcemaps.assets matched no file: ${assets!.join(", ")}`);
    const doc = await api.uploadSourcemaps({
      ...base,
      paths,
      release: version,
      dist: r.dist,
      // The assets were matched without the ignored files already; the output folder is walked
      // by the upload, whose patterns are relative to the folder: the globs' matches go in anchored.
      ignore: assets || !ignore ? undefined : [...ignore, ...(await anchoredPatterns(ignore, cwd, outDir))],
      filesToDeleteAfterUpload: options.sourcemaps?.filesToDeleteAfterUpload,
      dryRun,
    });
    const d = doc as unknown as { files?: unknown[]; deleted?: string[] };
    log.info(
      `${dryRun ? "would upload" : "uploaded"} ${d.files?.length ?? 0} files` +
        (d.deleted?.length ? `; deleted ${d.deleted.length} after the server confirmed them` : ""),
    );
  }
  if (steps.includes("set commits") && r.setCommits) {
    const c = r.setCommits;
    const commits =
      c.repo !== undefined && c.commit !== undefined
        ? [`${c.repo}@${c.previousCommit !== undefined ? `${c.previousCommit}..` : ""}${c.commit}`]
        : undefined;
    await api.setCommits({
      ...base,
      version: version!,
      auto: commits === undefined ? c.auto !== false : undefined,
      commits,
      ignoreMissing: c.ignoreMissing,
      dryRun,
    });
    log.debug(`commits set on ${version}`);
  }
  if (steps.includes("finalize release")) {
    await api.finalizeRelease({ ...base, version: version!, dryRun });
    log.debug(`release ${version} finalized`);
  }
  if (steps.includes("deploy") && r.deploy) {
    const d = r.deploy;
    await api.newDeploy({
      ...base,
      release: version,
      environment: d.env,
      name: d.name,
      deployUrl: d.url,
      started: d.started,
      finished: d.finished,
      time: d.time,
      dryRun,
    });
    log.debug(`deploy of ${version} to ${d.env} recorded`);
  }
}

async function matchGlobs(globs: string[], cwd: string, ignore?: string[]): Promise<string[]> {
  const { glob } = await import("tinyglobby");
  return (await glob(globs, { cwd, absolute: true, onlyFiles: true, ...(ignore ? { ignore } : {}) })).sort();
}

/**
 * `sourcemaps.ignore` holds globs relative to `cwd`; the upload's own patterns are gitignore-style
 * and relative to the folder it walks. Each file the globs match inside `outDir` becomes an
 * anchored, escaped pattern (`/assets/x.js`); the globs themselves stay too, so a bare name
 * (`*.test.js`) still matches at any depth of the output folder.
 */
async function anchoredPatterns(ignore: string[], cwd: string, outDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const file of await matchGlobs(ignore, cwd)) {
    const rel = relative(outDir, file);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) continue;
    out.push(
      `/${rel
        .split(sep)
        .join("/")
        .replace(/[\\*?[]/g, "\\$&")}`,
    );
  }
  return out;
}
