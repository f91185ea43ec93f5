/**
 * Oracle: sentry-cli 3.8.0 and sentry-ship inject copies of the same folder; every file must come
 * out byte-for-byte the same, debug-id values aside.
 */
import { cpSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { write, writeCommonFixtures, writeIndexFixture } from "../support/inject-fixtures.js";
import { runCli, tempDir } from "../support/runCli.js";
import { runSentryCli } from "../support/sentryCli.js";

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** File text with debug ids replaced and inline maps decoded (their base64 embeds the id). */
function normalize(text: string): string {
  return text
    .replace(/(data:application\/json[^,]*;base64,)([A-Za-z0-9+/=]+)/g, (_m, prefix: string, b64: string) => {
      return `${prefix}<decoded ${Buffer.from(b64, "base64").toString("utf8")}>`;
    })
    .replace(UUID_RE, "<ID>");
}

/** Where two texts first differ, with a little context (undefined when equal). */
function firstDiff(a: string, b: string): string | undefined {
  if (a === b) return undefined;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `lengths ${a.length}/${b.length}, first difference at ${i}: ours ${JSON.stringify(a.slice(Math.max(0, i - 40), i + 40))} vs ${JSON.stringify(b.slice(Math.max(0, i - 40), i + 40))}`;
}

function sentryCliEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: tempDir("sc-home-"), SENTRY_DISABLE_UPDATE_CHECK: "1" };
}

async function injectBoth(build: (dist: string) => void) {
  const ours = tempDir("inject-ours-");
  const theirs = tempDir("inject-theirs-");
  build(join(ours, "dist"));
  cpSync(join(ours, "dist"), join(theirs, "dist"), { recursive: true });
  const sc = await runSentryCli(["sourcemaps", "inject", "dist"], {
    env: sentryCliEnv(),
    cwd: theirs,
    timeoutMs: 120_000,
  });
  expect(sc.exitCode, sc.stderr).toBe(0);
  const us = await runCli(["sourcemaps", "inject", "dist"], { cwd: ours });
  expect(us.exitCode, us.stderr).toBe(0);
  return { ours: join(ours, "dist"), theirs: join(theirs, "dist"), sc, us };
}

describe("sourcemaps inject against sentry-cli 3.8.0", () => {
  it("writes every JS file and map byte-for-byte as sentry-cli does, and the same report", async () => {
    const { ours, theirs, sc, us } = await injectBoth((dist) => writeCommonFixtures(dist, { big: true }));
    const files = listFiles(ours);
    expect(listFiles(theirs)).toEqual(files);
    expect(files.length).toBeGreaterThan(30);
    for (const f of files) {
      // Deliberately different (the test below): sentry-cli leaves this inline map without the id.
      if (f === "inline.mjs") continue;
      const a = readFileSync(join(ours, f), "utf8");
      const b = readFileSync(join(theirs, f), "utf8");
      expect(firstDiff(normalize(a), normalize(b)), f).toBeUndefined();
    }
    expect(normalize(us.stdout)).toBe(normalize(sc.stdout));
  }, 180_000);

  it("gives the JS of a file with an index map the same bytes, and shifts its sections as sentry-cli does", async () => {
    const { ours, theirs } = await injectBoth((dist) => writeIndexFixture(dist));
    expect(normalize(readFileSync(join(ours, "indexed.js"), "utf8"))).toBe(
      normalize(readFileSync(join(theirs, "indexed.js"), "utf8")),
    );
    const a = JSON.parse(readFileSync(join(ours, "indexed.js.map"), "utf8"));
    const b = JSON.parse(readFileSync(join(theirs, "indexed.js.map"), "utf8"));
    // sentry-cli also writes `"sources":null` and `"url":null`; the sections themselves agree.
    expect(a.sections.map((s: { offset: unknown }) => s.offset)).toEqual(
      b.sections.map((s: { offset: unknown }) => s.offset),
    );
    expect(a.sections.map((s: { map: unknown }) => s.map)).toEqual(b.sections.map((s: { map: unknown }) => s.map));
    expect(a.debugId).toBe(readFileSync(join(ours, "indexed.js"), "utf8").match(/debugId=(\S+)/)![1]);
  });

  it("differs from sentry-cli only by leaving a file whose map is missing untouched", async () => {
    const { ours, theirs, us } = await injectBoth((dist) =>
      write(dist, "missing.js", `var m=1;\n//# sourceMappingURL=gone.js.map\n`),
    );
    expect(readFileSync(join(ours, "missing.js"), "utf8")).toBe(`var m=1;\n//# sourceMappingURL=gone.js.map\n`);
    expect(readFileSync(join(theirs, "missing.js"), "utf8")).toContain("//# debugId=");
    expect(us.stderr).toContain(
      "dist/missing.js was left unchanged: the source map it references (dist/gone.js.map) was not found",
    );
  });

  it("injects a script whose map is on a server with the map beside it, as sentry-cli does", async () => {
    const map = JSON.stringify({ version: 3, sources: ["a.ts"], names: [], mappings: "AAAA,IAAI" });
    const { ours, theirs, us } = await injectBoth((dist) => {
      write(dist, "cdn.js", `var c=1;\n//# sourceMappingURL=https://maps.example.com/static/cdn.js.map\n`);
      write(dist, "cdn.js.map", map);
      write(dist, "proto.js", `var p=1;\n//# sourceMappingURL=//cdn.example.com/proto.js.map\n`);
      write(dist, "proto.js.map", map);
      write(dist, "root.js", `var r=1;\n//# sourceMappingURL=/static/js/root.js.map\n`);
      write(dist, "root.js.map", map);
    });
    expect(us.stderr).toBe("");
    for (const f of listFiles(ours)) {
      const a = readFileSync(join(ours, f), "utf8");
      expect(firstDiff(normalize(a), normalize(readFileSync(join(theirs, f), "utf8"))), f).toBeUndefined();
      if (f.endsWith(".js"))
        expect(JSON.parse(readFileSync(join(ours, `${f}.map`), "utf8")).debugId).toBe(a.match(/debugId=(\S+)/)![1]);
    }
  });

  it("differs from sentry-cli where it breaks something: inline maps in other data: forms, and a prologue of several directives", async () => {
    const code = `var il=1;function im(){return il}\n`;
    const map = JSON.stringify({ version: 3, sources: ["a.ts"], names: [], mappings: "AAAA,IAAI" });
    const { ours, theirs } = await injectBoth((dist) => {
      write(
        dist,
        "inline.mjs",
        `${code}//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(map).toString("base64")}\n`,
      );
      write(dist, "asm.js", `"use strict";"use asm";var x=1;\n//# sourceMappingURL=asm.js.map\n`);
      write(dist, "asm.js.map", map);
    });
    const inlineMap = (js: string) => {
      const b64 = js.match(/base64,([A-Za-z0-9+/=]+)/)![1]!;
      return JSON.parse(Buffer.from(b64, "base64").toString("utf8"));
    };
    // sentry-cli: the JS has an id, its inline map does not; ours: both have the same id.
    const theirsInline = readFileSync(join(theirs, "inline.mjs"), "utf8");
    expect(theirsInline).toMatch(/debugId=/);
    expect(inlineMap(theirsInline).debugId).toBeUndefined();
    const oursInline = readFileSync(join(ours, "inline.mjs"), "utf8");
    expect(inlineMap(oursInline).debugId).toBe(oursInline.match(/debugId=(\S+)/)![1]);
    // sentry-cli puts the snippet between the two directives ("use asm" becomes a plain string).
    expect(readFileSync(join(theirs, "asm.js"), "utf8")).toMatch(/^"use strict";\n!function/);
    expect(readFileSync(join(ours, "asm.js"), "utf8")).toMatch(/^"use strict";"use asm";\n!function/);
  });
});
