import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli.js";
import {
  checkCommandLine,
  extractBlocks,
  jsonMismatches,
  ROOT,
  sentryShipInvocations,
  shellCommands,
  textMismatches,
} from "../support/docs.js";

const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: {}, cwd: ROOT, homeDir: ROOT };
const build = async (argv: string[]) => (await buildProgram(io, {}, argv)).program;

const DOC = [
  "Intro.",
  "",
  "```sh runnable",
  "VERSION=$(npx sentry-ship releases propose-version)   # a comment --not-a-flag",
  'npx sentry-ship releases new "$VERSION" && sentry-ship deploys new -r "$VERSION" \\',
  "  -e production",
  "```",
  "",
  "prints:",
  "",
  "```text expected",
  "Created release …",
  "```",
  "",
  "```yaml",
  '- run: npx sentry-ship releases finalize "$' + '{{ steps.s.outputs.version }}"',
  "- uses: acme/sentry-ship@v1",
  "```",
  "",
  "```groovy",
  "sh 'npx sentry-ship releases new --bogus \"$VERSION\"'",
  "```",
].join("\n");

describe("the docs runner", () => {
  const blocks = extractBlocks(DOC, "doc.md");

  it("reads blocks, their marks and the expected block after a runnable one", () => {
    expect(blocks.map((b) => [b.lang, b.tags, b.line])).toEqual([
      ["sh", ["runnable"], 3],
      ["text", ["expected"], 11],
      ["yaml", [], 15],
      ["groovy", [], 20],
    ]);
    expect(blocks[0]!.expected).toBe(blocks[1]);
  });

  it("finds sentry-ship command lines in shell, YAML and Jenkins blocks", () => {
    expect(sentryShipInvocations(blocks[0]!)).toEqual([
      ["releases", "propose-version"],
      ["releases", "new", "1"],
      ["deploys", "new", "-r", "1", "-e", "production"],
    ]);
    expect(sentryShipInvocations(blocks[2]!)).toEqual([["releases", "finalize", "1"]]);
    expect(sentryShipInvocations(blocks[3]!)).toEqual([["releases", "new", "--bogus", "1"]]);
  });

  it("skips here-documents and redirections", () => {
    expect(shellCommands("cat > e.json <<'EOF'\nsentry-ship nope\nEOF\nsentry-ship info 2>&1 > out.txt")).toEqual([
      ["cat"],
      ["sentry-ship", "info"],
    ]);
  });

  it("accepts a command line the CLI accepts and reports one it rejects (a broken example fails)", async () => {
    expect(await checkCommandLine(build, ["deploys", "new", "-r", "1", "-e", "production"])).toBeUndefined();
    expect(await checkCommandLine(build, ["releases", "new", "--bogus", "1"])).toBe("error: unknown option '--bogus'");
    expect(await checkCommandLine(build, ["releases", "new"])).toMatch(/missing required argument 'version'/);
    expect(await checkCommandLine(build, ["releases", "shipit"])).toMatch(/unknown command 'shipit'/);
    expect(await checkCommandLine(build, ["sourcemaps", "resolve", "m.map", "-l", "x"])).toMatch(/--line/);
  });

  it("compares JSON as a shape: … matches anything, objects may hold more keys", () => {
    expect(
      jsonMismatches({ ok: true, v: "…", a: [{ x: 1 }] }, { ok: true, v: 7, a: [{ x: 1, y: 2 }], more: 1 }),
    ).toEqual([]);
    expect(jsonMismatches({ ok: true, a: [] }, { ok: false, a: [1] })).toEqual([
      "$.ok: expected true, got false",
      "$.a: expected [], got 1 items",
    ]);
    expect(jsonMismatches({ k: 1 }, {})).toEqual(["$.k: missing"]);
    expect(jsonMismatches({ v: "web@…" }, { v: "web@1a2b" })).toEqual([]);
    expect(jsonMismatches({ v: "web@…" }, { v: "api@1a2b" })).toEqual(['$.v: expected "web@…", got "api@1a2b"']);
  });

  it("matches expected text lines in order, … as a wildcard", () => {
    expect(textMismatches("Created release …\nDone", "x\nCreated release 1.0\ny\nDone\n")).toEqual([]);
    expect(textMismatches("Done\nCreated release …", "Created release 1.0\nDone\n")).toHaveLength(1);
  });
});
