/**
 * Source maps through the Node API: `injectSourcemaps`, `uploadSourcemaps`, `checkSourcemaps`
 * (`sentry-ship sourcemaps inject|upload|check`). Each option object is the command's request —
 * its flags by name — handed to the same run function the CLI's flags go to.
 */
import type { CheckRequest } from "../commands/sourcemaps/check.js";
import type { InjectRequest } from "../commands/sourcemaps/inject.js";
import type { SourcemapsUploadRequest } from "../commands/sourcemaps/upload.js";
import type { CheckDocument, InjectDocument, UploadDocument } from "./documents.js";
import { runInContext, type SentryOptions } from "./session.js";

/** `sourcemaps inject`'s flags (`paths`, `ext`, `ignore`, `ignoreFile`, `dryRun`) with the connection settings. */
export interface InjectSourcemapsOptions extends SentryOptions, InjectRequest {}

/** `sourcemaps inject`: give every JS file and its map the same debug id. No network. */
export async function injectSourcemaps(opts: InjectSourcemapsOptions): Promise<InjectDocument> {
  return runInContext(opts, async (ctx) => {
    const { runInject } = await import("../commands/sourcemaps/inject.js");
    await runInject(opts, ctx);
  });
}

/**
 * `sourcemaps upload`'s flags by name (`release`, `dist`, `urlPrefix`, `ext`, `rewrite`,
 * `filesToDeleteAfterUpload` for `--delete-after-upload`, …) with the connection settings.
 */
export interface UploadSourcemapsOptions extends SentryOptions, SourcemapsUploadRequest {}

/**
 * `sourcemaps upload`: artifact bundles through the chunk protocol. Unlike the CLI it installs no
 * signal handlers; temporary bundles are removed when it ends either way.
 */
export async function uploadSourcemaps(opts: UploadSourcemapsOptions): Promise<UploadDocument> {
  return runInContext(opts, async (ctx) => {
    const { runSourcemapsUpload } = await import("../commands/sourcemaps/upload.js");
    await runSourcemapsUpload(opts, ctx, { signals: false });
  });
}

/** `sourcemaps check`'s flags (`paths`, `againstServer`) with the connection settings. */
export interface CheckSourcemapsOptions extends SentryOptions, CheckRequest {}

/**
 * `sourcemaps check`: preflight a build. Errors in the build throw an InputError whose `document`
 * is the full report (as `--json` prints it).
 */
export async function checkSourcemaps(opts: CheckSourcemapsOptions): Promise<CheckDocument> {
  return runInContext(opts, async (ctx) => {
    const { runCheck } = await import("../commands/sourcemaps/check.js");
    await runCheck(opts, ctx);
  });
}
