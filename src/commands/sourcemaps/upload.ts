import { Command } from "commander";
import type { RunEnv } from "../runner.js";

export function uploadCommand(_env: RunEnv): Command {
  return new Command("upload").description("(not yet available)");
}
