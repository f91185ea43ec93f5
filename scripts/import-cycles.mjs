#!/usr/bin/env node
/**
 * Fails when the import graph of src/ has a cycle. Every relative import counts: static and
 * dynamic `import`, `export … from`, and type-only imports (a type cycle still ties two modules'
 * designs together). Run by `npm run lint`; test/support/import-cycles.test.ts proves it can fail.
 *
 *   node scripts/import-cycles.mjs [dir]     # default: src
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/**
 * Every .ts/.mts/.js/.mjs file under `dir` (no declaration files, no node_modules).
 * @param {string} dir
 * @returns {string[]}
 */
function sourceFiles(dir) {
  /** @type {string[]} */
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules") continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(m?ts|m?js)$/.test(name) && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/**
 * The file a relative specifier names (`./x.js` is written for `./x.ts` under NodeNext).
 * @param {string} from
 * @param {string} spec
 * @returns {string | undefined}
 */
function resolveSpecifier(from, spec) {
  const base = resolve(dirname(from), spec);
  const candidates = [
    base,
    base.replace(/\.js$/, ".ts"),
    base.replace(/\.mjs$/, ".mts"),
    `${base}.ts`,
    join(base, "index.ts"),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/**
 * The import graph of `dir`: file → the files it imports (relative imports only).
 * @param {string} dir
 * @returns {Map<string, string[]>}
 */
export function importGraph(dir) {
  const root = resolve(dir);
  /** @type {Map<string, string[]>} */
  const graph = new Map();
  for (const file of sourceFiles(root)) {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    /** @type {Set<string>} */
    const deps = new Set();
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith(".")) continue;
      const target = resolveSpecifier(file, ref.fileName);
      if (target?.startsWith(root)) deps.add(target);
    }
    graph.set(file, [...deps].sort());
  }
  return graph;
}

/**
 * The cycles of a graph, each as a list of files starting and ending with the same file.
 * @param {Map<string, string[]>} graph
 * @returns {string[][]}
 */
export function findCycles(graph) {
  /** @type {string[][]} */
  const cycles = [];
  /** @type {Map<string, "active" | "done">} */
  const state = new Map();
  /** @type {string[]} */
  const stack = [];
  /** @type {Set<string>} */
  const seen = new Set();
  /** @param {string} file */
  const visit = (file) => {
    state.set(file, "active");
    stack.push(file);
    for (const dep of graph.get(file) ?? []) {
      const s = state.get(dep);
      if (s === "active") {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        const key = [...cycle.slice(0, -1)].sort().join("\n");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (s === undefined) visit(dep);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? "src";
  const graph = importGraph(dir);
  const cycles = findCycles(graph);
  for (const c of cycles) console.error(`import cycle: ${c.map((f) => relative(process.cwd(), f)).join(" -> ")}`);
  if (cycles.length > 0) {
    console.error(`${cycles.length} import cycle(s) in ${dir}/`);
    process.exit(1);
  }
  console.log(`no import cycles in ${dir}/ (${graph.size} modules)`);
}
