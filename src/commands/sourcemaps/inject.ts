import { Command } from "commander";
import type { CommandContext } from "../../context.js";
import { collect, handler, orgOption, projectOption, type RunEnv, releaseOption } from "../runner.js";

export interface InjectCommandOptions {
  paths: string[];
  dryRun: boolean;
  ext?: string[];
  ignore?: string[];
  ignoreFile?: string;
}

/** What commander parses for `sourcemaps inject`. */
export interface InjectFlags {
  dryRun?: boolean;
  /** `-x/--ext`, repeatable. */
  ext?: string[];
  /** Repeatable. */
  ignore?: string[];
  ignoreFile?: string;
}

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
        await runInject(
          {
            paths,
            dryRun: opts.dryRun === true,
            ext: opts.ext,
            ignore: opts.ignore,
            ignoreFile: opts.ignoreFile,
          },
          ctx,
        );
      }),
    );
}

export async function runInject(opts: InjectCommandOptions, ctx: CommandContext): Promise<void> {
  const { runInjection } = await import("../../sourcemaps/inject.js");
  (await import("../../sourcemaps/work/tuning.js")).leanHeap();
  const { renderInjectReport, injectJson } = await import("../../sourcemaps/inject-render.js");
  for (const p of opts.paths) ctx.out.print(`> Searching ${p}`);
  const report = await runInjection({
    paths: opts.paths,
    cwd: ctx.cwd,
    extensions: opts.ext
      ?.flatMap((e) => e.split(","))
      .map((e) => e.trim().replace(/^\./, ""))
      .filter(Boolean),
    ignore: opts.ignore,
    ignoreFile: opts.ignoreFile,
    dryRun: opts.dryRun,
  });
  ctx.out.debug(
    `inject: ${report.sources} JS files, ${report.threads > 0 ? `${report.threads} worker thread(s)` : "inline (no worker threads)"}`,
  );
  ctx.out.print(`> Found ${report.found} files`);
  ctx.out.print(`> Analyzing ${report.found} sources`);
  ctx.out.print("> Injecting debug ids");
  ctx.out.printLines(renderInjectReport(report));
  for (const w of report.warnings) if (!w.message.startsWith("could not determine")) ctx.out.warn(w.message);
  if (opts.dryRun) ctx.out.info("dry run: no file was changed");
  ctx.out.result(injectJson(report));
}
