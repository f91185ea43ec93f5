/**
 * End to end, as a user runs it: the built CLI injects a build large enough for worker threads,
 * then uploads it (not a dry run) to `serve`, also on worker threads; what the server stored is
 * checked file by file against the folder.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { write } from "../support/inject-fixtures.js";
import { tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin", "sentry-ship.js");
const s = useServer();

function runBuilt(args: string[], cwd: string, env: Record<string, string | undefined>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env.PATH, HOME: cwd, ...env } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (c: Buffer) => (stdout += c));
    p.stderr.on("data", (c: Buffer) => (stderr += c));
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("inject, then upload to serve, on worker threads (built CLI)", () => {
  it("stores every file with the debug id inject gave it", async () => {
    const dir = tempDir("sm-serve-");
    const n = 1100;
    for (let i = 0; i < n; i++) {
      const code = `var v${i}=function(a){return a+${i}};v${i}(1);\n`;
      write(dir, `dist/c${i % 10}/f${i}.js`, `${code}//# sourceMappingURL=f${i}.js.map\n`);
      write(
        dir,
        `dist/c${i % 10}/f${i}.js.map`,
        JSON.stringify({ version: 3, sources: [`../src/f${i}.ts`], names: [], mappings: "AAAA,IAAI" }),
      );
    }
    // Threads even on two cores, where the default is inline (src/sourcemaps/work/tuning.ts).
    const env = { ...s.env(), SENTRY_SHIP_THREADS: "1" };
    const inj = await runBuilt(["--log-level=debug", "sourcemaps", "inject", "dist", "--json"], dir, env);
    expect(inj.code, inj.stderr).toBe(0);
    expect(inj.stderr).toMatch(/inject: 1100 JS files, \d worker thread\(s\)/);
    expect(JSON.parse(inj.stdout).modified).toHaveLength(2 * n);

    const before = s.server.state.bundles.length;
    const up = await runBuilt(["--log-level=debug", "sourcemaps", "upload", "dist", "--json"], dir, env);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/upload: 2200 files, \d worker thread\(s\)/);
    const stored = s.server.state.bundles.slice(before).flatMap((b) => b.files);
    expect(stored).toHaveLength(2 * n);
    const byPath = new Map(stored.map((f) => [f.path, f]));
    for (const i of [0, 1, 517, n - 1]) {
      const rel = `c${i % 10}/f${i}.js`;
      const js = readFileSync(join(dir, "dist", rel), "utf8");
      const id = js.match(/debugId=(\S+)/)![1]!;
      const script = byPath.get(`files/_/_/${rel}`)!;
      expect(script.content.toString("utf8")).toBe(js);
      expect(script.headers).toEqual({ "debug-id": id, sourcemap: `f${i}.js.map` });
      const map = byPath.get(`files/_/_/${rel}.map`)!;
      expect(map.headers).toEqual({ "debug-id": id });
      expect(JSON.parse(map.content.toString("utf8")).debugId).toBe(id);
    }
  }, 120_000);
});
