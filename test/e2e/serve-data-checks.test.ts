/** `serve --data` is checked at start: a folder that cannot be used, or a damaged data file, is one line naming it. */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/runCli.js";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin", "sentry-ship.js");

function serve(data: string, json = false) {
  return spawnSync(process.execPath, [bin, ...(json ? ["--json"] : []), "serve", "--port", "0", "--data", data], {
    env: { PATH: process.env.PATH, HOME: tempDir() },
    encoding: "utf8",
    timeout: 20_000,
  });
}

describe("sentry-ship serve --data, checked at start (spawned)", () => {
  it("refuses a file given as the data folder in one line", () => {
    const f = join(tempDir(), "not-a-folder");
    writeFileSync(f, "x");
    const r = serve(f);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^error: --data .*not-a-folder .*(not a folder|cannot be used)/),
    ]);
  });

  it("names a damaged data file, with --json kind input", () => {
    const d = tempDir();
    writeFileSync(join(d, "deploys.json"), "[{");
    const r = serve(d, true);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as { error: { kind: string; message: string } };
    expect(doc.error.kind).toBe("input");
    expect(doc.error.message).toMatch(/deploys\.json is damaged \(.*\): fix it or move it away/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
