#!/usr/bin/env node
// Start-up time: `sentry-ship --version` and `--help` against `node -e 0` and `sentry-cli --version`,
// medians of several runs in the same process. Run after `npm run build`:  node bench/startup.mjs [runs]
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const runs = Number(process.argv[2] ?? 21);
const sentryCli = join(dirname(require.resolve("@sentry/cli/package.json")), "bin", "sentry-cli");
const cliBinary = (() => {
  // The native binary itself (the npm wrapper adds a node start-up of its own).
  try {
    const pkg = require.resolve(
      `@sentry/cli-${process.platform}-${process.arch === "x64" ? "x64" : process.arch}/package.json`,
    );
    return join(dirname(pkg), "bin", "sentry-cli");
  } catch {
    return undefined;
  }
})();

/** @param {number[]} xs */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/**
 * @param {string} cmd
 * @param {string[]} args
 */
function time(cmd, args) {
  /** @type {number[]} */
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, {
      cwd: root,
      env: { ...process.env, SENTRY_DISABLE_UPDATE_CHECK: "1" },
      stdio: "ignore",
    });
    const t1 = process.hrtime.bigint();
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}`);
    samples.push(Number(t1 - t0) / 1e6);
  }
  return median(samples);
}

const node = process.execPath;
/** @type {Array<[string, number]>} */
const rows = [
  ["node -e 0", time(node, ["-e", "0"])],
  ["sentry-ship --version", time(node, ["bin/sentry-ship.js", "--version"])],
  ["sentry-ship --help", time(node, ["bin/sentry-ship.js", "--help"])],
  ["sentry-cli --version (npm wrapper)", time(node, [sentryCli, "--version"])],
];
if (cliBinary) rows.push(["sentry-cli --version (native binary)", time(cliBinary, ["--version"])]);

const base = rows[0]?.[1] ?? Number.NaN;
console.log(`start-up, median of ${runs} runs (ms)`);
console.log("| command | ms | × node -e 0 |");
console.log("|---|---:|---:|");
for (const [name, ms] of rows) console.log(`| ${name} | ${ms.toFixed(1)} | ${(ms / base).toFixed(2)} |`);
