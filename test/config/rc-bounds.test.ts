/** rc files are read with a bound: a huge file or a huge line is a one-line config error. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseIniText } from "../../src/config/files.js";
import { runCli, tempDir } from "../support/runCli.js";

describe("rc file bounds", () => {
  it("refuses a line over 64 KiB, naming the file and the line without quoting it", () => {
    expect(() => parseIniText("/x/.sentryclirc", `[defaults]\norg = ${"x".repeat(70_000)}\n`)).toThrow(
      /^\/x\/\.sentryclirc:2: line too long \(70006 characters; at most 65536 per line\)$/,
    );
  });

  it("refuses a file over 1 MiB before reading it, with --json kind config", async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, ".sentryclirc"), `[defaults]\norg = ${"x".repeat(2 * 1024 * 1024)}\n`);
    const r = await runCli(["info", "--json"], { cwd, env: { HOME: tempDir() } });
    expect(r.exitCode).toBe(1);
    const doc = JSON.parse(r.stdout) as { error: { kind: string; message: string } };
    expect(doc.error.kind).toBe("config");
    expect(doc.error.message).toMatch(
      /\.sentryclirc is too large \(2097170 bytes; a config file may have at most 1048576\)/,
    );
    expect(r.stdout.length).toBeLessThan(1000);
  });
});
