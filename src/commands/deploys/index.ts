import { Command } from "commander";
import { orgOption, projectOption, type RunEnv, releaseOption } from "../runner.js";
import { listCommand } from "./list.js";
import { newCommand } from "./new.js";

export function command(env: RunEnv): Command {
  return new Command("deploys")
    .description("Manage deployments for Sentry releases.")
    .addOption(orgOption())
    .addOption(projectOption())
    .addOption(releaseOption())
    .addCommand(listCommand(env))
    .addCommand(newCommand(env));
}
