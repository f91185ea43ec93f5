import { Command, Option } from "commander";
import type { CommandContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import type { UploadOptions } from "../../sourcemaps/upload.js";
import { collect, handler, intArg, orgOption, projectOption, type RunEnv, releaseOption } from "../runner.js";

export interface SourcemapsUploadOptions extends UploadOptions {
  json?: boolean;
}

/** What commander parses for `sourcemaps upload` (besides the root's and the group's options). */
export interface SourcemapsUploadFlags {
  dist?: string;
  urlPrefix?: string;
  urlSuffix?: string;
  /** Repeatable. */
  stripPrefix?: string[];
  stripCommonPrefix?: boolean;
  /** `-x/--ext`, repeatable. */
  ext?: string[];
  /** Repeatable. */
  ignore?: string[];
  ignoreFile?: string;
  validate?: boolean;
  /** false with `--no-rewrite`. */
  rewrite: boolean;
  /** false with `--no-sourcemap-reference`. */
  sourcemapReference: boolean;
  debugIdReference?: boolean;
  decompress?: boolean;
  strict?: boolean;
  /** false with `--no-dedupe` (no effect; warns). */
  dedupe?: boolean;
  bundle?: string;
  bundleSourcemap?: string;
  note?: string;
  wait?: boolean;
  waitFor?: number;
  dryRun?: boolean;
  deleteMapsAfterUpload?: boolean;
  /** `--delete-after-upload <glob>`, repeatable. */
  deleteAfterUpload?: string[];
}

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
      .option(
        "--delete-after-upload <glob>",
        "delete the files matching this glob (relative to the working directory) once the server has confirmed the upload (repeatable)",
        collect,
      )
      // sentry-cli's hidden legacy flags: accepted, and they do what they do there.
      .addOption(new Option("--no-dedupe", "no effect: deprecated in sentry-cli (warns)").hideHelp())
      .addOption(new Option("--rewrite", "no effect: maps are rewritten unless --no-rewrite").hideHelp())
      .addOption(new Option("-v, --verbose", "no effect (sentry-cli's legacy flag)").hideHelp())
      .action(
        handler<SourcemapsUploadFlags, [paths: string[]]>(env, async (ctx, opts, paths) => {
          if (opts.wait && opts.waitFor !== undefined)
            throw new UsageError("--wait and --wait-for cannot be used together");
          if (opts.dedupe === false) ctx.out.warn("--no-dedupe is deprecated in sentry-cli and has no effect");
          const bundle = bundleFlags(opts, paths, (m) => ctx.out.warn(m));
          await runSourcemapsUpload(
            {
              paths,
              ...(bundle ? { bundle } : {}),
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
              filesToDeleteAfterUpload: opts.deleteAfterUpload,
              json: opts.json === true,
            },
            ctx,
          );
        }),
      )
  );
}

/**
 * `sourcemaps upload`. The CLI guards the run against SIGINT/SIGTERM (temporary bundles removed,
 * exit 130/143); the Node API runs it with `signals: false` — a library leaves the host process's
 * signals alone.
 */
/**
 * `--bundle` and `--bundle-sourcemap`: both or neither, and then no paths (as sentry-cli checks
 * them); the flags that have no effect with them are named in a warning.
 */
function bundleFlags(
  opts: SourcemapsUploadFlags,
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

export async function runSourcemapsUpload(
  opts: SourcemapsUploadOptions,
  ctx: CommandContext,
  how: { signals: boolean } = { signals: true },
): Promise<void> {
  const cfg = await ctx.config();
  const release = opts.release ?? cfg.release?.value;
  if (opts.dist !== undefined && !release) throw new UsageError("--dist requires a release (pass --release)");
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
