/**
 * Request bodies held at once are bounded: each request takes the bytes it reads (or declares) from
 * one budget and gives them back when answered. A body that would pass the budget while others are
 * in flight is answered 503, as Relay answers when it is overloaded (and sentry-cli and sentry-ship
 * retry a 503), instead of the server's memory growing with every concurrent upload.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type SentryServer, startServer } from "../../src/server/index.js";
import { DEFAULT_LIMITS } from "../../src/server/limits.js";
import { runCli, tempDir } from "../support/runCli.js";
import { runSentryCli } from "../support/sentryCli.js";
import { sentryCliEnv } from "../support/server.js";

const KiB = 1024;

/** An envelope request whose body is `size` bytes of one attachment, as raw HTTP head + body. */
function envelopeRequest(server: SentryServer, size: number, chunked = false): { head: string; body: Buffer } {
  const d = new URL(server.dsn);
  const itemHeader = `{}\n{"type":"attachment","filename":"a.bin","length":`;
  const fixed = Buffer.byteLength(itemHeader) + 2;
  const payloadBytes = size - fixed - String(size).length;
  const body = Buffer.concat([Buffer.from(`${itemHeader}${payloadBytes}}\n`), Buffer.alloc(payloadBytes, 0x61)]);
  const head =
    `POST /api${d.pathname}/envelope/ HTTP/1.1\r\nHost: ${d.host}\r\n` +
    `X-Sentry-Auth: Sentry sentry_version=7, sentry_key=${d.username}\r\n` +
    (chunked ? "Transfer-Encoding: chunked\r\n" : `Content-Length: ${body.length}\r\n`) +
    "Connection: close\r\n\r\n";
  return { head, body };
}

/** Open a connection, send `head` and the first `first` bytes of the body; resolves the socket and its answer. */
function start(server: SentryServer, head: string, bodyPart: Buffer): { socket: Socket; answer: Promise<string> } {
  const socket = connect(Number(new URL(server.url).port), "127.0.0.1");
  let text = "";
  const answer = new Promise<string>((resolve) => {
    socket.on("data", (c: Buffer) => {
      text += c.toString("latin1");
    });
    socket.on("close", () => resolve(text));
    socket.on("error", () => {});
  });
  socket.write(head);
  socket.write(bodyPart);
  return { socket, answer };
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}

const chunk = (b: Buffer) => Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from("\r\n")]);

describe("serve: the in-flight body budget", () => {
  it("is 320 MiB by default: eight 32 MiB chunk-upload requests at once and room to spare", () => {
    expect(DEFAULT_LIMITS.inFlightBodyBytes).toBe(320 * 1024 * 1024);
  });

  it("answers 503 with Retry-After to a body that does not fit beside one in flight, and takes it once that one is done", async () => {
    const server = await startServer({ limits: { inFlightBodyBytes: 1024 * KiB } });
    try {
      const a = envelopeRequest(server, 800 * KiB);
      const first = start(server, a.head, a.body.subarray(0, 1000));
      await until(() => server.core.bodies.inUse >= 800 * KiB);

      // Declared too large for what is left: refused before its body is read.
      const b = envelopeRequest(server, 400 * KiB);
      const second = start(server, b.head, b.body);
      const refused = await second.answer;
      expect(refused).toMatch(/^HTTP\/1\.1 503 /);
      expect(refused).toMatch(/\r\nretry-after: 1\r\n/i);
      expect(refused.slice(refused.indexOf("\r\n\r\n") + 4)).toBe('{"detail":"failed to queue envelope"}');

      // Sent in chunks without a length: refused once it grows past what is left.
      const c = envelopeRequest(server, 400 * KiB, true);
      const third = start(server, c.head, chunk(c.body.subarray(0, 100 * KiB)));
      third.socket.write(chunk(c.body.subarray(100 * KiB, 300 * KiB)));
      expect(await third.answer).toMatch(/^HTTP\/1\.1 503 /);

      first.socket.write(a.body.subarray(1000));
      expect(await first.answer).toMatch(/^HTTP\/1\.1 200 /);
      await until(() => server.core.bodies.inUse === 0);

      // The budget is given back: the same request now fits.
      expect(await start(server, b.head, b.body).answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(server.core.bodies.inUse).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("takes a body larger than the budget when nothing else is in flight", async () => {
    const server = await startServer({ limits: { inFlightBodyBytes: 64 * KiB } });
    try {
      const a = envelopeRequest(server, 300 * KiB);
      expect(await start(server, a.head, a.body).answer).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      await server.close();
    }
  });

  it("answers a web-API upload that does not fit with 503 and Relay's overloaded detail", async () => {
    const server = await startServer({ limits: { inFlightBodyBytes: 1024 * KiB } });
    try {
      const a = envelopeRequest(server, 800 * KiB);
      const first = start(server, a.head, a.body.subarray(0, 1000));
      await until(() => server.core.bodies.inUse >= 800 * KiB);
      const json = Buffer.from(
        JSON.stringify({ version: "1.0.0", projects: ["frontend"], pad: "x".repeat(300 * KiB) }),
      );
      const head =
        `POST /api/0/organizations/acme/releases/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${json.length}\r\nConnection: close\r\n\r\n`;
      const refused = await start(server, head, json).answer;
      expect(refused).toMatch(/^HTTP\/1\.1 503 /);
      expect(refused.slice(refused.indexOf("\r\n\r\n") + 4)).toBe('{"detail":"the service is overloaded"}');
      first.socket.write(a.body.subarray(1000));
      expect(await first.answer).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      await server.close();
    }
  });

  it("lets sentry-cli and sentry-ship through: they retry the 503 and are taken once room is given back", async () => {
    const server = await startServer({ limits: { inFlightBodyBytes: 256 * KiB } });
    try {
      for (const client of ["sentry-cli", "sentry-ship"]) {
        const held = envelopeRequest(server, 200 * KiB);
        const first = start(server, held.head, held.body.subarray(0, 1000));
        await until(() => server.core.bodies.inUse >= 200 * KiB);

        const id = randomBytes(16).toString("hex");
        const event = JSON.stringify({ event_id: id, message: `from ${client}` });
        const file = join(tempDir(), "big.envelope");
        writeFileSync(
          file,
          `{"event_id":"${id}"}\n{"type":"event","length":${event.length}}\n${event}\n` +
            `{"type":"attachment","filename":"a.bin","length":${100 * KiB}}\n${"a".repeat(100 * KiB)}\n`,
        );
        const before = server.requests.length;
        const run =
          client === "sentry-cli"
            ? runSentryCli(["send-envelope", file], {
                env: sentryCliEnv(server, { SENTRY_DSN: server.dsn, SENTRY_HTTP_MAX_RETRIES: "5" }),
              })
            : runCli(["send-envelope", file], { env: { SENTRY_DSN: server.dsn } });
        await until(() => server.requests.slice(before).some((r) => r.status === 503));
        first.socket.write(held.body.subarray(1000));
        expect(await first.answer).toMatch(/^HTTP\/1\.1 200 /);

        const r = await run;
        expect(r.exitCode, r.stderr).toBe(0);
        const statuses = server.requests.slice(before).map((q) => q.status);
        expect(statuses[0]).toBe(503);
        expect(statuses.at(-1)).toBe(200);
        expect(server.state.events.filter((e) => e.id === id)).toHaveLength(1);
      }
    } finally {
      await server.close();
    }
  });
});
