import { Command } from "commander";
import { routes } from "../../api/routes.js";
import type { CommandContext } from "../../context.js";
import { checkVersion } from "../checks.js";
import { Sender } from "../dry-run.js";
import { orgOption, projectOption, type RunEnv } from "../runner.js";
import { parseTimestamp, rfc3339 } from "../timestamps.js";
import { urlAwareHandler, urlOption } from "../url-option.js";

export interface ReleasesFinalizeOptions {
  version: string;
  url?: string;
  /** Already-parsed RFC 3339 release time; default now. */
  released?: string;
  dryRun?: boolean;
}

/** `PUT /organizations/{org}/releases/{version}/` with `dateReleased` → `Finalized release V`. */
export async function runReleasesFinalize(opts: ReleasesFinalizeOptions, ctx: CommandContext): Promise<void> {
  const version = checkVersion(opts.version);
  const org = await ctx.requireOrg();
  const projects = await ctx.projects();
  const body: Record<string, unknown> = {};
  if (projects.length > 0) body.projects = projects;
  if (opts.url !== undefined) body.url = opts.url;
  body.dateReleased = opts.released ?? rfc3339(ctx.now());
  const sender = new Sender(ctx, opts.dryRun === true);
  const res = await sender.send("PUT", routes.release(org, version), body, {
    notFound: `release ${version} in organization ${org} (check the release, project and organization)`,
  });
  if (sender.dryRun) {
    ctx.out.result({ ok: true, dryRun: true, requests: sender.planned });
    return;
  }
  ctx.out.print(`Finalized release ${version}`);
  ctx.out.result({ ok: true, version, release: res?.data });
}

/** What commander parses for `releases finalize`. */
export interface ReleasesFinalizeFlags {
  releaseUrl?: string;
  released?: string;
  dryRun?: boolean;
}

export function finalizeCommand(env: RunEnv): Command {
  return new Command("finalize")
    .description("Mark a release as finalized and released.")
    .argument("<version>", "the version of the release")
    .addOption(orgOption())
    .addOption(projectOption())
    .addOption(urlOption("--url <url>", "optional URL to the release for information purposes", "releaseUrl"))
    .option("--released <timestamp>", "the release time (unix timestamp, RFC 3339 or RFC 2822; default now)")
    .option("--dry-run", "print the request instead of sending it")
    .action(
      urlAwareHandler<ReleasesFinalizeFlags, [version: string]>(env, "releaseUrl", async (ctx, o, version) => {
        const released = o.released === undefined ? undefined : parseTimestamp(o.released, "--released");
        await runReleasesFinalize({ version, url: o.releaseUrl, released, dryRun: o.dryRun === true }, ctx);
      }),
    );
}
