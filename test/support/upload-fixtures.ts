/** Builds for the upload tests: a small dist folder of minified JS and maps. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tempDir } from "./runCli.js";

export function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

export function map(file: string, sources: string[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ version: 3, file, sources, names: [], mappings: "AAAA", ...extra });
}

/** A dist folder like the captured one (app, chunk, esm, vendor with a sibling map, a readme). */
export function makeDist(): string {
  const dir = tempDir("ship-upload-");
  writeFiles(dir, {
    "dist/app.min.js":
      '"use strict";function add(n,d){return n+d}console.log(add(1,2));\n//# sourceMappingURL=app.min.js.map\n',
    "dist/app.min.js.map": JSON.stringify({
      version: 3,
      file: "app.min.js",
      sources: ["../src/app.js"],
      sourcesContent: ["function add(a, b) {\n  return a + b;\n}\nconsole.log(add(1, 2));\n"],
      names: ["add", "a", "b", "console", "log"],
      mappings: "aAAA,SAASA,IAAIC,EAAGC,GACd,OAAOD,EAAIC,CACb,CACAC,QAAQC,IAAIJ,IAAI,EAAG",
    }),
    "dist/chunks/c.js": "(()=>{const x=1;})();\n//# sourceMappingURL=c.js.map\n",
    "dist/chunks/c.js.map": map("c.js", ["../../src/c.js"]),
    "dist/esm.mjs": "export const esm=1;\n//# sourceMappingURL=esm.mjs.map\n",
    "dist/esm.mjs.map": map("esm.mjs", ["../src/esm.ts"]),
    "dist/vendor.js": "var v=function(){return 42};\n",
    "dist/vendor.js.map": map("vendor.js", ["../src/vendor.js"]),
    "dist/readme.txt": "not uploaded\n",
  });
  return dir;
}
