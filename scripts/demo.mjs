#!/usr/bin/env node
// The demo: the whole release job of a CI pipeline, run against the embedded Sentry server.
// Starts `serve` in-process (recording to a temp folder), then runs the built CLI as a pipeline
// would: release, commits from this repository's history, inject + upload of examples/app's
// build, deploy, finalize, an event whose minified frame the server resolves through the uploaded map.
// Finally prints what the server received.
//
//   npm run demo            (after npm install, which builds)
//   node scripts/demo.mjs --json   one JSON summary on stdout (used by the tests)
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const jsonMode = process.argv.includes("--json");
const log = (s = "") => (jsonMode ? process.stderr : process.stdout).write(s + "\n");

const work = mkdtempSync(join(tmpdir(), "sentry-ship-demo-"));
const dataDir = join(work, "server-data");
// The server runs as its own process, exactly as `sentry-ship serve` runs for a user.
const serveProc = spawn(
  process.execPath,
  [join(root, "bin/sentry-ship.js"), "--json", "serve", "--port", "0", "--data", dataDir],
  {
    env: { PATH: process.env.PATH, HOME: work },
    stdio: ["ignore", "pipe", "inherit"],
  },
);
/** @type {{ url: string, token: string, dsn: string }} */
const served = await new Promise((resolve, reject) => {
  let buf = "";
  serveProc.stdout.on("data", (c) => {
    buf += c.toString();
    const nl = buf.indexOf("\n");
    if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
  });
  serveProc.on("exit", (code) => reject(new Error(`serve exited with ${code}`)));
});
const server = { url: served.url.replace(/\/$/, ""), token: served.token, dsn: served.dsn };
/**
 * What `/_ship/state` returns (the parts the demo reads).
 * @typedef {{ manifestUrl?: string, url?: string, path?: string, content: string }} BundleFile
 * @typedef {{
 *   releases: Array<{ id: number, version: string, commits: unknown[], dateReleased: string | null }>,
 *   deploys: Array<{ releaseId: number, environment: string }>,
 *   bundles: Array<{ id: string, files: BundleFile[] }>,
 *   events: Array<{ id: string }>,
 * }} ServerStateDoc
 * @returns {Promise<ServerStateDoc>}
 */
async function serverState() {
  const res = await fetch(`${server.url}/_ship/state`, { headers: { Authorization: `Bearer ${server.token}` } });
  return /** @type {Promise<ServerStateDoc>} */ (res.json());
}

const env = {
  PATH: process.env.PATH,
  HOME: work,
  SENTRY_URL: `${server.url}/`,
  SENTRY_AUTH_TOKEN: server.token,
  SENTRY_ORG: "acme",
  SENTRY_PROJECT: "frontend",
  SENTRY_DSN: server.dsn,
  SENTRY_LOAD_DOTENV: "0",
  NO_COLOR: "1",
};

/**
 * @param {string[]} args
 * @param {{ cwd?: string, allowFail?: boolean }} [opts]
 */
function ship(args, { cwd = root, allowFail = false } = {}) {
  log(`$ sentry-ship ${args.join(" ")}`);
  const r = spawnSync(process.execPath, [join(root, "bin/sentry-ship.js"), ...args], { cwd, env, encoding: "utf8" });
  const out = (r.stdout + r.stderr).trimEnd();
  if (out) log(out.replace(/^/gm, "  "));
  if (r.status !== 0 && !allowFail) {
    log(`demo failed: sentry-ship ${args.join(" ")} exited ${r.status}`);
    cleanup(1);
  }
  return r;
}

/** @param {number} code */
async function cleanup(code) {
  serveProc.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
  process.exit(code);
}

/** @type {Record<string, any>} */
const summary = {};
try {
  log(`Embedded Sentry server at ${server.url}/ (recording to ${dataDir})\n`);
  ship(["info"]);

  const proposed = spawnSync(process.execPath, [join(root, "bin/sentry-ship.js"), "releases", "propose-version"], {
    cwd: root,
    env,
    encoding: "utf8",
  });
  const version = proposed.status === 0 && proposed.stdout.trim() ? proposed.stdout.trim() : `demo-${Date.now()}`;
  summary.version = version;

  ship(["releases", "new", version]);
  ship(["releases", "set-commits", version, "--local", "--initial-depth", "5", "--ignore-missing"]);

  const dist = join(work, "dist");
  cpSync(join(root, "examples/app/dist"), dist, { recursive: true });
  ship(["sourcemaps", "inject", dist]);
  ship(["sourcemaps", "upload", dist, "--release", version, "--wait"]);

  ship(["deploys", "new", "--release", version, "-e", "production", "-n", "demo deploy"]);
  ship(["releases", "finalize", version]);

  // An error from the minified build: the frame points into app.min.js (line 1).
  const minified = readFileSync(join(dist, "app.min.js"), "utf8");
  const firstLine = minified.split("\n").find((l) => l.includes("throw new TypeError"));
  if (firstLine === undefined) throw new Error("examples/app/dist/app.min.js has no `throw new TypeError`");
  const lineNo = minified.split("\n").indexOf(firstLine) + 1;
  const colNo = firstLine.indexOf("throw new TypeError") + 1;
  const eventFile = join(work, "event.json");
  writeFileSync(
    eventFile,
    JSON.stringify({
      level: "error",
      platform: "javascript",
      release: version,
      exception: {
        values: [
          {
            type: "TypeError",
            value: "item pen has no price",
            stacktrace: {
              frames: [
                {
                  abs_path: "~/app.min.js",
                  filename: "~/app.min.js",
                  lineno: lineNo,
                  colno: colNo,
                  function: "r",
                  in_app: true,
                },
              ],
            },
          },
        ],
      },
    }),
  );
  ship(["send-event", eventFile]);

  // What the server received.
  const st = await serverState();
  const release = st.releases.find((r) => r.version === version);
  const bundle = st.bundles.at(-1);
  summary.release = {
    version,
    commits: release?.commits.length ?? 0,
    finalized: Boolean(release?.dateReleased),
    deploys: st.deploys.filter((d) => d.releaseId === release?.id).map((d) => d.environment),
  };
  summary.bundle = bundle ? { id: bundle.id, files: bundle.files.map((f) => f.manifestUrl ?? f.url ?? f.path) } : null;
  summary.events = st.events.map((e) => e.id);

  log("\nWhat the server received:");
  log(
    `  release ${version}: ${summary.release.commits} commits, finalized: ${summary.release.finalized}, deploys: ${summary.release.deploys.join(", ") || "none"}`,
  );
  if (bundle)
    log(
      `  artifact bundle ${bundle.id}: ${bundle.files.length} files (${bundle.files.map((f) => f.url ?? f.path).join(", ")})`,
    );
  log(`  events: ${st.events.length}`);

  // The event as serve processed it on arrival: its frame resolved through the uploaded map.
  const eventId = st.events.at(-1)?.id;
  const res = await fetch(`${server.url}/api/0/projects/acme/frontend/events/${eventId}/`, {
    headers: { Authorization: `Bearer ${server.token}` },
  });
  /**
   * The parts of the processed event the demo reads.
   * @typedef {{ function?: string, absPath: string, lineNo: number, colNo: number, context: Array<[number, string]>, data?: { symbolicated?: boolean, resolved_with?: string } }} Frame
   * @typedef {{ entries: Array<{ type: string, data: { values: Array<{ stacktrace: { frames: Frame[] } }> } }> }} ProcessedEvent
   */
  /** @type {ProcessedEvent | null} */
  const event = res.ok ? /** @type {ProcessedEvent} */ (await res.json()) : null;
  const frames = event?.entries.find((e) => e.type === "exception")?.data.values.at(-1)?.stacktrace.frames ?? [];
  log(`\nThe event's stack as the server processed it (GET .../events/${eventId}/):`);
  const top = frames.at(-1);
  for (const f of [...frames].reverse()) {
    const code = f.context.find(([n]) => n === f.lineNo)?.[1]?.trim();
    const how = f.data?.symbolicated ? `resolved by ${f.data.resolved_with}` : "not resolved";
    log(
      `  at ${f.function ?? "?"} (${f.absPath}:${f.lineNo}:${f.colNo})  [${how}]${code ? `\n      ${f.lineNo} | ${code}` : ""}`,
    );
  }
  summary.resolved =
    top?.data?.symbolicated === true
      ? { source: top.absPath, line: top.lineNo, column: top.colNo, function: top.function ?? null }
      : null;
  if (!summary.resolved) {
    log("  the frame did not resolve; `sentry-ship sourcemaps explain` says why:");
    if (eventId !== undefined) ship(["sourcemaps", "explain", eventId], { allowFail: true });
    await cleanup(1);
  }
  if (jsonMode) process.stdout.write(JSON.stringify(summary) + "\n");
  await cleanup(0);
} catch (e) {
  log(`demo failed: ${e instanceof Error ? e.message : e}`);
  await cleanup(1);
}
