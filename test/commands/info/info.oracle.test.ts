import { describe, expect, it } from "vitest";
import { runCli } from "../../support/runCli.js";
import { runSentryCli } from "../../support/sentryCli.js";
import { sentryCliEnv, useServer } from "../../support/server.js";

describe("info against sentry-cli 3.8.0", () => {
  const ctx = useServer();

  it("prints sentry-cli's config status document and exits 0 even when the token is rejected", async () => {
    const bad = "sntryu_" + "0".repeat(64);
    const ours = await runCli(["info", "--config-status-json"], { env: ctx.env({ SENTRY_AUTH_TOKEN: bad }) });
    expect(ours.exitCode).toBe(0);
    const theirs = await runSentryCli(["info", "--config-status-json"], {
      env: sentryCliEnv(ctx.server, { SENTRY_AUTH_TOKEN: bad }),
    });
    expect(theirs.exitCode).toBe(0);
    expect(JSON.parse(ours.stdout)).toEqual(JSON.parse(theirs.stdout));
    expect(JSON.parse(ours.stdout).auth).toEqual({ type: "token", successful: false });
  });
});
