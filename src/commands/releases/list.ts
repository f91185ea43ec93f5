import { Command, Option } from "commander";
import { routes } from "../../api/routes.js";
import type { CommandContext } from "../../context.js";
import { handler, orgOption, projectOption, type RunEnv } from "../runner.js";
import type { ReleaseLike } from "./render.js";

export interface ReleasesListOptions {
  showProjects?: boolean;
  raw?: boolean;
  delimiter?: string;
}

/**
 * The releases of the project (when one is configured) or of the organization, as sentry-cli's
 * table, or `--raw` versions joined by the delimiter.
 */
export async function runReleasesList(opts: ReleasesListOptions, ctx: CommandContext): Promise<void> {
  const org = await ctx.requireOrg();
  const project = (await ctx.projects())[0];
  const api = await ctx.api();
  const path = project ? routes.projectReleases(org, project) : routes.releases(org);
  const releases = await api.paginate<ReleaseLike>(path, {
    notFound: project ? `project ${project} in organization ${org}` : `organization ${org}`,
  });
  ctx.out.result({ ok: true, releases });
  if (opts.raw) {
    ctx.out.print(releases.map((r) => r.version).join(opts.delimiter ?? "\n"));
    return;
  }
  const { renderReleaseList } = await import("./render.js");
  ctx.out.print(renderReleaseList(releases, ctx.now(), opts.showProjects === true));
}

/** What commander parses for `releases list`. */
export interface ReleasesListFlags {
  showProjects?: boolean;
  raw?: boolean;
  delimiter?: string;
}

export function listCommand(env: RunEnv): Command {
  return new Command("list")
    .description("List the most recent releases.")
    .addOption(orgOption())
    .addOption(projectOption())
    .option("-P, --show-projects", "display the Projects column")
    .option("-R, --raw", "print a raw, delimiter-separated list of versions (default delimiter: newline)")
    .option("-D, --delimiter <delimiter>", "delimiter for --raw")
    .addOption(new Option("--no-abbrev", "no effect (kept for compatibility)").hideHelp())
    .action(
      handler<ReleasesListFlags>(env, async (ctx, o) => {
        if (o.delimiter !== undefined && !o.raw) {
          const { UsageError } = await import("../../errors.js");
          throw new UsageError("the argument '--delimiter <delimiter>' requires '--raw'");
        }
        await runReleasesList(
          { showProjects: o.showProjects === true, raw: o.raw === true, delimiter: o.delimiter },
          ctx,
        );
      }),
    );
}
