import { Command } from "commander";
import { handler, type RunEnv } from "../runner.js";

/** What commander parses for `info`. */
export interface InfoFlags {
  configStatusJson?: boolean;
  /** false with `--no-defaults`. */
  defaults: boolean;
}

export function command(env: RunEnv): Command {
  return new Command("info")
    .description("print the configuration (with where each value came from) and verify the auth token")
    .option("--config-status-json", "print the configuration status as JSON (sentry-cli's format) and always exit 0")
    .option("--no-defaults", "do not print the default organization and project")
    .action(
      handler<InfoFlags>(env, async (ctx, opts) => {
        const { runInfo } = await import("./info.js");
        await runInfo({ configStatusJson: opts.configStatusJson === true, defaults: opts.defaults !== false }, ctx);
      }),
    );
}
