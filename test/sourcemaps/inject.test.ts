import {
  chmodSync,
  cpSync,
  existsSync,
  linkSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { eachMapping, FlattenMap, originalPositionFor, type TraceMap } from "@jridgewell/trace-mapping";
import { describe, expect, it } from "vitest";
import { debugIdFromBytes, debugIdFromMap, findDebugId } from "../../src/sourcemaps/debug-id.js";
import { type InjectStep, runInjection } from "../../src/sourcemaps/inject.js";
import { readSourceMapReference } from "../../src/sourcemaps/map-reference.js";
import { mappingsProblem, shiftMappings } from "../../src/sourcemaps/mappings-shift.js";
import {
  injectWithIndexMap,
  injectWithMap,
  injectWithoutMap,
  insertionPoint,
  snippet,
} from "../../src/sourcemaps/snippet.js";
import { snapshot, write, writeCommonFixtures, writeIndexFixture } from "../support/inject-fixtures.js";
import { tempDir } from "../support/runCli.js";

function fixtureDir(opts: { big?: boolean } = {}): string {
  const dir = tempDir("inject-");
  writeCommonFixtures(join(dir, "dist"), opts);
  writeIndexFixture(join(dir, "dist"));
  return dir;
}

const SNIP_ID = "11111111-2222-5333-8444-555555555555";

describe("snippet placement", () => {
  const place = (js: string) => injectWithMap(js, SNIP_ID).replace(snippet(SNIP_ID), "<S>");
  it("puts the snippet first in a file without a prologue", () => {
    expect(place("var a=1;\n")).toBe("\n<S>\nvar a=1;\n\n//# debugId=" + SNIP_ID + "\n");
  });
  it("keeps a hashbang line first", () => {
    expect(place("#!/usr/bin/env node\nvar a;\n")).toBe(
      `#!/usr/bin/env node\n\n<S>\nvar a;\n\n//# debugId=${SNIP_ID}\n`,
    );
  });
  it('puts the snippet after a same-line "use strict" directive so the module stays strict', () => {
    expect(place('"use strict";var a;')).toBe(`"use strict";\n<S>\nvar a;\n//# debugId=${SNIP_ID}\n`);
  });
  it("puts the snippet after leading comments and a directive, whose newline stays", () => {
    expect(place('/* l */\n// c\n"use client";\nexport{}')).toBe(
      `/* l */\n// c\n"use client";\n<S>\n\nexport{}\n//# debugId=${SNIP_ID}\n`,
    );
  });
  it("lets a single-quoted directive take its newline", () => {
    expect(place("'use client';\nx")).toBe(`'use client';\n\n<S>\nx\n//# debugId=${SNIP_ID}\n`);
  });
  it("appends the snippet when there is no map, rewriting CRLF as sentry-cli does", () => {
    expect(injectWithoutMap("a;\r\nb;", SNIP_ID).replace(snippet(SNIP_ID), "<S>")).toBe(
      `a;\nb;\n<S>\n//# debugId=${SNIP_ID}\n`,
    );
  });
  it('puts the snippet after every directive of the prologue ("use strict";"use asm";), not between two', () => {
    expect(place('"use strict";"use asm";var a;')).toBe(
      `"use strict";"use asm";\n<S>\nvar a;\n//# debugId=${SNIP_ID}\n`,
    );
    expect(place("'use strict';\n'use asm';\nx")).toBe(`'use strict';\n'use asm';\n\n<S>\nx\n//# debugId=${SNIP_ID}\n`);
    expect(place('"use strict";\n/* c */ "use asm"; f()')).toBe(
      `"use strict";\n/* c */ "use asm";\n<S>\n f()\n//# debugId=${SNIP_ID}\n`,
    );
  });
  it("takes a directive ended by a line break (no semicolon) as a directive", () => {
    expect(place("/*! licence */\n'use client'\nexport const a=1")).toBe(
      `/*! licence */\n'use client'\n<S>\n\nexport const a=1\n//# debugId=${SNIP_ID}\n`,
    );
    expect(place('"use strict"\n"use asm"\nvar a')).toBe(
      `"use strict"\n"use asm"\n<S>\n\nvar a\n//# debugId=${SNIP_ID}\n`,
    );
  });
  it("does not take a string that an expression continues for a directive", () => {
    expect(place('"use strict"+x;')).toBe(`\n<S>\n"use strict"+x;\n//# debugId=${SNIP_ID}\n`);
    expect(place("'a'\n(f)()")).toBe(`\n<S>\n'a'\n(f)()\n//# debugId=${SNIP_ID}\n`);
    expect(place('"use strict";"x".length')).toBe(`"use strict";\n<S>\n"x".length\n//# debugId=${SNIP_ID}\n`);
    expect(place("'a'\nin b")).toBe(`\n<S>\n'a'\nin b\n//# debugId=${SNIP_ID}\n`);
  });
  it("repeats every use-directive on the line added for an index map", () => {
    const idx = (js: string) => injectWithIndexMap(js, SNIP_ID).replace(snippet(SNIP_ID), "<S>");
    expect(idx('"use strict";"use asm";var a;')).toBe(
      `"use strict";"use asm";<S>\n"use strict";"use asm";var a;\n//# debugId=${SNIP_ID}\n`,
    );
    expect(idx("/*! l */\n'use client'\nx")).toBe(
      `'use client';<S>\n/*! l */\n'use client'\nx\n//# debugId=${SNIP_ID}\n`,
    );
    expect(idx('#!/usr/bin/env node\n"foo";x')).toBe(`#!/usr/bin/env node\n<S>\n"foo";x\n//# debugId=${SNIP_ID}\n`);
  });
  it("reports the insertion point as a line and column", () => {
    expect(insertionPoint('/* a */ "use strict";x')).toMatchObject({ line: 0, column: 21 });
    expect(insertionPoint("#!node\r\n\nx")).toMatchObject({ line: 2, column: 0 });
  });
});

describe("debug ids", () => {
  it("makes a version-5, RFC-variant UUID that sentry-cli also makes for a file without a map", () => {
    expect(debugIdFromBytes("")).toBe("da39a3ee-5e6b-5b0d-b255-bfef95601890");
  });
  it("finds the last debugId comment in a JS file", () => {
    expect(findDebugId(`x\n//# debugId=AAAAAAAA-2222-5333-8444-555555555555\n`)).toBe(
      "aaaaaaaa-2222-5333-8444-555555555555",
    );
    expect(findDebugId(`x // debugId=11111111-2222-5333-8444-555555555555\n`)).toBeUndefined();
  });
  it("reads debugId and the older debug_id from a map", () => {
    expect(debugIdFromMap({ debugId: SNIP_ID })).toBe(SNIP_ID);
    expect(debugIdFromMap(JSON.stringify({ debug_id: SNIP_ID }))).toBe(SNIP_ID);
    expect(debugIdFromMap({ debugId: "nope" })).toBeUndefined();
  });
  it("reads the last sourceMappingURL reference, //@ included", () => {
    expect(readSourceMapReference("a\n//# sourceMappingURL=x.map\nb\n//@ sourceMappingURL=y.map\n")?.url).toBe("y.map");
    expect(readSourceMapReference("var s='//# sourceMappingURL=x.map';")).toBeUndefined();
  });
});

describe("shiftMappings", () => {
  it("prepends one ; per inserted line when the snippet goes at a line start", () => {
    expect(shiftMappings("AAAA;AACA", 0, 0)).toBe(";;AAAA;AACA");
    expect(shiftMappings("AAAA;AACA;AACA", 1, 0)).toBe("AAAA;;;AACA;AACA");
  });
  it("keeps segments past the end of the file that sentry-cli drops", () => {
    expect(shiftMappings("AAAA;AACA", 0, 0)).toContain("AACA");
  });
  it("splits the line the snippet goes into, re-basing only the first moved column", () => {
    // "use strict";var a → segments at 0 and 13; the one at 13 moves to column 0 two lines down.
    expect(shiftMappings("AAAA,aACA;AACA", 0, 13)).toBe("AAAA;;AACA;AACA");
    // A segment covering the split point is repeated at column 0 (as sentry-cli does).
    expect(shiftMappings("UAAA", 0, 18)).toBe("UAAA;;AAAA");
    expect(shiftMappings("gBAAA", 0, 13)).toBe(";;GAAA");
  });
  it("leaves a map with nothing at or after the insertion line alone", () => {
    expect(shiftMappings("AAAA", 3, 0)).toBe("AAAA");
  });
  it("names what is wrong with broken mappings", () => {
    expect(mappingsProblem("AAAA;AA!A")).toMatch(/invalid character "!"/);
    expect(mappingsProblem("AAAg")).toMatch(/truncated/);
    expect(mappingsProblem("AA")).toMatch(/segment of 2 fields/);
    expect(mappingsProblem("ACAA", 1)).toMatch(/source 1 of 1/);
    expect(mappingsProblem("AAAA,CAAC;;", 1)).toBeUndefined();
  });
});

function traceOf(json: unknown): TraceMap {
  return new FlattenMap(json as never);
}

describe("runInjection", () => {
  it("keeps every mapped segment resolving to the same place at its shifted position", async () => {
    const dir = fixtureDir({ big: true });
    const before = snapshot(join(dir, "dist"));
    await runInjection({ paths: ["dist"], cwd: dir });
    let checked = 0;
    for (const [rel, text] of before) {
      if (!rel.endsWith(".map")) continue;
      const jsRel = rel === "maps/app.cjs.map" ? "nested/deep/app.cjs" : rel.slice(0, -4);
      const js = Buffer.from(before.get(jsRel)!, "latin1").toString("utf8");
      if (findDebugId(js)) continue;
      const origJson = JSON.parse(Buffer.from(text, "latin1").toString("utf8"));
      const isIndex = Array.isArray(origJson.sections);
      const at = insertionPoint(js);
      const orig = traceOf(origJson);
      const injected = traceOf(JSON.parse(readFileSync(join(dir, "dist", rel), "utf8")));
      eachMapping(orig, (m) => {
        if (m.source === null) return;
        let line = m.generatedLine - 1;
        let col = m.generatedColumn;
        if (isIndex) line += 1;
        else if (line > at.line || (line === at.line && at.column === 0)) line += 2;
        else if (line === at.line && col >= at.column) {
          line += 2;
          col -= at.column;
        }
        const want = originalPositionFor(orig, { line: m.generatedLine, column: m.generatedColumn });
        const got = originalPositionFor(injected, { line: line + 1, column: col });
        if (
          got.source !== want.source ||
          got.line !== want.line ||
          got.column !== want.column ||
          got.name !== want.name
        ) {
          throw new Error(
            `${rel}: ${m.generatedLine}:${m.generatedColumn} → ${JSON.stringify(got)}, want ${JSON.stringify(want)}`,
          );
        }
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(500_000);
  }, 120_000);

  it("changes no byte on a second run and reports everything as already done", async () => {
    const dir = fixtureDir();
    await runInjection({ paths: ["dist"], cwd: dir });
    const once = snapshot(join(dir, "dist"));
    const report = await runInjection({ paths: ["dist"], cwd: dir });
    expect(snapshot(join(dir, "dist"))).toEqual(once);
    expect(report.modifiedSources).toEqual([]);
    expect(report.modifiedMaps).toEqual([]);
    expect(report.ignoredSources.length).toBeGreaterThan(10);
  });

  it("writes nothing on a dry run but reports what it would change", async () => {
    const dir = fixtureDir();
    const before = snapshot(join(dir, "dist"));
    const report = await runInjection({ paths: ["dist"], cwd: dir, dryRun: true });
    expect(snapshot(join(dir, "dist"))).toEqual(before);
    expect(report.modifiedSources.map((e) => e.path)).toContain("dist/plain.js");
    expect(report.modifiedMaps.map((e) => e.path)).toContain("dist/plain.js.map");
  });

  it("writes nothing and names every corrupt map when any map is corrupt", async () => {
    const dir = fixtureDir();
    write(join(dir, "dist"), "zz-notjson.js", "var q=1;\n//# sourceMappingURL=zz-notjson.js.map\n");
    write(join(dir, "dist"), "zz-notjson.js.map", "{not json");
    write(join(dir, "dist"), "zz-badmap.js", "var q=1;\n");
    write(
      join(dir, "dist"),
      "zz-badmap.js.map",
      JSON.stringify({ version: 3, sources: ["a"], names: [], mappings: "AAAA;AA" }),
    );
    write(
      join(dir, "dist"),
      "zz-inline.js",
      `var q=1;\n//# sourceMappingURL=data:application/json;base64,${Buffer.from("[1,2").toString("base64")}\n`,
    );
    const before = snapshot(join(dir, "dist"));
    const err = await runInjection({ paths: ["dist"], cwd: dir }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toContain("3 files are invalid, so nothing was written");
    expect(msg).toContain("dist/zz-notjson.js.map: not valid JSON");
    expect(msg).toContain("dist/zz-badmap.js.map: mappings have a segment of 2 fields");
    expect(msg).toContain("dist/zz-inline.js (inline source map): not valid JSON");
    expect(snapshot(join(dir, "dist"))).toEqual(before);
  });

  it("leaves a file whose referenced map is missing untouched, with a warning", async () => {
    const dir = tempDir("inject-");
    write(join(dir, "dist"), "m.js", "var m=1;\n//# sourceMappingURL=gone.map\n");
    const report = await runInjection({ paths: ["dist"], cwd: dir });
    expect(readFileSync(join(dir, "dist/m.js"), "utf8")).toBe("var m=1;\n//# sourceMappingURL=gone.map\n");
    expect(report.warnings).toEqual([
      {
        path: "dist/m.js",
        message: "dist/m.js was left unchanged: the source map it references (dist/gone.map) was not found",
      },
    ]);
  });

  it("injects a map shared by two files only once, and a second run leaves it as it is", async () => {
    const dir = tempDir("inject-");
    write(join(dir, "dist"), "a.js", "var a=1;\n//# sourceMappingURL=shared.map\n");
    write(join(dir, "dist"), "b.js", "var b=1;\n//# sourceMappingURL=shared.map\n");
    write(join(dir, "dist"), "shared.map", JSON.stringify({ version: 3, sources: ["x"], names: [], mappings: "AAAA" }));
    // A second run finds a.js injected: the map stays a.js's, not shifted again for b.js.
    for (let run = 1; run <= 2; run++) {
      const report = await runInjection({ paths: ["dist"], cwd: dir });
      expect(JSON.parse(readFileSync(join(dir, "dist/shared.map"), "utf8")).mappings, `run ${run}`).toBe(";;AAAA");
      expect(readFileSync(join(dir, "dist/b.js"), "utf8")).toBe("var b=1;\n//# sourceMappingURL=shared.map\n");
      expect(report.untouched).toEqual([
        {
          path: "dist/b.js",
          reason: "its source map dist/shared.map belongs to dist/a.js, which was injected with it",
        },
      ]);
    }
  });

  it("takes a map reached through a symbolic link for the map it links to: injected once, the other file left unchanged", async () => {
    const dir = tempDir("inject-");
    const map = JSON.stringify({ version: 3, sources: ["x"], names: [], mappings: "AAAA" });
    write(join(dir, "dist"), "a.js", "var a=1;\n//# sourceMappingURL=a.js.map\n");
    write(join(dir, "dist"), "a.js.map", map);
    write(join(dir, "dist"), "b.js", "var b=1;\n//# sourceMappingURL=b.js.map\n");
    symlinkSync("a.js.map", join(dir, "dist/b.js.map"));
    // Two hard links are two maps: each name is replaced by its own injected map.
    write(join(dir, "dist"), "c.js", "var c=1;\n//# sourceMappingURL=c.js.map\n");
    write(join(dir, "dist"), "c.js.map", map);
    write(join(dir, "dist"), "d.js", "var d=1;\n//# sourceMappingURL=d.js.map\n");
    linkSync(join(dir, "dist/c.js.map"), join(dir, "dist/d.js.map"));
    for (const threads of [0, 2]) {
      const report = await runInjection({ paths: ["dist"], cwd: dir, threads });
      expect(JSON.parse(readFileSync(join(dir, "dist/a.js.map"), "utf8")).mappings).toBe(";;AAAA");
      expect(readFileSync(join(dir, "dist/b.js"), "utf8")).toBe("var b=1;\n//# sourceMappingURL=b.js.map\n");
      if (threads === 0) {
        expect(report.untouched).toEqual([
          {
            path: "dist/b.js",
            reason: "its source map dist/b.js.map belongs to dist/a.js, which was injected with it",
          },
        ]);
        expect(report.modifiedMaps.map((m) => m.path)).toEqual(["dist/a.js.map", "dist/c.js.map", "dist/d.js.map"]);
      }
      for (const f of ["c", "d"]) {
        const js = readFileSync(join(dir, `dist/${f}.js`), "utf8");
        const m = JSON.parse(readFileSync(join(dir, `dist/${f}.js.map`), "utf8"));
        expect(m).toMatchObject({ mappings: ";;AAAA", debugId: findDebugId(js) });
      }
    }
  });

  // Both ways of replacing files (./atomic-write.ts): storage recycled (ext4…) and plain (tmpfs).
  it.each([true, false])(
    "finishes an interrupted run exactly as an uninterrupted one, wherever it was killed (storage recycled: %s)",
    async (recycle) => {
      const base = fixtureDir();
      const reference = tempDir("inject-ref-");
      cpSync(join(base, "dist"), join(reference, "dist"), { recursive: true });
      const steps: InjectStep[] = [];
      await runInjection({ paths: ["dist"], cwd: reference, recycle, onStep: (s) => void steps.push(s) });
      const want = snapshot(join(reference, "dist"));
      const original = snapshot(join(base, "dist"));
      expect(steps.length).toBeGreaterThan(40);
      for (let kill = 0; kill < steps.length; kill++) {
        const dir = tempDir("inject-kill-");
        cpSync(join(base, "dist"), join(dir, "dist"), { recursive: true });
        let n = 0;
        await expect(
          runInjection({
            paths: ["dist"],
            cwd: dir,
            recycle,
            onStep: () => {
              if (n++ === kill) throw new Error("killed");
            },
          }),
        ).rejects.toThrow("killed");
        // Every real file is either untouched or complete.
        for (const [rel, text] of snapshot(join(dir, "dist"))) {
          if (rel.endsWith(".sentry-ship-pending") || rel.endsWith(".sentry-ship-spare")) continue;
          expect([original.get(rel), want.get(rel)], `${rel} after kill at ${kill}`).toContain(text);
        }
        await runInjection({ paths: ["dist"], cwd: dir, recycle });
        const got = snapshot(join(dir, "dist"));
        expect(
          [...got.keys()].filter((k) => /\.sentry-ship-(pending|spare)$/.test(k)),
          `kill at ${kill}`,
        ).toEqual([]);
        expect(got, `kill at step ${kill} (${steps[kill]!.op} ${relative(reference, steps[kill]!.path)})`).toEqual(
          want,
        );
      }
    },
    120_000,
  );

  it.each([true, false])(
    "keeps every file's permission bits, and the old content under a hard link made elsewhere (storage recycled: %s)",
    async (recycle) => {
      const dir = tempDir("inject-");
      const modes: Record<string, number> = {};
      const file = (name: string, content: string, mode: number) => {
        write(join(dir, "dist"), name, content);
        chmodSync(join(dir, "dist", name), mode);
        modes[name] = mode;
      };
      const map = (n: number) =>
        JSON.stringify({ version: 3, sources: ["s.ts"], names: [], mappings: "AAAA;".repeat(n) + "AAAA" });
      // Sizes cross block boundaries both ways, so reused storage grows and shrinks.
      file("a.js", "var a=1;\n//# sourceMappingURL=a.js.map\n", 0o755);
      file("a.js.map", map(3000), 0o600);
      file("b.js", "var b=2;\n".repeat(900) + "//# sourceMappingURL=b.js.map\n", 0o644);
      file("b.js.map", map(10), 0o640);
      file("c.js", "var c=3;\n".repeat(2000), 0o700);
      file("d.js", "var d=4;\n//# sourceMappingURL=d.js.map\n", 0o604);
      file("d.js.map", map(9000), 0o644);
      write(dir, "elsewhere/keep", "");
      linkSync(join(dir, "dist/b.js"), join(dir, "elsewhere/b.js"));
      linkSync(join(dir, "dist/d.js.map"), join(dir, "elsewhere/d.js.map"));
      const before = snapshot(join(dir, "dist"));
      await runInjection({ paths: ["dist"], cwd: dir, recycle });
      const after = snapshot(join(dir, "dist"));
      expect([...after.keys()].sort()).toEqual(Object.keys(modes).sort());
      for (const [name, mode] of Object.entries(modes)) {
        expect(statSync(join(dir, "dist", name)).mode & 0o777, name).toBe(mode);
        expect(after.get(name), name).not.toBe(before.get(name));
      }
      expect(readFileSync(join(dir, "elsewhere/b.js"), "latin1")).toBe(before.get("b.js"));
      expect(readFileSync(join(dir, "elsewhere/d.js.map"), "latin1")).toBe(before.get("d.js.map"));
      // The same as a run on a plain copy.
      const plain = tempDir("inject-");
      cpSync(join(dir, "elsewhere/b.js"), join(plain, "dist/b.js"));
      for (const name of Object.keys(modes))
        if (name !== "b.js") writeFileSync(join(plain, "dist", name), before.get(name)!, "latin1");
      await runInjection({ paths: ["dist"], cwd: plain });
      expect(snapshot(join(plain, "dist"))).toEqual(after);
    },
  );

  it("never writes into a spare left by a killed run that still names a live file", async () => {
    const dir = fixtureDir();
    const want = tempDir("inject-ref-");
    cpSync(join(dir, "dist"), join(want, "dist"), { recursive: true });
    await runInjection({ paths: ["dist"], cwd: want });
    // A run killed right after linking each of these to its spare name.
    for (const name of ["plain.js", "plain.js.map", "nomap.cjs"])
      linkSync(join(dir, "dist", name), join(dir, "dist", name + ".sentry-ship-spare"));
    writeFileSync(join(dir, "dist/orphan.js.sentry-ship-spare"), "left over");
    await runInjection({ paths: ["dist"], cwd: dir });
    expect(snapshot(join(dir, "dist"))).toEqual(snapshot(join(want, "dist")));
  });

  it("refuses to write a file that changed after it was checked, kept from the check or read again", async () => {
    // The change happens at the first write (the smallest file's); the files changed are larger.
    const cases: Record<string, (file: string) => void> = {
      // A small file (its text kept from the check): a different size.
      grown: (f) => writeFileSync(f, `${readFileSync(f, "utf8")}var more=1;\n`),
      // A small file replaced by another of the same size and modification time: only the
      // inode tells.
      replaced: (f) => {
        expect(statSync(f).mtimeMs).toBe(1_700_000_000_000);
        writeFileSync(`${f}.new`, readFileSync(f, "utf8").replace("var", "let"));
        utimesSync(`${f}.new`, 1_700_000_000, 1_700_000_000);
        renameSync(`${f}.new`, f);
      },
      // A file too large to keep (read again): a different size.
      "grown, large": (f) => writeFileSync(f, `${readFileSync(f, "utf8")}var more=1;\n`),
    };
    for (const [name, change] of Object.entries(cases)) {
      const dir = tempDir("inject-");
      write(join(dir, "dist"), "a.js", "var a=1;\n");
      const size = name.endsWith("large") ? 64 << 10 : 200;
      write(join(dir, "dist"), "b.js", `var b=1;\n${"//".padEnd(size, "x")}\n`);
      const b = join(dir, "dist/b.js");
      utimesSync(b, 1_700_000_000, 1_700_000_000);
      const before = readFileSync(b, "utf8");
      let changed = false;
      await expect(
        runInjection({
          paths: ["dist"],
          cwd: dir,
          onStep: () => {
            if (!changed) change(b);
            changed = true;
          },
        }),
        name,
      ).rejects.toThrow("dist/b.js changed while inject was running");
      expect(readFileSync(b, "utf8"), name).not.toContain("debugId");
      expect(readFileSync(b, "utf8").length, name).toBeGreaterThanOrEqual(before.length);
    }
  });

  it("keeps a leading byte-order mark of a JS file, as read from disk", async () => {
    const dir = tempDir("inject-");
    const js = "\ufeffvar a=1;\n";
    write(join(dir, "dist"), "bom.js", js);
    await runInjection({ paths: ["dist"], cwd: dir });
    const id = debugIdFromBytes(Buffer.from(js, "utf8"));
    expect(readFileSync(join(dir, "dist/bom.js"), "utf8")).toBe(injectWithoutMap(js, id));
    expect(readFileSync(join(dir, "dist/bom.js")).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it("skips node_modules and hidden folders (not hidden files) unless named, and honours --ext, --ignore and --ignore-file", async () => {
    const dir = tempDir("inject-");
    write(dir, "dist/a.js", "var a;\n");
    write(dir, "dist/b.ts", "var b;\n");
    write(dir, "dist/node_modules/x/c.js", "var c;\n");
    write(dir, "dist/.cache/d.js", "var d;\n");
    write(dir, "dist/.hidden.js", "var h;\n");
    write(dir, "dist/vendor/e.js", "var e;\n");
    write(dir, "dist/f.min.js", "var f;\n");
    write(dir, ".injectignore", "vendor/\n*.min.js\n");
    const paths = async (extra: Partial<Parameters<typeof runInjection>[0]>) =>
      (await runInjection({ paths: ["dist"], cwd: dir, dryRun: true, ...extra })).modifiedSources.map((e) => e.path);
    expect(await paths({})).toEqual(["dist/.hidden.js", "dist/a.js", "dist/f.min.js", "dist/vendor/e.js"]);
    expect(await paths({ extensions: ["ts"] })).toEqual(["dist/b.ts"]);
    expect(await paths({ ignore: ["vendor", ".*"] })).toEqual(["dist/a.js", "dist/f.min.js"]);
    expect(await paths({ ignoreFile: ".injectignore" })).toEqual(["dist/.hidden.js", "dist/a.js"]);
    expect(await paths({ paths: ["dist/node_modules/x"] })).toEqual(["dist/node_modules/x/c.js"]);
  });

  it("keeps unknown map keys and their order, adding debugId last", async () => {
    const dir = tempDir("inject-");
    write(dir, "a.js", "var a=1;\n");
    write(dir, "a.js.map", `{"mappings":"AAAA","x_google_ignoreList":[0],"sources":["a.ts"],"version":3}\n`);
    const r = await runInjection({ paths: ["."], cwd: dir });
    const id = r.modifiedSources[0]!.debugId;
    expect(readFileSync(join(dir, "a.js.map"), "utf8")).toBe(
      `{"mappings":";;AAAA","x_google_ignoreList":[0],"sources":["a.ts"],"version":3,"debugId":"${id}"}`,
    );
    expect(existsSync(join(dir, "a.js.map.sentry-ship-pending"))).toBe(false);
    writeFileSync(join(dir, "unused"), "");
  });
});

describe("runInjection on unreadable input", () => {
  it("names a referenced map that is a directory and writes nothing", async () => {
    const dir = tempDir("inject-");
    write(dir, "a.js", "var a=1;\n//# sourceMappingURL=maps\n");
    write(dir, "maps/x", "");
    write(dir, "b.js", "var b=1;\n");
    await expect(runInjection({ paths: ["."], cwd: dir })).rejects.toThrow(
      "./maps: cannot read it: it is a directory (EISDIR)",
    );
    expect(readFileSync(join(dir, "b.js"), "utf8")).toBe("var b=1;\n");
  });
});
