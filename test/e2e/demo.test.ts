/** The README's first set-up command: the demo pipeline, run as CI runs it, with its resolved frame asserted. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");

describe("the demo", () => {
  it("runs the whole release job against the embedded server and the server resolves the minified frame", () => {
    const r = spawnSync(process.execPath, [join(root, "scripts", "demo.mjs"), "--json"], {
      cwd: root,
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).stdout.trim();
    expect(summary.version).toBe(head);
    expect(summary.release.commits).toBeGreaterThan(0);
    expect(summary.release).toMatchObject({ finalized: true, deploys: ["production"] });
    expect(summary.bundle.files).toEqual(["~/app.min.js", "~/app.min.js.map"]);
    expect(summary.events).toHaveLength(1);
    // Resolved by the server on arrival, through the uploaded map (no client-side resolving).
    expect(summary.resolved).toEqual({ source: "~/src/cart.js", line: 5, column: 5, function: "lineTotal" });
    expect(r.stderr).not.toContain("sntryu_");
  });
});
