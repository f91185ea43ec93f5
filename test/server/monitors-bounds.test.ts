/**
 * What check-ins can make `serve` keep is bounded: a client holding the (public) DSN key can send
 * check-ins without end, and neither memory nor monitors.json may grow with them. The newest
 * check-ins are kept, an organization has at most Sentry's number of monitors (further ones are
 * dropped with Sentry's reason), and the list of dropped items keeps the newest.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { authHeader, parseDsn } from "../../src/domain/dsn.js";
import { type SentryServer, startServer } from "../../src/server/index.js";
import { DEFAULT_LIMITS } from "../../src/server/limits.js";
import { tempDir } from "../support/runCli.js";

async function checkIn(server: SentryServer, slug: string, config = true): Promise<string> {
  const d = parseDsn(server.dsn);
  const id = randomUUID().replace(/-/g, "");
  const payload = JSON.stringify({
    check_in_id: id,
    monitor_slug: slug,
    status: "ok",
    ...(config ? { monitor_config: { schedule: { type: "crontab", value: "0 * * * *" } } } : {}),
  });
  const body = `{}\n{"type":"check_in","length":${Buffer.byteLength(payload)}}\n${payload}\n`;
  const res = await fetch(`${server.url}/api/${d.projectId}/envelope/`, {
    method: "POST",
    body,
    headers: { "X-Sentry-Auth": authHeader(d, "test/1", 1) },
  });
  await res.arrayBuffer();
  expect(res.status).toBe(200);
  return id;
}

describe("serve: bounds on check-ins and monitors", () => {
  it("has defaults: 10,000 check-ins, Sentry's 10,000 monitors per organization, 1,000 dropped items", () => {
    expect(DEFAULT_LIMITS.recordedCheckIns).toBe(10_000);
    expect(DEFAULT_LIMITS.monitorsPerOrg).toBe(10_000);
    expect(DEFAULT_LIMITS.recordedDrops).toBe(1_000);
  });

  it("keeps the newest check-ins, refuses monitors past the limit, and keeps the newest drops", async () => {
    const dataDir = tempDir("ship-monitors-bounds-");
    const server = await startServer({ dataDir, limits: { recordedCheckIns: 3, monitorsPerOrg: 2, recordedDrops: 2 } });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await checkIn(server, "nightly"));
      expect(server.state.checkIns.map((c) => c.id.replace(/-/g, ""))).toEqual(ids.slice(2));
      const file = JSON.parse(readFileSync(join(dataDir, "monitors.json"), "utf8"));
      expect(file.checkIns).toHaveLength(3);

      await checkIn(server, "hourly");
      await checkIn(server, "third");
      expect(server.state.monitors.map((m) => m.slug)).toEqual(["nightly", "hourly"]);
      expect(server.state.dropped.at(-1)!.reason).toBe("You may not exceed 2 monitors per organization");

      await checkIn(server, "unknown-1", false);
      await checkIn(server, "unknown-2", false);
      expect(server.state.dropped.map((d) => d.reason)).toEqual([
        "monitor 'unknown-1' does not exist and the check-in has no monitor_config",
        "monitor 'unknown-2' does not exist and the check-in has no monitor_config",
      ]);
    } finally {
      await server.close();
    }
  });
});
