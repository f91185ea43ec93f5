/**
 * Releases through the Node API: `newRelease`, `finalizeRelease`, `setCommits`, `proposeVersion`.
 * Each runs the command function `sentry-ship releases …` runs and returns its `--json` document.
 */

import type { SetCommitsOptions as SetCommitsCommandOptions } from "../commands/releases/set-commits.js";
import type {
  DryRunDocument,
  FinalizeReleaseDocument,
  NewReleaseDocument,
  ProposeVersionDocument,
  SetCommitsDocument,
} from "./documents.js";
import { runInContext, type SentryOptions } from "./session.js";
import { type Timestamp, timestamp } from "./timestamps.js";

export interface NewReleaseOptions extends SentryOptions {
  version: string;
  /** Finalize it at once (`--finalize`). */
  finalize?: boolean;
  /** The release's own URL (`releases new --url`). */
  releaseUrl?: string;
  /** Return the request instead of sending it (`--dry-run`). */
  dryRun?: boolean;
}

/** `releases new`: create a release (an existing one is success, `created: false`). */
export async function newRelease(opts: NewReleaseOptions): Promise<NewReleaseDocument | DryRunDocument> {
  return runInContext(opts, {}, async (ctx) => {
    const { runReleasesNew } = await import("../commands/releases/new.js");
    await runReleasesNew(
      { version: opts.version, finalize: opts.finalize === true, url: opts.releaseUrl, dryRun: opts.dryRun === true },
      ctx,
    );
  });
}

export interface FinalizeReleaseOptions extends SentryOptions {
  version: string;
  releaseUrl?: string;
  /** The release time (`--released`; default now). */
  released?: Timestamp;
  dryRun?: boolean;
}

/** `releases finalize`: mark the release released. */
export async function finalizeRelease(opts: FinalizeReleaseOptions): Promise<FinalizeReleaseDocument | DryRunDocument> {
  return runInContext(opts, {}, async (ctx) => {
    const { runReleasesFinalize } = await import("../commands/releases/finalize.js");
    await runReleasesFinalize(
      {
        version: opts.version,
        url: opts.releaseUrl,
        released: timestamp(opts.released, "released"),
        dryRun: opts.dryRun === true,
      },
      ctx,
    );
  });
}

/**
 * `releases set-commits`: the command's own options (`auto` for `--auto`, `local`, `clear`,
 * `commits` for `--commit`, `paths` for `--path`, …) with the connection settings.
 */
export interface SetCommitsOptions extends SentryOptions, SetCommitsCommandOptions {}

/** `releases set-commits`. Without auto/local/clear/commits, local git is read as the CLI does. */
export async function setCommits(opts: SetCommitsOptions): Promise<SetCommitsDocument> {
  return runInContext(opts, {}, async (ctx) => {
    const { runSetCommits } = await import("../commands/releases/set-commits.js");
    await runSetCommits(
      {
        version: opts.version,
        auto: opts.auto === true,
        local: opts.local === true,
        clear: opts.clear === true,
        commits: opts.commits,
        ignoreMissing: opts.ignoreMissing === true,
        initialDepth: opts.initialDepth,
        deepenLimit: opts.deepenLimit,
        paths: opts.paths,
        dryRun: opts.dryRun === true,
      },
      ctx,
    );
  });
}

export interface ProposeVersionOptions extends SentryOptions {
  /** Put before the version unless it already starts with it, e.g. `web@`. */
  prefix?: string;
}

/** `releases propose-version`: SENTRY_RELEASE, a CI commit variable, or git HEAD. No network. */
export async function proposeVersion(opts: ProposeVersionOptions = {}): Promise<ProposeVersionDocument> {
  return runInContext(opts, {}, async (ctx) => {
    const { runReleasesProposeVersion } = await import("../commands/releases/propose-version.js");
    await runReleasesProposeVersion(opts.prefix !== undefined ? { prefix: opts.prefix } : {}, ctx);
  });
}
