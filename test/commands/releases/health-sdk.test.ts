/**
 * Acceptance: sessions sent by a real SDK (@sentry/node, in its own process) land in `serve` and
 * show up in `releases health`, and the gate judges them.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../support/runCli.js";
import { useServer } from "../../support/server.js";

const s = useServer();
const root = join(import.meta.dirname, "..", "..", "..");

/** Ten users, one session each; users 0 and 1 crash. The SDK sends every update itself. */
const APP = `
import * as Sentry from "@sentry/node";
import { updateSession } from "@sentry/core";
Sentry.init({ dsn: process.env.DSN, release: "sdk-app@1.0.0", environment: "production", defaultIntegrations: false });
for (let i = 0; i < 10; i++) {
  Sentry.withIsolationScope((scope) => {
    Sentry.startSession({ user: { id: "user-" + i } });
    if (i < 2) {
      updateSession(scope.getSession(), { status: "crashed", errors: 1 });
      Sentry.captureSession();
    } else {
      Sentry.endSession();
    }
  });
}
await Sentry.flush(5000);
`;

function runApp(dsn: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", APP], {
      cwd: root,
      env: { PATH: process.env.PATH, DSN: dsn },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("release health from a real SDK", () => {
  it("@sentry/node's sessions show up in releases health, and the gate judges them", async () => {
    const app = await runApp(s.server.dsn);
    expect(app.code, app.stderr).toBe(0);
    const sessionItems = s.server.state.events.flatMap((e) => e.items).filter((i) => i.header.type === "session");
    expect(sessionItems.length).toBeGreaterThanOrEqual(10);
    expect(s.server.state.dropped.filter((d) => d.type === "session" && !/already ended/.test(d.reason))).toEqual([]);

    const r = await runCli(["releases", "health", "sdk-app@1.0.0", "--json"], { env: s.env() });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      sessions: 10,
      users: 10,
      crashFreeSessions: 80,
      crashFreeUsers: 80,
      environments: [{ environment: "production", sessions: 10 }],
    });
    const fail = await runCli(["releases", "gate", "sdk-app@1.0.0", "--min-crash-free-sessions", "90"], {
      env: s.env(),
    });
    expect(fail.exitCode).toBe(1);
    const pass = await runCli(
      ["releases", "gate", "sdk-app@1.0.0", "--min-crash-free-users", "75", "--min-sessions", "10"],
      { env: s.env() },
    );
    expect(pass.exitCode, pass.stdout).toBe(0);
  });
});
