/** The embedded server as a test fixture, plus an environment that points the CLI at it. */
import { afterAll, beforeAll } from "vitest";
import type { ServerOptions } from "../../src/server/core.js";
import { type SentryServer, startServer } from "../../src/server/index.js";

export function useServer(options: ServerOptions = {}): {
  readonly server: SentryServer;
  env(extra?: Record<string, string | undefined>): Record<string, string | undefined>;
} {
  let server: SentryServer | undefined;
  beforeAll(async () => {
    server = await startServer(options);
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error("server not started");
      return server;
    },
    env(extra = {}) {
      return {
        SENTRY_URL: `${server!.url}/`,
        SENTRY_AUTH_TOKEN: server!.token,
        SENTRY_ORG: "acme",
        SENTRY_PROJECT: "frontend",
        ...extra,
      };
    },
  };
}

/**
 * A server clock that never reads the same instant twice: real time, but at least 1 ms after its
 * previous reading. Releases created one after another get distinct creation times (which
 * "the previous release" depends on) without the test waiting for the wall clock to move.
 */
export function steppingClock(): () => Date {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last);
  };
}

/** Environment for running the real sentry-cli against a server. */
export function sentryCliEnv(server: SentryServer, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    SENTRY_URL: `${server.url}/`,
    SENTRY_AUTH_TOKEN: server.token,
    SENTRY_ORG: "acme",
    SENTRY_PROJECT: "frontend",
    SENTRY_DISABLE_UPDATE_CHECK: "1",
    SENTRY_INTEGRATION_TEST: "1",
    SENTRY_LOAD_DOTENV: "0",
    SENTRY_HTTP_MAX_RETRIES: "0",
    ...extra,
  };
}
