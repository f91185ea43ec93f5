/**
 * End to end: the built CLI's `monitors run` as a cron job or Jenkins runs it — a SIGTERM sent to
 * sentry-ship reaches the job, whose own exit code is kept, and the check-in says error.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";

const bin = join(import.meta.dirname, "..", "..", "bin", "sentry-ship.js");
const s = useServer();

describe("monitors run (spawned)", () => {
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    it(`passes ${sig} on to the job and exits with the job's code`, async () => {
      const before = s.server.state.events.length;
      const proc = spawn(
        process.execPath,
        [
          bin,
          "monitors",
          "run",
          "-s",
          "* * * * *",
          `signals-${sig.toLowerCase()}`,
          "--",
          "sh",
          "-c",
          `trap 'echo got-${sig}; exit 42' ${sig.slice(3)}; echo ready; while :; do sleep 0.05; done`,
        ],
        {
          env: { PATH: process.env.PATH, HOME: tempDir(), SENTRY_DSN: s.server.dsn, SENTRY_DISABLE_UPDATE_CHECK: "1" },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let out = "";
      await new Promise<void>((resolve) => {
        proc.stdout!.on("data", (c: Buffer) => {
          out += c.toString();
          if (out.includes("ready")) resolve();
        });
      });
      proc.kill(sig);
      const code = await new Promise<number | null>((r) => proc.on("close", (c) => r(c)));
      expect(out).toContain(`got-${sig}`);
      expect(code).toBe(42);
      const statuses = s.server.state.events
        .slice(before)
        .flatMap((e) => e.items)
        .map((i) => (i.payload as { status?: string }).status);
      expect(statuses).toEqual(["in_progress", "error"]);
    });
  }
});
