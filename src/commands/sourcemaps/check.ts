import { Command } from "commander";
import { routes } from "../../api/routes.js";
import type { CommandContext } from "../../context.js";
import { InputError, UsageError } from "../../errors.js";
import type { CheckReport } from "../../sourcemaps/check.js";
import { handler, orgOption, projectOption, type RunEnv } from "../runner.js";

export interface CheckOptions {
  dirs: string[];
  /** Ask the server whether it has an artifact for every debug id. */
  againstServer?: boolean;
}

/** What commander parses for `sourcemaps check`. */
export interface CheckFlags {
  againstServer?: boolean;
}

/** How many debug ids are looked up on the server at once. */
const LOOKUP_CONCURRENCY = 8;

/**
 * Preflight a build between inject and deploy: debug ids in every JS file and its map, maps that
 * exist and parse and carry their sources, no debug id shared by two files; optionally every
 * debug id present on the server. Exit 1 on any error, naming the files.
 */
export async function runCheck(opts: CheckOptions, ctx: CommandContext): Promise<CheckReport> {
  if (opts.dirs.length === 0) throw new UsageError("name the build folders to check (DIR…)");
  const { checkBuild, renderCheck } = await import("../../sourcemaps/check.js");
  let report: CheckReport;
  try {
    report = await checkBuild(opts.dirs, ctx.cwd);
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  if (opts.againstServer) {
    const org = await ctx.requireOrg();
    const project = await ctx.requireProject();
    const api = await ctx.api();
    const ids = [...new Set(report.files.map((f) => f.debugId).filter((d): d is string => d !== null))];
    const missing = new Set<string>();
    for (let i = 0; i < ids.length; i += LOOKUP_CONCURRENCY) {
      await Promise.all(
        ids.slice(i, i + LOOKUP_CONCURRENCY).map(async (id) => {
          const res = await api.get<unknown[]>(routes.artifactLookup(org, project), { query: { debug_id: id } });
          if (!Array.isArray(res.data) || res.data.length === 0) missing.add(id);
        }),
      );
    }
    report.server = { checked: ids.length, missing: ids.filter((id) => missing.has(id)) };
    for (const f of report.files) {
      if (f.debugId && missing.has(f.debugId)) {
        report.issues.push({
          level: "error",
          code: "not_on_server",
          file: f.file,
          message: `debug id ${f.debugId} is not on the server (project ${project}): upload this build`,
        });
      }
    }
    report.errors = report.issues.filter((i) => i.level === "error").length;
  }
  for (const line of renderCheck(report)) ctx.out.print(line);
  ctx.out.result({ ok: report.errors === 0, ...report });
  if (report.errors > 0) {
    const names = [...new Set(report.issues.filter((i) => i.level === "error").map((i) => i.file))];
    const shown = names.slice(0, 5).join(", ") + (names.length > 5 ? ` and ${names.length - 5} more` : "");
    throw new InputError(`${report.errors} error${report.errors === 1 ? "" : "s"} in the build: ${shown}`);
  }
  return report;
}

export function checkCommand(env: RunEnv): Command {
  return new Command("check")
    .description("preflight a build before deploying it: debug ids, maps, sources, duplicates (exit 1 on errors)")
    .argument("<dirs...>", "the build folders (or files) to check")
    .option("--against-server", "also check that the server has every debug id")
    .addOption(orgOption())
    .addOption(projectOption())
    .action(
      handler<CheckFlags, [dirs: string[]]>(env, async (ctx, o, dirs) => {
        await runCheck({ dirs, againstServer: o.againstServer === true }, ctx);
      }),
    );
}
