/**
 * Source maps through the Node API: `injectSourcemaps`, `uploadSourcemaps`, `checkSourcemaps`
 * (`sentry-ship sourcemaps inject|upload|check`).
 */
import type { CheckDocument, InjectDocument, UploadDocument } from "./documents.js";
import { runInContext, type SentryOptions } from "./session.js";

/** The paths option, checked: JavaScript callers get a usage error, not a search for "d", "i", "s", "t". */
async function pathList(paths: unknown): Promise<string[]> {
  if (!Array.isArray(paths) || paths.length === 0 || paths.some((p) => typeof p !== "string")) {
    const { UsageError } = await import("../errors.js");
    throw new UsageError("paths must be a non-empty array of strings (files or folders)");
  }
  return paths as string[];
}

export interface InjectSourcemapsOptions extends SentryOptions {
  /** Files or folders searched (recursively) for JavaScript files. */
  paths: string[];
  /** Extensions treated as JavaScript (replaces js, cjs, mjs). */
  ext?: string[];
  ignore?: string[];
  ignoreFile?: string;
  /** Change nothing; report what would change. */
  dryRun?: boolean;
}

/** `sourcemaps inject`: give every JS file and its map the same debug id. No network. */
export async function injectSourcemaps(opts: InjectSourcemapsOptions): Promise<InjectDocument> {
  return runInContext(opts, {}, async (ctx) => {
    const { runInject } = await import("../commands/sourcemaps/inject.js");
    await runInject(
      {
        paths: await pathList(opts.paths),
        dryRun: opts.dryRun === true,
        ext: opts.ext,
        ignore: opts.ignore,
        ignoreFile: opts.ignoreFile,
      },
      ctx,
    );
  });
}

export interface UploadSourcemapsOptions extends SentryOptions {
  /** Files or folders to upload. */
  paths: string[];
  /** The release (default: SENTRY_RELEASE); optional when the files carry debug ids. */
  release?: string;
  dist?: string;
  /** Default `~/`. */
  urlPrefix?: string;
  urlSuffix?: string;
  stripPrefix?: string[];
  stripCommonPrefix?: boolean;
  /** Extensions to include (default js cjs mjs map jsbundle bundle). */
  ext?: string[];
  ignore?: string[];
  ignoreFile?: string;
  validate?: boolean;
  /** false uploads maps as they are (`--no-rewrite`). */
  rewrite?: boolean;
  /** false: no `sourcemap` header naming a script's map (`--no-sourcemap-reference`). */
  sourcemapReference?: boolean;
  /** Give a script without a debug id its map's (`--debug-id-reference`). */
  debugIdReference?: boolean;
  /** Uncompress gzip files before uploading them. */
  decompress?: boolean;
  /** Fail when no file is found to upload. */
  strict?: boolean;
  note?: string;
  /** Wait until the server has processed the upload (`wait: true`, or at most `waitFor` seconds). */
  wait?: boolean;
  waitFor?: number;
  /** Build the bundles and report; send nothing, delete nothing. */
  dryRun?: boolean;
  /** Delete the uploaded `.map` files once the server has confirmed the upload. */
  deleteMapsAfterUpload?: boolean;
  /** Delete the files these globs (relative to cwd) match once the server has confirmed the upload. */
  filesToDeleteAfterUpload?: string | string[];
}

/**
 * `sourcemaps upload`: artifact bundles through the chunk protocol. Unlike the CLI it installs no
 * signal handlers; temporary bundles are removed when it ends either way.
 */
export async function uploadSourcemaps(opts: UploadSourcemapsOptions): Promise<UploadDocument> {
  return runInContext(opts, {}, async (ctx) => {
    const { UsageError } = await import("../errors.js");
    if (opts.wait && opts.waitFor !== undefined) throw new UsageError("wait and waitFor cannot be used together");
    const del = opts.filesToDeleteAfterUpload;
    const { runSourcemapsUpload } = await import("../commands/sourcemaps/upload.js");
    await runSourcemapsUpload(
      {
        paths: await pathList(opts.paths),
        release: opts.release,
        dist: opts.dist,
        urlPrefix: opts.urlPrefix,
        urlSuffix: opts.urlSuffix,
        stripPrefix: opts.stripPrefix,
        stripCommonPrefix: opts.stripCommonPrefix === true,
        extensions: opts.ext,
        ignore: opts.ignore,
        ignoreFile: opts.ignoreFile,
        validate: opts.validate === true,
        rewrite: opts.rewrite !== false,
        sourcemapReference: opts.sourcemapReference !== false,
        debugIdReference: opts.debugIdReference === true,
        decompress: opts.decompress === true,
        strict: opts.strict === true,
        note: opts.note,
        wait: opts.wait === true,
        waitFor: opts.waitFor,
        dryRun: opts.dryRun === true,
        deleteMapsAfterUpload: opts.deleteMapsAfterUpload === true,
        filesToDeleteAfterUpload: del === undefined ? undefined : Array.isArray(del) ? del : [del],
        json: true,
      },
      ctx,
      { signals: false },
    );
  });
}

export interface CheckSourcemapsOptions extends SentryOptions {
  /** Build folders (or files) to check. */
  paths: string[];
  /** Also ask the server for every debug id. */
  againstServer?: boolean;
}

/**
 * `sourcemaps check`: preflight a build. Errors in the build throw an InputError whose `document`
 * is the full report (as `--json` prints it).
 */
export async function checkSourcemaps(opts: CheckSourcemapsOptions): Promise<CheckDocument> {
  return runInContext(opts, {}, async (ctx) => {
    const { runCheck } = await import("../commands/sourcemaps/check.js");
    await runCheck({ dirs: await pathList(opts.paths), againstServer: opts.againstServer === true }, ctx);
  });
}
