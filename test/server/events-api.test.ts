/**
 * The event API on `serve`: list, details and the source-map debug report, with real Sentry's
 * permissions; events from other platforms stored unprocessed; thread stack traces processed
 * too; events kept with --data and listed again after a restart.
 */
import { describe, expect, it } from "vitest";
import { parseDsn } from "../../src/domain/dsn.js";
import { type SentryServer, startServer } from "../../src/server/index.js";
import { runCli, tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";
import { makeDist } from "../support/upload-fixtures.js";

type Json = Record<string, any>;

async function send(server: SentryServer, event: Json): Promise<string> {
  const d = parseDsn(server.dsn);
  const body = `${JSON.stringify({ event_id: event.event_id })}\n{"type":"event"}\n${JSON.stringify(event)}\n`;
  const res = await fetch(`${server.url}/api/${d.projectId}/envelope/`, {
    method: "POST",
    body,
    headers: { "X-Sentry-Auth": `Sentry sentry_key=${d.publicKey}, sentry_version=7` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as Json).id;
}

async function get(server: SentryServer, path: string, token = server.token) {
  const res = await fetch(`${server.url}/api/0/projects/acme/frontend/${path}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: (await res.json()) as Json };
}

// `dist/app.min.js` of the upload fixture: `add` is called at line 1, column 61.
const minFrame = (extra: Json = {}) => ({
  filename: "~/app.min.js",
  abs_path: "~/app.min.js",
  lineno: 1,
  colno: 57,
  function: "add",
  in_app: true,
  ...extra,
});

describe("the event API on serve", () => {
  const s = useServer();

  it("processes exception and thread stack traces of a JavaScript event and lists it", async () => {
    const dir = makeDist();
    expect(
      (await runCli(["sourcemaps", "upload", "dist", "--release", "api@1"], { env: s.env(), cwd: dir })).exitCode,
    ).toBe(0);
    const eventId = "a".repeat(32);
    await send(s.server, {
      event_id: eventId,
      platform: "javascript",
      release: "api@1",
      exception: { values: [{ type: "Error", value: "boom", stacktrace: { frames: [minFrame()] } }] },
      threads: { values: [{ id: 1, stacktrace: { frames: [minFrame()] } }] },
    });
    const { status, body } = await get(s.server, `events/${eventId}/`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: eventId, eventID: eventId, title: "Error: boom", platform: "javascript" });
    const exc = body.entries.find((e: Json) => e.type === "exception").data.values[0];
    expect(exc.stacktrace.frames[0]).toMatchObject({ absPath: "~/src/app.js", lineNo: 4, function: "add" });
    expect(exc.rawStacktrace.frames[0]).toMatchObject({ absPath: "~/app.min.js", lineNo: 1, colNo: 57 });
    const thr = body.entries.find((e: Json) => e.type === "threads").data.values[0];
    expect(thr.stacktrace.frames[0].absPath).toBe("~/src/app.js");
    expect(thr.rawStacktrace.frames[0].absPath).toBe("~/app.min.js");

    const list = await get(s.server, "events/");
    expect(list.status).toBe(200);
    expect(list.body.map((e: Json) => e.eventID)).toContain(eventId);
    expect(list.body.find((e: Json) => e.eventID === eventId).tags).toContainEqual({ key: "release", value: "api@1" });
  });

  it("stores other platforms' events as sent, with no processing", async () => {
    const eventId = "b".repeat(32);
    await send(s.server, {
      event_id: eventId,
      platform: "python",
      release: "api@1",
      exception: { values: [{ type: "E", stacktrace: { frames: [minFrame()] } }] },
    });
    const { body } = await get(s.server, `events/${eventId}/`);
    const exc = body.entries[0].data.values[0];
    expect(exc.stacktrace.frames[0].absPath).toBe("~/app.min.js");
    expect(exc.rawStacktrace).toBeNull();
  });

  it("asks for event:read on events and project:read on the debug report, and 404s unknown events", async () => {
    const eventId = "a".repeat(32);
    const noAuth = await fetch(`${s.server.url}/api/0/projects/acme/frontend/events/${eventId}/`);
    expect(noAuth.status).toBe(401);
    expect((await get(s.server, `events/${eventId}/`, s.server.readOnlyToken)).status).toBe(403);
    expect(
      (await get(s.server, `events/${eventId}/source-map-debug-blue-thunder-edition/`, s.server.readOnlyToken)).status,
    ).toBe(200);
    expect(await get(s.server, `events/${"c".repeat(32)}/`)).toEqual({
      status: 404,
      body: { detail: "Event not found" },
    });
    const other = await fetch(`${s.server.url}/api/0/projects/acme/nope/events/${eventId}/`, {
      headers: { Authorization: `Bearer ${s.server.token}` },
    });
    expect(other.status).toBe(404);
  });

  it("keeps processed events with --data and lists them after a restart", async () => {
    const data = tempDir("ship-data-");
    const first = await startServer({ dataDir: data });
    const eventId = "d".repeat(32);
    try {
      await send(first, {
        event_id: eventId,
        platform: "node",
        exception: {
          values: [
            { type: "Error", value: "kept", stacktrace: { frames: [{ filename: "/srv/a.js", lineno: 1, colno: 1 }] } },
          ],
        },
      });
    } finally {
      await first.close();
    }
    const second = await startServer({ dataDir: data, token: first.token });
    try {
      const { status, body } = await get(second, `events/${eventId}/`);
      expect(status).toBe(200);
      expect(body.title).toBe("Error: kept");
      // Unresolved, and why: Sentry's processing error for the frame.
      expect(body.errors).toContainEqual({
        type: "js_no_source",
        message: "js_no_source",
        data: { url: "/srv/a.js", reason: "no_debug_meta" },
      });
    } finally {
      await second.close();
    }
  });
});
