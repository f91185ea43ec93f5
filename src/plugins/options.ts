/**
 * The options every sentry-ship bundler plugin takes. Names follow the official
 * `@sentry/*-plugin` options where the meaning is the same (docs/plugins/README.md has the table).
 */

/** Where the plugin's lines go; `console` fits. */
export interface PluginLogger {
  info(message: string): void;
  warn(message: string): void;
  debug?(message: string): void;
}

export interface SetCommitsOptions {
  /** Match the git remote against the organization's repositories and send the commits since the previous release. */
  auto?: boolean | undefined;
  /** The repository name as Sentry knows it (with `commit`). */
  repo?: string | undefined;
  /** The release's head commit (with `repo`). */
  commit?: string | undefined;
  /** The previous release's head commit (with `repo` and `commit`). */
  previousCommit?: string | undefined;
  /** Do not fail when the previous release's commit cannot be found. */
  ignoreMissing?: boolean | undefined;
}

export interface DeployOptions {
  /** The environment deployed to (required). */
  env: string;
  name?: string | undefined;
  /** The deploy's own URL. */
  url?: string | undefined;
  /** Start and end (Unix seconds, an ISO 8601 string or a Date; `finished` defaults to now). */
  started?: number | string | Date | undefined;
  finished?: number | string | Date | undefined;
  /** Duration in seconds: finished now, started that long ago. */
  time?: number | undefined;
}

export interface ReleaseOptions {
  /**
   * The release name (default: as `releases propose-version` proposes it — SENTRY_RELEASE, a CI
   * commit variable, else the git HEAD SHA; no release steps without one).
   */
  name?: string | undefined;
  /** Write `SENTRY_RELEASE = { id }` into every chunk, where the SDKs read it (default: true when a name is known; false turns it off). */
  inject?: boolean | undefined;
  /** Create the release after the build (default: true when a name is known; false turns it off, and finalizing with it). */
  create?: boolean | undefined;
  /** Finalize it (default: true). */
  finalize?: boolean | undefined;
  /** The distribution, sent with the uploaded files. */
  dist?: string | undefined;
  setCommits?: SetCommitsOptions | false | undefined;
  /** Record a deploy after the release is finalized (`false`, as leaving it out: none). */
  deploy?: DeployOptions | false | undefined;
}

export interface SourcemapsOptions {
  /**
   * Skip the upload (debug ids are still injected: they cost nothing at run time and let a later
   * upload match). `"disable-upload"`, the official plugins' value for that, does the same.
   */
  disable?: boolean | "disable-upload" | undefined;
  /** Globs (relative to the working directory) naming what to upload; default: the bundler's output folder. */
  assets?: string | string[] | undefined;
  /** Globs (relative to the working directory) left out of the upload; a bare name (`*.test.js`) also matches anywhere in the output folder. */
  ignore?: string | string[] | undefined;
  /**
   * Globs (relative to the working directory) of files to delete once the server confirmed the
   * upload — typically the maps, so they are not deployed. Nothing is deleted when the upload fails.
   */
  filesToDeleteAfterUpload?: string | string[] | undefined;
}

export interface SentryShipPluginOptions {
  /** Organization slug (default: SENTRY_ORG, rc files, the org token). */
  org?: string | undefined;
  /** Project slug, or several: the upload goes to each (default: SENTRY_PROJECT, rc files). */
  project?: string | string[] | undefined;
  /** Auth token (default: SENTRY_AUTH_TOKEN, rc files). */
  authToken?: string | undefined;
  /** The Sentry server (default: SENTRY_URL, rc files, then https://sentry.io/). */
  url?: string | undefined;
  /** Extra headers on every request. */
  headers?: Record<string, string> | undefined;
  /** Turn the whole plugin off. */
  disable?: boolean | undefined;
  /** Print debug lines. */
  debug?: boolean | undefined;
  /** Print nothing but errors. */
  silent?: boolean | undefined;
  /** Where lines go (default: console). */
  logger?: PluginLogger | undefined;
  /**
   * Inject, but send nothing and delete nothing: the steps the build would take are logged
   * (default: false).
   */
  dryRun?: boolean | undefined;
  /**
   * What a failed release step or upload does: "fail" fails the build (the default), "warn" logs
   * and lets it finish. An `errorHandler` takes precedence.
   */
  onError?: "fail" | "warn" | undefined;
  /** Called with the error instead of failing the build; throw from it to fail anyway. */
  errorHandler?: ((err: Error) => void) | undefined;
  release?: ReleaseOptions | undefined;
  sourcemaps?: SourcemapsOptions | undefined;
  /** Working directory for rc files, `.env`, git and relative globs (default: process.cwd()). */
  cwd?: string | undefined;
  /** Environment to resolve configuration from (default: process.env). */
  env?: Record<string, string | undefined> | undefined;
}

/**
 * The release the build belongs to, found once per plugin: `release.name` when given, else what
 * `sentry-ship releases propose-version` proposes — SENTRY_RELEASE, a CI system's commit variable,
 * then the git HEAD SHA (in `cwd`) — or undefined when none of them gives one (the build then
 * injects and uploads debug ids only). Under Rollup, Vite and webpack the git lookup starts when
 * the build does and runs beside the bundler's own work; the esbuild plugin waits for it before
 * esbuild starts, because the release goes into esbuild's `footer` (./esbuild.ts), so
 * there a `release.name` (or SENTRY_RELEASE) saves the lookup's few milliseconds of build time.
 */
export function releaseResolver(
  options: SentryShipPluginOptions,
  log: Required<PluginLogger>,
): () => Promise<string | undefined> {
  let found: Promise<string | undefined> | undefined;
  return () => (found ??= findRelease(options, log));
}

async function findRelease(options: SentryShipPluginOptions, log: Required<PluginLogger>): Promise<string | undefined> {
  if (options.disable) return undefined;
  const given = options.release?.name;
  if (given !== undefined) return given.trim() === "" ? undefined : given;
  const { proposeVersion } = await import("../vcs/ci.js");
  try {
    const v = await proposeVersion({
      env: options.env ?? process.env,
      cwd: options.cwd ?? process.cwd(),
      warn: (m) => log.warn(m),
    });
    log.debug(`release ${v.version} (from ${v.source})`);
    return v.version;
  } catch (e) {
    log.debug(`no release: ${(e as Error).message}`);
    return undefined;
  }
}

/** The release to write into chunks (unless `release.inject` is false), or undefined. */
export async function injectedRelease(
  options: SentryShipPluginOptions,
  release: () => Promise<string | undefined>,
): Promise<string | undefined> {
  if (options.disable || options.release?.inject === false) return undefined;
  return release();
}

/** Whether debug ids (and the release) go into the chunks: unless the whole plugin is off. */
export function injectsDebugIds(options: SentryShipPluginOptions): boolean {
  return !options.disable;
}

export function pluginLogger(options: SentryShipPluginOptions): Required<PluginLogger> {
  const base = options.logger ?? console;
  const prefix = "[sentry-ship] ";
  return {
    info: (m) => {
      if (!options.silent) base.info(prefix + m);
    },
    warn: (m) => {
      if (!options.silent) base.warn(prefix + m);
    },
    debug: (m) => {
      if (options.debug && !options.silent) (base.debug ?? base.info).call(base, prefix + m);
    },
  };
}

/** The steps the options ask for, in the order they run. */
export function plannedSteps(options: SentryShipPluginOptions, name: string | undefined): string[] {
  if (options.disable) return [];
  const r = options.release ?? {};
  const steps: string[] = [];
  if (name !== undefined && r.create !== false) steps.push("create release");
  if (!options.sourcemaps?.disable) steps.push("upload");
  if (name !== undefined && r.setCommits) steps.push("set commits");
  if (name !== undefined && r.create !== false && r.finalize !== false) steps.push("finalize release");
  if (name !== undefined && r.deploy) steps.push("deploy");
  return steps;
}
