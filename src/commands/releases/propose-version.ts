import { Command } from "commander";
import type { CommandContext } from "../../context.js";
import { versionProblem } from "../../domain/release.js";
import { InputError } from "../../errors.js";
import { requestKeys } from "../request.js";
import { handler, orgOption, projectOption, type RunEnv } from "../runner.js";

/**
 * What the user asks `releases propose-version` for, keyed by its flags' names: the CLI's parsed
 * flags and the Node API's `proposeVersion` options are both one.
 */
export interface ProposeVersionRequest {
  /** Put before the version unless it already starts with it, e.g. `web@` (monorepos). */
  prefix?: string;
}

/** The request's keys (checked against the type by the compiler), for the flag-parity test. */
export const PROPOSE_VERSION_KEYS = requestKeys<ProposeVersionRequest>({ prefix: true });

/**
 * Print the proposed version (SENTRY_RELEASE, a CI commit variable, or the git HEAD SHA), with the
 * prefix in front unless the version already starts with it. No network.
 */
export async function runReleasesProposeVersion(opts: ProposeVersionRequest, ctx: CommandContext): Promise<void> {
  const { proposeVersion } = await import("../../vcs/ci.js");
  const v = await proposeVersion({ env: ctx.env, cwd: ctx.cwd, warn: (m) => ctx.out.warn(m) });
  ctx.out.debug(`release version from ${v.source}${v.ci ? ` (${v.ci})` : ""}`);
  const prefix = opts.prefix ?? "";
  const version = prefix && !v.version.startsWith(prefix) ? prefix + v.version : v.version;
  // sentry-cli prints whatever it found, valid or not; a prefixed name is ours to check.
  const problem = prefix ? versionProblem(version) : undefined;
  if (problem) throw new InputError(`invalid release version '${version}': ${problem}`);
  ctx.out.printAlways(version);
  ctx.out.result({ ok: true, version, source: v.source, ...(v.ci ? { ci: v.ci } : {}), ...(prefix ? { prefix } : {}) });
}

/**
 * sentry-cli names a release after an Xcode build's Info.plist only on macOS (preprocessing it
 * with `cc` when this flag allows); sentry-ship reads no Info.plist, so the flag changes nothing.
 */
export const XCODE_FLAG_HELP =
  "no effect: sentry-ship never reads Xcode's Info.plist (sentry-cli does, on macOS only, and this flag lets it run cc on it)";

export function proposeVersionCommand(env: RunEnv): Command {
  return new Command("propose-version")
    .description("Propose a version name for a new release.")
    .addOption(orgOption())
    .addOption(projectOption())
    .option("--prefix <prefix>", "put this before the proposed version, e.g. 'web@' (monorepos)")
    .option("--allow-xcode-infoplist-preprocessing", XCODE_FLAG_HELP)
    .action(
      handler<ProposeVersionRequest>(env, async (ctx, o) => {
        await runReleasesProposeVersion(o, ctx);
      }),
    );
}
