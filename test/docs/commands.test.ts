import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli.js";
import {
  type Block,
  checkCommandLine,
  docFiles,
  extractBlocks,
  isShell,
  ROOT,
  readDoc,
  sentryShipInvocations,
  where,
} from "../support/docs.js";

const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: {}, cwd: ROOT, homeDir: ROOT };
const build = async (argv: string[]) => (await buildProgram(io, {}, argv)).program;

const blocks: Block[] = [
  ...docFiles().flatMap((f) => extractBlocks(readDoc(f), f)),
  // The example pipeline the Jenkins guide explains, read as one Groovy block.
  { file: "examples/Jenkinsfile", line: 1, lang: "groovy", tags: [], code: readDoc("examples/Jenkinsfile") },
];

describe("the docs' command lines", () => {
  it("finds the docs' blocks and command lines", () => {
    expect(blocks.filter(isShell).length).toBeGreaterThan(20);
    expect(blocks.flatMap(sentryShipInvocations).length).toBeGreaterThan(50);
  });

  it("finds the command lines of examples/Jenkinsfile", () => {
    expect(sentryShipInvocations(blocks.find((b) => b.file === "examples/Jenkinsfile")!).length).toBeGreaterThanOrEqual(
      8,
    );
  });

  it("finds the command lines of every CI recipe (YAML run/script lines and shell blocks)", () => {
    for (const f of docFiles().filter((f) => f.startsWith("docs/ci/"))) {
      const n = blocks.filter((b) => b.file === f).flatMap(sentryShipInvocations).length;
      expect(n, f).toBeGreaterThanOrEqual(6);
    }
  });

  it("parse with the CLI's own definitions: every command, flag and value exists (runnable or not)", async () => {
    const failures: string[] = [];
    for (const b of blocks) {
      for (const argv of sentryShipInvocations(b)) {
        const problem = await checkCommandLine(build, argv);
        if (problem) failures.push(`${where(b)}: sentry-ship ${argv.join(" ")} → ${problem}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("show the files they say they show (<!-- same-as: PATH -->), byte for byte", () => {
    const same = blocks.filter((b) => b.sameAs);
    expect(same.map((b) => b.sameAs)).toContain(".github/workflows/action.yml");
    for (const b of same) {
      expect(`${b.code}\n`, `${where(b)} differs from ${b.sameAs}`).toBe(readFileSync(join(ROOT, b.sameAs!), "utf8"));
    }
  });

  it("give every expected-output block a runnable block to check", () => {
    const expected = blocks.filter((b) => b.tags.includes("expected"));
    const attached = new Set(blocks.map((b) => b.expected).filter(Boolean));
    expect(expected.filter((b) => !attached.has(b)).map(where)).toEqual([]);
  });
});
