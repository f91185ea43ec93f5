/**
 * sentry-ship's Node API: `import { … } from "sentry-ship"`.
 *
 * Every function takes one option object — its command's flags by name, camelCased (`--url-prefix`
 * → `urlPrefix`, `--no-rewrite` → `rewrite: false`; a few read better: `releaseUrl`, `deployUrl`,
 * `environment`, `commits`, `paths`, `tags`, `filesToDeleteAfterUpload`), handed to the function
 * the CLI's flags go to — and returns the document `sentry-ship <command> --json` prints for the
 * same inputs; failures throw the error classes below (each with `kind`, `exitCode`, `message`,
 * and `document`: the failure's `--json` document). Nothing is written to
 * stdout or stderr and nothing exits the process: pass `logger` (e.g. `console`) to see progress.
 *
 * Options every function takes (SentryOptions), each overriding the CLI's configuration
 * resolution (environment and `.env`, `SENTRY_PROPERTIES`, `.sentryclirc`, org auth tokens):
 *   url, authToken, org, project (string | string[]), headers, caFile, configFile, cwd, env,
 *   homeDir, logger { info, warn, error?, debug? }, logLevel, now.
 *
 * Releases and deploys (`dryRun: true` returns `{ ok, dryRun, requests }` and sends nothing):
 *   newRelease({ version, finalize?, releaseUrl?, dryRun? })          → { ok, version, created, release }
 *   finalizeRelease({ version, released?, releaseUrl?, dryRun? })     → { ok, version, release }
 *   setCommits({ version, auto?, local?, clear?, commits?, ignoreMissing?, initialDepth?, deepenLimit?, paths?, dryRun? })
 *   proposeVersion({ prefix? })                                       → { ok, version, source }
 *   newDeploy({ release?, environment, name?, deployUrl?, started?, finished?, time?, dryRun? }) → { ok, release, deploy }
 *   listDeploys({ release? })                                         → { ok, release, deploys }
 * Source maps:
 *   injectSourcemaps({ paths, ext?, ignore?, ignoreFile?, dryRun? })  → { dryRun, found, modified, ignored, warnings }
 *   uploadSourcemaps({ paths, release?, dist?, urlPrefix?, urlSuffix?, stripPrefix?, stripCommonPrefix?, ext?,
 *     ignore?, ignoreFile?, validate?, rewrite?, sourcemapReference?, debugIdReference?, decompress?, strict?,
 *     bundle?, bundleSourcemap?, note?, wait?, waitFor?, dryRun?,
 *     deleteMapsAfterUpload?, filesToDeleteAfterUpload? })           → { organization, projects, release, files, bundles, …, deleted? }
 *   checkSourcemaps({ paths, againstServer? })                        → { ok, files, maps, issues, errors, warnings }
 * Events:
 *   sendEvent({ dsn?, message?, level?, tags?, extra?, user?, release?, environment?, paths?, … }) → { ok, events }
 * The whole CLI in-process:
 *   runCommand(argv, { cwd?, env? })                                  → { exitCode, stdout, stderr }
 * For code written against @sentry/cli's JavaScript wrapper:
 *   new SentryCli(configFile, options) with releases.new/finalize/proposeVersion/setCommits/newDeploy/
 *   listDeploys/uploadSourceMaps/execute and sourceMaps.inject — the same calls, in-process.
 */

export type { Timestamp } from "./commands/timestamps.js";
export {
  ApiError,
  ConfigError,
  type ErrorKind,
  InputError,
  InternalError,
  InterruptedError,
  NetworkError,
  ShipError,
  UsageError,
} from "./errors.js";
export { type CommandResult, type RunCommandOptions, runCommand } from "./library/command.js";
export { type ListDeploysOptions, listDeploys, type NewDeployOptions, newDeploy } from "./library/deploys.js";
export type * from "./library/documents.js";
export { type SendEventOptions, sendEvent } from "./library/events.js";
export {
  type FinalizeReleaseOptions,
  finalizeRelease,
  type NewReleaseOptions,
  newRelease,
  type ProposeVersionOptions,
  proposeVersion,
  type SetCommitsOptions,
  setCommits,
} from "./library/releases.js";
export {
  CommandFailedError,
  SentryCli,
  type SentryCliCommitsOptions,
  type SentryCliInjectOptions,
  type SentryCliNewDeployOptions,
  type SentryCliOptions,
  type SentryCliUploadSourceMapsOptions,
  type SourceMapsPathDescriptor,
} from "./library/sentry-cli.js";
export type { Logger, LogLevel, SentryOptions, SentryShipError } from "./library/session.js";
export {
  type CheckSourcemapsOptions,
  checkSourcemaps,
  type InjectSourcemapsOptions,
  injectSourcemaps,
  type UploadSourcemapsOptions,
  uploadSourcemaps,
} from "./library/sourcemaps.js";
export { VERSION } from "./version.js";
