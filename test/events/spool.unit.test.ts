import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  claimSpoolFile,
  defaultSpoolDir,
  isInSpool,
  reclaimAbandoned,
  releaseSpoolClaim,
  writeSpoolFile,
} from "../../src/events/spool.js";
import { tempDir } from "../support/runCli.js";

describe("spool", () => {
  it("defaults to the user cache directory", () => {
    expect(defaultSpoolDir({ XDG_CACHE_HOME: "/c" }, "/home/u")).toBe("/c/sentry-ship/spool");
    expect(defaultSpoolDir({}, "/home/u")).toBe("/home/u/.cache/sentry-ship/spool");
    expect(defaultSpoolDir({ XDG_CACHE_HOME: "relative" }, "/home/u")).toBe("/home/u/.cache/sentry-ship/spool");
  });

  it("writes the envelope atomically under a name with time and event id, leaving no temp file", () => {
    const dir = join(tempDir(), "spool");
    const file = writeSpoolFile(dir, Buffer.from("abc"), {
      now: new Date("2026-01-02T03:04:05.678Z"),
      eventId: "9ec79c33-ec99-42ab-8353-589fcb2e04dc",
    });
    expect(file).toBe(join(dir, "20260102T030405Z-9ec79c33ec9942ab8353589fcb2e04dc.envelope"));
    expect(readFileSync(file, "utf8")).toBe("abc");
    expect(readdirSync(dir)).toEqual(["20260102T030405Z-9ec79c33ec9942ab8353589fcb2e04dc.envelope"]);
  });

  it("knows which files are in the spool", () => {
    expect(isInSpool("/a/spool/x.envelope", "/a/spool")).toBe(true);
    expect(isInSpool("/a/other/x.envelope", "/a/spool")).toBe(false);
    expect(isInSpool("/a/spool", "/a/spool")).toBe(false);
  });

  it("claims a file once, gives it back on failure, and recovers claims of runs that ended", () => {
    const dir = tempDir();
    const file = writeSpoolFile(dir, Buffer.from("e"), { now: new Date(0), eventId: "a".repeat(32) });
    const claimed = claimSpoolFile(file)!;
    expect(claimed).toMatch(/\/\.19700101T000000Z-a{32}\.envelope\.sending-\d+-[0-9a-f]{8}$/);
    expect(claimSpoolFile(file)).toBeUndefined();
    releaseSpoolClaim(claimed, file);
    expect(readdirSync(dir)).toEqual(["19700101T000000Z-" + "a".repeat(32) + ".envelope"]);
    // A claim by this (live) process stays; one by a process that has exited comes back.
    claimSpoolFile(file);
    expect(reclaimAbandoned(dir)).toEqual([]);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    writeFileSync(join(dir, `.x.envelope.sending-${dead}-0badc0de`), "y");
    expect(reclaimAbandoned(dir)).toEqual(["x.envelope"]);
    expect(readFileSync(join(dir, "x.envelope"), "utf8")).toBe("y");
  });
});
