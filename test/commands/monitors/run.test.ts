/**
 * `monitors run` against the embedded server: the two check-ins, the monitor upserted from the
 * schedule and listed through the organization monitors API, the child's exit code and
 * environment, and what happens when Sentry cannot be reached (the job still runs, its exit code
 * is kept, little time is added, the check-ins are spooled and can be resent).
 */
import { readdirSync } from "node:fs";
import { createServer as createNetServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../../src/server/index.js";
import { runCli, tempDir } from "../../support/runCli.js";
import { useServer } from "../../support/server.js";

const s = useServer();

function checkInItems(fromSeq = 0) {
  return s.server.state.events
    .slice(fromSeq)
    .flatMap((e) => e.items)
    .filter((i) => i.header.type === "check_in")
    .map((i) => ({ header: i.header, payload: i.payload as Record<string, unknown> }));
}

async function apiGet(path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${s.server.url}/api/0/${path}`, { headers: { authorization: `Bearer ${s.server.token}` } });
  return { status: res.status, body: await res.json() };
}

describe("monitors run", () => {
  it("sends in_progress with the schedule, runs the job, then error with its duration, and keeps its exit code", async () => {
    const before = s.server.state.events.length;
    const r = await runCli(
      [
        "monitors",
        "run",
        "-s",
        "*/5 * * * *",
        "--check-in-margin",
        "5",
        "--max-runtime",
        "10",
        "--timezone",
        "Europe/Vienna",
        "--failure-issue-threshold",
        "2",
        "--recovery-threshold",
        "3",
        "-e",
        "staging",
        "nightly-report",
        "--",
        "sh",
        "-c",
        'echo "slug=$SENTRY_MONITOR_SLUG"; sleep 0.3; exit 3',
      ],
      { env: s.env({ SENTRY_DSN: s.server.dsn }) },
    );
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stdout).toBe("slug=nightly-report\n");
    expect(r.stderr).toBe("");
    const items = checkInItems(before);
    expect(items).toHaveLength(2);
    const [first, last] = items as [(typeof items)[0], (typeof items)[0]];
    expect(first.payload).toEqual({
      check_in_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      monitor_slug: "nightly-report",
      status: "in_progress",
      environment: "staging",
      monitor_config: {
        schedule: { type: "crontab", value: "*/5 * * * *" },
        checkin_margin: 5,
        max_runtime: 10,
        timezone: "Europe/Vienna",
        failure_issue_threshold: 2,
        recovery_threshold: 3,
      },
    });
    expect(Object.keys(last.payload)).toEqual(["check_in_id", "monitor_slug", "status", "environment", "duration"]);
    expect(last.payload.check_in_id).toBe(first.payload.check_in_id);
    expect(last.payload.status).toBe("error");
    expect(last.payload.duration).toBeGreaterThanOrEqual(0.3);
    expect(last.payload.duration).toBeLessThan(5);
    expect(first.header).toEqual({ type: "check_in", length: expect.any(Number) });

    // Stored: one monitor, one check-in completed in place.
    const monitor = s.server.state.monitors.find((m) => m.slug === "nightly-report")!;
    const checkIns = s.server.state.checkIns.filter((c) => c.monitorId === monitor.id);
    expect(checkIns).toHaveLength(1);
    expect(checkIns[0]).toMatchObject({ status: "error", environment: "staging" });
    expect(checkIns[0]!.duration).toBeGreaterThanOrEqual(300);

    // …and served as Sentry serves them.
    const list = await apiGet("organizations/acme/monitors/");
    expect(list.status).toBe(200);
    const m = (list.body as Array<Record<string, unknown>>).find((x) => x.slug === "nightly-report")!;
    expect(m).toMatchObject({
      slug: "nightly-report",
      status: "active",
      config: {
        schedule_type: "crontab",
        schedule: "*/5 * * * *",
        checkin_margin: 5,
        max_runtime: 10,
        timezone: "Europe/Vienna",
        failure_issue_threshold: 2,
        recovery_threshold: 3,
      },
      project: { slug: "frontend" },
      environments: [{ name: "staging", status: "error" }],
    });
    const cis = await apiGet("organizations/acme/monitors/nightly-report/checkins/");
    expect(cis.status).toBe(200);
    expect(cis.body).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/^[0-9a-f]{8}-/),
        status: "error",
        environment: "staging",
        duration: checkIns[0]!.duration,
      }),
    ]);
    const listed = await runCli(["monitors", "list"], { env: s.env() });
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(listed.stdout).toContain("| nightly-report | frontend | */5 * * * * | staging: error |");
  });

  it("without a schedule sends no monitor_config; the next run of an existing monitor completes ok", async () => {
    const before = s.server.state.events.length;
    const r = await runCli(["monitors", "run", "nightly-report", "-e", "staging", "--", "true"], {
      env: s.env({ SENTRY_DSN: s.server.dsn }),
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const items = checkInItems(before);
    expect(items.map((i) => i.payload.status)).toEqual(["in_progress", "ok"]);
    expect(items[0]!.payload.monitor_config).toBeUndefined();
    const cis = await apiGet("organizations/acme/monitors/nightly-report/checkins/");
    expect((cis.body as Array<{ status: string }>).map((c) => c.status)).toEqual(["ok", "error"]);
  });

  it("a check-in for a monitor that does not exist, without a schedule, is accepted over HTTP but dropped (as Sentry does)", async () => {
    const r = await runCli(["monitors", "run", "never-configured", "--", "true"], {
      env: s.env({ SENTRY_DSN: s.server.dsn }),
    });
    expect(r.exitCode).toBe(0);
    expect(s.server.state.monitors.some((m) => m.slug === "never-configured")).toBe(false);
    expect(s.server.state.dropped.at(-1)?.reason).toMatch(/monitor 'never-configured' does not exist/);
    const got = await apiGet("organizations/acme/monitors/never-configured/checkins/");
    expect(got.status).toBe(404);
  });

  it("refuses schedule options without --schedule, a bad crontab and a missing command, before running anything", async () => {
    const a = await runCli(["monitors", "run", "x", "--check-in-margin", "5", "--", "true"], {
      env: s.env({ SENTRY_DSN: s.server.dsn }),
    });
    expect(a.exitCode).toBe(2);
    expect(a.stderr).toContain("the argument '--check-in-margin <checkin_margin>' requires '--schedule <schedule>'");
    const b = await runCli(["monitors", "run", "x", "-s", "every day", "--", "true"], {
      env: s.env({ SENTRY_DSN: s.server.dsn }),
    });
    expect(b.exitCode).toBe(2);
    expect(b.stderr).toContain("is not a crontab");
    const c = await runCli(["monitors", "run", "x"], { env: s.env({ SENTRY_DSN: s.server.dsn }) });
    expect(c.exitCode).toBe(2);
  });

  it("refuses a time zone that is not in the tz database before running anything, as sentry-cli does", async () => {
    const before = s.server.requests.length;
    const r = await runCli(["monitors", "run", "x", "-s", "0 3 * * *", "--timezone", "Mars/Base", "--", "false"], {
      env: s.env({ SENTRY_DSN: s.server.dsn }),
    });
    expect(r).toMatchObject({
      exitCode: 2,
      stdout: "",
      stderr: "error: invalid value 'Mars/Base' for '--timezone <timezone>': 'Mars/Base' is not a valid timezone\n",
    });
    expect(s.server.requests.length).toBe(before);
    const miscased = await runCli(
      ["monitors", "run", "x", "-s", "0 3 * * *", "--timezone", "europe/berlin", "--", "true"],
      {
        env: s.env({ SENTRY_DSN: s.server.dsn }),
      },
    );
    expect(miscased.exitCode).toBe(2);
    expect(s.server.requests.length).toBe(before);
  });

  it.each([
    ["--check-in-margin", "0", "--check-in-margin <checkin_margin>"],
    ["--max-runtime", "-1", "--max-runtime <max_runtime>"],
    ["--failure-issue-threshold", "-3", "--failure-issue-threshold <failure_issue_threshold>"],
    ["--recovery-threshold", "0", "--recovery-threshold <recovery_threshold>"],
  ])("refuses %s %s (Sentry takes 1 or more) before running anything", async (flag, value, named) => {
    const before = s.server.requests.length;
    const r = await runCli(["monitors", "run", "x", "-s", "0 3 * * *", `${flag}=${value}`, "--", "true"], {
      env: s.env({ SENTRY_DSN: s.server.dsn }),
    });
    expect(r).toMatchObject({
      exitCode: 2,
      stderr: `error: invalid value '${value}' for '${named}': expected a whole number, 1 or more\n`,
    });
    expect(s.server.requests.length).toBe(before);
  });

  it("passes a command that cannot start on as exit code 127 with an error check-in", async () => {
    const before = s.server.state.events.length;
    const r = await runCli(["monitors", "run", "nightly-report", "--", "no-such-command-here"], {
      env: s.env({ SENTRY_DSN: s.server.dsn }),
    });
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toContain("could not run the command: no-such-command-here: ENOENT");
    expect(checkInItems(before).map((i) => i.payload.status)).toEqual(["in_progress", "error"]);
  });
});

describe("monitors run when Sentry cannot be reached", () => {
  let closedPort: number;
  let silent: Server;
  let silentPort: number;
  beforeAll(async () => {
    const tmp = await startServer();
    closedPort = tmp.port;
    await tmp.close();
    // Accepts connections and never answers.
    silent = createNetServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(() => {
    silent.close();
  });

  for (const kind of ["refused", "silent"] as const) {
    it(`still runs the job, keeps its exit code, adds little time and spools both check-ins (${kind})`, async () => {
      const port = kind === "refused" ? closedPort : silentPort;
      const dsn = `http://${"a".repeat(32)}@127.0.0.1:${port}/1`;
      const spool = tempDir("ship-spool-");
      const t0 = performance.now();
      const r = await runCli(
        ["monitors", "run", "-s", "0 * * * *", "hourly", "--spool-dir", spool, "--", "sh", "-c", "echo ran; exit 5"],
        { env: s.env({ SENTRY_DSN: dsn }), overrides: {} },
      );
      const elapsed = performance.now() - t0;
      expect(r.exitCode).toBe(5);
      expect(r.stdout).toBe("ran\n");
      expect(elapsed).toBeLessThan(5000);
      expect(r.stderr).toMatch(/could not send the in_progress check-in of monitor 'hourly'/);
      expect(r.stderr).toMatch(/could not send the error check-in of monitor 'hourly'/);
      const files = readdirSync(spool).filter((f) => f.endsWith(".envelope"));
      expect(files).toHaveLength(2);

      // Resent later, in order, they land as one completed check-in.
      const sorted = files.sort();
      for (const f of sorted) {
        const sent = await runCli(["send-envelope", join(spool, f), "--dsn", s.server.dsn], { env: s.env() });
        expect(sent.exitCode, sent.stderr).toBe(0);
      }
      const monitor = s.server.state.monitors.find((m) => m.slug === "hourly")!;
      const stored = s.server.state.checkIns.filter((c) => c.monitorId === monitor.id);
      expect(stored.at(-1)).toMatchObject({ status: "error" });
    });
  }
});
