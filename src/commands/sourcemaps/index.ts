import { Command } from "commander";
import type { RunEnv } from "../runner.js";
import { checkCommand } from "./check.js";
import { explainCommand } from "./explain.js";
import { injectCommand } from "./inject.js";
import { resolveCommand } from "./resolve.js";
import { uploadCommand } from "./upload.js";

export function command(env: RunEnv): Command {
  return new Command("sourcemaps")
    .description("inject debug ids into, upload, check, resolve and explain source maps")
    .addCommand(injectCommand(env))
    .addCommand(uploadCommand(env))
    .addCommand(resolveCommand(env))
    .addCommand(explainCommand(env))
    .addCommand(checkCommand(env));
}
