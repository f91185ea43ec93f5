import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * Four tiers, told apart by file name (see README, Development):
 * - unit: `*.unit.test.ts` — pure functions (temporary files at most);
 * - in-process: every other `*.test.ts` outside test/e2e — commands run through runCli, the
 *   embedded server on loopback, real temporary git repositories;
 * - oracle: `*.oracle.test.ts` — the real sentry-cli against the same server, compared with us;
 * - e2e: test/e2e/ — the built package (dist/, bin/) spawned or imported.
 * `npm run test:fast` runs the first two; `npm test` runs all four.
 */
const shared = {
  testTimeout: 30_000,
  hookTimeout: 30_000,
  pool: "forks",
  env: { SENTRY_DISABLE_UPDATE_CHECK: "1", SENTRY_LOAD_DOTENV: "0" },
} as const;

export default defineConfig({
  test: {
    // One test file per core at least two at a time: vitest's default (cores − 1) runs one file at
    // a time on a 2-core machine, and most files wait on child processes (git, sentry-cli, the
    // built CLI) and loopback I/O, not on the CPU. Two halves `npm run test:fast` there (57 s → 32 s).
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      // Units share a worker's module graph (no per-file isolation): they are pure, and it halves their CPU time.
      { test: { ...shared, name: "unit", include: ["test/**/*.unit.test.ts"], isolate: false } },
      {
        test: {
          ...shared,
          name: "in-process",
          include: ["test/**/*.test.ts"],
          exclude: ["test/**/*.unit.test.ts", "test/**/*.oracle.test.ts", "test/e2e/**"],
        },
      },
      { test: { ...shared, name: "oracle", include: ["test/**/*.oracle.test.ts"] } },
      {
        test: {
          ...shared,
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/support/fresh-build.ts"],
        },
      },
    ],
  },
});
