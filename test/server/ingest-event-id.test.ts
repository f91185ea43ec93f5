/**
 * Envelopes that share an event id: an SDK sends an event, then attachments or a user report for
 * it in an envelope of their own with the same `event_id` (Relay passes such envelopes on without
 * an event, and Sentry adds them to the event). The event must survive them, in memory and on
 * disk across a restart.
 */
import { describe, expect, it } from "vitest";
import { authHeader, parseDsn } from "../../src/domain/dsn.js";
import { type SentryServer, startServer } from "../../src/server/index.js";
import { tempDir } from "../support/runCli.js";

const EVENT_ID = "5d2b1c0a9e8f4a7b8c6d5e4f3a2b1c0d";

async function send(server: SentryServer, body: string): Promise<number> {
  const d = parseDsn(server.dsn);
  const res = await fetch(`${server.url}/api/${d.projectId}/envelope/`, {
    method: "POST",
    body,
    headers: { "X-Sentry-Auth": authHeader(d, "test/1", 1) },
  });
  await res.arrayBuffer();
  return res.status;
}

async function apiEvent(server: SentryServer): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/api/0/projects/acme/frontend/events/${EVENT_ID}/`, {
    headers: { Authorization: `Bearer ${server.token}` },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function item(header: object, payload: string): string {
  return `${JSON.stringify({ ...header, length: Buffer.byteLength(payload) })}\n${payload}\n`;
}

describe("ingest: a later envelope with the event's id", () => {
  it("adds its attachments and user report to the event, which stays readable after a restart", async () => {
    const dataDir = tempDir("ship-event-id-");
    const header = `${JSON.stringify({ event_id: EVENT_ID })}\n`;
    let server = await startServer({ dataDir });
    try {
      expect(await send(server, header + item({ type: "event" }, JSON.stringify({ message: "the event" })))).toBe(200);
      expect(await send(server, header + item({ type: "attachment", filename: "log.txt" }, "later attachment"))).toBe(
        200,
      );
      const report = JSON.stringify({ event_id: EVENT_ID, name: "n", email: "n@example.com", comments: "it broke" });
      expect(await send(server, header + item({ type: "user_report" }, report))).toBe(200);

      const records = server.state.events.filter((e) => e.id === EVENT_ID);
      expect(records).toHaveLength(1);
      expect(records[0]!.items.map((i) => i.header.type)).toEqual(["event", "attachment", "user_report"]);
      const live = await apiEvent(server);
      expect(live.status).toBe(200);
      expect(live.body.message).toBe("the event");
    } finally {
      await server.close();
    }

    server = await startServer({ dataDir });
    try {
      const again = await apiEvent(server);
      expect(again.status).toBe(200);
      expect(again.body.message).toBe("the event");
      const records = server.state.events.filter((e) => e.id === EVENT_ID);
      expect(records.map((r) => r.items.map((i) => i.header.type))).toEqual([["event", "attachment", "user_report"]]);
    } finally {
      await server.close();
    }
  });
});
