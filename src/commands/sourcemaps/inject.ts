import { Command } from "commander";
import type { RunEnv } from "../runner.js";

export function injectCommand(_env: RunEnv): Command {
  return new Command("inject").description("(not yet available)");
}
