import { Command } from "commander";
import { routes } from "../../api/routes.js";
import type { CommandContext } from "../../context.js";
import { checkVersion } from "../checks.js";
import { Sender } from "../dry-run.js";
import { handler, orgOption, projectOption, type RunEnv } from "../runner.js";

export interface ReleasesDeleteOptions {
  version: string;
  dryRun?: boolean;
}

/** `DELETE /organizations/{org}/releases/{version}/`; a missing release is not an error (as sentry-cli). */
export async function runReleasesDelete(opts: ReleasesDeleteOptions, ctx: CommandContext): Promise<void> {
  const version = checkVersion(opts.version);
  const org = await ctx.requireOrg();
  const sender = new Sender(ctx, opts.dryRun === true);
  const res = await sender.send("DELETE", routes.release(org, version), undefined, { okStatuses: [404] });
  if (!res) {
    ctx.out.result({ ok: true, dryRun: true, requests: sender.planned });
    return;
  }
  if (res.status === 404) {
    ctx.out.print(`Did nothing. Release with this version (${version}) does not exist.`);
    ctx.out.result({ ok: true, version, deleted: false });
    return;
  }
  ctx.out.print(`Deleted release ${version}!`);
  ctx.out.result({ ok: true, version, deleted: true });
}

/** What commander parses for `releases delete`. */
export interface ReleasesDeleteFlags {
  dryRun?: boolean;
}

export function deleteCommand(env: RunEnv): Command {
  return new Command("delete")
    .description("Delete a release.")
    .argument("<version>", "the version of the release")
    .addOption(orgOption())
    .addOption(projectOption())
    .option("--dry-run", "print the request instead of sending it")
    .action(
      handler<ReleasesDeleteFlags, [version: string]>(env, async (ctx, o, version) => {
        await runReleasesDelete({ version, dryRun: o.dryRun === true }, ctx);
      }),
    );
}
