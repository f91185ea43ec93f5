import { describe, expect, it } from "vitest";
import { VERSION } from "../src/version.js";
import { runCli } from "./support/runCli.js";

describe("cli", () => {
  it("prints the version", async () => {
    const r = await runCli(["--version"]);
    expect(r).toMatchObject({ exitCode: 0, stdout: `sentry-ship ${VERSION}\n` });
  });

  it("prints help with every command group", async () => {
    const r = await runCli(["--help"]);
    expect(r.exitCode).toBe(0);
    for (const g of ["info", "login", "serve", "releases", "deploys", "sourcemaps", "send-event", "send-envelope"]) {
      expect(r.stdout).toContain(g);
    }
  });

  it("rejects an unknown flag with one line and exit code 2", async () => {
    const r = await runCli(["--bogus"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual(["error: unknown option '--bogus'"]);
    expect(r.stdout).toBe("");
  });

  it.each(["releases", "deploys", "monitors", "sourcemaps"])(
    "treats %s without a subcommand as a usage error (exit 2, help on stderr), as sentry-cli does",
    async (group) => {
      const r = await runCli([group]);
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(`Usage: sentry-ship ${group} [options] [command]`);
      const j = await runCli(["--json", group]);
      expect(j.exitCode).toBe(2);
      expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, error: { kind: "usage" } });
    },
  );

  it("still exits 0 for asked-for help on a group", async () => {
    expect((await runCli(["releases", "--help"])).exitCode).toBe(0);
    expect((await runCli(["help", "releases"])).exitCode).toBe(0);
  });

  it("reports a usage error as one JSON document with --json", async () => {
    const r = await runCli(["--json", "no-such-command"]);
    expect(r.exitCode).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: false, error: { kind: "usage" } });
  });
});

describe("firstCommand", () => {
  it("finds the command after root options and their values", async () => {
    const { firstCommand, rootProgram } = await import("../src/cli.js");
    const root = await rootProgram();
    expect(firstCommand(["--url", "http://x/", "--json", "releases", "new", "1"], root)).toBe("releases");
    expect(firstCommand(["--log-level", "debug", "send-event", "-m", "x"], root)).toBe("send-event");
    expect(firstCommand(["--help"], root)).toBeUndefined();
  });

  it("still runs a group when root options come first", async () => {
    const r = await runCli(["--log-level", "error", "releases", "--help"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("set-commits");
  });
});
