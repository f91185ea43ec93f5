/**
 * Two `send-envelope` runs over one spool folder at the same time: each spooled envelope is claimed
 * (renamed) by exactly one of them before it is sent, so the server receives every envelope once.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeSpoolFile } from "../../src/events/spool.js";
import { tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin", "sentry-ship.js");

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    p.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    p.on("exit", (code) => resolve({ code, stderr }));
  });
}

describe("send-envelope over one spool folder from two runs at once", () => {
  const s = useServer();

  it("sends every spooled envelope exactly once", async () => {
    const spool = tempDir("ship-spool-race-");
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const id = randomBytes(16).toString("hex");
      ids.push(id);
      const body = Buffer.from(
        `{"event_id":"${id}"}\n{"type":"event"}\n{"event_id":"${id}","message":"spooled ${i}","level":"info"}\n`,
      );
      writeSpoolFile(spool, body, { now: new Date(), eventId: id });
    }
    const before = s.server.state.events.length;
    const env = { PATH: process.env.PATH ?? "", HOME: tempDir(), SENTRY_LOAD_DOTENV: "0" };
    const args = ["send-envelope", join(spool, "*.envelope"), "--spool-dir", spool, "--dsn", s.server.dsn];
    const runs = await Promise.all([run(args, env), run(args, env)]);
    // A run that starts after the other has claimed every file finds none left to match: that
    // one-line error is the only failure allowed, and at most one run may have it.
    const late = runs.filter((r) => r.code !== 0);
    expect(late.length).toBeLessThan(2);
    for (const r of late) expect(r.stderr.trim()).toMatch(/^error: no files match '[^']+'$/);
    expect(runs.filter((r) => r.code === 0).map((r) => r.stderr)).not.toContainEqual(expect.stringMatching(/error/i));
    const received = s.server.state.events.slice(before).map((e) => e.id);
    expect(received.length).toBe(40);
    expect(new Set(received)).toEqual(new Set(ids));
    expect(readdirSync(spool)).toEqual([]);
  });
});
