/**
 * `releases health` and `releases gate` against the embedded server with prepared session data:
 * the table and --json, and the gate's three outcomes with their exit codes (0 pass, 1 fail, 3 not
 * enough data), polling with --wait on an injected clock (no real sleeps).
 */
import { describe, expect, it } from "vitest";
import { judge, parseDurationArg, parsePercentArg } from "../../../src/commands/releases/health.js";
import { runCli } from "../../support/runCli.js";
import { useServer } from "../../support/server.js";
import { aggregates, sendItems, sessionLifecycle } from "../../support/sessions.js";

const s = useServer();

describe("releases health", () => {
  it("shows sessions, users and crash-free rates per environment, and the same as JSON", async () => {
    await sendItems(s.server, [
      aggregates("rh-1.0", [{ exited: 196, crashed: 4 }]),
      aggregates("rh-1.0", [{ exited: 50 }], "staging"),
      ...sessionLifecycle("rh-1.0", { sid: "9".repeat(32), did: "alice", status: "exited" }),
      ...sessionLifecycle("rh-1.0", { sid: "8".repeat(32), did: "bob", status: "crashed" }),
    ]);
    const r = await runCli(["releases", "health", "rh-1.0"], { env: s.env() });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        "Release rh-1.0, last 24h:",
        "+-------------+----------+-------+---------------------+------------------+",
        "| Environment | Sessions | Users | Crash-free sessions | Crash-free users |",
        "+-------------+----------+-------+---------------------+------------------+",
        "| production  | 202      | 2     | 97.52%              | 50.00%           |",
        "| staging     | 50       | 0     | 100.00%             | -                |",
        "| (all)       | 252      | 2     | 98.02%              | 50.00%           |",
        "+-------------+----------+-------+---------------------+------------------+",
        "",
      ].join("\n"),
    );
    const j = await runCli(["releases", "health", "rh-1.0", "-e", "staging", "--json"], { env: s.env() });
    expect(j.exitCode, j.stderr).toBe(0);
    expect(JSON.parse(j.stdout)).toEqual({
      ok: true,
      version: "rh-1.0",
      period: "24h",
      sessions: 50,
      users: 0,
      crashFreeSessions: 100,
      crashFreeUsers: null,
      environments: [{ environment: "staging", sessions: 50, users: 0, crashFreeSessions: 100, crashFreeUsers: null }],
    });
  });

  it("says so when a release has no sessions", async () => {
    const r = await runCli(["releases", "health", "rh-none"], { env: s.env() });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe("Release rh-none, last 24h: no sessions.\n");
  });
});

describe("releases gate", () => {
  it("passes (exit 0) when every figure meets its threshold", async () => {
    await sendItems(s.server, [aggregates("rg-good", [{ exited: 995, crashed: 5 }])]);
    const r = await runCli(
      ["releases", "gate", "rg-good", "--min-crash-free-sessions", "99.5", "--min-sessions", "100"],
      { env: s.env() },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      "PASS: release rg-good (all environments, last 24h): sessions 1000 >= 100, crash-free sessions 99.50% >= 99.50%\n",
    );
  });

  it("fails (exit 1) with the figures against the thresholds", async () => {
    await sendItems(s.server, [aggregates("rg-bad", [{ exited: 97, crashed: 3 }])]);
    const r = await runCli(["releases", "gate", "rg-bad", "--min-crash-free-sessions", "99%", "-e", "production"], {
      env: s.env(),
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe(
      "FAIL: release rg-bad (production, last 24h): sessions 100 >= 1, crash-free sessions 97.00% < 99.00%\n",
    );
    const j = await runCli(["releases", "gate", "rg-bad", "--min-crash-free-sessions", "99", "--json"], {
      env: s.env(),
    });
    expect(j.exitCode).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, verdict: "fail", figures: { crashFreeSessions: 97 } });
  });

  it("reports not enough data (exit 3) — never a pass — without sessions, below --min-sessions, or without users", async () => {
    const none = await runCli(["releases", "gate", "rg-none", "--min-crash-free-sessions", "99"], { env: s.env() });
    expect(none.exitCode).toBe(3);
    expect(none.stdout).toBe(
      "NOT ENOUGH DATA: release rg-none (all environments, last 24h): sessions 0 < 1, crash-free sessions no data ? 99.00%\n",
    );
    const few = await runCli(
      ["releases", "gate", "rg-good", "--min-crash-free-sessions", "90", "--min-sessions", "5000"],
      { env: s.env() },
    );
    expect(few.exitCode).toBe(3);
    const noUsers = await runCli(["releases", "gate", "rg-good", "--min-crash-free-users", "90"], { env: s.env() });
    expect(noUsers.exitCode).toBe(3);
    expect(noUsers.stdout).toContain("crash-free users no data ? 90.00%");
  });

  it("with --wait polls until enough data arrives, on an injected clock", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    let sleeps = 0;
    const overrides = {
      now: () => new Date(now),
      sleep: async (ms: number) => {
        sleeps += 1;
        now += ms;
        // Traffic arrives while the gate waits: enough after the second wait.
        if (sleeps === 2) await sendItems(s.server, [aggregates("rg-wait", [{ exited: 500 }])]);
      },
    };
    const r = await runCli(
      [
        "releases",
        "gate",
        "rg-wait",
        "--min-crash-free-sessions",
        "99",
        "--min-sessions",
        "100",
        "--wait",
        "10m",
        "--interval",
        "2m",
        "--json",
      ],
      { env: s.env(), overrides },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(sleeps).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: "pass", polls: 3 });
    expect(r.stderr).toContain("Not enough data yet for rg-wait (0 sessions); checking again in 120s.");
  });

  it("gives up with not enough data when --wait runs out", async () => {
    let now = 0;
    let sleeps = 0;
    const r = await runCli(
      ["releases", "gate", "rg-never", "--min-sessions", "1", "--wait", "5m", "--interval", "1m"],
      {
        env: s.env(),
        overrides: {
          now: () => new Date(now),
          sleep: async (ms: number) => {
            sleeps += 1;
            now += ms;
          },
        },
      },
    );
    expect(r.exitCode).toBe(3);
    expect(sleeps).toBe(5);
  });

  it("refuses a gate without a threshold, and bad values", async () => {
    const a = await runCli(["releases", "gate", "rg-good"], { env: s.env() });
    expect(a.exitCode).toBe(2);
    expect(a.stderr).toContain("releases gate needs a threshold");
    const b = await runCli(["releases", "gate", "rg-good", "--min-crash-free-users", "101"], { env: s.env() });
    expect(b.exitCode).toBe(2);
    expect(() => parseDurationArg("--wait", "soon")).toThrow(/expected a duration/);
    expect(parseDurationArg("--wait", "90")).toBe(90_000);
    expect(parsePercentArg("--x", "99.9%")).toBe(99.9);
    expect(
      judge(
        { sessions: 10, users: 0, crashFreeSessions: 100, crashFreeUsers: null },
        {
          version: "v",
          minCrashFreeSessions: 99,
        },
      ).verdict,
    ).toBe("pass");
  });
});
