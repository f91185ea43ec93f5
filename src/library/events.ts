/**
 * Events through the Node API: `sendEvent` (`sentry-ship send-event`). The option object is the
 * command's request — its flags by name — handed to the same command function.
 */
import type { SendEventRequest } from "../commands/send-event/send-event.js";
import type { SendEventDocument } from "./documents.js";
import { runInContext, type SentryOptions } from "./session.js";

/**
 * `send-event`'s flags by name (`message`, `level`, `tags` as a record or `KEY:VALUE` strings,
 * `environment` for `-E`, `dsn`, …) with the connection settings.
 */
export interface SendEventOptions extends SentryOptions, SendEventRequest {}

/** `send-event`: build (or read) an event and deliver it through the DSN. */
export async function sendEvent(opts: SendEventOptions): Promise<SendEventDocument> {
  return runInContext(opts, async (ctx) => {
    const { runSendEvent } = await import("../commands/send-event/send-event.js");
    await runSendEvent(opts, ctx);
  });
}
