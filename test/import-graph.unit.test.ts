import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findCycles, importGraph } from "../scripts/import-cycles.mjs";
import { tempDir } from "./support/runCli.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function tree(files: Record<string, string>): string {
  const dir = tempDir("ship-cycles-");
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

describe("import graph", () => {
  it("has no cycle in src/", () => {
    const graph = importGraph(join(root, "src"));
    expect(graph.size).toBeGreaterThan(50);
    expect(findCycles(graph).map((c) => c.map((f) => f.slice(root.length + 1)).join(" -> "))).toEqual([]);
  });

  it("finds a cycle through type-only and dynamic imports", () => {
    const dir = tree({
      "a.ts": 'import type { B } from "./b.js";\nexport type A = B;\n',
      "b.ts": 'export type B = string;\nexport const load = () => import("./sub/c.js");\n',
      "sub/c.ts": 'export { x } from "../a.js";\n',
      "d.ts": 'import "./a.js";\n',
    });
    const cycles = findCycles(importGraph(dir)).map((c) => c.map((f) => f.slice(dir.length + 1)));
    expect(cycles).toEqual([["a.ts", "b.ts", "sub/c.ts", "a.ts"]]);
  });

  it("finds none in a tree without one", () => {
    const dir = tree({ "a.ts": 'import { b } from "./b.js";\n', "b.ts": "export const b = 1;\n" });
    expect(findCycles(importGraph(dir))).toEqual([]);
  });
});
