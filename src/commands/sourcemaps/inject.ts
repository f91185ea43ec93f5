import { Command } from "commander";
import type { CommandContext } from "../../context.js";
import { pathList, requestKeys } from "../request.js";
import { collect, handler, orgOption, projectOption, type RunEnv, releaseOption } from "../runner.js";

/**
 * What the user asks `sourcemaps inject` for, keyed by its flags' names: the CLI's parsed flags
 * and the Node API's `injectSourcemaps` options are both one.
 */
export interface InjectRequest {
  /** Files or folders searched (recursively) for JavaScript files. */
  paths: string[];
  /** Extensions treated as JavaScript (`-x/--ext`, repeatable; replaces js, cjs, mjs). */
  ext?: string[];
  /** `-i/--ignore`, repeatable. */
  ignore?: string[];
  ignoreFile?: string;
  /** Change nothing; report what would change. */
  dryRun?: boolean;
}

/** The request's keys (checked against the type by the compiler), for the flag-parity test. */
export const INJECT_KEYS = requestKeys<InjectRequest>({
  paths: true,
  ext: true,
  ignore: true,
  ignoreFile: true,
  dryRun: true,
});

/** What commander parses for `sourcemaps inject`. */
export type InjectFlags = Omit<InjectRequest, "paths">;

export function injectCommand(env: RunEnv): Command {
  return new Command("inject")
    .description("give JS files and their source maps debug ids (the snippet Sentry SDKs read)")
    .argument("<paths...>", "files or directories to search (recursively) for JS files")
    .option("--dry-run", "don't modify files; print what would change")
    .option("-x, --ext <ext>", "file extension to treat as JavaScript (repeatable; replaces js, cjs, mjs)", collect)
    .option("-i, --ignore <glob>", "ignore files and folders matching this glob (repeatable)", collect)
    .option("-I, --ignore-file <file>", "ignore files and folders listed in this file, e.g. .gitignore")
    .addOption(orgOption().hideHelp())
    .addOption(projectOption().hideHelp())
    .addOption(releaseOption().hideHelp())
    .action(
      handler<InjectFlags, [paths: string[]]>(env, async (ctx, opts, paths) => {
        await runInject({ ...opts, paths }, ctx);
      }),
    );
}

/** `sourcemaps inject`: give every JS file and its map the same debug id. No network. */
export async function runInject(req: InjectRequest, ctx: CommandContext): Promise<void> {
  const paths = pathList(req.paths);
  const dryRun = req.dryRun === true;
  const { runInjection } = await import("../../sourcemaps/inject.js");
  (await import("../../sourcemaps/work/tuning.js")).leanHeap();
  const { renderInjectReport, injectJson } = await import("../../sourcemaps/inject-render.js");
  for (const p of paths) ctx.out.print(`> Searching ${p}`);
  const report = await runInjection({
    paths,
    cwd: ctx.cwd,
    extensions: req.ext
      ?.flatMap((e) => e.split(","))
      .map((e) => e.trim().replace(/^\./, ""))
      .filter(Boolean),
    ignore: req.ignore,
    ignoreFile: req.ignoreFile,
    dryRun,
  });
  ctx.out.debug(
    `inject: ${report.sources} JS files, ${report.threads > 0 ? `${report.threads} worker thread(s)` : "inline (no worker threads)"}`,
  );
  ctx.out.print(`> Found ${report.found} files`);
  ctx.out.print(`> Analyzing ${report.found} sources`);
  ctx.out.print("> Injecting debug ids");
  ctx.out.printLines(renderInjectReport(report));
  for (const w of report.warnings) if (!w.message.startsWith("could not determine")) ctx.out.warn(w.message);
  if (dryRun) ctx.out.info("dry run: no file was changed");
  ctx.out.result(injectJson(report));
}
