/** `sourcemaps explain EVENT_ID` against a server whose answers are not Sentry's JSON. */
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../support/runCli.js";
import { useServer } from "../../support/server.js";

describe("sourcemaps explain", () => {
  const s = useServer();
  afterEach(() => s.server.faults.clear());

  const EVENT_ID = "0123456789abcdef0123456789abcdef";
  const EVENT_PATH = `/api/0/projects/acme/frontend/events/${EVENT_ID}/`;

  it.each([
    ["the event", EVENT_PATH],
    ["the source map debug report", `${EVENT_PATH}source-map-debug-blue-thunder-edition/`],
  ])("fails in one line naming the Sentry URL when %s answers a web page with 200", async (_what, path) => {
    // The event itself must exist for explain to go on to the report: answer it with a minimal event.
    if (path !== EVENT_PATH) s.server.faults.failNext(EVENT_PATH, 200, 1, { body: { eventID: EVENT_ID } });
    const rule = s.server.faults.failNext(path, 200, 1, {
      body: "<html><body>Sign in</body></html>",
      headers: { "Content-Type": "text/html; charset=utf-8" },
    });
    const r = await runCli(["sourcemaps", "explain", EVENT_ID], { env: s.env() });
    expect(rule.hits).toBe(1);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("error:"))).toEqual([
      `error: the server answered with text/html, not JSON (http status: 200) — check that the Sentry URL ${s.server.url} (from SENTRY_URL) is Sentry's`,
    ]);
    expect(r.stdout).not.toContain("Sign in");
  });
});
