/**
 * A release version as sentry-cli 3.8's argument parser takes it (`<VERSION>`, `--release`): the
 * server's rules (src/domain/release.ts) plus no leading or trailing whitespace, which the server
 * would keep as part of the name — a release `1.0 ` that no SDK's `1.0` ever matches.
 */
import { versionProblem } from "../domain/release.js";

/** Why `version` is not a release version sentry-cli would send, or undefined when it is one. */
export function releaseArgumentProblem(version: string): string | undefined {
  const problem = versionProblem(version);
  if (problem !== undefined) return problem;
  if (version.trim() !== version) return "it has leading or trailing whitespace";
  return undefined;
}

/**
 * Whether sentry-cli's argument parser refuses `version` (exit 2) rather than the server (exit 1):
 * slashes, backslashes and the banned whitespace characters, leading or trailing whitespace, `.`
 * and `..`. `latest` and over-long names reach the server there.
 */
export function refusedByArgumentParser(version: string): boolean {
  return /[\\/\r\n\t\f]/.test(version) || version.trim() !== version || version === "." || version === "..";
}
