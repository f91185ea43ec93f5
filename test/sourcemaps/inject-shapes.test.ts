/**
 * Inject where sentry-cli 3.8.0 is wrong or silent: inline maps in every data: URL form, a
 * directive prologue of several directives, maps outside the given paths, files that are not
 * regular, names and sizes the file system or Node cannot handle. Exact bytes, and fidelity:
 * every mapping resolves to the same original position, and the program keeps its behaviour
 * (strict mode, its directive prologue as an independent parser — TypeScript's — sees it).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { eachMapping, originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { runInjection } from "../../src/sourcemaps/inject.js";
import { readSourceMapReference } from "../../src/sourcemaps/map-reference.js";
import { snippet } from "../../src/sourcemaps/snippet.js";
import { snapshot, write } from "../support/inject-fixtures.js";
import { runCli, tempDir } from "../support/runCli.js";

const CODE = "var il=1;function im(){return il}\n";
const MAP = '{"version":3,"sources":["a.ts"],"names":["il"],"mappings":"AAAA,IAAIA"}';
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const pct = (s: string) => encodeURIComponent(s).replace(/'/g, "%27");

/** The directives an independent parser sees at the start of the program. */
function directives(js: string): string[] {
  const sf = ts.createSourceFile("x.js", js, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const out: string[] = [];
  for (const st of sf.statements) {
    if (!ts.isExpressionStatement(st) || !ts.isStringLiteral(st.expression)) break;
    out.push(st.expression.text);
  }
  return out;
}

/** Run a script in a fresh context; what it left in `result`, and the debug ids it registered. */
function run(js: string): { result: unknown; ids: unknown[] } {
  const ctx: Record<string, unknown> = {};
  ctx.globalThis = ctx;
  runInNewContext(js, ctx);
  return { result: ctx.result, ids: Object.values((ctx._sentryDebugIds as object) ?? {}) };
}

function offsetOf(text: string, line: number, column: number): number {
  let off = 0;
  for (let l = 0; l < line; l++) off = text.indexOf("\n", off) + 1;
  return off + column;
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - (before.lastIndexOf("\n") + 1) };
}

/**
 * The injected JS is the original with `"\n" + snippet + "\n"` inserted at one place and the
 * debugId comment appended; every original mapping, moved with the text, resolves as before.
 */
function expectFidelity(origJs: string, origMap: unknown, newJs: string, newMap: unknown): string {
  const id = newJs.match(/\/\/# debugId=(\S+)\n$/)![1]!;
  const inserted = `\n${snippet(id)}\n`;
  const at = newJs.indexOf(inserted);
  expect(at).toBeGreaterThanOrEqual(0);
  const withoutComment = newJs.slice(0, newJs.length - `\n//# debugId=${id}\n`.length);
  const rest = withoutComment.slice(at + inserted.length);
  // (an inline map's reference changes with the map it carries)
  const origRest = origJs.slice(at);
  const cut = (s: string) => s.replace(/sourceMappingURL=\S+/, "sourceMappingURL=…");
  expect(newJs.slice(0, at)).toBe(origJs.slice(0, at));
  expect(cut(rest)).toBe(cut(origRest));
  expect((newMap as { debugId?: string }).debugId).toBe(id);
  const a = new TraceMap(origMap as never);
  const b = new TraceMap(newMap as never);
  let n = 0;
  eachMapping(a, (m) => {
    const off = offsetOf(origJs, m.generatedLine - 1, m.generatedColumn);
    const moved = positionOf(newJs, off < at ? off : off + inserted.length);
    const want = originalPositionFor(a, { line: m.generatedLine, column: m.generatedColumn });
    expect(originalPositionFor(b, moved), `${m.generatedLine}:${m.generatedColumn}`).toEqual(want);
    n++;
  });
  expect(n).toBeGreaterThan(0);
  return id;
}

function inlineMapOf(js: string): unknown {
  const url = readSourceMapReference(js)!.url;
  const comma = url.indexOf(",");
  const base64 = /;base64$/i.test(url.slice(0, comma));
  const payload = url.slice(comma + 1);
  return JSON.parse(base64 ? Buffer.from(payload, "base64").toString("utf8") : decodeURIComponent(payload));
}

describe("inject: inline maps in every data: URL form", () => {
  const forms: Array<[string, (s: string) => string]> = [
    ["data:application/json;base64,", b64],
    ["data:application/json;charset=utf-8;base64,", b64],
    ["data:application/json;charset=UTF-8;foo=bar;BASE64,", b64],
    ["data:text/plain;base64,", b64],
    ["data:application/json,", pct],
    ["data:application/json;charset=utf-8,", pct],
  ];
  it.each(forms)("gives the map in %s the JS's debug id, with the exact bytes", async (prefix, encode) => {
    const dir = tempDir("inject-inline-");
    const original = `${CODE}//# sourceMappingURL=${prefix}${encode(MAP)}\n`;
    write(dir, "a.js", original);
    const report = await runInjection({ paths: ["."], cwd: dir });
    const id = report.modifiedSources[0]!.debugId;
    const newMap = `{"version":3,"sources":["a.ts"],"names":["il"],"mappings":";;AAAA,IAAIA","debugId":"${id}"}`;
    const js = readFileSync(join(dir, "a.js"), "utf8");
    expect(js).toBe(`\n${snippet(id)}\n${CODE}//# sourceMappingURL=${prefix}${encode(newMap)}\n\n//# debugId=${id}\n`);
    expectFidelity(original, JSON.parse(MAP), js, inlineMapOf(js));
    expect(run(`${js};result=im()`)).toEqual({ result: 1, ids: [id] });
    // A second run finds the id and changes nothing.
    const once = snapshot(dir);
    expect((await runInjection({ paths: ["."], cwd: dir })).ignoredSources.map((e) => e.debugId)).toEqual([id]);
    expect(snapshot(dir)).toEqual(once);
  });

  it("keeps a percent-encoded map readable when its text holds apostrophes and spaces", async () => {
    const dir = tempDir("inject-inline-");
    const map = JSON.stringify({ ...JSON.parse(MAP), sourcesContent: ["it's a test"] });
    write(dir, "a.js", `${CODE}//# sourceMappingURL=data:application/json,${pct(map)}\n`);
    const report = await runInjection({ paths: ["."], cwd: dir });
    const js = readFileSync(join(dir, "a.js"), "utf8");
    expect(inlineMapOf(js)).toEqual({
      ...JSON.parse(map),
      mappings: ";;AAAA,IAAIA",
      debugId: report.modifiedSources[0]!.debugId,
    });
  });
});

describe("inject: the whole directive prologue stays first", () => {
  const body = "var result=(function(){return this})()===undefined;\n";
  const shapes: Array<[string, string, string[]]> = [
    ["two directives on one line", `"use strict";"use asm";${body}`, ["use strict", "use asm"]],
    ["two single-quoted directives on two lines", `'use strict';\n'use asm';\n${body}`, ["use strict", "use asm"]],
    [
      "a licence comment, then 'use client' without a semicolon",
      `/*! lib | MIT */\n'use client'\n"use strict"\n${body}`,
      ["use client", "use strict"],
    ],
    ["directives between comments", `// a\n"use strict"; /* b */\n"use client";${body}`, ["use strict", "use client"]],
  ];
  it.each(shapes)("%s: same directives, same strictness, same mappings", async (_name, code, want) => {
    const dir = tempDir("inject-prologue-");
    const lines = code.split("\n").filter((l) => l !== "");
    // One segment per line start, one at `var`, mapped to a made-up source.
    const mappings = lines
      .map((l, i) => {
        const v = l.indexOf("var");
        return v > 0 ? `AA${i === 0 ? "A" : "C"}A,${encodeVlq(v)}AAC` : `AA${i === 0 ? "A" : "C"}A`;
      })
      .join(";");
    const map = { version: 3, sources: ["src.ts"], names: [], mappings };
    const original = `${code}//# sourceMappingURL=a.js.map\n`;
    write(dir, "a.js", original);
    write(dir, "a.js.map", JSON.stringify(map));
    expect(directives(original)).toEqual(want);
    await runInjection({ paths: ["."], cwd: dir });
    const js = readFileSync(join(dir, "a.js"), "utf8");
    expect(directives(js)).toEqual(want);
    expect(run(js).result).toBe(true);
    expectFidelity(original, map, js, JSON.parse(readFileSync(join(dir, "a.js.map"), "utf8")));
  });

  it("keeps every use-directive first for a file with an index map", async () => {
    const dir = tempDir("inject-prologue-");
    const code = `/*! l */\n"use strict";"use asm";${body}`;
    write(dir, "a.js", `${code}//# sourceMappingURL=a.js.map\n`);
    const inner = { version: 3, sources: ["s.ts"], names: [], mappings: "AAAA" };
    write(dir, "a.js.map", JSON.stringify({ version: 3, sections: [{ offset: { line: 0, column: 0 }, map: inner }] }));
    await runInjection({ paths: ["."], cwd: dir });
    const js = readFileSync(join(dir, "a.js"), "utf8");
    expect(directives(js)).toEqual(["use strict", "use asm"]);
    expect(run(js).result).toBe(true);
    const map = JSON.parse(readFileSync(join(dir, "a.js.map"), "utf8"));
    expect(map.sections[0].offset).toEqual({ line: 1, column: 0 });
  });
});

/** Base64 VLQ of a small non-negative number. */
function encodeVlq(n: number): string {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let v = n << 1;
  let out = "";
  do {
    let digit = v & 31;
    v >>>= 5;
    if (v > 0) digit |= 32;
    out += chars[digit];
  } while (v > 0);
  return out;
}

describe("inject stays in its folder", () => {
  it("leaves a JS whose map is outside the given paths untouched, with a warning, unless that folder is given too", async () => {
    const dir = tempDir("inject-outside-");
    const map = JSON.stringify({ version: 3, sources: ["a.ts"], names: [], mappings: "AAAA" });
    write(dir, "dist/a.js", "var a=1;\n//# sourceMappingURL=../other/a.js.map\n");
    write(dir, "other/a.js.map", map);
    write(dir, "dist/b.js", `var b=1;\n//# sourceMappingURL=${join(dir, "abs/b.js.map")}\n`);
    write(dir, "abs/b.js.map", map);
    const before = snapshot(dir);
    const report = await runInjection({ paths: ["dist"], cwd: dir });
    expect(snapshot(dir)).toEqual(before);
    expect(report.warnings).toEqual([
      {
        path: "dist/a.js",
        message:
          "dist/a.js was left unchanged: the source map it references (other/a.js.map) is outside the paths given to inject (pass its folder too to inject it)",
      },
      {
        path: "dist/b.js",
        message: `dist/b.js was left unchanged: the source map it references (${join(dir, "abs/b.js.map")}) is outside the paths given to inject (pass its folder too to inject it)`,
      },
    ]);
    const both = await runInjection({ paths: ["dist", "other", "abs"], cwd: dir });
    expect(both.warnings).toEqual([]);
    expect(both.modifiedMaps.map((e) => e.path).sort()).toEqual([join(dir, "abs/b.js.map"), "other/a.js.map"]);
    expect(JSON.parse(readFileSync(join(dir, "other/a.js.map"), "utf8")).debugId).toBe(
      readFileSync(join(dir, "dist/a.js"), "utf8").match(/debugId=(\S+)/)![1],
    );
  });

  it("refuses a map that is a FIFO instead of waiting on it, and writes nothing", async () => {
    const dir = tempDir("inject-fifo-");
    write(dir, "a.js", "var a=1;\n//# sourceMappingURL=a.js.map\n");
    write(dir, "b.js", "var b=1;\n");
    execFileSync("mkfifo", [join(dir, "a.js.map")]);
    await expect(runInjection({ paths: ["."], cwd: dir })).rejects.toThrow(
      "1 file is invalid, so nothing was written — ./a.js.map: cannot read it: it is not a regular file",
    );
    expect(readFileSync(join(dir, "b.js"), "utf8")).toBe("var b=1;\n");
  });
});

describe("inject and upload name the file and the cause of what the file system refuses", () => {
  const env = { SENTRY_ORG: "acme", SENTRY_PROJECT: "web", SENTRY_AUTH_TOKEN: `sntryu_${"a".repeat(64)}` };

  it("names a file whose name is too long for its pending file, and leaves it whole", async () => {
    const dir = tempDir("inject-long-");
    const name = `${"n".repeat(245)}.js`;
    write(dir, `dist/${name}`, "var n=1;\n");
    const r = await runCli(["sourcemaps", "inject", "dist", "--json"], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({
      kind: "input",
      message: `cannot write dist/${name}: the file name is too long (ENAMETOOLONG)`,
    });
    expect(readFileSync(join(dir, "dist", name), "utf8")).toBe("var n=1;\n");
    expect(snapshot(join(dir, "dist")).size).toBe(1);
  });

  it("names a file whose name is not valid UTF-8", async () => {
    const dir = tempDir("inject-name-");
    mkdirSync(join(dir, "dist"));
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/dist/b`), Buffer.from([0xff]), Buffer.from(".js")]), "var b;\n");
    for (const cmd of ["inject", "upload"]) {
      const r = await runCli(["sourcemaps", cmd, "dist", "--dry-run", "--json"], { cwd: dir, env });
      expect(r.exitCode, cmd).toBe(1);
      expect(JSON.parse(r.stdout).error, cmd).toMatchObject({ kind: "input" });
      expect(JSON.parse(r.stdout).error.message, cmd).toMatch(/b\uFFFD\.js: the file name is not valid UTF-8/);
    }
  });

  it("refuses a file too large to read as text, naming it (a sparse file: no disk used)", async () => {
    const dir = tempDir("inject-big-");
    write(dir, "dist/big.js", "");
    truncateSync(join(dir, "dist/big.js"), 600 * 2 ** 20);
    const i = await runCli(["sourcemaps", "inject", "dist", "--json"], { cwd: dir });
    expect(JSON.parse(i.stdout).error).toMatchObject({
      kind: "input",
      message: expect.stringContaining("dist/big.js: cannot read it: it is too large to handle (more than 511 MiB)"),
    });
    const u = await runCli(["sourcemaps", "upload", "dist", "--dry-run", "--json"], { cwd: dir, env });
    expect(JSON.parse(u.stdout).error).toMatchObject({
      kind: "input",
      message: "cannot read big.js: it is too large to handle (more than 511 MiB)",
    });
  });

  it("refuses a FIFO named as an upload path instead of waiting on it", async () => {
    const dir = tempDir("upload-fifo-");
    execFileSync("mkfifo", [join(dir, "x.js")]);
    const u = await runCli(["sourcemaps", "upload", "x.js", "--dry-run", "--json"], { cwd: dir, env });
    expect(JSON.parse(u.stdout).error).toEqual({
      kind: "input",
      message: "cannot read x.js: it is not a regular file",
    });
  });

  it("quotes at most 80 characters of a broken mappings segment", async () => {
    const dir = tempDir("inject-seg-");
    write(dir, "a.js", "var a=1;\n");
    write(
      dir,
      "a.js.map",
      JSON.stringify({ version: 3, sources: ["a"], names: [], mappings: `AAAA;${"g".repeat(200_000)}` }),
    );
    const err = (await runInjection({ paths: ["."], cwd: dir }).catch((e: Error) => e)) as Error;
    expect(err.message).toBe(
      `1 file is invalid, so nothing was written — ./a.js.map: mappings have a truncated value at line 2, segment "${"g".repeat(80)}"… (200000 characters)`,
    );
    expect(existsSync(join(dir, "a.js.map.sentry-ship-pending"))).toBe(false);
  });
});
