import { Command, Option } from "commander";
import { routes } from "../../api/routes.js";
import type { CommandContext } from "../../context.js";
import { checkVersion, requireProjects } from "../checks.js";
import { Sender } from "../dry-run.js";
import { optionAs, requestKeys } from "../request.js";
import { orgOption, projectOption, type RunEnv } from "../runner.js";
import { rfc3339 } from "../timestamps.js";
import { urlAwareHandler } from "../url-option.js";

/**
 * What the user asks `releases new` for, keyed by its flags' names: the CLI's parsed flags and the
 * Node API's `newRelease` options are both one.
 */
export interface ReleasesNewRequest {
  version: string;
  /** Finalize it at once (`--finalize`). */
  finalize?: boolean;
  /** The release's own URL (`releases new --url`). */
  releaseUrl?: string;
  /** Return the request instead of sending it (`--dry-run`). */
  dryRun?: boolean;
}

/** The request's keys (checked against the type by the compiler), for the flag-parity test. */
export const RELEASES_NEW_KEYS = requestKeys<ReleasesNewRequest>({
  version: true,
  finalize: true,
  releaseUrl: true,
  dryRun: true,
});

/** `POST /organizations/{org}/releases/` → `Created release V` (208 "already exists" is success). */
export async function runReleasesNew(opts: ReleasesNewRequest, ctx: CommandContext): Promise<void> {
  const version = checkVersion(opts.version);
  const org = await ctx.requireOrg();
  const projects = await requireProjects(ctx);
  const now = rfc3339(ctx.now());
  const body: Record<string, unknown> = { version, projects };
  if (opts.releaseUrl !== undefined) body.url = opts.releaseUrl;
  body.dateStarted = now;
  if (opts.finalize) body.dateReleased = now;
  const sender = new Sender(ctx, opts.dryRun === true);
  const res = await sender.send<{ version?: string }>("POST", routes.releases(org), body, {
    notFound: `organization ${org}`,
  });
  if (sender.dryRun) {
    ctx.out.result({ ok: true, dryRun: true, requests: sender.planned });
    return;
  }
  ctx.out.print(`Created release ${version}`);
  ctx.out.result({ ok: true, version, created: res?.status !== 208, release: res?.data });
}

/** What commander parses for `releases new` (besides the root's and the group's options). */
export type ReleasesNewFlags = Omit<ReleasesNewRequest, "version">;

export function newCommand(env: RunEnv): Command {
  return new Command("new")
    .description("Create a new release.")
    .argument("<version>", "the version of the release")
    .addOption(orgOption())
    .addOption(projectOption())
    .addOption(optionAs("--url <url>", "optional URL to the release for information purposes", "releaseUrl"))
    .option("--finalize", "immediately finalize the release (sets it to released)")
    .addOption(new Option("--ref <ref>", "no effect (sentry-cli's hidden legacy flag)").hideHelp())
    .option("--dry-run", "print the request instead of sending it")
    .action(
      urlAwareHandler<ReleasesNewFlags, [version: string]>(env, "releaseUrl", async (ctx, o, version) => {
        await runReleasesNew({ ...o, version }, ctx);
      }),
    );
}
