import { Command, Option } from "commander";
import { routes } from "../../api/routes.js";
import type { CommandContext } from "../../context.js";
import { InputError, UsageError } from "../../errors.js";
import type { Explanation } from "../../sourcemaps/symbolicate/explain.js";
import { handler, orgOption, projectOption, type RunEnv, releaseOption } from "../runner.js";

export interface ExplainOptions {
  /** An event id to ask the server about (unless `eventFile`). */
  eventId?: string;
  /** An event file (event JSON, envelope, or the API's event) to check offline. */
  eventFile?: string;
  /** Build folders: offline, what would be uploaded; with an event id, where to find debug ids locally. */
  dirs: string[];
  release?: string;
  dist?: string;
  urlPrefix?: string;
  urlSuffix?: string;
}

type Json = Record<string, unknown>;

/**
 * Say, for every in-app frame of an event, whether it resolves to the original source and, if
 * not, the first reason why and what to do. Exit 1 unless every in-app frame resolves.
 */
export async function runExplain(opts: ExplainOptions, ctx: CommandContext): Promise<Explanation> {
  const { resolve } = await import("node:path");
  const { LocalStore } = await import("../../sourcemaps/symbolicate/local-store.js");
  const ex = await import("../../sourcemaps/symbolicate/explain.js");
  let explanation: Explanation;
  if (opts.eventFile !== undefined) {
    const { readFile } = await import("node:fs/promises");
    const { eventFromText } = await import("../../sourcemaps/symbolicate/event-file.js");
    const { processEvent } = await import("../../sourcemaps/symbolicate/event.js");
    let event: Json;
    try {
      event = eventFromText(await readFile(resolve(ctx.cwd, opts.eventFile), "utf8"));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new InputError(`cannot read the event in ${opts.eventFile}: ${err.code ?? err.message}`);
    }
    if (opts.dirs.length === 0) throw new UsageError("name the build folders to check the event against (DIR…)");
    const release = opts.release ?? (typeof event.release === "string" ? event.release : null);
    const store = await LocalStore.open({
      dirs: opts.dirs,
      cwd: ctx.cwd,
      release,
      dist: opts.dist ?? null,
      ...(opts.urlPrefix !== undefined ? { urlPrefix: opts.urlPrefix } : {}),
      ...(opts.urlSuffix !== undefined ? { urlSuffix: opts.urlSuffix } : {}),
    });
    if (store.files.length === 0)
      throw new InputError(`no JavaScript files or source maps under ${opts.dirs.join(", ")}`);
    explanation = ex.explainProcessed(processEvent(event, store), event);
  } else {
    if (!opts.eventId) throw new UsageError("pass an EVENT_ID, or --event FILE with the build folders");
    const eventId = opts.eventId.replace(/-/g, "").toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(eventId)) throw new UsageError(`'${opts.eventId}' is not an event id (32 hex digits)`);
    const org = await ctx.requireOrg();
    const project = await ctx.requireProject();
    const api = await ctx.api();
    const ev = await api.get<Json>(routes.projectEvent(org, project, eventId), {
      okStatuses: [404],
      expectJson: true,
    });
    if (ev.status === 404)
      throw new InputError(`event ${eventId} not found in project ${project} (organization ${org})`);
    const report = await api.get<Json>(routes.sourceMapDebug(org, project, eventId), { expectJson: true });
    explanation = ex.explainFromServer(ev.data, report.data);
    if (opts.dirs.length > 0) {
      // Name the local file that carries a debug id the server never got.
      const local = await LocalStore.open({ dirs: opts.dirs, cwd: ctx.cwd, release: null, dist: null });
      for (const f of explanation.frames) {
        if (f.reason?.code === "debug_id_not_uploaded") {
          const where = local.describeDebugId(f.reason.debugId);
          if (where) f.reason.local = where;
        }
      }
    }
  }
  for (const line of ex.renderExplanation(explanation)) ctx.out.print(line);
  ctx.out.result({ ok: explanation.resolved === explanation.total, ...explanation });
  if (explanation.resolved !== explanation.total) {
    const bad = explanation.total - explanation.resolved;
    throw new InputError(
      `${bad} of ${explanation.total} in-app frame${explanation.total === 1 ? "" : "s"} will not resolve to the original source`,
    );
  }
  return explanation;
}

/** What commander parses for `sourcemaps explain`. */
export interface ExplainFlags {
  event?: string;
  release?: string;
  dist?: string;
  urlPrefix?: string;
  urlSuffix?: string;
}

export function explainCommand(env: RunEnv): Command {
  return new Command("explain")
    .description(
      "say whether each in-app frame of an event resolves to the original source, and if not, why and what to do",
    )
    .argument("[event-or-dirs...]", "EVENT_ID [DIR…] (asks the server), or DIR… with --event FILE (offline)")
    .option("--event <file>", "an event file (event JSON, envelope or the API's event) to check against DIR… offline")
    .addOption(orgOption())
    .addOption(projectOption())
    .addOption(releaseOption().default(undefined, "the event's release"))
    .option("-d, --dist <dist>", "offline: the dist the files are uploaded with")
    .addOption(
      new Option("-u, --url-prefix <prefix>", "offline: the URL prefix the files are uploaded with (default ~)"),
    )
    .option("--url-suffix <suffix>", "offline: the URL suffix the files are uploaded with")
    .action(
      handler<ExplainFlags, [args: string[]]>(env, async (ctx, o, args) => {
        const list = args ?? [];
        const file = o.event;
        await runExplain(
          {
            ...(file !== undefined ? { eventFile: file, dirs: list } : { eventId: list[0], dirs: list.slice(1) }),
            ...(o.release !== undefined ? { release: o.release } : {}),
            ...(o.dist !== undefined ? { dist: o.dist } : {}),
            ...(o.urlPrefix !== undefined ? { urlPrefix: o.urlPrefix } : {}),
            ...(o.urlSuffix !== undefined ? { urlSuffix: o.urlSuffix } : {}),
          },
          ctx,
        );
      }),
    );
}
