import { Command } from "commander";
import { routes } from "../../api/routes.js";
import type { CommandContext } from "../../context.js";
import { renderTable } from "../../output/table.js";
import { handler, orgOption, type RunEnv } from "../runner.js";

export interface MonitorSummary {
  id: string;
  slug: string;
  name: string;
  status: string;
  config?: { schedule_type?: string; schedule?: unknown };
  project?: { slug?: string };
  environments?: Array<{ name: string; status: string; lastCheckIn: string | null }>;
}

function schedule(m: MonitorSummary): string {
  const s = m.config?.schedule;
  return Array.isArray(s) ? `every ${s[0]} ${s[1]}` : typeof s === "string" ? s : "";
}

export function renderMonitors(list: MonitorSummary[]): string {
  if (list.length === 0) return "No monitors found.";
  return renderTable(
    ["Slug", "Project", "Schedule", "Environments"],
    list.map((m) => [
      m.slug,
      m.project?.slug ?? "",
      schedule(m),
      (m.environments ?? []).map((e) => `${e.name}: ${e.status}`).join("\n"),
    ]),
  );
}

/** The organization's cron monitors, with each environment's last status. */
export async function runMonitorsList(_opts: Record<string, never>, ctx: CommandContext): Promise<void> {
  const org = await ctx.requireOrg();
  const api = await ctx.api();
  const list = await api.paginate<MonitorSummary>(routes.monitors(org), { notFound: `organization ${org}` });
  ctx.out.result({ ok: true, monitors: list });
  ctx.out.print(renderMonitors(list));
}

export function listCommand(env: RunEnv): Command {
  return new Command("list")
    .description("List all monitors for an organization.")
    .addOption(orgOption())
    .action(
      handler(env, async (ctx) => {
        await runMonitorsList({}, ctx);
      }),
    );
}
