/**
 * Oracle: the real sentry-cli 3.8.0 runs each send-event command line from the wire notes against
 * the embedded server (which must accept it), then we run the same line; the two events must carry
 * the same fields with the same values — event ids, send times, the SDK block and the runtime
 * context aside.
 */
import { execFileSync } from "node:child_process";
import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isSecretName, REDACTED_VALUE } from "../../src/events/event.js";
import { runCli, tempDir } from "../support/runCli.js";
import { runSentryCli } from "../support/sentryCli.js";
import { sentryCliEnv, useServer } from "../support/server.js";

const fixture = useServer();

function gitRepo(): string {
  const dir = tempDir("ship-git-");
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "T",
    GIT_AUTHOR_EMAIL: "t@e.x",
    GIT_COMMITTER_NAME: "T",
    GIT_COMMITTER_EMAIL: "t@e.x",
  };
  execFileSync("git", ["init", "-q"], { cwd: dir, env });
  writeFileSync(join(dir, "a.txt"), "a");
  execFileSync("git", ["add", "."], { cwd: dir, env });
  execFileSync("git", ["commit", "-q", "-m", "init"], { cwd: dir, env });
  return dir;
}

type Ev = Record<string, unknown>;

/** Drop what legitimately differs between the two tools. */
function comparable(ev: Ev, explicitTimestamp: boolean): Ev {
  const { event_id: _id, sdk: _sdk, contexts, timestamp, extra, ...rest } = ev;
  const c = contexts as Record<string, unknown>;
  const out: Ev = { ...rest, contexts: { device: c.device, os: c.os } };
  if (explicitTimestamp) out.timestamp = timestamp;
  if (extra) {
    const { environ, ...others } = extra as { environ?: Record<string, string> };
    out.extra = others;
    // The sentry-cli binary sets SSL_CERT_FILE / SSL_CERT_DIR in its own environment (OpenSSL probing).
    if (environ) out.environKeys = Object.keys(environ).filter((k) => k !== "SSL_CERT_FILE" && k !== "SSL_CERT_DIR");
  }
  return out;
}

async function both(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}) {
  const env = sentryCliEnv(fixture.server, { SENTRY_DSN: fixture.server.dsn, ...opts.env });
  const cwd = opts.cwd ?? tempDir();
  const before = fixture.server.state.events.length;
  // Both send the same event file, often with the same event id, which the server would drop as Sentry
  // does when sent again: it forgets the ids before each.
  fixture.server.state.eventIdsSeen.clear();
  const theirs = await runSentryCli(args, { env, cwd });
  expect(theirs.exitCode, theirs.stderr).toBe(0);
  expect(fixture.server.state.events.length, "sentry-cli's event was accepted").toBe(before + 1);
  const theirRecord = fixture.server.state.events.at(-1)!;
  const theirEvent = theirRecord.items[0]!.payload as Ev;
  const { PATH: _p, HOME: _h, ...rest } = env;
  fixture.server.state.eventIdsSeen.clear();
  const ours = await runCli(args, { env: rest as Record<string, string>, cwd, home: env.HOME });
  expect(ours.exitCode, ours.stderr).toBe(0);
  const ourRecord = fixture.server.state.events.at(-1)!;
  expect(ourRecord, "our event was accepted").not.toBe(theirRecord);
  const ourEvent = ourRecord.items[0]!.payload as Ev;
  return { theirs, ours, theirEvent, ourEvent, theirRecord, ourRecord };
}

describe("send-event against sentry-cli", () => {
  it("matches `send-event -m` including the release from git HEAD and the environment", async () => {
    const repo = gitRepo();
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repo }).toString().trim();
    const { theirs, ours, theirEvent, ourEvent } = await both(["send-event", "-m", "Hello from CLI"], {
      cwd: repo,
      env: { FOO: "bar", MY_SECRET: "s3cr3t" },
    });
    expect(ourEvent.release).toBe(head);
    expect(comparable(ourEvent, false)).toEqual(comparable(theirEvent, false));
    expect(Object.keys(ourEvent).filter((k) => k !== "sdk")).toEqual(
      Object.keys(theirEvent).filter((k) => k !== "sdk"),
    );
    // The environment: the same names; the same values except secrets, which we redact.
    const theirEnv = (theirEvent.extra as { environ: Record<string, string> }).environ;
    const ourEnv = (ourEvent.extra as { environ: Record<string, string> }).environ;
    for (const [k, v] of Object.entries(theirEnv)) {
      if (k === "HOME" || k === "SSL_CERT_FILE" || k === "SSL_CERT_DIR") continue;
      expect(ourEnv[k], k).toBe(isSecretName(k) ? REDACTED_VALUE : v);
    }
    expect(theirEnv.SENTRY_AUTH_TOKEN).toBe(fixture.server.token);
    expect(JSON.stringify(ourEvent)).not.toContain(fixture.server.token);
    expect(ours.stdout.replace(/[0-9a-f-]{36}/, "ID")).toBe(theirs.stdout.replace(/[0-9a-f-]{36}/, "ID"));
  });

  it("matches the command line that sets every field", async () => {
    const dir = tempDir();
    const log = join(dir, "app.log");
    writeFileSync(log, "log line 1\nlog line 2\nlog line 3\n");
    utimesSync(log, 1700000100.5, 1700000100.5);
    const args = [
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
      "-t",
      "tag1:tv1",
      "-t",
      "tag2:tv2",
      "-e",
      "key1:val1",
      "-e",
      "key2:val 2",
      "--logfile",
      log,
      "--no-environ",
    ];
    const { theirEvent, ourEvent } = await both(args);
    expect(comparable(ourEvent, true)).toEqual(comparable(theirEvent, true));
    expect(Object.keys(ourEvent)).toEqual(Object.keys(theirEvent));
  });

  it("matches --with-categories, RFC 3339 timestamps and several messages", async () => {
    const dir = tempDir();
    const log = join(dir, "app.log");
    writeFileSync(log, "INFO: first\nplain\nERROR: second: x\n");
    const { theirEvent, ourEvent } = await both([
      "send-event",
      "-m",
      "a",
      "-m",
      "b",
      "--timestamp",
      "2023-11-14T22:13:20.25Z",
      "--logfile",
      log,
      "--with-categories",
      "-u",
      "zed:1",
      "-u",
      "ip_address:10.0.0.1",
      "-l",
      "error",
      "--no-environ",
    ]);
    expect(comparable(ourEvent, true)).toEqual(comparable(theirEvent, true));
  });

  it("matches SENTRY_RELEASE and SENTRY_ENVIRONMENT defaults", async () => {
    const { theirEvent, ourEvent } = await both(["send-event", "-m", "env defaults", "--no-environ"], {
      env: { SENTRY_RELEASE: "9.9.9", SENTRY_ENVIRONMENT: "envvar-env" },
    });
    expect(comparable(ourEvent, false)).toEqual(comparable(theirEvent, false));
  });

  it("matches an event file, and --raw", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "e.json"), JSON.stringify({ message: "from file", level: "info", tags: { a: "b" } }));
    const a = await both(["send-event", "e.json"], { cwd: dir });
    expect(comparable(a.ourEvent, false)).toEqual(comparable(a.theirEvent, false));
    expect(a.ours.stdout.replace(/[0-9a-f-]{36}/, "ID")).toBe(a.theirs.stdout.replace(/[0-9a-f-]{36}/, "ID"));
    const b = await both(["send-event", "--raw", "e.json"], { cwd: dir });
    expect(b.ourEvent).toEqual(b.theirEvent);
    expect(b.ours.stdout).toBe(b.theirs.stdout);
    writeFileSync(
      join(dir, "id.json"),
      JSON.stringify({ message: "m", event_id: "9ec79c33-ec99-42ab-8353-589fcb2e04dc" }),
    );
    const c = await both(["send-event", "--raw", "id.json"], { cwd: dir });
    expect(c.ours.stdout).toBe(c.theirs.stdout);
    expect(c.ourRecord.envelopeHeader).toEqual(c.theirRecord.envelopeHeader);
  });
});
