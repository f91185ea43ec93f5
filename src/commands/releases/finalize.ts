import { Command } from "commander";
import { routes } from "../../api/routes.js";
import type { CommandContext } from "../../context.js";
import { checkVersion } from "../checks.js";
import { Sender } from "../dry-run.js";
import { optionAs, requestKeys } from "../request.js";
import { orgOption, projectOption, type RunEnv } from "../runner.js";
import { rfc3339, type Timestamp, timestampArg } from "../timestamps.js";
import { urlAwareHandler } from "../url-option.js";

/**
 * What the user asks `releases finalize` for, keyed by its flags' names: the CLI's parsed flags
 * and the Node API's `finalizeRelease` options are both one.
 */
export interface ReleasesFinalizeRequest {
  version: string;
  /** The release's own URL (`releases finalize --url`). */
  releaseUrl?: string;
  /** The release time (`--released`; default now). */
  released?: Timestamp;
  dryRun?: boolean;
}

/** The request's keys (checked against the type by the compiler), for the flag-parity test. */
export const RELEASES_FINALIZE_KEYS = requestKeys<ReleasesFinalizeRequest>({
  version: true,
  releaseUrl: true,
  released: true,
  dryRun: true,
});

/** `PUT /organizations/{org}/releases/{version}/` with `dateReleased` → `Finalized release V`. */
export async function runReleasesFinalize(opts: ReleasesFinalizeRequest, ctx: CommandContext): Promise<void> {
  const released = timestampArg(opts.released, "--released");
  const version = checkVersion(opts.version);
  const org = await ctx.requireOrg();
  const projects = await ctx.projects();
  const body: Record<string, unknown> = {};
  if (projects.length > 0) body.projects = projects;
  if (opts.releaseUrl !== undefined) body.url = opts.releaseUrl;
  body.dateReleased = released ?? rfc3339(ctx.now());
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
export type ReleasesFinalizeFlags = Omit<ReleasesFinalizeRequest, "version">;

export function finalizeCommand(env: RunEnv): Command {
  return new Command("finalize")
    .description("Mark a release as finalized and released.")
    .argument("<version>", "the version of the release")
    .addOption(orgOption())
    .addOption(projectOption())
    .addOption(optionAs("--url <url>", "optional URL to the release for information purposes", "releaseUrl"))
    .option("--released <timestamp>", "the release time (unix timestamp, RFC 3339 or RFC 2822; default now)")
    .option("--dry-run", "print the request instead of sending it")
    .action(
      urlAwareHandler<ReleasesFinalizeFlags, [version: string]>(env, "releaseUrl", async (ctx, o, version) => {
        await runReleasesFinalize({ ...o, version }, ctx);
      }),
    );
}
