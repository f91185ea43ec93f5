import { describe, expect, it } from "vitest";
import { renderDeployList } from "../../../src/commands/deploys/render.js";
import { formatUtc, renderReleaseList } from "../../../src/commands/releases/render.js";
import { humanDuration, renderTable } from "../../../src/output/table.js";
import { runCli } from "../../support/runCli.js";
import { useServer } from "../../support/server.js";

const s = useServer();
const NOW = new Date("2024-05-03T12:00:00Z");

describe("deploys new", () => {
  it("sends nulls for absent fields, finishes now and prints the deploy", async () => {
    await runCli(["releases", "new", "d-1.0"], { env: s.env() });
    const r = await runCli(["deploys", "new", "-r", "d-1.0", "-e", "production"], {
      env: s.env(),
      overrides: { now: () => NOW, sleep: async () => {} },
    });
    expect(r).toMatchObject({ exitCode: 0, stdout: "Created new deploy unnamed for 'production'\n" });
    expect(s.server.requests.at(-1)!.json).toEqual({
      environment: "production",
      name: null,
      url: null,
      dateStarted: null,
      dateFinished: "2024-05-03T12:00:00Z",
    });
  });

  it("computes the start from -t and sends only explicit projects", async () => {
    const r = await runCli(
      [
        "deploys",
        "--release",
        "d-1.0",
        "new",
        "-e",
        "prod",
        "-t",
        "90",
        "-p",
        "frontend",
        "-u",
        "https://ci.example/1",
      ],
      {
        env: s.env(),
        overrides: { now: () => NOW, sleep: async () => {} },
      },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(s.server.requests.at(-1)!.json).toEqual({
      environment: "prod",
      name: null,
      url: "https://ci.example/1",
      dateStarted: "2024-05-03T11:58:30Z",
      dateFinished: "2024-05-03T12:00:00Z",
      projects: ["frontend"],
    });
  });

  it("prints the request with --dry-run and sends nothing", async () => {
    const before = s.server.requests.length;
    const r = await runCli(
      [
        "deploys",
        "new",
        "-r",
        "d-1.0",
        "-e",
        "prod",
        "-n",
        "n1",
        "--started",
        "2024-05-03T11:00:00+01:00",
        "--dry-run",
      ],
      {
        env: s.env(),
        overrides: { now: () => NOW, sleep: async () => {} },
      },
    );
    expect(r.stdout).toBe(
      '[dry-run] POST /api/0/organizations/acme/releases/d-1.0/deploys/ {"environment":"prod","name":"n1","url":null,"dateStarted":"2024-05-03T10:00:00Z","dateFinished":"2024-05-03T12:00:00Z"}\n',
    );
    expect(s.server.requests.length).toBe(before);
  });

  it("checks the environment and the release before any request", async () => {
    const before = s.server.requests.length;
    const long = await runCli(["deploys", "new", "-r", "d-1.0", "-e", "e".repeat(65)], { env: s.env() });
    expect(long.exitCode).toBe(1);
    expect(long.stderr).toContain("it is 65 characters long (at most 64)");
    const none = await runCli(["deploys", "new", "-e", "prod"], { env: s.env() });
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toMatch(/a release is required/);
    const badTime = await runCli(["deploys", "new", "-r", "d-1.0", "-e", "prod", "--started", "yesterday"], {
      env: s.env(),
    });
    expect(badTime.exitCode).toBe(2);
    expect(s.server.requests.length).toBe(before);
  });

  it.each([
    ["99999999999999999999", "invalid value '99999999999999999999' for --time: the number is too large"],
    ["9007199254740991", "invalid value '9007199254740991' for --time: the start would be outside the years 1 to 9999"],
    ["-999999999999", "invalid value '-999999999999' for --time: the start would be outside the years 1 to 9999"],
  ])("refuses -t %s as a usage error before any request", async (time, message) => {
    const before = s.server.requests.length;
    const r = await runCli(["deploys", "new", "-r", "d-1.0", "-e", "prod", "-t", time], { env: s.env() });
    expect(r).toMatchObject({ exitCode: 2, stdout: "", stderr: `error: ${message}\n` });
    expect(s.server.requests.length).toBe(before);
  });

  it("fails in one line when the release does not exist", async () => {
    const r = await runCli(["deploys", "new", "-r", "d-missing", "-e", "prod"], { env: s.env() });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("retries a 504 and honours a 429's Retry-After", async () => {
    s.server.faults.failNext("/api/0/organizations/acme/releases/d-1.0/deploys/", 504, 1, { method: "POST" });
    s.server.faults.failNext("/api/0/organizations/acme/releases/d-1.0/deploys/", 429, 1, {
      method: "POST",
      headers: { "Retry-After": "1" },
    });
    const r = await runCli(["deploys", "new", "-r", "d-1.0", "-e", "retry"], { env: s.env() });
    expect(r).toMatchObject({ exitCode: 0, stdout: "Created new deploy unnamed for 'retry'\n" });
  });
});

describe("deploys list", () => {
  it("prints the deploys as sentry-cli's table, and as JSON", async () => {
    const r = await runCli(["deploys", "list", "-r", "d-1.0"], { env: s.env() });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split("\n")[1]).toMatch(/^\| Environment \| Name +\| Finished +\|$/);
    const j = await runCli(["deploys", "list", "-r", "d-1.0", "--json"], { env: s.env() });
    expect(JSON.parse(j.stdout).deploys.map((d: { environment: string }) => d.environment)).toContain("production");
  });

  it("says when there are none", async () => {
    await runCli(["releases", "new", "d-2.0"], { env: s.env() });
    const r = await runCli(["deploys", "list"], { env: s.env({ SENTRY_RELEASE: "d-2.0" }) });
    expect(r).toMatchObject({ exitCode: 0, stdout: "No deploys found\n" });
  });
});

describe("render", () => {
  it("draws sentry-cli's table with multi-line cells", () => {
    expect(renderTable(["A", "Bb"], [["x\nyyy", "z"]])).toBe(
      ["+-----+----+", "| A   | Bb |", "+-----+----+", "| x   | z  |", "| yyy |    |", "+-----+----+"].join("\n"),
    );
  });

  it("formats durations and dates as sentry-cli", () => {
    expect(humanDuration(3600_000 * 22523 + 5000)).toBe("22523 hours");
    expect(humanDuration(3600_000)).toBe("1 hour");
    expect(humanDuration(90_000)).toBe("1 minute");
    expect(humanDuration(-5)).toBe("0 seconds");
    expect(formatUtc("2024-05-01T12:00:00Z")).toBe("2024-05-01 12:00:00 UTC");
    expect(formatUtc("2024-05-01T12:00:00.149Z")).toBe("2024-05-01 12:00:00.149 UTC");
  });

  it("renders the list and deploy tables of the wire notes", () => {
    const now = new Date("2024-05-03T12:00:00Z");
    expect(
      renderReleaseList(
        [
          { version: "1.0.0", dateReleased: "2024-05-02T12:00:00Z", newGroups: 3, lastEvent: "2024-05-03T10:00:00Z" },
          { version: "0.9.0", dateReleased: null, newGroups: 0, lastEvent: null },
        ],
        now,
        false,
      ),
    ).toBe(
      [
        "+--------------+---------+------------+-------------+",
        "| Released     | Version | New Events | Last Event  |",
        "+--------------+---------+------------+-------------+",
        "| 24 hours ago | 1.0.0   | 3          | 2 hours ago |",
        "| (unreleased) | 0.9.0   | 0          | -           |",
        "+--------------+---------+------------+-------------+",
      ].join("\n"),
    );
    expect(
      renderDeployList([{ environment: "production", name: null, dateFinished: "2024-05-03T12:00:00Z" }], now),
    ).toBe(
      [
        "+-------------+---------+-----------+",
        "| Environment | Name    | Finished  |",
        "+-------------+---------+-----------+",
        "| production  | unnamed | 0 seconds |",
        "+-------------+---------+-----------+",
      ].join("\n"),
    );
  });
});
