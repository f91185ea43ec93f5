/**
 * An event sent again with the same id: Sentry's ingest consumer remembers each project's event ids
 * for an hour and drops a second event with one of them (Relay still answers the SDK 200). `serve`
 * keeps the first copy, remembers a bounded number of ids, and still lets an envelope of attachments
 * or a user report join the event it names (test/server/ingest-event-id.test.ts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { authHeader, parseDsn } from "../../src/domain/dsn.js";
import { type SentryServer, startServer } from "../../src/server/index.js";
import { DEFAULT_LIMITS } from "../../src/server/limits.js";
import { tempDir } from "../support/runCli.js";
import { clock } from "../support/webapi.js";

const ID = "0a1b2c3d4e5f40718293a4b5c6d7e8f9";

async function post(server: SentryServer, endpoint: "envelope" | "store", body: string): Promise<unknown> {
  const d = parseDsn(server.dsn);
  const res = await fetch(`${server.url}/api/${d.projectId}/${endpoint}/`, {
    method: "POST",
    body,
    headers: { "X-Sentry-Auth": authHeader(d, "test/1", 1) },
  });
  expect(res.status).toBe(200);
  return res.json();
}

function envelope(id: string, message: string, type = "event"): string {
  const payload = JSON.stringify({ event_id: id, message });
  return `${JSON.stringify({ event_id: id })}\n{"type":"${type}","length":${Buffer.byteLength(payload)}}\n${payload}\n`;
}

const messages = (server: SentryServer, id = ID) =>
  server.state.events.filter((e) => e.id === id).map((e) => (e.items[0]!.payload as { message: string }).message);

async function listed(server: SentryServer): Promise<string[]> {
  const res = await fetch(`${server.url}/api/0/projects/acme/frontend/events/`, {
    headers: { Authorization: `Bearer ${server.token}` },
  });
  return ((await res.json()) as Array<{ eventID: string }>).map((e) => e.eventID);
}

describe("ingest: an event id sent again", () => {
  it("remembers 100,000 event ids for Sentry's hour by default", () => {
    expect(DEFAULT_LIMITS.recordedEventIds).toBe(100_000);
  });

  it("is answered 200 and dropped within the hour; the first copy stays, in memory and on disk", async () => {
    const c = clock(new Date().toISOString());
    const dataDir = tempDir("ship-dup-");
    let server = await startServer({ dataDir, now: c.now });
    try {
      expect(await post(server, "envelope", envelope(ID, "first"))).toEqual({ id: ID });
      expect(await post(server, "envelope", envelope(ID, "second"))).toEqual({ id: ID });
      expect(await post(server, "store", JSON.stringify({ event_id: ID, message: "third" }))).toEqual({ id: ID });
      expect(messages(server)).toEqual(["first"]);
      expect(await listed(server)).toEqual([ID]);
      expect(server.state.dropped.map((d) => d.reason)).toEqual([
        `duplicate event id ${ID}: an event with this id was received within the hour`,
        `duplicate event id ${ID}: an event with this id was received within the hour`,
      ]);
      // An envelope of attachments for the event still joins it.
      const att = `${JSON.stringify({ event_id: ID })}\n{"type":"attachment","filename":"a.txt","length":2}\nhi\n`;
      expect(await post(server, "envelope", att)).toEqual({ id: ID });
      expect(server.state.events.filter((e) => e.id === ID).map((e) => e.items.map((i) => i.header.type))).toEqual([
        ["event", "attachment"],
      ]);
    } finally {
      await server.close();
    }
    // A restart within the hour still knows the id.
    c.advance(30 * 60_000);
    server = await startServer({ dataDir, now: c.now });
    try {
      await post(server, "envelope", envelope(ID, "after restart"));
      expect(messages(server)).toEqual(["first"]);
      // After the hour, the event sent again replaces the earlier copy (as Sentry stores it again).
      c.advance(31 * 60_000);
      await post(server, "envelope", envelope(ID, "an hour later"));
      expect(messages(server)).toEqual(["an hour later"]);
      expect(await listed(server)).toEqual([ID]);
    } finally {
      await server.close();
    }
  });

  it("drops a transaction sent again, and forgets the oldest ids past the bound", async () => {
    const server = await startServer({ limits: { recordedEventIds: 2 } });
    const ids = ["a", "b", "c"].map((x) => x.repeat(32));
    try {
      await post(server, "envelope", envelope(ids[0]!, "t1", "transaction"));
      await post(server, "envelope", envelope(ids[0]!, "t2", "transaction"));
      expect(messages(server, ids[0])).toEqual(["t1"]);
      await post(server, "envelope", envelope(ids[1]!, "b1"));
      await post(server, "envelope", envelope(ids[2]!, "c1"));
      expect(server.state.eventIdsSeen.size).toBe(2);
      // The first id is forgotten: the event sent again is taken as new and replaces it.
      await post(server, "envelope", envelope(ids[0]!, "t3", "transaction"));
      expect(messages(server, ids[0])).toEqual(["t3"]);
      // The newest ones are still known.
      await post(server, "envelope", envelope(ids[2]!, "c2"));
      expect(messages(server, ids[2])).toEqual(["c1"]);
    } finally {
      await server.close();
    }
  });
});

describe("ingest: the same event id in two projects", () => {
  it("is two events, each kept under its project in --data and read back after a restart", async () => {
    const dataDir = tempDir("ship-two-projects-");
    const send = async (server: SentryServer, slug: string, message: string) => {
      const p = server.state.projects.find((x) => x.slug === slug)!;
      const res = await fetch(`${server.url}/api/${p.id}/envelope/`, {
        method: "POST",
        body: envelope(ID, message),
        headers: { "X-Sentry-Auth": `Sentry sentry_version=7, sentry_key=${p.publicKey}` },
      });
      expect(res.status).toBe(200);
    };
    const byProject = (server: SentryServer) =>
      Object.fromEntries(
        server.state.events
          .filter((e) => e.id === ID)
          .map((e) => [e.projectId, (e.items[0]!.payload as { message: string }).message]),
      );
    let server = await startServer({ dataDir });
    try {
      await send(server, "frontend", "from frontend");
      await send(server, "backend", "from backend");
      expect(byProject(server)).toEqual({ 1: "from frontend", 2: "from backend" });
    } finally {
      await server.close();
    }
    server = await startServer({ dataDir });
    try {
      expect(byProject(server)).toEqual({ 1: "from frontend", 2: "from backend" });
    } finally {
      await server.close();
    }
  });

  it("still reads an event file an earlier version wrote directly under events/", async () => {
    const dataDir = tempDir("ship-legacy-events-");
    const legacy = {
      id: ID,
      projectId: 1,
      endpoint: "envelope",
      receivedAt: new Date().toISOString(),
      envelopeHeader: {},
      items: [{ header: { type: "event" }, payload: { message: "old layout" }, size: 10 }],
      auth: { sentryKey: "k" },
      headers: {},
    };
    mkdirSync(join(dataDir, "events"), { recursive: true });
    writeFileSync(join(dataDir, "events", `${ID}.json`), JSON.stringify(legacy));
    const server = await startServer({ dataDir });
    try {
      expect(messages(server)).toEqual(["old layout"]);
    } finally {
      await server.close();
    }
  });
});
