import { describe, expect, it } from "vitest";
import { write } from "../../support/inject-fixtures.js";
import { runCli, tempDir } from "../../support/runCli.js";

// `function add(n,d){return n+d}` minified from app.js
const MAP = {
  version: 3,
  file: "app.min.js",
  sources: ["app.js"],
  sourcesContent: ["function add(a, b) {\n  return a + b;\n}\nconsole.log(add(1, 2));\n"],
  names: ["add", "a", "b", "console", "log"],
  mappings: "aAAA,SAASA,IAAIC,EAAGC,GACd,OAAOD,EAAIC,CACb,CACAC,QAAQC,IAAIJ,IAAI,EAAG",
};

function dir(): string {
  const d = tempDir("resolve-");
  write(d, "app.min.js.map", JSON.stringify(MAP));
  return d;
}

describe("sourcemaps resolve", () => {
  it("prints the original position, name and source context (1-based lines and columns)", async () => {
    const r = await runCli(["sourcemaps", "resolve", "app.min.js.map", "-l", "1", "-c", "30"], { cwd: dir() });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      [
        'source map path: "app.min.js.map"',
        "source map type: regular",
        "",
        "Searching for token nearest to line 1, column 30 in the minified file:",
        "",
        '  Found the nearest token "b" at line 1, column 29 in the minified file.',
        "",
        "  - The same token is located at line 1, column 17 in source file app.js.",
        "",
        "  Source code:",
        "  > 1 | function add(a, b) {",
        "    2 |   return a + b;",
        "    3 | }",
        "",
      ].join("\n"),
    );
  });

  it("says when no token precedes the position", async () => {
    const r = await runCli(["sourcemaps", "resolve", "app.min.js.map"], { cwd: dir() });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("  - no token found!");
  });

  it("prints the result as JSON with --json", async () => {
    const r = await runCli(["--json", "sourcemaps", "resolve", "app.min.js.map", "-l", "1", "-c", "51"], {
      cwd: dir(),
    });
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.token).toEqual({
      line: 1,
      column: 51,
      name: "log",
      source: "app.js",
      originalLine: 4,
      originalColumn: 9,
    });
    expect(doc.context.find((c: { current: boolean }) => c.current).text).toBe("console.log(add(1, 2));");
  });

  it("fails with exit 1 on a map that is not JSON", async () => {
    const d = tempDir("resolve-");
    write(d, "bad.map", "{x");
    const r = await runCli(["sourcemaps", "resolve", "bad.map", "-l", "1", "-c", "1"], { cwd: d });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/bad\.map is not a valid source map/);
  });

  it("names a map that is not JSON in one error line, its opening line breaks escaped", async () => {
    const d = tempDir("resolve-");
    write(d, "bad.map", "/**\n * licence\n */\n");
    const r = await runCli(["sourcemaps", "resolve", "bad.map"], { cwd: d });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      `error: bad.map is not a valid source map: not valid JSON (Unexpected token '/', "/**\\n * licence\\n */\\n" is not valid JSON)\n`,
    );
  });

  it("rejects column 0 because columns count from 1", async () => {
    const r = await runCli(["sourcemaps", "resolve", "app.min.js.map", "-c", "0"], { cwd: dir() });
    expect(r.exitCode).toBe(2);
  });
});
