import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { write } from "../../support/inject-fixtures.js";
import { runCli, tempDir } from "../../support/runCli.js";

function build(): string {
  const dir = tempDir("inject-cmd-");
  write(dir, "dist/app.js", `"use strict";var a=1;\n//# sourceMappingURL=app.js.map\n`);
  write(dir, "dist/app.js.map", JSON.stringify({ version: 3, sources: ["a.ts"], names: [], mappings: "AAAA,aAAA" }));
  write(dir, "dist/nomap.js", `var n=1;\n`);
  return dir;
}

describe("sourcemaps inject", () => {
  it("prints sentry-cli's progress lines and report on stdout", async () => {
    const dir = build();
    const r = await runCli(["sourcemaps", "inject", "dist"], { cwd: dir });
    expect(r.exitCode).toBe(0);
    const id = readFileSync(join(dir, "dist/app.js"), "utf8").match(/debugId=(\S+)/)![1]!;
    const nid = readFileSync(join(dir, "dist/nomap.js"), "utf8").match(/debugId=(\S+)/)![1]!;
    expect(r.stdout).toBe(
      [
        "> Searching dist",
        "> Found 3 files",
        "> Analyzing 3 sources",
        "> Injecting debug ids",
        "",
        "Source Map Debug ID Injection Report",
        "  Modified: The following source files have been modified to have debug ids",
        `    ${id} - dist/app.js`,
        `    ${nid} - dist/nomap.js`,
        "        - warning: could not determine a source map reference (Could not auto-detect referenced sourcemap for dist/nomap.js)",
        "  Modified: The following sourcemap files have been modified to have debug ids",
        `    ${id} - dist/app.js.map`,
        "",
        "",
      ].join("\n"),
    );
    expect(JSON.parse(readFileSync(join(dir, "dist/app.js.map"), "utf8"))).toEqual({
      version: 3,
      sources: ["a.ts"],
      names: [],
      mappings: "AAAA;;AAAA",
      debugId: id,
    });
  });

  it("names a map that is not JSON on the error line, its line breaks escaped, then the hint", async () => {
    const dir = build();
    write(dir, "dist/app.js.map", "/*\r\n*/\r\n");
    const r = await runCli(["sourcemaps", "inject", "dist"], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split("\n")).toEqual([
      `error: 1 file is invalid, so nothing was written — dist/app.js.map: not valid JSON (Unexpected token '/', "/*\\r\\n*/\\r\\n" is not valid JSON)`,
      "Fix or rebuild these files (or exclude them with --ignore) and run inject again.",
      "",
    ]);
  });

  it("prints one JSON document with --json", async () => {
    const dir = build();
    const r = await runCli(["--json", "sourcemaps", "inject", "dist"], { cwd: dir });
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.modified.map((m: { path: string; type: string }) => `${m.type} ${m.path}`)).toEqual([
      "source dist/app.js",
      "source dist/nomap.js",
      "sourcemap dist/app.js.map",
    ]);
    expect(doc.ignored).toEqual([]);
    expect(doc.warnings).toHaveLength(1);
  });

  it("writes nothing with --dry-run and says so", async () => {
    const dir = build();
    const r = await runCli(["sourcemaps", "inject", "--dry-run", "dist"], { cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("dist/app.js.map");
    expect(r.stderr).toContain("dry run: no file was changed");
    expect(readFileSync(join(dir, "dist/app.js"), "utf8")).toBe(
      `"use strict";var a=1;\n//# sourceMappingURL=app.js.map\n`,
    );
  });

  it("exits 1 naming the corrupt map and writes nothing", async () => {
    const dir = build();
    write(dir, "dist/bad.js", `var b=1;\n//# sourceMappingURL=bad.js.map\n`);
    write(dir, "dist/bad.js.map", `{"version":3,"mappings":"A$A"}`);
    const r = await runCli(["sourcemaps", "inject", "dist"], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      '1 file is invalid, so nothing was written — dist/bad.js.map: mappings contain an invalid character "$" at offset 1',
    );
    expect(readFileSync(join(dir, "dist/nomap.js"), "utf8")).toBe(`var n=1;\n`);
  });

  it("rejects a path or an ignore file that does not exist with the input error upload gives", async () => {
    const dir = tempDir();
    for (const cmd of ["inject", "upload"]) {
      const env = { SENTRY_ORG: "acme", SENTRY_PROJECT: "web", SENTRY_AUTH_TOKEN: "sntryu_" + "a".repeat(64) };
      const r = await runCli(["sourcemaps", cmd, "nope", "--dry-run", "--json"], { cwd: dir, env });
      expect(r.exitCode, cmd).toBe(1);
      expect(JSON.parse(r.stdout).error, cmd).toMatchObject({
        kind: "input",
        message: "path nope does not exist: pass a directory or file that exists",
      });
      const i = await runCli(["sourcemaps", cmd, ".", "-I", "no-such-file", "--dry-run", "--json"], { cwd: dir, env });
      expect(i.exitCode, cmd).toBe(1);
      expect(JSON.parse(i.stdout).error, cmd).toMatchObject({
        kind: "input",
        message: "cannot read the ignore file no-such-file: it does not exist (ENOENT)",
      });
    }
  });
});
