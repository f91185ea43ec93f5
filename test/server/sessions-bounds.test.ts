/**
 * What release-health items can make `serve` keep is bounded: a client holding the (public) DSN key
 * can send sessions for new release names, session ids and user ids without end, and neither memory
 * nor sessions.json may grow with them. The newest buckets are kept, as the newest check-ins are.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startServer } from "../../src/server/index.js";
import { DEFAULT_LIMITS } from "../../src/server/limits.js";
import { tempDir } from "../support/runCli.js";
import { aggregates, sendItems } from "../support/sessions.js";

describe("serve: bounds on release health", () => {
  it("has defaults: 10,000 buckets, 100,000 session ids and 100,000 user ids", () => {
    expect(DEFAULT_LIMITS.sessionBuckets).toBe(10_000);
    expect(DEFAULT_LIMITS.sessionIds).toBe(100_000);
    expect(DEFAULT_LIMITS.sessionUsers).toBe(100_000);
  });

  it("keeps the newest buckets when new release names keep coming, in memory and sessions.json", async () => {
    const dataDir = tempDir("ship-sessions-bounds-");
    const server = await startServer({ dataDir, limits: { sessionBuckets: 3 } });
    try {
      for (let i = 1; i <= 5; i++) {
        expect((await sendItems(server, [aggregates(`app@${i}`, [{ exited: 1 }])])).status).toBe(200);
      }
      expect(server.state.sessionBuckets.map((b) => b.release)).toEqual(["app@3", "app@4", "app@5"]);
      const file = JSON.parse(readFileSync(join(dataDir, "sessions.json"), "utf8")) as Array<{ release: string }>;
      expect(file.map((b) => b.release)).toEqual(["app@3", "app@4", "app@5"]);
    } finally {
      await server.close();
    }
  });

  it("remembers a bounded number of session ids and user ids", async () => {
    const server = await startServer({ limits: { sessionIds: 2, sessionUsers: 3 } });
    try {
      const started = new Date(Date.now() - 60_000).toISOString();
      for (let i = 0; i < 5; i++) {
        const payload = {
          sid: `${i}`.repeat(32),
          did: `user-${i}-${"x".repeat(200)}`,
          init: true,
          started,
          status: "ok",
          attrs: { release: "app@1" },
        };
        expect((await sendItems(server, [{ type: "session", payload }])).status).toBe(200);
      }
      expect([...server.state.sessionStates.keys()].map((k) => k.split(":")[1]![0])).toEqual(["3", "4"]);
      const [bucket] = server.state.sessionBuckets;
      expect(bucket!.sessions).toBe(5);
      // A bucket past the bound takes no more user ids, and a long id is kept as its hash.
      expect(bucket!.users).toHaveLength(3);
      expect(bucket!.users.every((u) => /^[0-9a-f]{40}$/.test(u))).toBe(true);
    } finally {
      await server.close();
    }
  });
});
