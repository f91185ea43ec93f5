/**
 * Oracle harness: run the same command line with sentry-cli 3.8.0 and with sentry-ship, each against
 * a fresh embedded server prepared the same way, and return what each server received.
 */
import { type SentryServer, startServer } from "../../src/server/index.js";
import type { RecordedRequest } from "../../src/server/state.js";
import { runCli, tempDir } from "./runCli.js";
import { runSentryCli } from "./sentryCli.js";
import { sentryCliEnv, steppingClock } from "./server.js";

export interface Setup {
  repos?: Array<{ name: string; url: string; provider?: string }>;
  /** Releases created before the run (project frontend); `commit` gives them a last commit. */
  releases?: Array<{ version: string; commit?: string }>;
}

export interface Side {
  exitCode: number;
  stdout: string;
  stderr: string;
  requests: Array<{ method: string; path: string; query: Record<string, string>; json: unknown }>;
}

async function api(server: SentryServer, method: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${server.url}/api/0/${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status >= 300 && res.status !== 208)
    throw new Error(`setup ${method} ${path}: ${res.status} ${await res.text()}`);
}

/**
 * Create the setup's repositories and releases on `server`, in order. The releases need distinct
 * creation times: start the server with `now: steppingClock()`.
 */
export async function prepare(server: SentryServer, setup: Setup): Promise<void> {
  for (const r of setup.repos ?? []) {
    await api(server, "POST", "organizations/acme/repos/", {
      name: r.name,
      url: r.url,
      provider: r.provider ?? "integrations:github",
    });
  }
  for (const r of setup.releases ?? []) {
    await api(server, "POST", "organizations/acme/releases/", { version: r.version, projects: ["frontend"] });
    if (r.commit)
      await api(server, "PUT", `organizations/acme/releases/${r.version}/`, { commits: [{ id: r.commit }] });
  }
  server.state.requests.length = 0;
}

const NOW_WINDOW_MS = 10 * 60 * 1000;

/** Timestamps within ten minutes of now become "<now>" (the two runs differ by milliseconds); others stay. */
export function normalise(v: unknown): unknown {
  if (typeof v === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(v)) {
    const t = Date.parse(v);
    if (!Number.isNaN(t) && Math.abs(Date.now() - t) < NOW_WINDOW_MS) return "<now>";
    return v;
  }
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x)]));
  return v;
}

function requestsOf(server: SentryServer): Side["requests"] {
  return server.requests.map((r: RecordedRequest) => ({
    method: r.method,
    path: r.path,
    query: r.query,
    json: normalise(r.json),
  }));
}

export interface OracleRun {
  cli: Side;
  ship: Side;
}

export async function runBoth(
  args: string[],
  opts: { setup?: Setup; cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<OracleRun> {
  const cwd = opts.cwd ?? tempDir("ship-oracle-");
  const a = await startServer({ now: steppingClock() });
  const b = await startServer({ now: steppingClock() });
  try {
    await prepare(a, opts.setup ?? {});
    await prepare(b, opts.setup ?? {});
    const cliEnv = sentryCliEnv(a);
    const shipEnv: Record<string, string | undefined> = {
      SENTRY_URL: `${b.url}/`,
      SENTRY_AUTH_TOKEN: b.token,
      SENTRY_ORG: "acme",
      SENTRY_PROJECT: "frontend",
      SENTRY_HTTP_MAX_RETRIES: "0",
      SENTRY_LOAD_DOTENV: "0",
    };
    for (const [k, v] of Object.entries(opts.env ?? {})) {
      if (v === undefined) {
        delete cliEnv[k];
        delete shipEnv[k];
      } else {
        cliEnv[k] = v;
        shipEnv[k] = v;
      }
    }
    const c = await runSentryCli(args, { env: cliEnv, cwd });
    const s = await runCli(args, { env: shipEnv, cwd });
    return { cli: { ...c, requests: requestsOf(a) }, ship: { ...s, requests: requestsOf(b) } };
  } finally {
    await a.close();
    await b.close();
  }
}
