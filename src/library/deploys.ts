/** Deploys through the Node API: `newDeploy` and `listDeploys` (`sentry-ship deploys …`). */
import type { DryRunDocument, ListDeploysDocument, NewDeployDocument } from "./documents.js";
import { runInContext, type SentryOptions } from "./session.js";
import { type Timestamp, timestamp } from "./timestamps.js";

export interface NewDeployOptions extends SentryOptions {
  /** The release (default: SENTRY_RELEASE). */
  release?: string;
  /** The environment deployed to (`-e`). */
  environment: string;
  name?: string;
  /** The deploy's own URL (`deploys new --url`). */
  deployUrl?: string;
  started?: Timestamp;
  /** Default now. */
  finished?: Timestamp;
  /** Duration in seconds: finished now, started that long ago (overrides started/finished). */
  time?: number;
  dryRun?: boolean;
}

/** `deploys new`. `project` limits the deploy to those projects, as `-p` does. */
export async function newDeploy(opts: NewDeployOptions): Promise<NewDeployDocument | DryRunDocument> {
  return runInContext(opts, { release: opts.release }, async (ctx) => {
    const { runDeploysNew } = await import("../commands/deploys/new.js");
    await runDeploysNew(
      {
        environment: opts.environment,
        name: opts.name,
        url: opts.deployUrl,
        started: timestamp(opts.started, "started"),
        finished: timestamp(opts.finished, "finished"),
        time: opts.time,
        projects: ctx.flags.project,
        dryRun: opts.dryRun === true,
      },
      ctx,
    );
  });
}

export interface ListDeploysOptions extends SentryOptions {
  /** The release (default: SENTRY_RELEASE). */
  release?: string;
}

/** `deploys list`: the release's deploys as the server lists them. */
export async function listDeploys(opts: ListDeploysOptions): Promise<ListDeploysDocument> {
  return runInContext(opts, { release: opts.release }, async (ctx) => {
    const { runDeploysList } = await import("../commands/deploys/list.js");
    await runDeploysList({}, ctx);
  });
}
