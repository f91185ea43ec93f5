import { describe, expect, it } from "vitest";
import {
  buildEvent,
  completeFileEvent,
  EventInputError,
  isSecretName,
  logfileBreadcrumbs,
  parseLevel,
  parseTimestamp,
  redactedEnviron,
} from "../../src/events/event.js";
import type { HostInfo } from "../../src/events/host.js";

const host: HostInfo = {
  hostname: "vm",
  username: "root",
  os: { name: "Linux", version: "6.1.0", kernelVersion: "#1 SMP" },
  arch: "x86_64",
  runtime: { name: "node", version: "20.0.0" },
};
const sdk = { name: "sentry-ship", version: "0.1.0" };

describe("parseTimestamp", () => {
  it("refuses unix seconds that no date can hold, as an invalid timestamp", () => {
    expect(() => parseTimestamp("99999999999999")).toThrow(/^invalid timestamp '99999999999999': /);
    expect(parseTimestamp("8640000000000")).toBe(8640000000000);
  });

  it("reads unix seconds, RFC 3339 and RFC 2822", () => {
    expect(parseTimestamp("1700000000")).toBe(1700000000);
    expect(parseTimestamp("2023-11-14T22:13:20Z")).toBe(1700000000);
    expect(parseTimestamp("2023-11-14T22:13:20.25Z")).toBe(1700000000.25);
    expect(parseTimestamp("2023-11-15T00:13:20+02:00")).toBe(1700000000);
    expect(parseTimestamp("Tue, 14 Nov 2023 22:13:20 +0000")).toBe(1700000000);
    expect(parseTimestamp("14 Nov 2023 23:13:20 +0100")).toBe(1700000000);
  });

  it.each(["yesterday", "1700000000.5", "2023-02-30T00:00:00Z", "2023-11-14", ""])("rejects %j", (v) => {
    expect(() => parseTimestamp(v)).toThrow(EventInputError);
  });
});

describe("parseLevel", () => {
  it("accepts the five levels in any case and rejects others", () => {
    expect(parseLevel("WARNING")).toBe("warning");
    expect(() => parseLevel("warn")).toThrow("invalid level 'warn': use one of debug, info, warning, error, fatal");
  });
});

describe("environ", () => {
  it("redacts values of secret-looking names and sorts the names", () => {
    const env = redactedEnviron({
      ZED: "1",
      GITHUB_TOKEN: "t",
      DB_PASSWORD: "p",
      api_key: "k",
      AWS_SECRET_ACCESS_KEY: "s",
      HOME: "/h",
      NPM_AUTH: "a",
      MY_COOKIE: "c",
      GOOGLE_CREDENTIALS: "g",
      SESSION: "s",
      SENTRY_DSN: "d",
      PASSWD: "x",
    });
    expect(Object.keys(env)).toEqual([
      "AWS_SECRET_ACCESS_KEY",
      "DB_PASSWORD",
      "GITHUB_TOKEN",
      "GOOGLE_CREDENTIALS",
      "HOME",
      "MY_COOKIE",
      "NPM_AUTH",
      "PASSWD",
      "SENTRY_DSN",
      "SESSION",
      "ZED",
      "api_key",
    ]);
    expect(
      Object.entries(env)
        .filter(([, v]) => v !== "[redacted]")
        .map(([k]) => k),
    ).toEqual(["HOME", "ZED"]);
    expect(isSecretName("PATH")).toBe(false);
  });
});

describe("logfileBreadcrumbs", () => {
  it("keeps the last 100 lines, stamped with the file time", () => {
    const text = Array.from({ length: 150 }, (_, i) => `line ${i}`).join("\n") + "\n";
    const crumbs = logfileBreadcrumbs(text, 1700000000.5, false);
    expect(crumbs).toHaveLength(100);
    expect(crumbs[0]).toEqual({ timestamp: 1700000000.5, category: "log", message: "line 50" });
    expect(crumbs[99]!.message).toBe("line 149");
  });

  it("splits `CATEGORY: message` with categories on", () => {
    expect(logfileBreadcrumbs("INFO: a: b\r\nplain\n", 1, true)).toEqual([
      { timestamp: 1, category: "INFO", message: "a: b" },
      { timestamp: 1, category: "log", message: "plain" },
    ]);
  });
});

describe("buildEvent", () => {
  it("builds sentry-cli's minimal event with the default level left out", () => {
    const ev = buildEvent({
      messages: ["hi"],
      level: "error",
      environment: "production",
      host,
      sdk,
      now: 1700000000.5,
      eventId: "a".repeat(32),
    });
    expect(ev).toEqual({
      event_id: "a".repeat(32),
      logentry: { message: "hi" },
      platform: "native",
      timestamp: 1700000000.5,
      server_name: "vm",
      environment: "production",
      user: { ip_address: "{{auto}}", username: "root" },
      contexts: {
        device: { type: "device", arch: "x86_64" },
        os: { type: "os", name: "Linux", version: "6.1.0", kernel_version: "#1 SMP" },
        runtime: { type: "runtime", name: "node", version: "20.0.0" },
      },
      sdk,
    });
  });

  it("rejects malformed key:value pairs and bad user IPs", () => {
    const base = { environment: "p", host, sdk, now: 1 };
    expect(() => buildEvent({ ...base, tags: ["x"] })).toThrow("invalid tag 'x': expected KEY:VALUE");
    expect(() => buildEvent({ ...base, extra: [":v"] })).toThrow("invalid extra ':v': the key is empty");
    expect(() => buildEvent({ ...base, user: ["ip_address:nope"] })).toThrow(
      "invalid user ip_address 'nope': not an IP address",
    );
  });

  it("puts environ among the extra keys in sorted order", () => {
    const ev = buildEvent({ extra: ["zz:1", "aa:2"], environ: { A: "1" }, environment: "p", host, sdk, now: 1 });
    expect(Object.keys(ev.extra as object)).toEqual(["aa", "environ", "zz"]);
  });
});

describe("completeFileEvent", () => {
  it("fills what the SDK fills and keeps the rest", () => {
    const ev = completeFileEvent(
      { message: "m", level: "info", tags: { a: "b" } },
      { host, now: 5, environment: "production", sdk },
    );
    expect(Object.keys(ev)).toEqual([
      "event_id",
      "level",
      "message",
      "platform",
      "timestamp",
      "server_name",
      "environment",
      "contexts",
      "tags",
      "sdk",
    ]);
    expect(ev).toMatchObject({
      level: "info",
      platform: "native",
      timestamp: 5,
      server_name: "vm",
      sdk: { ...sdk, integrations: ["contexts"] },
    });
  });

  it("rejects non-objects and bad event ids", () => {
    const o = { host, now: 5, environment: "production", sdk };
    expect(() => completeFileEvent([1], o)).toThrow("the event must be a JSON object");
    expect(() => completeFileEvent({ event_id: "x" }, o)).toThrow("event_id 'x' is not a UUID");
  });
});
