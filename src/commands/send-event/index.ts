import { Command } from "commander";
import { XCODE_FLAG_HELP } from "../releases/propose-version.js";
import { optionAs } from "../request.js";
import { collect, handler, type RunEnv } from "../runner.js";
import type { SendEventFlags } from "./send-event.js";

export function command(env: RunEnv): Command {
  return new Command("send-event")
    .description("Send a manual event to Sentry (through the DSN, not the API token).")
    .argument("[path...]", "event JSON file(s) or globs to send; all other event flags are then ignored")
    .option("--raw", "send the event files as they are, without parsing them")
    .option("-l, --level <level>", "event level: debug, info, warning, error or fatal (default error)")
    .option("--timestamp <timestamp>", "event time: unix seconds, RFC 2822 or RFC 3339")
    .option("-r, --release <release>", "the release (default SENTRY_RELEASE, else the git HEAD commit)")
    .option("-d, --dist <dist>", "the distribution")
    .addOption(
      optionAs(
        "-E, --env <environment>",
        "the environment (default SENTRY_ENVIRONMENT, else production)",
        "environment",
      ),
    )
    .option("--no-environ", "do not send environment variables along")
    .option("-m, --message <message>", "the event message (repeatable: lines)", collect)
    .addOption(
      optionAs("-a, --message-arg <arg>", "an argument for the event message (repeatable)", "messageArgs").argParser(
        collect,
      ),
    )
    .option("-p, --platform <platform>", "the platform (default native)")
    .addOption(optionAs("-t, --tag <key:value>", "a tag (repeatable)", "tags").argParser(collect))
    .option("-e, --extra <key:value>", "extra data (repeatable)", collect)
    .option("-u, --user <key:value>", "user data, e.g. id:42 or username:foo (repeatable)", collect)
    .option("-f, --fingerprint <fingerprint>", "a fingerprint part (repeatable)", collect)
    .option("--logfile <path>", "send the last 100 lines of a log file as breadcrumbs")
    .option("--with-categories", "split `CATEGORY: message` log lines into category and message")
    .option("--dsn <dsn>", "the DSN to send to (repeatable, or comma-separated: tried in order)", collect)
    .option("--wait-for-rate-limit <seconds>", "when rate limited, wait up to SECONDS once and retry")
    .option("--spool-dir <dir>", "where to save events that could not be delivered")
    .option("--dry-run", "build and show the event without sending it")
    .option("--allow-xcode-infoplist-preprocessing", XCODE_FLAG_HELP)
    .action(
      handler<SendEventFlags, [paths: string[] | undefined]>(env, async (ctx, o, paths) => {
        const { runSendEvent } = await import("./send-event.js");
        await runSendEvent({ ...o, paths: paths ?? [] }, ctx);
      }),
    );
}
