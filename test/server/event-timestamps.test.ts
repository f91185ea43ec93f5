/**
 * Timestamps a JavaScript Date cannot hold (an event or a breadcrumb stamped 99999999999999
 * seconds, year ~3 million): Relay drops such values and Sentry dates the event by its arrival.
 * One such event must not make the event API or the pages fail for every event.
 */
import { describe, expect, it } from "vitest";
import { parseDsn } from "../../src/domain/dsn.js";
import { useServer } from "../support/server.js";

const EVENT_ID = "7e3c1b2a4d5f4e6a8b9c0d1e2f3a4b5c";

describe("serve: an event with a timestamp out of a date's range", () => {
  const s = useServer();

  it("is listed and shown with its arrival time, and every page still opens", async () => {
    const d = parseDsn(s.server.dsn);
    const event = {
      event_id: EVENT_ID,
      message: "from the far future",
      timestamp: 99999999999999,
      breadcrumbs: { values: [{ timestamp: 99999999999999, message: "crumb" }] },
    };
    const res = await fetch(`${s.server.url}/api/${d.projectId}/envelope/`, {
      method: "POST",
      body: `${JSON.stringify({ event_id: EVENT_ID })}\n{"type":"event"}\n${JSON.stringify(event)}\n`,
      headers: { "X-Sentry-Auth": `Sentry sentry_key=${d.publicKey}, sentry_version=7` },
    });
    expect(res.status).toBe(200);
    const received = s.server.state.events.find((e) => e.id === EVENT_ID)!.receivedAt;

    const headers = { Authorization: `Bearer ${s.server.token}` };
    const list = await fetch(`${s.server.url}/api/0/projects/acme/frontend/events/`, { headers });
    expect(list.status).toBe(200);
    const summary = ((await list.json()) as Array<Record<string, unknown>>).find((e) => e.eventID === EVENT_ID)!;
    expect(summary.dateCreated).toBe(received);
    const one = await fetch(`${s.server.url}/api/0/projects/acme/frontend/events/${EVENT_ID}/`, { headers });
    expect(one.status).toBe(200);
    expect(((await one.json()) as Record<string, unknown>).dateCreated).toBe(received);

    for (const page of ["/", "/events", `/events/${EVENT_ID}`]) {
      const r = await fetch(`${s.server.url}${page}`);
      expect(r.status, page).toBe(200);
      await r.arrayBuffer();
    }
  });
});
