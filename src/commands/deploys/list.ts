import { Command } from "commander";
import { routes } from "../../api/routes.js";
import type { CommandContext } from "../../context.js";
import { requestKeys } from "../request.js";
import { handler, orgOption, projectOption, type RunEnv, releaseOption } from "../runner.js";
import { requireRelease } from "./release.js";
import type { DeployLike } from "./render.js";

/**
 * What the user asks `deploys list` for, keyed by its flags' names: the CLI's parsed flags and the
 * Node API's `listDeploys` options are both one.
 */
export interface DeploysListRequest {
  /** The release (`-r`; default: SENTRY_RELEASE). It reaches the command through the context. */
  release?: string;
}

/** The request's keys (checked against the type by the compiler), for the flag-parity test. */
export const DEPLOYS_LIST_KEYS = requestKeys<DeploysListRequest>({ release: true });

/** `GET /organizations/{org}/releases/{version}/deploys/` as sentry-cli's table. */
export async function runDeploysList(_req: DeploysListRequest, ctx: CommandContext): Promise<void> {
  const version = await requireRelease(ctx);
  const org = await ctx.requireOrg();
  const api = await ctx.api();
  const res = await api.get<DeployLike[]>(routes.deploys(org, version), {
    expectJson: true,
    notFound: `release ${version} in organization ${org} (check the release, project and organization)`,
  });
  const deploys = Array.isArray(res.data) ? res.data : [];
  ctx.out.result({ ok: true, release: version, deploys });
  if (deploys.length === 0) {
    ctx.out.print("No deploys found");
    return;
  }
  const { renderDeployList } = await import("./render.js");
  ctx.out.print(renderDeployList(deploys, ctx.now()));
}

export function listCommand(env: RunEnv): Command {
  return new Command("list")
    .description("List all deployments of a release.")
    .addOption(orgOption())
    .addOption(projectOption())
    .addOption(releaseOption())
    .action(
      handler<DeploysListRequest>(env, async (ctx, o) => {
        await runDeploysList(o, ctx);
      }),
    );
}
