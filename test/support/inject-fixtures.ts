/**
 * Builds minified-looking JS files with source maps of many shapes, as a bundler would write them
 * (mappings encoded with @jridgewell/sourcemap-codec, one segment per token).
 */

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { encode, type SourceMapSegment } from "@jridgewell/sourcemap-codec";

const TOKEN_RE = /[A-Za-z_$][\w$]*|\d+|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\/\*[\s\S]*?\*\/|\S/g;

export interface MapOptions {
  file?: string;
  /** Lines (0-based) that get no segments (sourceMappingURL comments, blank lines…). */
  skip?: (line: string, index: number) => boolean;
  withContent?: boolean;
}

/** A regular map for `code`: every token mapped to a made-up original position in `source`. */
export function makeMap(code: string, source: string, opts: MapOptions = {}) {
  const lines = code.split("\n");
  // The text after the final newline is not a line with content.
  if (lines[lines.length - 1] === "") lines.pop();
  const names: string[] = [];
  const nameIdx = new Map<string, number>();
  const decoded: SourceMapSegment[][] = [];
  const original: string[] = [];
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    const segs: SourceMapSegment[] = [];
    if (opts.skip?.(line, i) || /^\s*\/\/[#@] sourceMappingURL=/.test(line)) {
      decoded.push(segs);
      return;
    }
    let origCol = 0;
    for (const m of line.matchAll(TOKEN_RE)) {
      const tok = m[0];
      const col = m.index!;
      if (/^[A-Za-z_$]/.test(tok) && !["var", "function", "return", "const", "let", "export"].includes(tok)) {
        if (!nameIdx.has(tok)) {
          nameIdx.set(tok, names.length);
          names.push(tok);
        }
        segs.push([col, 0, i * 2, origCol, nameIdx.get(tok)!]);
      } else if (col === 0 || /[;{}(]/.test(tok)) {
        segs.push([col, 0, i * 2, origCol]);
      }
      origCol += tok.length + 1;
    }
    decoded.push(segs);
    original.push(`// original line ${i * 2 + 1}`, `  ${line.replace(/;/g, ";\n  ").split("\n")[0]}`);
  });
  const map: Record<string, unknown> = { version: 3 };
  if (opts.file) map.file = opts.file;
  map.sources = [source];
  if (opts.withContent !== false) map.sourcesContent = [original.join("\n") + "\n"];
  map.names = names;
  map.mappings = encode(decoded);
  return map;
}

export function write(dir: string, rel: string, content: string | Buffer) {
  const p = join(dir, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
}

const ref = (name: string) => `//# sourceMappingURL=${name}`;

/** Files every tool treats alike (sentry-cli 3.8.0 and sentry-ship write the same bytes). */
export function writeCommonFixtures(dir: string, opts: { big?: boolean } = {}) {
  const put = (rel: string, code: string, mapRel = rel + ".map", mapOpts: MapOptions = {}) => {
    write(dir, rel, code);
    write(
      dir,
      mapRel,
      JSON.stringify(
        makeMap(code, `../src/${rel.replace(/\.[cm]?js$/, ".ts")}`, { file: rel.split("/").pop(), ...mapOpts }),
      ),
    );
  };
  put("plain.js", `var a=1,b=2;function f(x){return x+a}\nf(b);console.log(f(a));\n${ref("plain.js.map")}\n`);
  put("strict.js", `"use strict";function add(n,d){return n+d}console.log(add(1,2));\n${ref("strict.js.map")}\n`);
  put("strict-single.js", `'use strict';\nvar q=function(){return 1};\n${ref("strict-single.js.map")}\n`);
  put(
    "shebang.js",
    `#!/usr/bin/env node\n"use strict";\nconst x=require("fs");x.readFileSync;\n${ref("shebang.js.map")}\n`,
  );
  put(
    "license.mjs",
    `/*! lib v1.0 | (c) 2024 | MIT */\n// second comment\n\n"use client";\nexport const a=1;export function g(y){return y*a}\n${ref("license.mjs.map")}\n`,
  );
  put("inline-comment.js", `/* a */ var mid=function(){return 2};\nmid();\n${ref("inline-comment.js.map")}\n`);
  put("crlf.js", `var c=1;\r\nfunction h(z){return z+c}\r\nh(c);\r\n${ref("crlf.js.map")}\r\n`);
  put("unicode.js", `var u="é€😀";function ü(w){return w+u}ü("ß");\n${ref("unicode.js.map")}\n`);
  put("noeol.js", `var n=1;function k(){return n}`);
  put("sibling.js", `var s=1;function t(){return s}\nt();\n`);
  put(
    "nested/deep/app.cjs",
    `var d=1;module.exports=function(){return d};\n${ref("../../maps/app.cjs.map")}\n`,
    "maps/app.cjs.map",
  );
  // A map that already has a debug id (from a bundler plugin), and one with the old key.
  write(dir, "withid.js", `var w=1;\n${ref("withid.js.map")}\n`);
  write(
    dir,
    "withid.js.map",
    JSON.stringify({ ...makeMap(`var w=1;\n`, "../src/withid.ts"), debugId: "0b9ae63c-3bd4-5b43-8b44-1b8b4e9e2b11" }),
  );
  write(dir, "withid2.js", `var w2=1;\n${ref("withid2.js.map")}\n`);
  write(
    dir,
    "withid2.js.map",
    JSON.stringify({
      ...makeMap(`var w2=1;\n`, "../src/withid2.ts"),
      debug_id: "5e7b2d34-0a7f-5e39-9c53-7a1f7b8e2c22",
    }),
  );
  // Already injected.
  write(dir, "already.js", `var al=1;\n//# debugId=7d5a9f7e-1c2b-5d3e-8f4a-5b6c7d8e9f00\n`);
  // No map at all.
  write(dir, "nomap.cjs", `var nm=1;\r\nnm++;`);
  // Inline map.
  const inlineCode = `var il=1;function im(){return il}\n`;
  const inlineMap = Buffer.from(JSON.stringify(makeMap(inlineCode, "../src/inline.ts"))).toString("base64");
  write(dir, "inline.mjs", `${inlineCode}${ref(`data:application/json;charset=utf-8;base64,${inlineMap}`)}\n`);
  // Hidden files are processed, hidden folders are not.
  put(".hidden.js", `var hd=1;\n${ref(".hidden.js.map")}\n`);
  write(dir, ".cache/skipped.js", `var sk=1;\n`);
  // Not JS.
  write(dir, "styles.css", `body{color:red}\n`);
  if (opts.big) {
    const lines: string[] = [];
    for (let i = 0; i < 130_000; i++) lines.push(`var v${i}=function(a,b){return a+b*${i}};`);
    put("big.js", `"use strict";\n${lines.join("\n")}\n${ref("big.js.map")}\n`);
  }
}

/** An index map (with `sections`) for a two-line file. */
export function writeIndexFixture(dir: string, rel = "indexed.js") {
  const code = `"use strict";var p=1;\nvar r=function(){return p};\n`;
  write(dir, rel, code + ref(rel.split("/").pop() + ".map") + "\n");
  const line0 = makeMap(`"use strict";var p=1;\n`, "../src/a.ts");
  const line1 = makeMap(`var r=function(){return p};\n`, "../src/b.ts");
  write(
    dir,
    rel + ".map",
    JSON.stringify({
      version: 3,
      file: rel,
      sections: [
        { offset: { line: 0, column: 0 }, map: line0 },
        { offset: { line: 1, column: 0 }, map: line1 },
      ],
    }),
  );
}

/** Every file below `dir` (relative path → content as latin1, so any bytes compare exactly). */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p).toString("latin1"));
    }
  };
  walk(dir);
  return out;
}
