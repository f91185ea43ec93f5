import { Command } from "commander";
import { orgOption, projectOption, type RunEnv, releaseOption } from "../runner.js";
import { archiveCommand } from "./archive.js";
import { deleteCommand } from "./delete.js";
import { finalizeCommand } from "./finalize.js";
import { gateCommand, healthCommand } from "./health.js";
import { infoCommand } from "./info.js";
import { listCommand } from "./list.js";
import { newCommand } from "./new.js";
import { proposeVersionCommand } from "./propose-version.js";
import { restoreCommand } from "./restore.js";
import { setCommitsCommand } from "./set-commits.js";

export function command(env: RunEnv): Command {
  return new Command("releases")
    .description("Manage releases on Sentry.")
    .addOption(orgOption())
    .addOption(projectOption())
    .addOption(releaseOption())
    .addCommand(archiveCommand(env))
    .addCommand(deleteCommand(env))
    .addCommand(finalizeCommand(env))
    .addCommand(gateCommand(env))
    .addCommand(healthCommand(env))
    .addCommand(infoCommand(env))
    .addCommand(listCommand(env))
    .addCommand(newCommand(env))
    .addCommand(proposeVersionCommand(env))
    .addCommand(restoreCommand(env))
    .addCommand(setCommitsCommand(env));
}
