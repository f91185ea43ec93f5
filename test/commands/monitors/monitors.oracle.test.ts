/**
 * Oracle: the real sentry-cli 3.8 `monitors run` against the embedded server is accepted (monitor
 * upserted, check-in completed), and the same command line through sentry-ship sends envelopes with
 * the same items, item headers and payload fields in the same order — check-in id and duration
 * aside. `monitors list` of both tools reads the same API.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "../../support/runCli.js";
import { runSentryCli } from "../../support/sentryCli.js";
import { sentryCliEnv, useServer } from "../../support/server.js";

const s = useServer();

type Item = { header: Record<string, unknown>; payload: Record<string, unknown> };

function checkInEnvelopes(from: number): Array<{ header: Record<string, unknown>; items: Item[] }> {
  return s.server.state.events.slice(from).map((e) => ({
    header: e.envelopeHeader,
    items: e.items.map((i) => ({ header: i.header, payload: i.payload as Record<string, unknown> })),
  }));
}

/** Replace what differs by nature (ids, durations, lengths that follow from them) with markers. */
function comparable(envs: ReturnType<typeof checkInEnvelopes>) {
  return envs.map((e) => ({
    header: e.header,
    items: e.items.map((i) => ({
      header: { ...i.header, length: typeof i.header.length },
      payload: {
        ...i.payload,
        check_in_id: /^[0-9a-f]{32}$/.test(String(i.payload.check_in_id)) ? "<32 hex>" : i.payload.check_in_id,
        ...(i.payload.duration !== undefined ? { duration: typeof i.payload.duration } : {}),
      },
      keys: Object.keys(i.payload),
    })),
  }));
}

const ARGS = [
  "monitors",
  "run",
  "-s",
  "30 2 * * *",
  "--check-in-margin",
  "3",
  "--max-runtime",
  "20",
  "--timezone",
  "America/New_York",
  "--failure-issue-threshold",
  "1",
  "--recovery-threshold",
  "2",
  "-e",
  "ci",
];

describe("monitors run against sentry-cli 3.8", () => {
  for (const [label, cmd, exit] of [
    ["a failing job", ["sh", "-c", "exit 4"], 4],
    ["a succeeding job", ["true"], 0],
  ] as const) {
    it(`sends what sentry-cli sends for ${label}, and the server accepts both`, async () => {
      const slugCli = `cli-${exit}`;
      const slugShip = `ship-${exit}`;
      const a = s.server.state.events.length;
      const cli = await runSentryCli([...ARGS, slugCli, "--", ...cmd], {
        env: sentryCliEnv(s.server, { SENTRY_DSN: s.server.dsn }),
      });
      expect(cli.exitCode, cli.stderr).toBe(exit);
      const b = s.server.state.events.length;
      const ship = await runCli([...ARGS, slugShip, "--", ...cmd], { env: s.env({ SENTRY_DSN: s.server.dsn }) });
      expect(ship.exitCode, ship.stderr).toBe(exit);
      const fromCli = checkInEnvelopes(a).slice(0, b - a);
      const fromShip = checkInEnvelopes(b);
      expect(fromCli).toHaveLength(2);
      const rename = (x: ReturnType<typeof comparable>) =>
        JSON.parse(JSON.stringify(x).replaceAll(slugCli, "<slug>").replaceAll(slugShip, "<slug>"));
      expect(rename(comparable(fromShip))).toEqual(rename(comparable(fromCli)));

      // Both were processed the same way.
      for (const slug of [slugCli, slugShip]) {
        const m = s.server.state.monitors.find((x) => x.slug === slug)!;
        expect(m.config.schedule).toEqual({ type: "crontab", value: "30 2 * * *" });
        const cis = s.server.state.checkIns.filter((c) => c.monitorId === m.id);
        expect(cis.map((c) => c.status)).toEqual([exit === 0 ? "ok" : "error"]);
      }
    });
  }

  it("monitors list: sentry-cli reads the server's monitors API, and so do we", async () => {
    const cli = await runSentryCli(["monitors", "list"], { env: sentryCliEnv(s.server) });
    expect(cli.exitCode, cli.stderr).toBe(0);
    const ship = await runCli(["monitors", "list"], { env: s.env() });
    expect(ship.exitCode, ship.stderr).toBe(0);
    for (const slug of ["cli-4", "ship-4", "cli-0", "ship-0"]) {
      expect(cli.stdout).toContain(slug);
      expect(ship.stdout).toContain(slug);
    }
  });
});
