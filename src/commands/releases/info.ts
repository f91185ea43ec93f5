import { Command } from "commander";
import { routes } from "../../api/routes.js";
import type { CommandContext } from "../../context.js";
import { InputError } from "../../errors.js";
import { checkVersion } from "../checks.js";
import { handler, orgOption, projectOption, type RunEnv } from "../runner.js";
import type { ReleaseLike } from "./render.js";

export interface ReleasesInfoOptions {
  version: string;
  showProjects?: boolean;
  showCommits?: boolean;
}

/** One release as a table; a missing release prints nothing on stdout and exits 1. */
export async function runReleasesInfo(opts: ReleasesInfoOptions, ctx: CommandContext): Promise<void> {
  const version = checkVersion(opts.version);
  const org = await ctx.requireOrg();
  const api = await ctx.api();
  const res = await api.get<ReleaseLike>(routes.release(org, version), { okStatuses: [404], expectJson: true });
  if (res.status === 404) {
    ctx.out.result({ ok: false, exists: false, version });
    throw new InputError(`release ${version} does not exist in organization ${org}`);
  }
  let commits: string[] | undefined;
  if (opts.showCommits) {
    try {
      const c = await api.get<Array<{ id: string }>>(routes.releaseCommits(org, version), {
        okStatuses: [404],
        expectJson: true,
      });
      commits = c.status === 404 || !Array.isArray(c.data) ? undefined : c.data.map((x) => x.id);
    } catch {
      commits = undefined; // sentry-cli shows "-" when the commits cannot be read
    }
  }
  ctx.out.result({
    ok: true,
    exists: true,
    release: res.data,
    ...(opts.showCommits ? { commits: commits ?? [] } : {}),
  });
  const { renderReleaseInfo } = await import("./render.js");
  ctx.out.print(
    renderReleaseInfo(res.data, {
      showProjects: opts.showProjects === true,
      showCommits: opts.showCommits === true,
      commits,
    }),
  );
}

/** What commander parses for `releases info`. */
export interface ReleasesInfoFlags {
  showProjects?: boolean;
  showCommits?: boolean;
}

export function infoCommand(env: RunEnv): Command {
  return new Command("info")
    .description("Print information about a release.")
    .argument("<version>", "the version of the release")
    .addOption(orgOption())
    .addOption(projectOption())
    .option("-P, --show-projects", "display the Projects column")
    .option("-C, --show-commits", "display the Commits column")
    .action(
      handler<ReleasesInfoFlags, [version: string]>(env, async (ctx, o, version) => {
        await runReleasesInfo(
          { version, showProjects: o.showProjects === true, showCommits: o.showCommits === true },
          ctx,
        );
      }),
    );
}
