/**
 * What `serve` does with accepted envelope items beyond recording them: check-ins feed the cron
 * monitors (monitors.ts), sessions the release health (sessions.ts). One small hook, so ingest.ts stays about the HTTP rules.
 */
import type { EnvelopeItem } from "../domain/envelope.js";
import type { ServerCore } from "./core.js";
import { ingestCheckIn } from "./monitors.js";
import { ingestSession, ingestSessionAggregates } from "./sessions.js";
import type { Project } from "./state.js";

export function processItems(core: ServerCore, project: Project, items: EnvelopeItem[]): void {
  for (const item of items) {
    if (item.header.type === "check_in") ingestCheckIn(core, project, item.payload);
    else if (item.header.type === "session") ingestSession(core, project, item.payload);
    else if (item.header.type === "sessions") ingestSessionAggregates(core, project, item.payload);
  }
}
