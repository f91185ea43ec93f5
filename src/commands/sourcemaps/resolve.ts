import { Command } from "commander";
import type { RunEnv } from "../runner.js";

export function resolveCommand(_env: RunEnv): Command {
  return new Command("resolve").description("(not yet available)");
}
