import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { parseEnvelope as sentryParseEnvelope } from "@sentry/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseEnvelope } from "../../src/domain/envelope.js";
import { transportHooks } from "../../src/events/dispatch.js";
import { defaultPost } from "../../src/events/transport.js";
import { clearRateLimits, setRateLimit } from "../../src/server/routes/ingest.js";
import { runCli, tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";

const fixture = useServer();
const sent: Buffer[] = [];

beforeEach(() => {
  sent.length = 0;
  transportHooks.post = async (url, headers, body) => {
    sent.push(body);
    return defaultPost(url, headers, body);
  };
  clearRateLimits(fixture.server.core);
  fixture.server.faults.clear();
});
afterEach(() => {
  transportHooks.post = undefined;
});

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function deadDsn(port: number): string {
  const d = new URL(fixture.server.dsn);
  d.host = `127.0.0.1:${port}`;
  return d.toString();
}

function envFor(extra: Record<string, string | undefined> = {}) {
  return { SENTRY_DSN: fixture.server.dsn, ...extra };
}

function lastEventPayload(): Record<string, unknown> {
  return fixture.server.state.events.at(-1)!.items[0]!.payload as Record<string, unknown>;
}

describe("send-event", () => {
  it("sends a message event and prints its id as sentry-cli does", async () => {
    const before = fixture.server.state.events.length;
    const r = await runCli(["send-event", "-m", "Hello from CLI", "--no-environ"], { env: envFor() });
    expect(r.stderr).toMatch(/^> Accepted by 127\.0\.0\.1:\d+\n$/);
    expect(r.exitCode).toBe(0);
    const m = /^Event dispatched\.\nEvent id: ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\n$/.exec(
      r.stdout,
    );
    expect(m).not.toBeNull();
    expect(fixture.server.state.events.length).toBe(before + 1);
    const stored = fixture.server.state.events.at(-1)!;
    expect(stored.id).toBe(m![1]!.replace(/-/g, ""));
    expect(stored.auth.sentryClient).toMatch(/^sentry-ship\//);
    const p = lastEventPayload();
    expect(Object.keys(p)).toEqual([
      "event_id",
      "logentry",
      "platform",
      "timestamp",
      "server_name",
      "environment",
      "user",
      "contexts",
      "sdk",
    ]);
    expect(p).toMatchObject({ logentry: { message: "Hello from CLI" }, platform: "native", environment: "production" });
    expect((p.contexts as Record<string, unknown>).runtime).toMatchObject({ type: "runtime", name: "node" });
    expect(p.sdk).toEqual({ name: "sentry-ship", version: expect.any(String) });
  });

  it("sends an envelope that @sentry/core's parser reads back", async () => {
    const r = await runCli(["send-event", "-m", "parse me", "-t", "a:b", "--no-environ"], { env: envFor() });
    expect(r.exitCode).toBe(0);
    expect(sent).toHaveLength(1);
    const [headers, items] = sentryParseEnvelope(new Uint8Array(sent[0]!));
    expect(headers.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(items).toHaveLength(1);
    expect(items[0]![0]).toMatchObject({ type: "event" });
    const payload = items[0]![1];
    const decoded = payload instanceof Uint8Array ? JSON.parse(new TextDecoder().decode(payload)) : payload;
    expect(decoded).toMatchObject({ logentry: { message: "parse me" }, tags: { a: "b" } });
    expect(parseEnvelope(sent[0]!).items[0]!.header.length).toBe(
      sent[0]!.length - sent[0]!.indexOf("\n", sent[0]!.indexOf("\n") + 1) - 1,
    );
  });

  it("maps every flag onto the event fields", async () => {
    const dir = tempDir();
    const log = join(dir, "app.log");
    writeFileSync(log, "log line 1\nINFO: log line 2\n");
    utimesSync(log, 1700000100, 1700000100);
    const r = await runCli(
      [
        "send-event",
        "-m",
        "Hello %s and %s",
        "-a",
        "first",
        "-a",
        "second",
        "-l",
        "warning",
        "-p",
        "python",
        "--timestamp",
        "1700000000",
        "-r",
        "1.2.3",
        "-d",
        "dist7",
        "-E",
        "staging",
        "-f",
        "fp1",
        "-f",
        "{{ default }}",
        "-u",
        "id:42",
        "-u",
        "email:a@b.c",
        "-u",
        "username:bob",
        "-u",
        "zz:1",
        "-t",
        "tag2:tv2",
        "-t",
        "tag1:tv1",
        "-e",
        "key2:val 2",
        "-e",
        "key1:val1",
        "--logfile",
        log,
        "--with-categories",
        "--no-environ",
      ],
      { env: envFor() },
    );
    expect(r.exitCode).toBe(0);
    const p = lastEventPayload();
    expect(Object.keys(p)).toEqual([
      "event_id",
      "level",
      "fingerprint",
      "logentry",
      "platform",
      "timestamp",
      "server_name",
      "release",
      "dist",
      "environment",
      "user",
      "contexts",
      "breadcrumbs",
      "tags",
      "extra",
      "sdk",
    ]);
    expect(p).toMatchObject({
      level: "warning",
      fingerprint: ["fp1", "{{ default }}"],
      logentry: { message: "Hello %s and %s", params: ["first", "second"] },
      platform: "python",
      timestamp: 1700000000,
      release: "1.2.3",
      dist: "dist7",
      environment: "staging",
      user: { id: "42", email: "a@b.c", ip_address: "{{auto}}", username: "bob", zz: "1" },
      breadcrumbs: {
        values: [
          { timestamp: 1700000100, category: "log", message: "log line 1" },
          { timestamp: 1700000100, category: "INFO", message: "log line 2" },
        ],
      },
      tags: { tag1: "tv1", tag2: "tv2" },
      extra: { key1: "val1", key2: "val 2" },
    });
    expect(Object.keys(p.tags as object)).toEqual(["tag1", "tag2"]);
  });

  it("sends the environment with secret-looking values redacted", async () => {
    const r = await runCli(["send-event", "-m", "environ"], {
      env: envFor({
        FOO: "bar",
        MY_SECRET: "s3cr3t",
        SENTRY_AUTH_TOKEN: "sntryu_" + "a".repeat(64),
        GITHUB_TOKEN: "ghp_x",
        SESSION_ID: "s",
      }),
    });
    expect(r.exitCode).toBe(0);
    const environ = (lastEventPayload().extra as { environ: Record<string, string> }).environ;
    expect(environ.FOO).toBe("bar");
    expect(environ.MY_SECRET).toBe("[redacted]");
    expect(environ.SENTRY_AUTH_TOKEN).toBe("[redacted]");
    expect(environ.GITHUB_TOKEN).toBe("[redacted]");
    expect(environ.SESSION_ID).toBe("[redacted]");
    expect(environ.SENTRY_DSN).toBe("[redacted]");
    expect(JSON.stringify(lastEventPayload())).not.toContain("s3cr3t");
  });

  it("defaults release and environment from SENTRY_RELEASE and SENTRY_ENVIRONMENT", async () => {
    const r = await runCli(["send-event", "-m", "env defaults", "--no-environ"], {
      env: envFor({ SENTRY_RELEASE: "9.9.9", SENTRY_ENVIRONMENT: "envvar-env" }),
    });
    expect(r.exitCode).toBe(0);
    expect(lastEventPayload()).toMatchObject({ release: "9.9.9", environment: "envvar-env" });
  });

  it("sends event files and globs, filling what the SDK fills", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a.json"), JSON.stringify({ message: "from file", level: "info", tags: { a: "b" } }));
    writeFileSync(
      join(dir, "b.json"),
      JSON.stringify({ message: "second", event_id: "9ec79c33-ec99-42ab-8353-589fcb2e04dc" }),
    );
    const r = await runCli(["send-event", "*.json"], { env: envFor(), cwd: dir });
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^Event from file a\.json dispatched: [0-9a-f-]{36}$/);
    expect(lines[1]).toBe("Event from file b.json dispatched: 9ec79c33-ec99-42ab-8353-589fcb2e04dc");
    expect(lastEventPayload()).toMatchObject({
      event_id: "9ec79c33ec9942ab8353589fcb2e04dc",
      message: "second",
      platform: "native",
      environment: "production",
    });
  });

  it("reads only the end of a large --logfile for its last 100 lines, and refuses a FIFO without waiting", async () => {
    const dir = tempDir();
    const log = join(dir, "big.log");
    // ~3 MiB: more than the tail that is read, with a multi-byte character at every line start.
    const lines = Array.from({ length: 60_000 }, (_, i) => `é line ${i} ${"x".repeat(40)}`);
    writeFileSync(log, `${lines.join("\n")}\n`);
    const r = await runCli(["send-event", "-m", "x", "--logfile", log, "--no-environ"], { env: envFor() });
    expect(r.exitCode).toBe(0);
    const crumbs = (lastEventPayload().breadcrumbs as { values: Array<{ message: string }> }).values;
    expect(crumbs.map((c) => c.message)).toEqual(lines.slice(-100));

    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    const started = Date.now();
    const f = await runCli(["send-event", "-m", "x", "--logfile", fifo], { env: envFor() });
    expect(f.exitCode).toBe(1);
    expect(f.stderr).toBe(`error: could not read logfile ${fifo}: it is not a regular file\n`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("sends a file unchanged with --raw", async () => {
    const dir = tempDir();
    const raw = '{"message":"from file","level":"info","tags":{"a":"b"}}';
    writeFileSync(join(dir, "e.json"), raw);
    const r = await runCli(["send-event", "--raw", "e.json"], { env: envFor(), cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(sent[0]!.toString()).toBe(
      `{"event_id":"00000000-0000-0000-0000-000000000000"}\n{"type":"event","length":${raw.length}}\n${raw}`,
    );
  });

  it.each([
    [
      "an invalid level",
      ["-m", "x", "-l", "bogus"],
      "error: invalid level 'bogus': use one of debug, info, warning, error, fatal\n",
    ],
    ["a bad timestamp", ["-m", "x", "--timestamp", "yesterday"], /^error: invalid timestamp 'yesterday': /],
    ["a tag without value", ["-m", "x", "-t", "novalue"], "error: invalid tag 'novalue': expected KEY:VALUE\n"],
    [
      "a missing logfile",
      ["-m", "x", "--logfile", "/nonexistent/log"],
      /^error: could not read logfile \/nonexistent\/log: it does not exist \(ENOENT\)/,
    ],
    [
      "a bad DSN",
      ["-m", "x", "--dsn", "ftp://key@host/1"],
      "error: the DSN from --dsn is invalid: the scheme 'ftp' is not supported (use http or https)\n",
    ],
    [
      "a DSN without project id",
      ["-m", "x", "--dsn", "https://abc@host/"],
      "error: the DSN from --dsn is invalid: the project id is missing (it is the last part of the path)\n",
    ],
  ])("refuses %s with a one-line error and sends nothing", async (_n, args, message) => {
    const before = fixture.server.requests.length;
    const r = await runCli(["send-event", ...args], { env: envFor() });
    expect(r.exitCode).toBe(1);
    if (typeof message === "string") expect(r.stderr).toBe(message);
    else expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
    expect(fixture.server.requests.length).toBe(before);
  });

  it("treats a bad --wait-for-rate-limit value as a usage error", async () => {
    const r = await runCli(["send-event", "-m", "x", "--wait-for-rate-limit", "soon"], { env: envFor() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe("error: invalid value 'soon' for --wait-for-rate-limit: expected whole seconds\n");
  });

  it("refuses a non-JSON event file and sends nothing", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "good.json"), "{}");
    writeFileSync(join(dir, "bad.json"), "{not json");
    const before = fixture.server.requests.length;
    const r = await runCli(["send-event", "good.json", "bad.json"], { env: envFor(), cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: bad\.json is not valid JSON: .*\n$/);
    expect(fixture.server.requests.length).toBe(before);
  });

  it("says how to set a DSN when none is configured", async () => {
    const r = await runCli(["send-event", "-m", "x"], { env: {} });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      "error: DSN missing: pass --dsn, set the SENTRY_DSN environment variable, or add `dsn` under [auth] in .sentryclirc\n",
    );
  });

  it("never prints the DSN's keys, even in debug logs", async () => {
    const secretDsn = fixture.server.dsn.replace("@", ":topsecretvalue@");
    const r = await runCli(["send-event", "-m", "x", "--no-environ", "--log-level", "debug", "--dsn", secretDsn], {
      env: {},
    });
    expect(r.exitCode).toBe(0);
    const key = new URL(fixture.server.dsn).username;
    expect(r.stderr + r.stdout).not.toContain(key);
    expect(r.stderr + r.stdout).not.toContain("topsecretvalue");
    expect(r.stderr).toContain("debug: POST http://127.0.0.1:");
  });

  it("fails over to the second DSN when the first is unreachable", async () => {
    const port = await closedPort();
    const r = await runCli(["send-event", "-m", "failover", "--no-environ"], {
      env: envFor({ SENTRY_DSN: `${deadDsn(port)},${fixture.server.dsn}` }),
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Event dispatched\.\nEvent id: /);
    expect(r.stderr).toContain(`warning: 127.0.0.1:${port} did not accept the envelope`);
    expect(r.stderr).toContain(`> Accepted by ${new URL(fixture.server.url).host} (DSN 2 of 2)`);
    expect(lastEventPayload()).toMatchObject({ logentry: { message: "failover" } });
  });

  it("retries a 5xx and then succeeds", async () => {
    const before = fixture.server.requests.length;
    fixture.server.faults.failNext(/\/envelope\/$/, 503, 1);
    const r = await runCli(["send-event", "-m", "retry", "--no-environ"], { env: envFor() });
    expect(r.exitCode).toBe(0);
    expect(fixture.server.requests.length - before).toBe(2);
  });

  it("spools the event when every DSN fails, and send-envelope resends it unchanged", async () => {
    const spool = tempDir("ship-spool-");
    const a = await closedPort();
    const before = fixture.server.state.events.length;
    const r = await runCli(["send-event", "-m", "keep me", "--no-environ", "--spool-dir", spool], {
      env: envFor({ SENTRY_DSN: `${deadDsn(a)},${deadDsn(a)}` }),
    });
    expect(r.exitCode).toBe(1);
    const files = readdirSync(spool);
    expect(files).toHaveLength(1);
    const file = join(spool, files[0]!);
    expect(r.stdout).toBe(`Saved the event to ${file}\n`);
    expect(r.stderr).toContain(`resend it with: sentry-ship send-envelope ${file}`);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(
      /^error: could not deliver to any of 2 DSNs \(connect ECONNREFUSED 127\.0\.0\.1:\d+\); saved to /,
    );
    const spooled = readFileSync(file);
    expect(fixture.server.state.events.length).toBe(before);

    sent.length = 0;
    const s = await runCli(["send-envelope", file, "--spool-dir", spool], { env: envFor() });
    expect(s.exitCode).toBe(0);
    expect(s.stdout).toBe(`Envelope from file ${file} dispatched\n`);
    expect(sent[0]!.equals(spooled)).toBe(true);
    expect(lastEventPayload()).toMatchObject({ logentry: { message: "keep me" } });
    expect(readdirSync(spool)).toEqual([]);
  });

  it("reports a rate limit with its retry time, without a busy loop, and spools the event", async () => {
    setRateLimit(fixture.server.core, { categories: ["error"], seconds: 120, scope: "key" });
    const spool = tempDir("ship-spool-");
    const before = fixture.server.requests.length;
    const sleeps: number[] = [];
    const r = await runCli(["send-event", "-m", "limited", "--no-environ", "--spool-dir", spool], {
      env: envFor(),
      overrides: { sleep: async (ms) => void sleeps.push(ms) },
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^error: rate limited by 127\.0\.0\.1:\d+ for category 'error': retry after 120 seconds; saved to .* \(or pass --wait-for-rate-limit 120\)\n$/,
    );
    expect(fixture.server.requests.length - before).toBe(1);
    expect(sleeps).toEqual([]);
    expect(readdirSync(spool)).toHaveLength(1);
  });

  it("waits once for a rate limit within --wait-for-rate-limit", async () => {
    setRateLimit(fixture.server.core, { categories: ["error"], seconds: 30 });
    const before = fixture.server.requests.length;
    const sleeps: number[] = [];
    const r = await runCli(["send-event", "-m", "patient", "--no-environ", "--wait-for-rate-limit", "60"], {
      env: envFor(),
      overrides: {
        sleep: async (ms) => {
          sleeps.push(ms);
          clearRateLimits(fixture.server.core);
        },
      },
    });
    expect(r.exitCode).toBe(0);
    expect(sleeps).toEqual([30_000]);
    expect(fixture.server.requests.length - before).toBe(2);
    expect(r.stderr).toContain("Rate limited by 127.0.0.1:");
  });

  it("gzips envelopes above 64 KB", async () => {
    const r = await runCli(["send-event", "-m", "big", "-e", `blob:${"x".repeat(70_000)}`, "--no-environ"], {
      env: envFor(),
    });
    expect(r.exitCode).toBe(0);
    expect(fixture.server.state.events.at(-1)!.headers["content-encoding"]).toBe("gzip");
    expect((lastEventPayload().extra as { blob: string }).blob).toHaveLength(70_000);
  });

  it("sends --header values along with the envelope", async () => {
    const r = await runCli(["send-event", "-m", "hdr", "--no-environ", "--header", "X-Custom: yes"], { env: envFor() });
    expect(r.exitCode).toBe(0);
    expect(fixture.server.requests.at(-1)!.headers["x-custom"]).toBe("yes");
  });

  it("reports a rejected key as an API error without spooling", async () => {
    const spool = tempDir("ship-spool-");
    const wrong = fixture.server.dsn.replace(new URL(fixture.server.dsn).username, "f".repeat(32));
    const r = await runCli(["send-event", "-m", "x", "--no-environ", "--spool-dir", spool, "--dsn", wrong], {
      env: {},
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^error: 127\.0\.0\.1:\d+ rejected the envelope \(HTTP 403: event submission rejected with_reason: ProjectId\)\n$/,
    );
    expect(readdirSync(spool)).toEqual([]);
  });

  it("says in one line what a proxy's HTML error page answered, rejection or outage", async () => {
    const page = (code: string) =>
      `<html>\r\n<head><title>${code}</title></head>\r\n<body>\r\n<center><h1>${code}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
    const spool = tempDir("ship-spool-");
    fixture.server.faults.failNext(/\/envelope\/$/, 400, 1, { body: page("400 Bad Request") });
    const rejected = await runCli(["send-event", "-m", "x", "--no-environ", "--spool-dir", spool], { env: envFor() });
    expect(rejected.exitCode).toBe(1);
    expect(rejected.stderr).toMatch(/^error: 127\.0\.0\.1:\d+ rejected the envelope \(HTTP 400: 400 Bad Request\)\n$/);

    fixture.server.faults.failNext(/\/envelope\/$/, 502, 3, { body: page("502 Bad Gateway") });
    const down = await runCli(["send-event", "-m", "x", "--no-environ", "--spool-dir", spool], { env: envFor() });
    expect(down.exitCode).toBe(1);
    const lines = down.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: could not deliver to 127\.0\.0\.1:\d+ \(HTTP 502: 502 Bad Gateway\); saved to /);
  });

  it("prints the spool path in the JSON document when delivery fails", async () => {
    const spool = tempDir("ship-spool-");
    const port = await closedPort();
    const r = await runCli(["send-event", "-m", "x", "--no-environ", "--json", "--spool-dir", spool], {
      env: envFor({ SENTRY_DSN: deadDsn(port) }),
    });
    expect(r.exitCode).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.spooled).toBe(join(spool, readdirSync(spool)[0]!));
    expect(doc.error.kind).toBe("network");
    expect(r.stdout).not.toContain(new URL(fixture.server.dsn).username);
  });

  it("prints one JSON document with --json", async () => {
    const r = await runCli(["send-event", "-m", "json", "--no-environ", "--json"], { env: envFor() });
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toEqual({
      ok: true,
      events: [
        {
          eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          acceptedBy: new URL(fixture.server.url).host,
          dsnIndex: 1,
        },
      ],
    });
  });

  it("sends nothing with --dry-run", async () => {
    const before = fixture.server.requests.length;
    const r = await runCli(["send-event", "-m", "dry", "--dry-run"], { env: envFor() });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Would send event [0-9a-f-]{36} to 127\.0\.0\.1:\d+\n$/);
    expect(fixture.server.requests.length).toBe(before);
  });
});
