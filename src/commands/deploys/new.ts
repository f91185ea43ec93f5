import { Command } from "commander";
import { routes } from "../../api/routes.js";
import type { CommandContext } from "../../context.js";
import { checkEnvironment, checkVersion } from "../checks.js";
import { Sender } from "../dry-run.js";
import { intArg, orgOption, projectOption, type RunEnv, releaseOption } from "../runner.js";
import { parseTimestamp, rfc3339 } from "../timestamps.js";
import { urlAwareHandler, urlOption } from "../url-option.js";
import { requireRelease } from "./release.js";

export interface DeploysNewOptions {
  environment: string;
  name?: string;
  url?: string;
  /** RFC 3339 (already parsed). */
  started?: string;
  finished?: string;
  /** `-t SECONDS`: finished now, started SECONDS earlier (overrides --started/--finished). */
  time?: number;
  /** Only projects given with -p (SENTRY_PROJECT is not used, as in sentry-cli). */
  projects?: string[];
  dryRun?: boolean;
}

/** `POST /organizations/{org}/releases/{version}/deploys/` → `Created new deploy NAME for 'ENV'`. */
export async function runDeploysNew(opts: DeploysNewOptions, ctx: CommandContext): Promise<void> {
  const environment = checkEnvironment(opts.environment);
  const version = await requireRelease(ctx);
  const org = await ctx.requireOrg();
  const now = ctx.now();
  let dateStarted = opts.started ?? null;
  let dateFinished = opts.finished ?? rfc3339(now);
  if (opts.time !== undefined) {
    dateFinished = rfc3339(now);
    dateStarted = rfc3339(new Date(now.getTime() - opts.time * 1000));
  }
  const body: Record<string, unknown> = {
    environment,
    name: opts.name ?? null,
    url: opts.url ?? null,
    dateStarted,
    dateFinished,
  };
  if (opts.projects && opts.projects.length > 0) body.projects = opts.projects;
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
export interface DeploysNewFlags {
  env: string;
  name?: string;
  deployUrl?: string;
  started?: string;
  finished?: string;
  time?: number;
  dryRun?: boolean;
}

export function newCommand(env: RunEnv): Command {
  return new Command("new")
    .description("Creates a new release deployment.")
    .addOption(orgOption())
    .addOption(projectOption())
    .addOption(releaseOption())
    .requiredOption("-e, --env <env>", "the environment of this deploy")
    .option("-n, --name <name>", "optional human-readable name for this deploy")
    .addOption(urlOption("-u, --url <url>", "optional URL that points to the deploy", "deployUrl"))
    .option("--started <timestamp>", "when the deploy started (unix timestamp, RFC 3339 or RFC 2822)")
    .option("--finished <timestamp>", "when the deploy finished (default now)")
    .option("-t, --time <seconds>", "deploy duration in seconds: finished now, started that long ago", intArg("--time"))
    .option("--dry-run", "print the request instead of sending it")
    .action(
      urlAwareHandler<DeploysNewFlags>(env, "deployUrl", async (ctx, o) => {
        const started = o.started === undefined ? undefined : parseTimestamp(o.started, "--started");
        const finished = o.finished === undefined ? undefined : parseTimestamp(o.finished, "--finished");
        await runDeploysNew(
          {
            environment: o.env,
            name: o.name,
            url: o.deployUrl,
            started,
            finished,
            time: o.time,
            projects: o.project,
            dryRun: o.dryRun === true,
          },
          ctx,
        );
      }),
    );
}
