import { Command } from "commander";
import { collect, handler, intArg, orgOption, type RunEnv } from "../runner.js";
import { listCommand } from "./list.js";

export interface MonitorsRunFlags {
  environment?: string;
  schedule?: string;
  checkInMargin?: number;
  maxRuntime?: number;
  timezone?: string;
  failureIssueThreshold?: number;
  recoveryThreshold?: number;
  dsn?: string[];
  spoolDir?: string;
}

function runCommand(env: RunEnv): Command {
  return new Command("run")
    .description("Wrap a command in cron check-ins: in_progress when it starts, then ok or error with its duration.")
    .argument("<monitor-slug>", "the monitor slug")
    .argument("<args...>", "the command to run and its arguments, after --")
    .option("-e, --environment <environment>", "the environment of the monitor (default production)")
    .option("-s, --schedule <schedule>", "create or update the monitor with this crontab schedule (quote it)")
    .option(
      "--check-in-margin <checkin_margin>",
      "minutes after the expected time before a check-in counts as missed (requires --schedule)",
      intArg("--check-in-margin"),
    )
    .option(
      "--max-runtime <max_runtime>",
      "minutes a check-in may stay in progress before it counts as timed out (requires --schedule)",
      intArg("--max-runtime"),
    )
    .option("--timezone <timezone>", "the schedule's tz database time zone, e.g. Europe/Vienna (requires --schedule)")
    .option(
      "--failure-issue-threshold <failure_issue_threshold>",
      "consecutive missed or failed check-ins that open an issue (requires --schedule)",
      intArg("--failure-issue-threshold"),
    )
    .option(
      "--recovery-threshold <recovery_threshold>",
      "consecutive successful check-ins that resolve the issue (requires --schedule)",
      intArg("--recovery-threshold"),
    )
    .option("--dsn <dsn>", "the DSN to send check-ins to (default SENTRY_DSN; repeatable: tried in order)", collect)
    .option("--spool-dir <dir>", "where to save check-ins that could not be delivered")
    .action(
      handler<MonitorsRunFlags, [slug: string, args: string[]]>(env, async (ctx, o, slug, args) => {
        const { runMonitorsRun } = await import("./run.js");
        await runMonitorsRun(
          {
            slug,
            command: args,
            environment: o.environment,
            schedule: o.schedule,
            checkinMargin: o.checkInMargin,
            maxRuntime: o.maxRuntime,
            timezone: o.timezone,
            failureIssueThreshold: o.failureIssueThreshold,
            recoveryThreshold: o.recoveryThreshold,
            dsn: o.dsn,
            spoolDir: o.spoolDir,
          },
          ctx,
        );
      }),
    );
}

export function command(env: RunEnv): Command {
  return new Command("monitors")
    .description("Manage cron monitors on Sentry.")
    .addOption(orgOption())
    .addCommand(listCommand(env))
    .addCommand(runCommand(env));
}
