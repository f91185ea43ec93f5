import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import { authHeader, parseDsn } from "../../src/domain/dsn.js";
import { clearRateLimits, RATE_LIMITED_DETAIL, setRateLimit } from "../../src/server/routes/ingest.js";
import { tempDir } from "../support/runCli.js";
import { runSentryCli } from "../support/sentryCli.js";
import { sentryCliEnv, useServer } from "../support/server.js";

const fixture = useServer();

function dsn() {
  return parseDsn(fixture.server.dsn);
}

async function post(path: string, body: Buffer | string, headers: Record<string, string> = {}) {
  const res = await fetch(`${fixture.server.url}${path}`, { method: "POST", body, headers });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

function auth(extra: Partial<{ key: string; version: string }> = {}) {
  const d = dsn();
  const key = extra.key ?? d.publicKey;
  return { "X-Sentry-Auth": `Sentry sentry_key=${key}, sentry_version=${extra.version ?? "7"}, sentry_client=test/1` };
}

const EVENT_ID = "9ec79c33ec9942ab8353589fcb2e04dc";
function envelope(event: object = { message: "hello" }, header: object = { event_id: EVENT_ID }): string {
  const payload = JSON.stringify(event);
  return `${JSON.stringify(header)}\n{"type":"event","length":${Buffer.byteLength(payload)}}\n${payload}\n`;
}

describe("ingest endpoints", () => {
  beforeEach(() => {
    clearRateLimits(fixture.server.core);
  });

  it("accepts a valid envelope, answers with the event id and records the event", async () => {
    const before = fixture.server.state.events.length;
    const r = await post(`/api/${dsn().projectId}/envelope/`, envelope(), auth());
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ id: EVENT_ID });
    const ev = fixture.server.state.events[before]!;
    expect(ev.id).toBe(EVENT_ID);
    expect(ev.endpoint).toBe("envelope");
    expect(ev.items[0]!.payload).toEqual({ message: "hello" });
  });

  it("accepts gzip-compressed envelopes", async () => {
    const r = await post(`/api/${dsn().projectId}/envelope/`, gzipSync(envelope()), {
      ...auth(),
      "Content-Encoding": "gzip",
    });
    expect(r.status).toBe(200);
  });

  it("accepts the DSN in the envelope header as the only credential", async () => {
    const r = await post(
      `/api/${dsn().projectId}/envelope/`,
      envelope({ message: "x" }, { event_id: EVENT_ID, dsn: fixture.server.dsn }),
    );
    expect(r.status).toBe(200);
  });

  it("rejects requests without any credential", async () => {
    const r = await post(`/api/${dsn().projectId}/envelope/`, envelope());
    expect(r).toMatchObject({ status: 401, json: { detail: "missing authorization information" } });
  });

  it("rejects several auth sources at once", async () => {
    const r = await post(`/api/${dsn().projectId}/envelope/?sentry_key=${dsn().publicKey}`, envelope(), auth());
    expect(r).toMatchObject({ status: 401, json: { detail: "multiple authorization payloads detected" } });
  });

  it("rejects a public key that is not 32 characters", async () => {
    const r = await post(`/api/${dsn().projectId}/envelope/`, envelope(), auth({ key: "publickey123" }));
    expect(r).toMatchObject({ status: 400, json: { detail: "bad sentry DSN public key" } });
  });

  it("rejects protocol versions above 7", async () => {
    const r = await post(`/api/${dsn().projectId}/envelope/`, envelope(), auth({ version: "8" }));
    expect(r).toMatchObject({ status: 400, json: { detail: "unsupported protocol version (8)" } });
  });

  it("rejects a non-numeric project id", async () => {
    const r = await post(`/api/abc/envelope/`, envelope(), auth());
    expect(r).toMatchObject({ status: 400, json: { detail: "bad project path parameter" } });
  });

  it("rejects an unknown key for the project", async () => {
    const r = await post(`/api/${dsn().projectId}/envelope/`, envelope(), auth({ key: "0".repeat(32) }));
    expect(r).toMatchObject({ status: 403, json: { detail: "event submission rejected with_reason: ProjectId" } });
  });

  it("rejects an empty body", async () => {
    const r = await post(`/api/${dsn().projectId}/envelope/`, "", auth());
    expect(r).toEqual(expect.objectContaining({ status: 400, json: { detail: "empty request body" } }));
  });

  it.each([
    ["a wrong item length", `{}\n{"type":"event","length":3}\n{"a":1}`, "missing newline after header or payload"],
    ["a too-long item length", `{}\n{"type":"event","length":30}\n{"a":1}`, "unexpected end of file"],
    ["an invalid envelope header", `{"event_id":\n`, "invalid envelope header"],
    ["a non-UUID event id in the header", `{"event_id":"nope"}\n`, "invalid envelope header"],
    ["an item header without type", `{}\n{"length":2}\n{}`, "invalid item header"],
    ["garbage after the header", `{} x\n`, "missing newline after header or payload"],
  ])("rejects an envelope with %s", async (_name, body, cause) => {
    const r = await post(`/api/${dsn().projectId}/envelope/`, body, auth());
    expect(r).toMatchObject({ status: 400, json: { detail: "invalid event envelope", causes: [cause] } });
  });

  it("rejects a DSN header for another project", async () => {
    const other = fixture.server.dsn.replace(/\/\d+$/, "/999");
    const r = await post(`/api/${dsn().projectId}/envelope/`, envelope({}, { dsn: other }), auth());
    expect(r).toMatchObject({
      status: 400,
      json: { causes: ["project id header mismatch between envelope and request"] },
    });
  });

  it("rejects an event payload that is not JSON", async () => {
    const r = await post(`/api/${dsn().projectId}/envelope/`, `{}\n{"type":"event","length":5}\nnot j`, auth());
    expect(r.status).toBe(400);
    expect((r.json as { detail: string }).detail).toMatch(/^invalid JSON data: /);
  });

  it("answers 413 when the event exceeds 1 MiB", async () => {
    const big = { message: "x".repeat(1024 * 1024 + 1) };
    const r = await post(`/api/${dsn().projectId}/envelope/`, envelope(big), auth());
    expect(r).toMatchObject({
      status: 413,
      json: {
        detail:
          "envelope exceeded size limits for type 'event' (https://develop.sentry.dev/sdk/envelopes/#size-limits)",
      },
    });
  });

  it("answers 429 with Retry-After and X-Sentry-Rate-Limits when the category is limited", async () => {
    const before = fixture.server.state.events.length;
    setRateLimit(fixture.server.core, { categories: ["error"], seconds: 60, scope: "key", reasonCode: "daily_quota" });
    const r = await post(`/api/${dsn().projectId}/envelope/`, envelope(), auth());
    expect(r.status).toBe(429);
    expect(r.json).toEqual({ detail: RATE_LIMITED_DETAIL });
    expect(r.headers.get("retry-after")).toBe("60");
    expect(r.headers.get("x-sentry-rate-limits")).toBe("60:error:key:daily_quota");
    expect(fixture.server.state.events.length).toBe(before);
  });

  it("accepts the other items and reports the limit when only some are limited", async () => {
    setRateLimit(fixture.server.core, { categories: ["attachment"], seconds: 30 });
    const body = envelope() + `{"type":"attachment","length":5,"filename":"a.txt"}\nhello`;
    const r = await post(`/api/${dsn().projectId}/envelope/`, body, auth());
    expect(r.status).toBe(200);
    expect(r.headers.get("x-sentry-rate-limits")).toBe("30:attachment:project");
    expect(fixture.server.state.events.at(-1)!.items.map((i) => i.header.type)).toEqual(["event"]);
  });

  it("lets another process set and clear rate limits through /_ship/rate-limits", async () => {
    const admin = { Authorization: `Bearer ${fixture.server.token}`, "Content-Type": "application/json" };
    expect((await post("/_ship/rate-limits", JSON.stringify({ seconds: 9, categories: ["error"] }), {})).status).toBe(
      401,
    );
    expect(
      (await post("/_ship/rate-limits", JSON.stringify({ seconds: 9, categories: ["error"] }), admin)).status,
    ).toBe(201);
    const r = await post(`/api/${dsn().projectId}/envelope/`, envelope(), auth());
    expect(r.status).toBe(429);
    const del = await fetch(`${fixture.server.url}/_ship/rate-limits`, { method: "DELETE", headers: admin });
    expect(del.status).toBe(204);
    expect((await post(`/api/${dsn().projectId}/envelope/`, envelope(), auth())).status).toBe(200);
  });

  it("accepts a JSON event on the store endpoint", async () => {
    const d = dsn();
    // A fresh id: the envelope tests sent EVENT_ID already, and a resent event id is dropped.
    const id = randomUUID().replace(/-/g, "");
    const r = await post(`/api/${d.projectId}/store/`, JSON.stringify({ event_id: id, message: "s" }), {
      "X-Sentry-Auth": authHeader(d, "test/1", 1),
    });
    expect(r).toMatchObject({ status: 200, json: { id } });
    expect(fixture.server.state.events.at(-1)!.endpoint).toBe("store");
  });

  it("rate-limits the store endpoint with 429", async () => {
    setRateLimit(fixture.server.core, { seconds: 5 });
    const r = await post(`/api/${dsn().projectId}/store/`, JSON.stringify({ message: "s" }), auth());
    expect(r.status).toBe(429);
    expect(r.headers.get("x-sentry-rate-limits")).toBe("5::project");
  });

  it("accepts what the real sentry-cli sends with send-event and send-envelope", async () => {
    const env = sentryCliEnv(fixture.server, { SENTRY_DSN: fixture.server.dsn });
    const before = fixture.server.state.events.length;
    const a = await runSentryCli(["send-event", "-m", "oracle", "--no-environ", "-t", "a:b"], { env });
    expect(a.stderr).toBe("");
    expect(a.exitCode).toBe(0);
    const dir = tempDir();
    const file = join(dir, "e.envelope");
    writeFileSync(
      file,
      envelope({ message: "hello envelope", level: "info" }, { event_id: randomUUID().replace(/-/g, "") }) +
        `{"type":"attachment","length":10,"filename":"hello.txt","content_type":"text/plain"}\nhelloworld`,
    );
    const b = await runSentryCli(["send-envelope", file], { env });
    expect(b.exitCode).toBe(0);
    expect(fixture.server.state.events.length).toBe(before + 2);
    expect(fixture.server.state.events[before]!.items[0]!.payload).toMatchObject({
      logentry: { message: "oracle" },
      tags: { a: "b" },
    });
  });
});

describe("ingest persistence", () => {
  it("writes each accepted event under events/ with serve --data", async () => {
    const { startServer } = await import("../../src/server/index.js");
    const { readFileSync, existsSync } = await import("node:fs");
    const dataDir = tempDir("ship-data-");
    const server = await startServer({ dataDir });
    try {
      const d = parseDsn(server.dsn);
      const res = await fetch(`${server.url}/api/${d.projectId}/envelope/`, {
        method: "POST",
        body: envelope({ message: "persist me" }),
        headers: { "X-Sentry-Auth": authHeader(d, "test/1", 1) },
      });
      expect(res.status).toBe(200);
      const file = join(dataDir, "events", d.projectId, `${EVENT_ID}.json`);
      expect(existsSync(file)).toBe(true);
      expect(JSON.parse(readFileSync(file, "utf8")).items[0].payload).toEqual({ message: "persist me" });
    } finally {
      await server.close();
    }
  });
});
