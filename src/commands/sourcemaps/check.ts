import { Command } from "commander";
import { routes } from "../../api/routes.js";
import type { CommandContext } from "../../context.js";
import { InputError } from "../../errors.js";
import type { CheckReport } from "../../sourcemaps/check.js";
import { pathList, requestKeys } from "../request.js";
import { handler, orgOption, projectOption, type RunEnv } from "../runner.js";

/**
 * What the user asks `sourcemaps check` for, keyed by its flags' names: the CLI's parsed flags
 * and the Node API's `checkSourcemaps` options are both one.
 */
export interface CheckRequest {
  /** Build folders (or files) to check (the DIRS arguments). */
  paths: string[];
  /** Also ask the server for every debug id. */
  againstServer?: boolean;
}

/** The request's keys (checked against the type by the compiler), for the flag-parity test. */
export const CHECK_KEYS = requestKeys<CheckRequest>({ paths: true, againstServer: true });

/** What commander parses for `sourcemaps check`. */
export type CheckFlags = Omit<CheckRequest, "paths">;

/** How many debug ids are looked up on the server at once. */
const LOOKUP_CONCURRENCY = 8;

/**
 * Preflight a build between inject and deploy: debug ids in every JS file and its map, maps that
 * exist and parse and carry their sources, no debug id shared by two files; optionally every
 * debug id present on the server. Exit 1 on any error, naming the files.
 */
export async function runCheck(req: CheckRequest, ctx: CommandContext): Promise<CheckReport> {
  const dirs = pathList(req.paths);
  const { checkBuild, renderCheck } = await import("../../sourcemaps/check.js");
  let report: CheckReport;
  try {
    report = await checkBuild(dirs, ctx.cwd);
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  if (req.againstServer === true) {
    const org = await ctx.requireOrg();
    const project = await ctx.requireProject();
    const api = await ctx.api();
    const ids = [...new Set(report.files.map((f) => f.debugId).filter((d): d is string => d !== null))];
    const missing = new Set<string>();
    for (let i = 0; i < ids.length; i += LOOKUP_CONCURRENCY) {
      await Promise.all(
        ids.slice(i, i + LOOKUP_CONCURRENCY).map(async (id) => {
          const res = await api.get<unknown[]>(routes.artifactLookup(org, project), {
            query: { debug_id: id },
            expectJson: true,
          });
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
        await runCheck({ ...o, paths: dirs }, ctx);
      }),
    );
}
