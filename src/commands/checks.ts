/**
 * Checks of what the user typed, made before any request: release versions, environments, and
 * that a project is configured. The rules come from src/domain/release.ts, shared with the server.
 */

import { refusedByArgumentParser, releaseArgumentProblem } from "../config/release-version.js";
import { settingName } from "../config/settings.js";
import type { CommandContext } from "../context.js";
import { environmentProblem } from "../domain/release.js";
import { ConfigError, InputError, UsageError } from "../errors.js";

/**
 * Check a release version before any request. What sentry-cli's argument parser rejects (slashes,
 * newlines, tabs, leading or trailing whitespace, '.' and '..') is a usage error (exit 2, as
 * sentry-cli); names only the server rejects ('latest', too long) exit 1, as sentry-cli does once
 * the server refuses them.
 */
export function checkVersion(version: string): string {
  const problem = releaseArgumentProblem(version);
  if (problem === undefined) return version;
  const msg = `invalid release version '${printable(version)}': ${problem}`;
  if (refusedByArgumentParser(version)) throw new UsageError(msg);
  throw new InputError(msg);
}

export function checkEnvironment(env: string): string {
  const problem = environmentProblem(env);
  if (problem === undefined) return env;
  throw new InputError(`invalid environment '${printable(env)}': ${problem}`);
}

function printable(s: string): string {
  const t = JSON.stringify(s).slice(1, -1);
  return t.length > 60 ? t.slice(0, 57) + "..." : t;
}

/** The configured projects, or sentry-cli's "project required" as a ConfigError. */
export async function requireProjects(ctx: CommandContext): Promise<string[]> {
  const p = await ctx.projects();
  if (p.length === 0) {
    const repeatable = ctx.surface === "api" ? "" : " (repeatable)";
    throw new ConfigError(
      `a project is required: pass ${settingName("project", ctx.surface)}${repeatable}, set SENTRY_PROJECT, or add \`project\` under [defaults] in .sentryclirc`,
    );
  }
  return p;
}
