import { Command } from "commander";
import { collect, handler, type RunEnv } from "../runner.js";
import type { SendEnvelopeFlags } from "./send-envelope.js";

export function command(env: RunEnv): Command {
  return new Command("send-envelope")
    .description("Send a stored envelope to Sentry (also resends spooled envelopes).")
    .argument("<path...>", "envelope file(s) or globs")
    .option("--raw", "send the files byte for byte, without parsing them")
    .option("--dsn <dsn>", "the DSN to send to (repeatable, or comma-separated: tried in order)", collect)
    .option("--wait-for-rate-limit <seconds>", "when rate limited, wait up to SECONDS once and retry")
    .option("--spool-dir <dir>", "the spool folder (files in it are resent unchanged and removed once accepted)")
    .option("--dry-run", "validate the envelopes without sending them")
    .action(
      handler<SendEnvelopeFlags, [paths: string[]]>(env, async (ctx, o, paths) => {
        const { runSendEnvelope, sendEnvelopeOptions } = await import("./send-envelope.js");
        await runSendEnvelope(sendEnvelopeOptions(o, paths), ctx);
      }),
    );
}
