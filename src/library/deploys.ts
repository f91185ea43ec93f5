/**
 * Deploys through the Node API: `newDeploy` and `listDeploys` (`sentry-ship deploys …`). Each
 * option object is the command's request — its flags by name — handed to the same command function.
 */
import type { DeploysListRequest } from "../commands/deploys/list.js";
import type { DeploysNewRequest } from "../commands/deploys/new.js";
import type { DryRunDocument, ListDeploysDocument, NewDeployDocument } from "./documents.js";
import { runInContext, type SentryOptions } from "./session.js";

/** `deploys new`'s flags (`release`, `environment` for `-e`, `deployUrl` for `--url`, …) with the connection settings. */
export interface NewDeployOptions extends SentryOptions, DeploysNewRequest {}

/** `deploys new`. `project` limits the deploy to those projects, as `-p` does. */
export async function newDeploy(opts: NewDeployOptions): Promise<NewDeployDocument | DryRunDocument> {
  return runInContext(opts, async (ctx) => {
    const { runDeploysNew } = await import("../commands/deploys/new.js");
    await runDeploysNew(opts, ctx);
  });
}

/** `deploys list`'s flag (`release`) with the connection settings. */
export interface ListDeploysOptions extends SentryOptions, DeploysListRequest {}

/** `deploys list`: the release's deploys as the server lists them. */
export async function listDeploys(opts: ListDeploysOptions): Promise<ListDeploysDocument> {
  return runInContext(opts, async (ctx) => {
    const { runDeploysList } = await import("../commands/deploys/list.js");
    await runDeploysList(opts, ctx);
  });
}
