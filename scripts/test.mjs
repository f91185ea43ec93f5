#!/usr/bin/env node
// The test command: build, run the whole vitest suite, and end with one plain line
// `N passed, N failed` (plus skipped) taken from the run itself.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const build = spawnSync(npm, ["run", "build"], { stdio: "inherit" });
if (build.status !== 0) {
  console.log("0 passed, 1 failed");
  process.exit(build.status ?? 1);
}

// One temporary folder per run, handed to the tests (and everything they spawn) as TMPDIR and
// removed at the end: a run leaves nothing behind in the system temp directory, however many
// temporary repositories, homes and builds its tests make.
const dir = mkdtempSync(join(tmpdir(), "ship-test-"));
const results = join(dir, "results.json");
const testTmp = join(dir, "tmp");
mkdirSync(testTmp);
const vitest = spawnSync(
  process.execPath,
  [
    "node_modules/vitest/vitest.mjs",
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${results}`,
    ...process.argv.slice(2),
  ],
  { stdio: "inherit", env: { ...process.env, TMPDIR: testTmp, FORCE_COLOR: process.env.FORCE_COLOR ?? "0" } },
);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const doc = JSON.parse(readFileSync(results, "utf8"));
  passed = doc.numPassedTests ?? 0;
  failed = (doc.numFailedTests ?? 0) + (doc.numRuntimeErrorTestSuites ?? 0);
  skipped = (doc.numPendingTests ?? 0) + (doc.numTodoTests ?? 0);
  if (doc.numFailedTestSuites && failed === 0) failed = doc.numFailedTestSuites;
} catch {
  failed = Math.max(failed, 1);
}
rmSync(dir, { recursive: true, force: true });
const code = vitest.status ?? 1;
if (code !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(code);
