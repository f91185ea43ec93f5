/**
 * Releases through the Node API: `newRelease`, `finalizeRelease`, `setCommits`, `proposeVersion`.
 * Each option object is the command's request — its flags by name — handed to the command function
 * `sentry-ship releases …` runs; each returns that command's `--json` document.
 */

import type { ReleasesFinalizeRequest } from "../commands/releases/finalize.js";
import type { ReleasesNewRequest } from "../commands/releases/new.js";
import type { ProposeVersionRequest } from "../commands/releases/propose-version.js";
import type { SetCommitsRequest } from "../commands/releases/set-commits.js";
import type {
  DryRunDocument,
  FinalizeReleaseDocument,
  NewReleaseDocument,
  ProposeVersionDocument,
  SetCommitsDocument,
} from "./documents.js";
import { runInContext, type SentryOptions } from "./session.js";

/** `releases new`'s flags (`version`, `finalize`, `releaseUrl` for its `--url`, `dryRun`) with the connection settings. */
export interface NewReleaseOptions extends SentryOptions, ReleasesNewRequest {}

/** `releases new`: create a release (an existing one is success, `created: false`). */
export async function newRelease(opts: NewReleaseOptions): Promise<NewReleaseDocument | DryRunDocument> {
  return runInContext(opts, async (ctx) => {
    const { runReleasesNew } = await import("../commands/releases/new.js");
    await runReleasesNew(opts, ctx);
  });
}

/** `releases finalize`'s flags (`version`, `releaseUrl`, `released`, `dryRun`) with the connection settings. */
export interface FinalizeReleaseOptions extends SentryOptions, ReleasesFinalizeRequest {}

/** `releases finalize`: mark the release released. */
export async function finalizeRelease(opts: FinalizeReleaseOptions): Promise<FinalizeReleaseDocument | DryRunDocument> {
  return runInContext(opts, async (ctx) => {
    const { runReleasesFinalize } = await import("../commands/releases/finalize.js");
    await runReleasesFinalize(opts, ctx);
  });
}

/**
 * `releases set-commits`: the command's own options (`auto` for `--auto`, `local`, `clear`,
 * `commits` for `--commit`, `paths` for `--path`, …) with the connection settings.
 */
export interface SetCommitsOptions extends SentryOptions, SetCommitsRequest {}

/** `releases set-commits`. Without auto/local/clear/commits, local git is read as the CLI does. */
export async function setCommits(opts: SetCommitsOptions): Promise<SetCommitsDocument> {
  return runInContext(opts, async (ctx) => {
    const { runSetCommits } = await import("../commands/releases/set-commits.js");
    await runSetCommits(opts, ctx);
  });
}

/** `releases propose-version`'s flag (`prefix`) with the connection settings. */
export interface ProposeVersionOptions extends SentryOptions, ProposeVersionRequest {}

/** `releases propose-version`: SENTRY_RELEASE, a CI commit variable, or git HEAD. No network. */
export async function proposeVersion(opts: ProposeVersionOptions = {}): Promise<ProposeVersionDocument> {
  return runInContext(opts, async (ctx) => {
    const { runReleasesProposeVersion } = await import("../commands/releases/propose-version.js");
    await runReleasesProposeVersion(opts, ctx);
  });
}
