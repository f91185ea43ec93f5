import { Command } from "commander";
import { routes } from "../../api/routes.js";
import type { CommandContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import { checkEnvironment, checkVersion } from "../checks.js";
import { Sender } from "../dry-run.js";
import { optionAs, requestKeys } from "../request.js";
import { intArg, orgOption, projectOption, type RunEnv, releaseOption } from "../runner.js";
import { rfc3339, type Timestamp, timestampArg } from "../timestamps.js";
import { urlAwareHandler } from "../url-option.js";
import { requireRelease } from "./release.js";

/**
 * What the user asks `deploys new` for, keyed by its flags' names (`environment` for `-e/--env`,
 * `deployUrl` for `--url`): the CLI's parsed flags and the Node API's `newDeploy` options are both one.
 */
export interface DeploysNewRequest {
  /** The release (`-r`; default: SENTRY_RELEASE). It reaches the command through the context. */
  release?: string;
  /** The environment deployed to (`-e/--env`). */
  environment: string;
  name?: string;
  /** The deploy's own URL (`deploys new --url`). */
  deployUrl?: string;
  started?: Timestamp;
  /** Default now. */
  finished?: Timestamp;
  /** Duration in seconds (`-t`): finished now, started that long ago (overrides started/finished). */
  time?: number;
  dryRun?: boolean;
}

/** The request's keys (checked against the type by the compiler), for the flag-parity test. */
export const DEPLOYS_NEW_KEYS = requestKeys<DeploysNewRequest>({
  release: true,
  environment: true,
  name: true,
  deployUrl: true,
  started: true,
  finished: true,
  time: true,
  dryRun: true,
});

/**
 * `POST /organizations/{org}/releases/{version}/deploys/` → `Created new deploy NAME for 'ENV'`.
 * The deploy names only the projects given with -p (SENTRY_PROJECT is not used, as in sentry-cli).
 */
export async function runDeploysNew(opts: DeploysNewRequest, ctx: CommandContext): Promise<void> {
  const started = timestampArg(opts.started, "--started");
  const finished = timestampArg(opts.finished, "--finished");
  const environment = checkEnvironment(opts.environment);
  const version = await requireRelease(ctx);
  const org = await ctx.requireOrg();
  const now = ctx.now();
  let dateStarted = started ?? null;
  let dateFinished = finished ?? rfc3339(now);
  if (opts.time !== undefined) {
    const start = new Date(now.getTime() - opts.time * 1000);
    // Dates end at ±8.64e15 ms (sentry-cli crashes past them); RFC 3339 has the years 1 to 9999.
    const year = start.getUTCFullYear();
    if (Number.isNaN(year) || year < 1 || year > 9999) {
      throw new UsageError(`invalid value '${opts.time}' for --time: the start would be outside the years 1 to 9999`);
    }
    dateFinished = rfc3339(now);
    dateStarted = rfc3339(start);
  }
  const body: Record<string, unknown> = {
    environment,
    name: opts.name ?? null,
    url: opts.deployUrl ?? null,
    dateStarted,
    dateFinished,
  };
  const projects = ctx.flags.project;
  if (projects && projects.length > 0) body.projects = projects;
  const sender = new Sender(ctx, opts.dryRun === true);
  const res = await sender.send<{ environment?: string; name?: string | null }>(
    "POST",
    routes.deploys(org, checkVersion(version)),
    body,
    { notFound: `release ${version} in organization ${org} (check the release, project and organization)` },
  );
  if (!res) {
    ctx.out.result({ ok: true, dryRun: true, requests: sender.planned });
    return;
  }
  const d = res.data ?? {};
  ctx.out.print(`Created new deploy ${d.name ?? "unnamed"} for '${d.environment ?? environment}'`);
  ctx.out.result({ ok: true, release: version, deploy: res.data });
}

/** What commander parses for `deploys new` (besides the root's and the group's options). */
export type DeploysNewFlags = DeploysNewRequest;

export function newCommand(env: RunEnv): Command {
  return new Command("new")
    .description("Creates a new release deployment.")
    .addOption(orgOption())
    .addOption(projectOption())
    .addOption(releaseOption())
    .addOption(optionAs("-e, --env <env>", "the environment of this deploy", "environment").makeOptionMandatory())
    .option("-n, --name <name>", "optional human-readable name for this deploy")
    .addOption(optionAs("-u, --url <url>", "optional URL that points to the deploy", "deployUrl"))
    .option("--started <timestamp>", "when the deploy started (unix timestamp, RFC 3339 or RFC 2822)")
    .option("--finished <timestamp>", "when the deploy finished (default now)")
    .option("-t, --time <seconds>", "deploy duration in seconds: finished now, started that long ago", intArg("--time"))
    .option("--dry-run", "print the request instead of sending it")
    .action(
      urlAwareHandler<DeploysNewFlags>(env, "deployUrl", async (ctx, o) => {
        await runDeploysNew(o, ctx);
      }),
    );
}
