import { settingName } from "../../config/settings.js";
import type { CommandContext } from "../../context.js";
import { ConfigError } from "../../errors.js";
import { checkVersion } from "../checks.js";

/**
 * The release a deploy belongs to: `-r/--release` (on the command or the group), else
 * SENTRY_RELEASE, as sentry-cli (which does not guess one from git here).
 */
export async function requireRelease(ctx: CommandContext): Promise<string> {
  const cfg = await ctx.config();
  const flag = ctx.flags.release;
  if (flag !== undefined) return checkVersion(flag);
  const v = cfg.release?.value;
  if (v !== undefined && v !== "") return checkVersion(v);
  const short = ctx.surface === "api" ? "" : "/-r";
  throw new ConfigError(
    `a release is required: pass ${settingName("release", ctx.surface)}${short} or set SENTRY_RELEASE`,
  );
}
