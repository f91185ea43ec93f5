import { Command } from "commander";
import type { RunEnv } from "../runner.js";

export function command(_env: RunEnv): Command {
  return new Command("releases").description("(not yet available)");
}
