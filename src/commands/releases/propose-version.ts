import { Command, Option } from "commander";
import type { CommandContext } from "../../context.js";
import { handler, orgOption, projectOption, type RunEnv } from "../runner.js";

/** Print the proposed version (SENTRY_RELEASE, a CI commit variable, or the git HEAD SHA). No network. */
export async function runReleasesProposeVersion(_opts: Record<string, never>, ctx: CommandContext): Promise<void> {
  const { proposeVersion } = await import("../../vcs/ci.js");
  const v = await proposeVersion({ env: ctx.env, cwd: ctx.cwd, warn: (m) => ctx.out.warn(m) });
  ctx.out.debug(`release version from ${v.source}${v.ci ? ` (${v.ci})` : ""}`);
  ctx.out.printAlways(v.version);
  ctx.out.result({ ok: true, version: v.version, source: v.source, ...(v.ci ? { ci: v.ci } : {}) });
}

export function proposeVersionCommand(env: RunEnv): Command {
  return new Command("propose-version")
    .description("Propose a version name for a new release.")
    .addOption(orgOption())
    .addOption(projectOption())
    .addOption(new Option("--allow-xcode-infoplist-preprocessing", "accepted for compatibility; no effect").hideHelp())
    .action(
      handler(env, async (ctx) => {
        await runReleasesProposeVersion({}, ctx);
      }),
    );
}
