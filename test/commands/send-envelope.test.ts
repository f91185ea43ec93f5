import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnvelope as sentryParseEnvelope } from "@sentry/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { transportHooks } from "../../src/events/dispatch.js";
import { defaultPost } from "../../src/events/transport.js";
import type { FaultAction } from "../../src/server/faults.js";
import { runCli, tempDir } from "../support/runCli.js";
import { runSentryCli } from "../support/sentryCli.js";
import { sentryCliEnv, useServer } from "../support/server.js";

const fixture = useServer();
const sent: Buffer[] = [];

beforeEach(() => {
  sent.length = 0;
  transportHooks.post = async (url, headers, body) => {
    sent.push(body);
    return defaultPost(url, headers, body);
  };
});
afterEach(() => {
  transportHooks.post = undefined;
});

const EVENT = '{"message":"hello envelope","level":"info"}';
function storedEnvelope(dsn: string): string {
  return (
    `{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","dsn":"${dsn}","sent_at":"2024-01-01T00:00:00Z"}\n` +
    `{"type":"event","length":${EVENT.length}}\n${EVENT}\n` +
    `{"type":"attachment","length":10,"filename":"hello.txt","content_type":"text/plain"}\nhelloworld`
  );
}

function writeEnvelope(content: string | Buffer, name = "e.envelope"): { dir: string; file: string } {
  const dir = tempDir();
  const file = join(dir, name);
  writeFileSync(file, content);
  return { dir, file };
}

describe("send-envelope", () => {
  it("validates, re-serialises as sentry-cli does, and sends the envelope", async () => {
    const { file } = writeEnvelope(storedEnvelope(fixture.server.dsn));
    const r = await runCli(["send-envelope", file], { env: { SENTRY_DSN: fixture.server.dsn } });
    expect(r.stderr).toMatch(/^> Accepted by 127\.0\.0\.1:\d+\n$/);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`Envelope from file ${file} dispatched\n`);
    const [headers, items] = sentryParseEnvelope(new Uint8Array(sent[0]!));
    const key = new URL(fixture.server.dsn).username;
    expect(headers).toEqual({
      event_id: "9ec79c33-ec99-42ab-8353-589fcb2e04dc",
      dsn: fixture.server.dsn.replace(key, `${key}:`),
      sent_at: "2024-01-01T00:00:00Z",
    });
    expect(items.map((i) => i[0])).toEqual([
      { type: "event", length: expect.any(Number) },
      {
        type: "attachment",
        length: 10,
        filename: "hello.txt",
        attachment_type: "event.attachment",
        content_type: "text/plain",
      },
    ]);
    const stored = fixture.server.state.events.at(-1)!;
    expect(stored.id).toBe("9ec79c33ec9942ab8353589fcb2e04dc");
    expect(stored.items[0]!.payload).toEqual({
      event_id: "9ec79c33ec9942ab8353589fcb2e04dc",
      level: "info",
      message: "hello envelope",
      timestamp: expect.any(Number),
    });
    expect(stored.items[1]!.payload).toEqual({ base64: Buffer.from("helloworld").toString("base64") });
  });

  it("warns when the server accepts the envelope but reports a limit on the event's category", async () => {
    const { setRateLimit, clearRateLimits } = await import("../../src/server/routes/ingest.js");
    setRateLimit(fixture.server.core, { categories: ["error"], seconds: 40 });
    try {
      // An event id of its own: the attachment would otherwise join the event sent earlier under the same id.
      const fresh = storedEnvelope(fixture.server.dsn).replace(
        "9ec79c33ec9942ab8353589fcb2e04dc",
        "4b1f6d2e8a9c4e0f9d3b7a6c5e4d3c2b",
      );
      const { file } = writeEnvelope(fresh);
      const r = await runCli(["send-envelope", file], { env: { SENTRY_DSN: fixture.server.dsn } });
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toContain(
        "accepted the envelope but reports a rate limit for error (retry after 40 seconds): data of that kind may have been dropped",
      );
      expect(fixture.server.state.events.at(-1)!.items.map((i) => i.header.type)).toEqual(["attachment"]);
    } finally {
      clearRateLimits(fixture.server.core);
    }
  });

  it("recognises a spool file reached through a symlinked folder: sent unchanged, then removed", async () => {
    // ~/.cache on another disk through a symlink: the working directory is the real path, the
    // spool folder the linked one.
    const real = join(tempDir("ship-spool-real-"), "spool");
    mkdirSync(real);
    const link = join(tempDir("ship-spool-link-"), "spool");
    symlinkSync(real, link);
    const name = "20240101T000000Z-9ec79c33ec9942ab8353589fcb2e04dc.envelope";
    const content = storedEnvelope(fixture.server.dsn);
    writeFileSync(join(real, name), content);
    const r = await runCli(["send-envelope", "--spool-dir", link, name], {
      env: { SENTRY_DSN: fixture.server.dsn },
      cwd: realpathSync(real),
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(sent[0]!.toString()).toBe(content);
    expect(existsSync(join(real, name))).toBe(false);
  });

  it("sends the file byte for byte with --raw", async () => {
    const content = storedEnvelope(fixture.server.dsn);
    const { file } = writeEnvelope(content);
    const r = await runCli(["send-envelope", "--raw", file], { env: { SENTRY_DSN: fixture.server.dsn } });
    expect(r.exitCode).toBe(0);
    expect(sent[0]!.toString()).toBe(content);
  });

  it("rewrites the envelope's DSN for the DSN that receives it", async () => {
    const other = fixture.server.dsn.replace(/\/\d+$/, "/2");
    const { file } = writeEnvelope(storedEnvelope(other));
    const r = await runCli(["send-envelope", file], { env: { SENTRY_DSN: fixture.server.dsn } });
    expect(r.exitCode).toBe(0);
  });

  it.each([
    ["a wrong item length", `{}\n{"type":"event","length":3}\n{"a":1}`, "missing newline after header or payload"],
    ["a truncated payload", `{}\n{"type":"event","length":99}\n{"a":1}`, "unexpected end of file"],
    ["a broken header", `{"event_id":`, "invalid envelope header"],
  ])("refuses an envelope with %s, sending nothing", async (_n, content, cause) => {
    const { file, dir } = writeEnvelope(content);
    const before = fixture.server.requests.length;
    const r = await runCli(["send-envelope", "e.envelope"], { env: { SENTRY_DSN: fixture.server.dsn }, cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(`error: e.envelope is not a valid envelope: ${cause}\n`);
    expect(fixture.server.requests.length).toBe(before);
    void file;
  });

  it("refuses an event item that is not JSON, sending nothing", async () => {
    const { file } = writeEnvelope(`{}\n{"type":"event","length":4}\nnope`);
    const before = fixture.server.requests.length;
    const r = await runCli(["send-envelope", file], { env: { SENTRY_DSN: fixture.server.dsn } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: .*e\.envelope: item 1 \(event\) is not valid JSON: .*\n$/);
    expect(fixture.server.requests.length).toBe(before);
  });

  it("names a missing file", async () => {
    const r = await runCli(["send-envelope", "missing.envelope"], { env: { SENTRY_DSN: fixture.server.dsn } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe("error: missing.envelope: no such file\n");
  });

  describe("several files", () => {
    // Fresh event ids for each test's three files: the server drops an event sent again, as Sentry does.
    let IDS: string[] = [];
    function threeEnvelopes(): string {
      IDS = ["a1", "b2", "c3"].map((x) => `${x}${randomBytes(15).toString("hex")}`);
      const dir = tempDir();
      for (const [i, id] of IDS.entries())
        writeFileSync(
          join(dir, `${"abc"[i]}.envelope`),
          storedEnvelope(fixture.server.dsn).replace("9ec79c33ec9942ab8353589fcb2e04dc", id),
        );
      return dir;
    }

    /** The server answers 503 to the envelope requests numbered `failing` (1-based), from now on. */
    function failEnvelopeRequests(failing: number[]): () => void {
      const faults = fixture.server.faults;
      const take = faults.take.bind(faults);
      let n = 0;
      faults.take = (method: string, path: string): FaultAction | undefined => {
        if (path.endsWith("/envelope/") && failing.includes(++n)) return { kind: "status", status: 503 };
        return take(method, path);
      };
      return () => {
        faults.take = take;
      };
    }

    it("sentry-cli stops at the first file it cannot send", async () => {
      const dir = threeEnvelopes();
      const restore = failEnvelopeRequests([2]);
      try {
        const r = await runSentryCli(["send-envelope", "*.envelope"], {
          env: sentryCliEnv(fixture.server, { SENTRY_DSN: fixture.server.dsn }),
          cwd: dir,
        });
        expect(r.exitCode).toBe(1);
        expect(r.stdout).toBe("Envelope from file a.envelope dispatched\n");
      } finally {
        restore();
      }
    });

    it("goes on past a file it cannot send, spools it, and ends with exit 1 and a one-line summary", async () => {
      const dir = threeEnvelopes();
      const spool = join(tempDir(), "spool");
      const before = fixture.server.state.events.length;
      const restore = failEnvelopeRequests([2, 3, 4]); // b.envelope's three attempts
      let r: Awaited<ReturnType<typeof runCli>>;
      let json: Awaited<ReturnType<typeof runCli>>;
      try {
        r = await runCli(["send-envelope", "--spool-dir", spool, "*.envelope"], {
          env: { SENTRY_DSN: fixture.server.dsn },
          cwd: dir,
        });
      } finally {
        restore();
      }
      expect(r.exitCode).toBe(1);
      const saved = readdirSync(spool);
      expect(saved).toEqual([expect.stringMatching(new RegExp(`-${IDS[1]}\\.envelope$`))]);
      const file = join(spool, saved[0]!);
      expect(r.stdout).toBe(
        "Envelope from file a.envelope dispatched\n" +
          `Saved the envelope to ${file}\n` +
          "Envelope from file c.envelope dispatched\n",
      );
      const errors = r.stderr.split("\n").filter((l) => l.startsWith("error:"));
      expect(errors).toEqual([
        `error: sent 2 of 3 envelopes; 1 saved to ${spool} — resend with: sentry-ship send-envelope ${join(spool, "*.envelope")}`,
      ]);
      expect(r.stderr).toContain("warning: b.envelope: ");
      expect(fixture.server.state.events.slice(before).map((e) => e.id)).toEqual([IDS[0], IDS[2]]);

      // The spooled file, resent with one that fails again: the sent one leaves the spool, the other stays.
      writeFileSync(
        join(spool, "20991231T000000Z-d4.envelope"),
        storedEnvelope(fixture.server.dsn).replace("9ec79c33ec9942ab8353589fcb2e04dc", `d4${"0".repeat(30)}`),
      );
      const again = failEnvelopeRequests([2, 3, 4]);
      try {
        json = await runCli(["send-envelope", "--spool-dir", spool, join(spool, "*.envelope"), "--json"], {
          env: { SENTRY_DSN: fixture.server.dsn },
        });
      } finally {
        again();
      }
      expect(json.exitCode).toBe(1);
      expect(readdirSync(spool)).toEqual(["20991231T000000Z-d4.envelope"]);
      const doc = JSON.parse(json.stdout);
      expect(doc).toMatchObject({
        ok: false,
        sent: 1,
        envelopes: [
          { file: file, acceptedBy: expect.any(String), unspooled: true },
          {
            file: join(spool, "20991231T000000Z-d4.envelope"),
            inSpool: true,
            error: { kind: "network", message: expect.stringContaining("HTTP 503") },
          },
        ],
        error: {
          kind: "network",
          message:
            "sent 1 of 2 envelopes; 1 left in the spool — resend with: sentry-ship send-envelope " +
            join(spool, "*.envelope"),
        },
      });
    });
  });

  it("sends what sentry-cli sends for the same file (event ids and timestamps aside)", async () => {
    const { file } = writeEnvelope(storedEnvelope(fixture.server.dsn));
    // Both send the event id the tests above sent: the server forgets it before each, or it would drop
    // them as Sentry drops an event sent again.
    fixture.server.state.eventIdsSeen.clear();
    const oracle = await runSentryCli(["send-envelope", file], {
      env: sentryCliEnv(fixture.server, { SENTRY_DSN: fixture.server.dsn }),
    });
    expect(oracle.exitCode).toBe(0);
    expect(oracle.stdout.trim()).toBe(`Envelope from file ${file} dispatched`);
    const theirs = fixture.server.state.events.at(-1)!;
    fixture.server.state.eventIdsSeen.clear();
    const r = await runCli(["send-envelope", file], { env: { SENTRY_DSN: fixture.server.dsn } });
    expect(r.exitCode).toBe(0);
    const ours = fixture.server.state.events.at(-1)!;
    expect(ours.envelopeHeader).toEqual(theirs.envelopeHeader);
    const strip = (p: unknown) => ({ ...(p as object), event_id: "x", timestamp: 0 });
    expect(strip(ours.items[0]!.payload)).toEqual(strip(theirs.items[0]!.payload));
    expect(Object.keys(ours.items[0]!.payload as object)).toEqual(Object.keys(theirs.items[0]!.payload as object));
    expect(ours.items.map((i) => ({ ...i.header, length: undefined }))).toEqual(
      theirs.items.map((i) => ({ ...i.header, length: undefined })),
    );
    expect(Object.keys(ours.items[1]!.header)).toEqual(Object.keys(theirs.items[1]!.header));
  });
});
