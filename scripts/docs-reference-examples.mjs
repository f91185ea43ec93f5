// The worked example of every command in docs/reference/ (scripts/docs-reference.mjs renders them).
// Examples marked runnable are run by the docs test, in page order, in the docs sandbox (see
// docs/README.md: a fresh `serve`, a Git repository with an `origin` remote, `dist/` holding the
// example app's build); their JSON is compared with what the command printed: `"…"` matches any
// value and the printed objects may hold more keys than shown. `exit` lists exit codes besides
// 0, 1, 2 and the signals.

/**
 * @typedef {object} Example
 * @property {string[]} run the shell lines of the example
 * @property {unknown} [json] the `--json` document the last line prints (a subset of it)
 * @property {boolean} [runnable] false: shown, flag-checked, not run
 * @property {string} [text] a sentence before the example
 * @property {Array<[number, string]>} [exit] exit codes this command adds
 */

const RELEASE = {
  version: "…",
  status: "…",
  dateCreated: "…",
  dateReleased: "…",
  commitCount: "…",
  deployCount: "…",
  projects: [{ slug: "frontend" }],
};

/** @type {Record<string, Example>} */
export const EXAMPLES = {
  info: {
    run: ["sentry-ship info --json"],
    json: {
      url: { value: "…", source: "SENTRY_URL" },
      org: { value: "acme", source: "SENTRY_ORG" },
      project: { value: "frontend", source: "SENTRY_PROJECT" },
      auth: {
        method: "token",
        tokenSource: "SENTRY_AUTH_TOKEN",
        successful: true,
        user: "…",
        scopes: "…",
        cannotRun: [],
      },
      haveDsn: true,
    },
  },
  login: {
    text: "Non-interactive, with the URL and token `serve` printed (the token is checked before it is stored):",
    run: ['sentry-ship login --auth-token "$SENTRY_AUTH_TOKEN" --json'],
    json: { stored: true, file: "…", user: "…", orgToken: false, scopes: "…" },
  },
  serve: {
    text: "It runs until stopped (Ctrl+C), so this example is not run by the docs test; it prints the `export` lines for the other commands.",
    runnable: false,
    run: ["sentry-ship serve --port 9000 --data ./sentry-data"],
  },
  "releases archive": {
    run: ["sentry-ship releases new 1.0.0 --quiet", "sentry-ship releases archive 1.0.0 --json"],
    json: { ok: true, version: "1.0.0", status: "archived", release: { ...RELEASE, status: "archived" } },
  },
  "releases delete": {
    run: ["sentry-ship releases new 0.9.0 --quiet", "sentry-ship releases delete 0.9.0 --json"],
    json: { ok: true, version: "0.9.0", deleted: true },
  },
  "releases finalize": {
    run: ["sentry-ship releases new 1.1.0 --quiet", "sentry-ship releases finalize 1.1.0 --json"],
    json: { ok: true, version: "1.1.0", release: { ...RELEASE, version: "1.1.0" } },
  },
  "releases gate": {
    text: "A release nobody has used yet has no sessions: not enough data, exit 3.",
    run: [
      "sentry-ship releases new 1.2.0 --quiet",
      "sentry-ship releases gate 1.2.0 --min-crash-free-sessions 99.5 --json || test $? -eq 3",
    ],
    json: {
      ok: false,
      verdict: "not-enough-data",
      version: "1.2.0",
      period: "24h",
      figures: { sessions: 0, users: 0, crashFreeSessions: null, crashFreeUsers: null },
      checks: [
        { name: "sessions", value: 0, min: 1, ok: false },
        { name: "crash-free sessions", value: null, min: 99.5, ok: null },
      ],
    },
    exit: [
      [1, "the gate failed: a figure is below its threshold"],
      [3, "not enough data to judge (fewer sessions than `--min-sessions` when `--wait` ran out)"],
    ],
  },
  "releases health": {
    run: ["sentry-ship releases new 1.2.0 --quiet", "sentry-ship releases health 1.2.0 --json"],
    json: {
      ok: true,
      version: "1.2.0",
      period: "24h",
      sessions: 0,
      users: 0,
      crashFreeSessions: null,
      crashFreeUsers: null,
      environments: [],
    },
  },
  "releases info": {
    run: ["sentry-ship releases new 1.3.0 --quiet", "sentry-ship releases info 1.3.0 --json"],
    json: { ok: true, exists: true, release: { ...RELEASE, version: "1.3.0" } },
  },
  "releases list": {
    run: ["sentry-ship releases list --json"],
    json: { ok: true, releases: [RELEASE] },
  },
  "releases new": {
    run: ['sentry-ship releases new "2.0.0" --json'],
    json: { ok: true, version: "2.0.0", created: true, release: { ...RELEASE, version: "2.0.0", status: "open" } },
  },
  "releases propose-version": {
    text: "In the sandbox's Git repository, outside CI, the proposal is the HEAD commit's SHA:",
    run: ["sentry-ship releases propose-version --json"],
    json: { ok: true, version: "…", source: "git HEAD" },
  },
  "releases set-commits": {
    text: "The sandbox's remote matches no repository integration on `serve`, so `--auto` reads the local history:",
    run: ["sentry-ship releases new 2.1.0 --quiet", "sentry-ship releases set-commits 2.1.0 --auto --json"],
    json: { ok: true, version: "2.1.0", mode: "local", previousCommit: null, commits: ["…"] },
  },
  "releases restore": {
    run: [
      "sentry-ship releases new 1.4.0 --quiet",
      "sentry-ship releases archive 1.4.0 --quiet",
      "sentry-ship releases restore 1.4.0 --json",
    ],
    json: { ok: true, version: "1.4.0", status: "open", release: { ...RELEASE, version: "1.4.0", status: "open" } },
  },
  "deploys list": {
    run: [
      "sentry-ship releases new 3.0.0 --quiet",
      "sentry-ship deploys new --release 3.0.0 -e staging --quiet",
      "sentry-ship deploys list --release 3.0.0 --json",
    ],
    json: { ok: true, release: "3.0.0", deploys: [{ id: "…", environment: "staging", dateFinished: "…" }] },
  },
  "deploys new": {
    run: [
      "sentry-ship releases new 3.0.1 --quiet",
      "sentry-ship deploys new --release 3.0.1 -e production -n blue --json",
    ],
    json: {
      ok: true,
      release: "3.0.1",
      deploy: { id: "…", environment: "production", name: "blue", dateFinished: "…" },
    },
  },
  "sourcemaps inject": {
    run: ["sentry-ship sourcemaps inject dist/ --json"],
    json: {
      dryRun: false,
      found: 2,
      modified: [
        { path: "dist/app.min.js", type: "source", debugId: "…" },
        { path: "dist/app.min.js.map", type: "sourcemap", debugId: "…" },
      ],
      ignored: [],
      warnings: [],
    },
  },
  "sourcemaps upload": {
    run: ['sentry-ship sourcemaps upload dist/ --release "4.0.0" --json'],
    json: {
      organization: "acme",
      projects: ["frontend"],
      release: "4.0.0",
      dist: null,
      dryRun: false,
      files: [
        { url: "~/app.min.js", type: "minified_source", debugId: "…", sourcemap: "app.min.js.map" },
        { url: "~/app.min.js.map", type: "source_map", debugId: "…", sourcemap: null },
      ],
      bundles: [{ bundleId: "…", files: 2, size: "…" }],
      bytesSent: "…",
      problems: [],
    },
  },
  "sourcemaps resolve": {
    text: "Line 3 of the injected build (inject put the debug-id snippet on its own line before the code, so the code's lines moved down by one; the map was shifted to match):",
    run: ["sentry-ship sourcemaps resolve dist/app.min.js.map -l 3 -c 20 --json"],
    json: {
      path: "dist/app.min.js.map",
      type: "regular",
      line: 3,
      column: 20,
    },
  },
  "sourcemaps explain": {
    text: "Offline, an event file against the local build:",
    run: [
      "cat > event.json <<'EOF'",
      '{"platform": "javascript",',
      ' "exception": {"values": [{"type": "TypeError", "value": "item 7 has no price", "stacktrace": {"frames": [',
      '   {"abs_path": "https://shop.example.com/app.min.js", "lineno": 3, "colno": 20, "in_app": true}]}}]},',
      ' "debug_meta": {"images": [{"type": "sourcemap", "code_file": "https://shop.example.com/app.min.js",',
      '   "debug_id": "5ade9a6b-cb6b-5a53-a411-40581946a7bf"}]}}',
      "EOF",
      "sentry-ship sourcemaps explain --event event.json dist/ --json",
    ],
    json: {
      ok: true,
      hasDebugMeta: true,
      frames: [
        {
          raw: { file: "https://shop.example.com/app.min.js", line: 3, column: 20 },
          status: "resolved",
          resolvedWith: "debug-id",
          original: { file: "~/src/cart.js", line: 4, code: "…" },
        },
      ],
      resolved: 1,
      total: 1,
    },
    exit: [[1, "an in-app frame does not resolve (the `frames` say why)"]],
  },
  "sourcemaps check": {
    run: ["sentry-ship sourcemaps check dist/ --json"],
    json: {
      ok: true,
      files: [{ file: "dist/app.min.js", debugId: "…", map: "dist/app.min.js.map" }],
      maps: 1,
      issues: [],
      errors: 0,
    },
    exit: [
      [1, "the build has errors (`issues` lists them); with `--against-server`, a debug id missing on the server"],
    ],
  },
  "send-event": {
    run: ['sentry-ship send-event -m "Deployed 4.0.0" -t shard:eu --json'],
    json: { ok: true, events: [{ eventId: "…", acceptedBy: "…", dsnIndex: 1 }] },
  },
  "send-envelope": {
    text: "An envelope file (the format SDKs send; undeliverable events are spooled as such files):",
    run: [
      `printf '{"dsn":"%s"}\\n{"type":"event"}\\n{"message":"hello from an envelope"}\\n' "$SENTRY_DSN" > hello.envelope`,
      "sentry-ship send-envelope hello.envelope --json",
    ],
    json: { ok: true, envelopes: [{ file: "hello.envelope", acceptedBy: "…", dsnIndex: 1 }] },
  },
  "monitors list": {
    run: ["sentry-ship monitors list --json"],
    json: { ok: true, monitors: [] },
  },
  "monitors run": {
    text: "Options go before the monitor's slug; everything after `--` is the job:",
    run: ['sentry-ship monitors run --json -s "0 3 * * *" nightly-report -- sh -c "echo report done >&2"'],
    json: {
      ok: true,
      monitor: "nightly-report",
      environment: "production",
      exitCode: 0,
      checkIns: [
        { status: "in_progress", delivered: true },
        { status: "ok", delivered: true },
      ],
    },
    exit: [[0, "…and every other code: the job's own exit code (a signal: 128 + its number)"]],
  },
};
