import { Command } from "commander";
import { routes } from "../../api/routes.js";
import type { CommandContext } from "../../context.js";
import { checkVersion } from "../checks.js";
import { Sender } from "../dry-run.js";
import { handler, orgOption, projectOption, type RunEnv } from "../runner.js";

export interface ReleasesStatusOptions {
  version: string;
  dryRun?: boolean;
}

/**
 * Archive or restore: sentry-cli upserts through `POST /organizations/{org}/releases/` with
 * `status` and prints the version the server answers with.
 */
export async function runReleasesStatus(
  status: "archived" | "open",
  opts: ReleasesStatusOptions,
  ctx: CommandContext,
): Promise<void> {
  const version = checkVersion(opts.version);
  const org = await ctx.requireOrg();
  const sender = new Sender(ctx, opts.dryRun === true);
  const res = await sender.send<{ version?: string }>(
    "POST",
    routes.releases(org),
    { version, projects: [], status },
    { notFound: `organization ${org}` },
  );
  if (!res) {
    ctx.out.result({ ok: true, dryRun: true, requests: sender.planned });
    return;
  }
  const shown = typeof res.data?.version === "string" ? res.data.version : version;
  ctx.out.print(`${status === "archived" ? "Archived" : "Restored"} release ${shown}`);
  ctx.out.result({ ok: true, version: shown, status, release: res.data });
}

export const runReleasesArchive = (opts: ReleasesStatusOptions, ctx: CommandContext) =>
  runReleasesStatus("archived", opts, ctx);

/** What commander parses for `releases archive`. */
export interface ReleasesArchiveFlags {
  dryRun?: boolean;
}

export function archiveCommand(env: RunEnv): Command {
  return new Command("archive")
    .description("Archive a release.")
    .argument("<version>", "the version of the release")
    .addOption(orgOption())
    .addOption(projectOption())
    .option("--dry-run", "print the request instead of sending it")
    .action(
      handler<ReleasesArchiveFlags, [version: string]>(env, async (ctx, o, version) => {
        await runReleasesArchive({ version, dryRun: o.dryRun === true }, ctx);
      }),
    );
}
