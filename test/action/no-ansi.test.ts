import { describe, expect, it } from "vitest";
import { buildExampleApp, makeWorkspace } from "../support/action.js";
import { runCli, tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";

const s = useServer();

// ESC (colours, cursor moves) and CR (redrawn spinner and progress lines).
// biome-ignore lint/suspicious/noControlCharactersInRegex: looks for terminal escape codes
const CONTROL = /[\u001b\r]/;

describe("output in CI logs (stdout and stderr not terminals)", () => {
  it("sourcemaps upload writes no escape code and reports progress as plain lines with counts", async () => {
    const dir = tempDir("ship-noansi-");
    buildExampleApp(dir);
    const r = await runCli(["sourcemaps", "upload", dir, "--release", "1.0.0"], { env: s.env({ CI: "true" }) });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toMatch(CONTROL);
    expect(r.stderr).not.toMatch(CONTROL);
    expect(r.stderr).toMatch(/: \d+\/\d+/m);
    expect(s.server.state.bundles.filter((b) => b.release === "1.0.0")).toHaveLength(1);
  });

  it("releases set-commits writes no escape code", async () => {
    const ws = makeWorkspace(2);
    const r = await runCli(["releases", "set-commits", "1.0.1", "--local", "--ignore-missing"], {
      env: s.env(),
      cwd: ws,
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(CONTROL);
    expect(r.stdout).toContain("Success! Set commits for release 1.0.1");
    expect(s.server.state.releases.find((x) => x.version === "1.0.1")!.commits).toHaveLength(2);
  });

  it("a failing command writes its one error line without escape codes", async () => {
    s.server.faults.failNext("/api/0/organizations/acme/releases/", 500, 1, { method: "POST" });
    const r = await runCli(["releases", "new", "1.0.2"], { env: s.env() });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: .+/m);
    expect(r.stdout + r.stderr).not.toMatch(CONTROL);
  });
});
