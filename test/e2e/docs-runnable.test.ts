import { describe, expect, it } from "vitest";
import { docFiles, extractBlocks, isRunnable, readDoc, runBlocks, where } from "../support/docs.js";

/**
 * Every block marked runnable in README.md and docs/ runs, file by file and in order, against a fresh
 * `serve` in the docs sandbox (docs/README.md, "How the docs are tested"), and prints what the
 * expected block after it shows.
 */
const files = docFiles().filter((f) => extractBlocks(readDoc(f), f).some(isRunnable));

describe("runnable docs", () => {
  it("has runnable blocks in the guides and the reference", () => {
    expect(files).toContain("docs/terminal.md");
    expect(files).toContain("docs/reference/releases.md");
  });

  for (const file of files) {
    it(`${file}: every runnable block succeeds and prints what the text says`, { timeout: 240_000 }, async () => {
      const runs = await runBlocks(extractBlocks(readDoc(file), file));
      const failures = runs.flatMap((r) =>
        r.problems.map((p) => `${where(r.block)}: ${p}\n--- stdout:\n${r.stdout.slice(0, 1500)}`),
      );
      expect(failures).toEqual([]);
      expect(runs.length).toBeGreaterThan(0);
    });
  }

  it("fails a broken example: a failing command, a wrong flag, output that differs from the text", async () => {
    const doc = [
      "```sh runnable",
      "sentry-ship releases new 1.0.0 --json",
      "```",
      "```json expected",
      '{ "ok": true, "version": "1.0.0", "created": true }',
      "```",
      "```sh runnable",
      "sentry-ship releases new 1.0.0 --no-such-flag",
      "```",
      "```sh runnable",
      "sentry-ship releases info 1.0.0 --json",
      "```",
      "```json expected",
      '{ "ok": true, "release": { "version": "9.9.9" } }',
      "```",
      "```sh runnable",
      'VERSION=1.0.0; echo "$PWD" > /dev/null',
      "```",
      "```sh runnable",
      'sentry-ship releases finalize "$VERSION" --quiet && echo "finalized $VERSION"',
      "```",
      "```text expected",
      "finalized 1.0.0",
      "```",
      "```sh runnable",
      "sentry-ship send-event -m hi --quiet",
      "```",
      "```text expected",
      "something it does not print",
      "```",
    ].join("\n");
    const runs = await runBlocks(extractBlocks(doc, "broken.md"));
    expect(runs.map((r) => r.problems)).toEqual([
      [],
      [expect.stringMatching(/^exit code 2: error: unknown option '--no-such-flag'/)],
      ['$.release.version: expected "9.9.9", got "1.0.0"'],
      [],
      [],
      ['expected a line matching "something it does not print"'],
    ]);
  });
});
