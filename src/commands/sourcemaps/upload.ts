import { Command, Option } from "commander";
import { type SettingKey, settingName } from "../../config/settings.js";
import type { CommandContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import type { UploadOptions } from "../../sourcemaps/upload.js";
import { list, optionAs, pathList, requestKeys } from "../request.js";
import { collect, handler, intArg, orgOption, projectOption, type RunEnv, releaseOption } from "../runner.js";

/**
 * What the user asks `sourcemaps upload` for, keyed by its flags' names: the parsed flags of the
 * CLI and the options of the Node API's `uploadSourcemaps` are both one. runSourcemapsUpload turns
 * it into the core's UploadOptions.
 */
export interface SourcemapsUploadRequest {
  /** Files or folders to upload (empty with `bundle`). */
  paths: string[];
  /** The release (default: SENTRY_RELEASE); optional when the files carry debug ids. */
  release?: string;
  /** The distribution (requires a release). */
  dist?: string;
  /** Default `~/`. */
  urlPrefix?: string;
  urlSuffix?: string;
  /** `--strip-prefix`, repeatable. */
  stripPrefix?: string[];
  stripCommonPrefix?: boolean;
  /** Extensions to include (`-x/--ext`, repeatable; default js cjs mjs map jsbundle bundle). */
  ext?: string[];
  /** `-i/--ignore`, repeatable. */
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
  /** A React Native bundle to upload with `bundleSourcemap`, instead of paths (`--bundle`). */
  bundle?: string;
  /** The source map of `bundle` (`--bundle-sourcemap`). */
  bundleSourcemap?: string;
  /** A note stored with the bundle. */
  note?: string;
  /** Wait until the server has processed the upload (`wait: true`, or at most `waitFor` seconds). */
  wait?: boolean;
  waitFor?: number;
  /** Build the bundles and report; send nothing, delete nothing. */
  dryRun?: boolean;
  /** Delete the uploaded `.map` files once the server has confirmed the upload. */
  deleteMapsAfterUpload?: boolean;
  /**
   * Delete the files these globs (relative to cwd) match once the server has confirmed the upload
   * (`--delete-after-upload`, repeatable).
   */
  filesToDeleteAfterUpload?: string | string[];
}

/** The request's keys (checked against the type by the compiler), for the flag-parity test. */
export const SOURCEMAPS_UPLOAD_KEYS = requestKeys<SourcemapsUploadRequest>({
  paths: true,
  release: true,
  dist: true,
  urlPrefix: true,
  urlSuffix: true,
  stripPrefix: true,
  stripCommonPrefix: true,
  ext: true,
  ignore: true,
  ignoreFile: true,
  validate: true,
  rewrite: true,
  sourcemapReference: true,
  debugIdReference: true,
  decompress: true,
  strict: true,
  bundle: true,
  bundleSourcemap: true,
  note: true,
  wait: true,
  waitFor: true,
  dryRun: true,
  deleteMapsAfterUpload: true,
  filesToDeleteAfterUpload: true,
});

/** What commander parses for `sourcemaps upload` (besides the root's and the group's options). */
export type SourcemapsUploadFlags = Omit<SourcemapsUploadRequest, "paths"> & {
  /** false with `--no-dedupe` (no effect; warns). */
  dedupe?: boolean;
};

export function uploadCommand(env: RunEnv): Command {
  return (
    new Command("upload")
      .description("upload JavaScript files and source maps as artifact bundles")
      .argument("[paths...]", "files or folders to upload (none with --bundle)")
      .addOption(orgOption())
      .addOption(projectOption())
      .addOption(releaseOption())
      .option("-d, --dist <dist>", "the distribution identifier (requires a release)")
      .option("-u, --url-prefix <prefix>", "URL prefix for the uploaded files (default ~)")
      .option("--url-suffix <suffix>", "URL suffix appended to every file URL")
      .option("--strip-prefix <prefix>", "strip this prefix from the sources of every map (repeatable)", collect)
      .option("--strip-common-prefix", "strip the common prefix of each map's absolute sources")
      .option(
        "-x, --ext <ext>",
        "file extension to include (repeatable; default js cjs mjs map jsbundle bundle)",
        collect,
      )
      .option("-i, --ignore <glob>", "ignore files matching this glob (repeatable)", collect)
      .option("-I, --ignore-file <file>", "ignore files matching the globs in this file")
      .option("--validate", "check files and maps before uploading")
      .option("--decompress", "uncompress gzip files (by their content) before uploading them")
      .option("--no-rewrite", "upload maps as they are, without rewriting their sources")
      .option("--no-sourcemap-reference", "do not give scripts a 'sourcemap' header naming their map")
      .option(
        "--debug-id-reference",
        "give a script without a debug id (e.g. Hermes bytecode) the debug id of its source map",
      )
      .option("-s, --strict", "fail (exit 1) when no file is found to upload")
      .option(
        "--bundle <file>",
        "upload this React Native bundle (plain JS or Hermes bytecode) with --bundle-sourcemap, instead of paths",
      )
      .option(
        "--bundle-sourcemap <file>",
        "the source map of --bundle (always rewritten, with the common prefix of its sources stripped)",
      )
      .option("--note <note>", "a note stored with the bundle")
      .option("--wait", "wait until the server has processed the upload")
      .option("--wait-for <secs>", "wait at most this many seconds for processing", intArg("--wait-for"))
      .option("--dry-run", "build the bundles and report, but send nothing")
      .option(
        "--delete-maps-after-upload",
        "delete the uploaded source maps once the server has confirmed the upload (not on a dry run or a failure)",
      )
      .addOption(
        optionAs(
          "--delete-after-upload <glob>",
          "delete the files matching this glob (relative to the working directory) once the server has confirmed the upload (repeatable)",
          "filesToDeleteAfterUpload",
        ).argParser(collect),
      )
      // sentry-cli's hidden legacy flags: accepted, and they do what they do there.
      .addOption(new Option("--no-dedupe", "no effect: deprecated in sentry-cli (warns)").hideHelp())
      .addOption(new Option("--rewrite", "no effect: maps are rewritten unless --no-rewrite").hideHelp())
      .addOption(new Option("-v, --verbose", "no effect (sentry-cli's legacy flag)").hideHelp())
      .action(
        handler<SourcemapsUploadFlags, [paths: string[]]>(env, async (ctx, opts, paths) => {
          if (opts.dedupe === false) ctx.out.warn("--no-dedupe is deprecated in sentry-cli and has no effect");
          await runSourcemapsUpload({ ...opts, paths }, ctx);
        }),
      )
  );
}

/**
 * `--bundle` and `--bundle-sourcemap`: both or neither, and then no paths (as sentry-cli checks
 * them); the flags that have no effect with them are named in a warning.
 */
function bundleFlags(
  opts: SourcemapsUploadRequest,
  paths: string[],
  warn: (msg: string) => void,
): { file: string; sourcemap: string } | undefined {
  if (opts.bundle === undefined && opts.bundleSourcemap === undefined) {
    if (paths.length === 0)
      throw new UsageError("missing required argument 'paths' (or --bundle and --bundle-sourcemap)");
    return undefined;
  }
  if (opts.bundle === undefined) throw new UsageError("--bundle-sourcemap requires --bundle");
  if (opts.bundleSourcemap === undefined) throw new UsageError("--bundle requires --bundle-sourcemap");
  if (paths.length > 0) throw new UsageError("--bundle cannot be used with paths");
  const idle = [
    opts.ext && "--ext",
    opts.ignore && "--ignore",
    opts.ignoreFile && "--ignore-file",
    opts.decompress && "--decompress",
    opts.rewrite === false && "--no-rewrite",
    opts.sourcemapReference === false && "--no-sourcemap-reference",
  ].filter((f): f is string => typeof f === "string");
  if (idle.length > 0) warn(`${idle.join(", ")} ha${idle.length === 1 ? "s" : "ve"} no effect with --bundle`);
  return { file: opts.bundle, sourcemap: opts.bundleSourcemap };
}

/** The request as the core's UploadOptions: flags checked against each other, defaults applied. */
function uploadOptions(req: SourcemapsUploadRequest, warn: (msg: string) => void): UploadOptions {
  if (req.wait && req.waitFor !== undefined) throw new UsageError("--wait and --wait-for cannot be used together");
  const paths = pathList(req.paths, { allowEmpty: true });
  const bundle = bundleFlags(req, paths, warn);
  return {
    paths,
    ...(bundle ? { bundle } : {}),
    release: req.release,
    dist: req.dist,
    urlPrefix: req.urlPrefix,
    urlSuffix: req.urlSuffix,
    stripPrefix: req.stripPrefix,
    stripCommonPrefix: req.stripCommonPrefix === true,
    extensions: req.ext,
    ignore: req.ignore,
    ignoreFile: req.ignoreFile,
    validate: req.validate === true,
    rewrite: req.rewrite !== false,
    sourcemapReference: req.sourcemapReference !== false,
    debugIdReference: req.debugIdReference === true,
    decompress: req.decompress === true,
    strict: req.strict === true,
    note: req.note,
    wait: req.wait === true,
    waitFor: req.waitFor,
    dryRun: req.dryRun === true,
    deleteMapsAfterUpload: req.deleteMapsAfterUpload === true,
    filesToDeleteAfterUpload: list(req.filesToDeleteAfterUpload),
  };
}

/**
 * `sourcemaps upload`. The CLI guards the run against SIGINT/SIGTERM (temporary bundles removed,
 * exit 130/143); the Node API runs it with `signals: false` — a library leaves the host process's
 * signals alone.
 */
export async function runSourcemapsUpload(
  req: SourcemapsUploadRequest,
  ctx: CommandContext,
  how: { signals: boolean } = { signals: true },
): Promise<void> {
  const opts = uploadOptions(req, (m) => ctx.out.warn(m));
  const cfg = await ctx.config();
  const release = opts.release ?? cfg.release?.value;
  if (opts.dist !== undefined && !release) {
    const name = (key: SettingKey) => settingName(key, ctx.surface);
    throw new UsageError(`${name("dist")} requires a release (pass ${name("release")})`);
  }
  const org = await ctx.requireOrg();
  const projects = await ctx.projects();
  if (projects.length === 0) await ctx.requireProject();
  const { uploadSourcemaps } = await import("../../sourcemaps/upload.js");
  const { renderUploadReport } = await import("../../sourcemaps/upload-render.js");
  const { interruptible } = await import("./interrupt.js");
  const guard = how.signals
    ? await interruptible(
        (signal) =>
          `sourcemaps upload interrupted by ${signal}: ${(opts.bundle ? [opts.bundle.file, opts.bundle.sourcemap] : opts.paths).join(", ")} ${opts.dryRun ? "was not bundled" : "was not (completely) uploaded"}; its temporary bundles were removed — run the command again to upload (chunks already on the server are skipped)`,
      )
    : { run: <T>(work: Promise<T>) => work, tempDir: undefined, dispose() {} };
  let summary: Awaited<ReturnType<typeof uploadSourcemaps>>;
  try {
    summary = await guard.run(
      uploadSourcemaps(
        { ...opts, release },
        {
          cwd: ctx.cwd,
          out: ctx.out,
          org,
          projects,
          api: () => ctx.api(),
          sleep: (ms) => ctx.sleep(ms),
          tempParent: guard.tempDir,
        },
      ),
    );
  } finally {
    guard.dispose();
  }
  ctx.out.result(summary);
  for (const line of renderUploadReport(summary)) ctx.out.print(line);
}
