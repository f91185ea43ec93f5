/**
 * SIGINT and SIGTERM in the middle of `sourcemaps upload` (the built CLI, spawned): one line says
 * the upload was interrupted and what was not uploaded, the exit code is 130 / 143, and no
 * temporary bundle is left behind.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin", "sentry-ship.js");

describe.skipIf(process.platform === "win32")("sourcemaps upload interrupted (spawned)", () => {
  const s = useServer();

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)(
    "on %s removes its temporary bundles, says what was not uploaded and exits %i",
    async (signal, code) => {
      const dist = tempDir("ship-int-dist-");
      mkdirSync(join(dist, "js"));
      for (let i = 0; i < 20; i++) {
        writeFileSync(join(dist, "js", `f${i}.js`), `console.log(${i});\n//# sourceMappingURL=f${i}.js.map\n`);
        writeFileSync(
          join(dist, "js", `f${i}.js.map`),
          JSON.stringify({ version: 3, sources: [`f${i}.ts`], names: [], mappings: "AAAA" }),
        );
      }
      const tmp = tempDir("ship-int-tmp-");
      // The chunk upload hangs long enough for the signal to arrive mid-upload.
      s.server.faults.add({
        method: "POST",
        path: "/api/0/organizations/acme/chunk-upload/",
        action: { kind: "delay", ms: 20_000 },
      });
      const before = s.server.requests.length;
      const child = spawn(process.execPath, [bin, "sourcemaps", "upload", dist, "--release", `int-${signal}`], {
        env: {
          PATH: process.env.PATH,
          HOME: tempDir(),
          TMPDIR: tmp,
          SENTRY_URL: `${s.server.url}/`,
          SENTRY_AUTH_TOKEN: s.server.token,
          SENTRY_ORG: "acme",
          SENTRY_PROJECT: "frontend",
          SENTRY_LOAD_DOTENV: "0",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
      });
      const exited = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
      const deadline = Date.now() + 20_000;
      while (!s.server.requests.slice(before).some((r) => r.path.endsWith("/chunk-upload/") && r.method === "POST")) {
        if (Date.now() > deadline) throw new Error(`the upload never reached chunk upload: ${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(readdirSync(tmp).length).toBeGreaterThan(0); // the bundle is on disk while it uploads
      child.kill(signal);
      expect(await exited).toBe(code);
      const errorLines = stderr.split("\n").filter((l) => l.startsWith("error:"));
      expect(errorLines).toHaveLength(1);
      expect(errorLines[0]).toMatch(
        new RegExp(`^error: sourcemaps upload interrupted by ${signal}: .* was not \\(completely\\) uploaded`),
      );
      expect(readdirSync(tmp)).toEqual([]);
      s.server.faults.clear();
    },
    30_000,
  );
});
