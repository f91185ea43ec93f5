import { Command } from "commander";
import type { CommandContext } from "../../context.js";
import { handler, orgOption, projectOption, type RunEnv } from "../runner.js";
import { type ReleasesStatusOptions, runReleasesStatus } from "./archive.js";

export const runReleasesRestore = (opts: ReleasesStatusOptions, ctx: CommandContext) =>
  runReleasesStatus("open", opts, ctx);

/** What commander parses for `releases restore`. */
export interface ReleasesRestoreFlags {
  dryRun?: boolean;
}

export function restoreCommand(env: RunEnv): Command {
  return new Command("restore")
    .description("Restore a release.")
    .argument("<version>", "the version of the release")
    .addOption(orgOption())
    .addOption(projectOption())
    .option("--dry-run", "print the request instead of sending it")
    .action(
      handler<ReleasesRestoreFlags, [version: string]>(env, async (ctx, o, version) => {
        await runReleasesRestore({ version, dryRun: o.dryRun === true }, ctx);
      }),
    );
}
