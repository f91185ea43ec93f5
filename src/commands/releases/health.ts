/**
 * Release health from the organization sessions API (`GET /organizations/{org}/sessions/`, as the
 * Sentry UI reads it): `releases health VERSION` shows crash-free sessions and users per
 * environment; `releases gate VERSION` compares them with thresholds for CI — exit 0 pass, 1 fail,
 * 3 not enough data (never a silent pass) — polling with `--wait`/`--interval` until there is
 * enough data. The clock and the sleep come from the context, so tests never wait for real.
 */
import { Command } from "commander";
import { routes } from "../../api/routes.js";
import type { CommandContext } from "../../context.js";
import { ConfigError, UsageError } from "../../errors.js";
import { renderTable } from "../../output/table.js";
import { checkVersion } from "../checks.js";
import { handler, orgOption, projectOption, type RunEnv } from "../runner.js";

export const EXIT_GATE_FAIL = 1;
export const EXIT_NOT_ENOUGH_DATA = 3;

const FIELDS = ["sum(session)", "count_unique(user)", "crash_free_rate(session)", "crash_free_rate(user)"];

export interface HealthFigures {
  sessions: number;
  users: number;
  /** Percent (0–100), null without sessions. */
  crashFreeSessions: number | null;
  crashFreeUsers: number | null;
}

interface SessionsAnswer {
  groups: Array<{ by: Record<string, string | number>; totals: Record<string, number | null> }>;
}

/** `30s`, `10m`, `2h`, `1d`, or plain seconds → milliseconds. */
export function parseDurationArg(flag: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(v.trim());
  if (!m) throw new UsageError(`invalid value '${v}' for ${flag}: expected a duration such as 30s, 10m or 1h`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? "s"]!;
  return Math.round(Number(m[1]) * unit);
}

/** `99.5` or `99.5%` → 99.5, within 0–100. */
export function parsePercentArg(flag: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(v.trim());
  const n = m ? Number(m[1]) : Number.NaN;
  if (!(n >= 0 && n <= 100))
    throw new UsageError(`invalid value '${v}' for ${flag}: expected a percentage from 0 to 100`);
  return n;
}

function figures(totals: Record<string, number | null> | undefined): HealthFigures {
  const pct = (v: number | null | undefined) => (typeof v === "number" ? Math.round(v * 100 * 1e4) / 1e4 : null);
  return {
    sessions: totals?.["sum(session)"] ?? 0,
    users: totals?.["count_unique(user)"] ?? 0,
    crashFreeSessions: pct(totals?.["crash_free_rate(session)"]),
    crashFreeUsers: pct(totals?.["crash_free_rate(user)"]),
  };
}

export interface HealthQuery {
  version: string;
  environments: string[];
  period: string;
}

/** Project slugs (or ids) → the numeric ids the sessions API takes. */
async function projectIds(ctx: CommandContext, org: string): Promise<number[]> {
  const wanted = await ctx.projects();
  if (wanted.length === 0) return [];
  const api = await ctx.api();
  const all = await api.paginate<{ id: string; slug: string }>(routes.orgProjects(org), {
    notFound: `organization ${org}`,
  });
  return wanted.map((w) => {
    const p = all.find((x) => x.slug === w || x.id === w);
    if (!p) throw new ConfigError(`project '${w}' is not in organization ${org}`);
    return Number(p.id);
  });
}

/** The release's figures over the period: in total, and per environment. */
export async function fetchHealth(
  ctx: CommandContext,
  q: HealthQuery,
): Promise<{ total: HealthFigures; byEnvironment: Array<{ environment: string } & HealthFigures> }> {
  const org = await ctx.requireOrg();
  const ids = await projectIds(ctx, org);
  const api = await ctx.api();
  const interval = /^\d+[smh]$/.test(q.period) || q.period === "1d" ? "1h" : "1d";
  const base = {
    field: FIELDS,
    statsPeriod: q.period,
    interval,
    query: `release:"${q.version.replace(/(["\\])/g, "\\$1")}"`,
    ...(ids.length ? { project: ids } : {}),
    ...(q.environments.length ? { environment: q.environments } : {}),
  };
  const total = await api.get<SessionsAnswer>(routes.sessions(org), {
    query: base,
    notFound: `organization ${org}`,
    expectJson: true,
  });
  const perEnv = await api.get<SessionsAnswer>(routes.sessions(org), {
    expectJson: true,
    query: { ...base, groupBy: ["environment"] },
    notFound: `organization ${org}`,
  });
  return {
    total: figures(total.data?.groups?.[0]?.totals),
    byEnvironment: (perEnv.data?.groups ?? []).map((g) => ({
      environment: String(g.by.environment ?? ""),
      ...figures(g.totals),
    })),
  };
}

const pctText = (v: number | null) => (v === null ? "-" : `${v.toFixed(2)}%`);

export function renderHealth(version: string, period: string, h: Awaited<ReturnType<typeof fetchHealth>>): string {
  const row = (name: string, f: HealthFigures) => [
    name,
    String(f.sessions),
    String(f.users),
    pctText(f.crashFreeSessions),
    pctText(f.crashFreeUsers),
  ];
  const rows = h.byEnvironment.map((e) => row(e.environment || "(none)", e));
  if (h.byEnvironment.length !== 1) rows.push(row("(all)", h.total));
  const head = `Release ${version}, last ${period}:`;
  if (h.total.sessions === 0) return `${head} no sessions.`;
  return `${head}\n${renderTable(["Environment", "Sessions", "Users", "Crash-free sessions", "Crash-free users"], rows)}`;
}

export interface ReleasesHealthOptions {
  version: string;
  environments?: string[];
  period?: string;
}

export async function runReleasesHealth(opts: ReleasesHealthOptions, ctx: CommandContext): Promise<void> {
  const version = checkVersion(opts.version);
  const period = opts.period ?? "24h";
  checkPeriod(period);
  const h = await fetchHealth(ctx, { version, environments: opts.environments ?? [], period });
  ctx.out.result({ ok: true, version, period, ...h.total, environments: h.byEnvironment });
  ctx.out.print(renderHealth(version, period, h));
}

function checkPeriod(p: string): void {
  if (!/^\d+[mhdw]$/.test(p)) throw new UsageError(`invalid value '${p}' for --period: expected e.g. 1h, 24h, 7d`);
}

export interface GateOptions extends ReleasesHealthOptions {
  minCrashFreeSessions?: number;
  minCrashFreeUsers?: number;
  minSessions?: number;
  /** Keep polling while there is not enough data, up to this long (ms). */
  waitMs?: number;
  /** Between polls (ms, default 60 s). */
  intervalMs?: number;
}

export type GateVerdict = "pass" | "fail" | "not-enough-data";

interface Check {
  name: string;
  value: number | null;
  min: number;
  unit: "%" | "";
  ok: boolean | null;
}

/** The verdict on figures: any missing figure or too few sessions is not-enough-data, never a pass. */
export function judge(f: HealthFigures, o: GateOptions): { verdict: GateVerdict; checks: Check[] } {
  const checks: Check[] = [];
  const minSessions = o.minSessions ?? 1;
  checks.push({ name: "sessions", value: f.sessions, min: minSessions, unit: "", ok: f.sessions >= minSessions });
  if (o.minCrashFreeSessions !== undefined) {
    const v = f.crashFreeSessions;
    checks.push({
      name: "crash-free sessions",
      value: v,
      min: o.minCrashFreeSessions,
      unit: "%",
      ok: v === null ? null : v >= o.minCrashFreeSessions,
    });
  }
  if (o.minCrashFreeUsers !== undefined) {
    const v = f.crashFreeUsers;
    checks.push({
      name: "crash-free users",
      value: v,
      min: o.minCrashFreeUsers,
      unit: "%",
      ok: v === null ? null : v >= o.minCrashFreeUsers,
    });
  }
  const enough = checks[0]!.ok === true && checks.every((c) => c.ok !== null);
  if (!enough) return { verdict: "not-enough-data", checks };
  return { verdict: checks.every((c) => c.ok) ? "pass" : "fail", checks };
}

export function renderGateLine(version: string, scope: string, verdict: GateVerdict, checks: Check[]): string {
  const fmt = (c: Check) => {
    const value = c.value === null ? "no data" : c.unit === "%" ? `${c.value.toFixed(2)}%` : String(c.value);
    const min = c.unit === "%" ? `${c.min.toFixed(2)}%` : String(c.min);
    const sign = c.ok === null ? "?" : c.ok ? ">=" : "<";
    return `${c.name} ${value} ${sign} ${min}`;
  };
  const word = verdict === "pass" ? "PASS" : verdict === "fail" ? "FAIL" : "NOT ENOUGH DATA";
  return `${word}: release ${version} (${scope}): ${checks.map(fmt).join(", ")}`;
}

export async function runReleasesGate(opts: GateOptions, ctx: CommandContext): Promise<void> {
  const version = checkVersion(opts.version);
  if (
    opts.minCrashFreeSessions === undefined &&
    opts.minCrashFreeUsers === undefined &&
    opts.minSessions === undefined
  ) {
    throw new UsageError(
      "releases gate needs a threshold: --min-crash-free-sessions, --min-crash-free-users and/or --min-sessions",
    );
  }
  const period = opts.period ?? "24h";
  checkPeriod(period);
  const environments = opts.environments ?? [];
  const waitMs = opts.waitMs ?? 0;
  const intervalMs = opts.intervalMs ?? 60_000;
  if (intervalMs <= 0) throw new UsageError("--interval must be more than 0");
  const deadline = ctx.now().getTime() + waitMs;
  const scope = `${environments.length ? environments.join(", ") : "all environments"}, last ${period}`;
  let polls = 0;
  for (;;) {
    polls += 1;
    const h = await fetchHealth(ctx, { version, environments, period });
    const { verdict, checks } = judge(h.total, opts);
    const now = ctx.now().getTime();
    if (verdict !== "not-enough-data" || now + intervalMs > deadline) {
      ctx.out.printAlways(renderGateLine(version, scope, verdict, checks));
      ctx.out.result({
        ok: verdict === "pass",
        verdict,
        version,
        period,
        environments,
        polls,
        figures: h.total,
        checks: checks.map(({ name, value, min, ok }) => ({ name, value, min, ok })),
      });
      ctx.exitCode = verdict === "pass" ? 0 : verdict === "fail" ? EXIT_GATE_FAIL : EXIT_NOT_ENOUGH_DATA;
      return;
    }
    ctx.out.info(
      `Not enough data yet for ${version} (${h.total.sessions} sessions); checking again in ${Math.round(intervalMs / 1000)}s.`,
    );
    await ctx.sleep(intervalMs);
  }
}

interface HealthFlags {
  environment?: string[];
  period?: string;
}

interface GateFlags extends HealthFlags {
  minCrashFreeSessions?: string;
  minCrashFreeUsers?: string;
  minSessions?: string;
  wait?: string;
  interval?: string;
}

const collectEnv = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

export function healthCommand(env: RunEnv): Command {
  return new Command("health")
    .description("Show a release's crash-free sessions and users per environment (release health).")
    .argument("<version>", "the version of the release")
    .addOption(orgOption())
    .addOption(projectOption())
    .option("-e, --environment <environment>", "only this environment (repeatable)", collectEnv)
    .option("--period <period>", "how far back to look, e.g. 1h, 24h, 7d (default 24h)")
    .action(
      handler<HealthFlags, [version: string]>(env, async (ctx, o, version) => {
        await runReleasesHealth(
          { version, environments: o.environment ?? [], ...(o.period ? { period: o.period } : {}) },
          ctx,
        );
      }),
    );
}

export function gateCommand(env: RunEnv): Command {
  return new Command("gate")
    .description(
      "Pass (exit 0), fail (exit 1) or report not enough data (exit 3) on a release's crash-free rates, for CI.",
    )
    .argument("<version>", "the version of the release")
    .addOption(orgOption())
    .addOption(projectOption())
    .option("--min-crash-free-sessions <percent>", "fail below this crash-free session rate, e.g. 99.5")
    .option("--min-crash-free-users <percent>", "fail below this crash-free user rate, e.g. 99")
    .option("--min-sessions <n>", "not enough data below this many sessions (default 1)")
    .option("-e, --environment <environment>", "only this environment (repeatable)", collectEnv)
    .option("--period <period>", "how far back to look, e.g. 1h, 24h, 7d (default 24h)")
    .option("--wait <duration>", "while there is not enough data, keep checking for up to this long, e.g. 15m")
    .option("--interval <duration>", "time between checks with --wait (default 60s)")
    .action(
      handler<GateFlags, [version: string]>(env, async (ctx, o, version) => {
        const minSessions =
          o.minSessions === undefined
            ? undefined
            : /^\d+$/.test(o.minSessions)
              ? Number(o.minSessions)
              : (() => {
                  throw new UsageError(`invalid value '${o.minSessions}' for --min-sessions: expected a whole number`);
                })();
        await runReleasesGate(
          {
            version,
            environments: o.environment ?? [],
            ...(o.period ? { period: o.period } : {}),
            ...(o.minCrashFreeSessions !== undefined
              ? { minCrashFreeSessions: parsePercentArg("--min-crash-free-sessions", o.minCrashFreeSessions) }
              : {}),
            ...(o.minCrashFreeUsers !== undefined
              ? { minCrashFreeUsers: parsePercentArg("--min-crash-free-users", o.minCrashFreeUsers) }
              : {}),
            ...(minSessions !== undefined ? { minSessions } : {}),
            ...(o.wait !== undefined ? { waitMs: parseDurationArg("--wait", o.wait) } : {}),
            ...(o.interval !== undefined ? { intervalMs: parseDurationArg("--interval", o.interval) } : {}),
          },
          ctx,
        );
      }),
    );
}
