import { Command } from "commander";
import type { CommandContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import { handler, orgOption, projectOption, type RunEnv, releaseOption } from "../runner.js";

export interface ResolveCommandOptions {
  path: string;
  line: number;
  column: number;
}

function positive(flag: string) {
  return (value: string): number => {
    if (!/^\s*\d+\s*$/.test(value) || Number.parseInt(value, 10) < 1) {
      throw new UsageError(
        `invalid value '${value}' for ${flag}: expected a number from 1 (lines and columns count from 1)`,
      );
    }
    return Number.parseInt(value, 10);
  };
}

/** What commander parses for `sourcemaps resolve` (both default to 1). */
export interface ResolveFlags {
  line: number;
  column: number;
}

export function resolveCommand(env: RunEnv): Command {
  return new Command("resolve")
    .description("resolve a minified line/column through a source map to the original position")
    .argument("<path>", "the source map to resolve against")
    .option("-l, --line <line>", "line number in the minified file (from 1)", positive("--line"), 1)
    .option("-c, --column <column>", "column number in the minified file (from 1)", positive("--column"), 1)
    .addOption(orgOption().hideHelp())
    .addOption(projectOption().hideHelp())
    .addOption(releaseOption().hideHelp())
    .action(
      handler<ResolveFlags, [path: string]>(env, async (ctx, opts, path) => {
        await runResolve({ path, line: opts.line, column: opts.column }, ctx);
      }),
    );
}

export async function runResolve(opts: ResolveCommandOptions, ctx: CommandContext): Promise<void> {
  const { resolve } = await import("node:path");
  const { resolveSourceMap, renderResolve } = await import("../../sourcemaps/resolve.js");
  const result = await resolveSourceMap(resolve(ctx.cwd, opts.path), opts.path, opts.line, opts.column);
  for (const line of renderResolve(result)) ctx.out.print(line);
  ctx.out.result(result);
}
