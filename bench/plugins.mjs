#!/usr/bin/env node
// What the bundler plugins cost: a generated ~2,000-module app (20 routes loaded on demand, each
// with 100 modules, all sharing 10 utility modules) built by vite (7, and 8 on Rolldown), rollup,
// webpack, rspack and esbuild, each with and without the sentry-ship plugin (debug ids and release
// injected; no upload), with content-hashed names and maps. Every build runs in its own child process; the time is the
// build call's wall time inside it (loading the plugin module included, loading the bundler not),
// and the CPU time of that Node process over the same call (user + system: steadier than wall time
// on a loaded machine; esbuild's own Go process, which also minifies for Vite 7, is not in it;
// rspack's and Rolldown's native threads are), and
// the time spent inside the plugin's own hooks (with its share of the build without the plugin):
// the figure load disturbs least.
// With and without alternate, the order flipping every round. Prints medians as a markdown table,
// the median of each round's with/without ratio (the two builds of a round run back to back), and
// the middle half of those ratios (25th to 75th percentile): how much one round strays.
//
// Run after `npm run build` (the plugins load from dist/):
//   node bench/plugins.mjs [vite,vite8,rollup,webpack,rspack,esbuild,esbuild-handoff] [runs=5]
// (`esbuild-handoff` is esbuild with, in place of sentry-ship, a plugin that only takes esbuild's
// output over and writes it: what injecting before the files are written costs by itself.)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ROUTES = 20;
const PER_ROUTE = 100;
const UTILS = 10;

/**
 * Write the generated app under `dir` (once).
 * @param {string} dir
 */
function generateApp(dir) {
  if (existsSync(join(dir, "src", "index.js"))) return;
  mkdirSync(join(dir, "src", "utils"), { recursive: true });
  for (let u = 0; u < UTILS; u++) {
    writeFileSync(
      join(dir, "src", "utils", `u${u}.js`),
      [
        `export function format${u}(value, width) {`,
        "  const text = String(value);",
        `  return text.length >= width ? text : " ".repeat(width - text.length) + text + "${u}";`,
        "}",
        `export const LIMIT_${u} = ${u * 7 + 3};`,
        "",
      ].join("\n"),
    );
  }
  const routes = [];
  for (let r = 0; r < ROUTES; r++) {
    mkdirSync(join(dir, "src", `route${r}`), { recursive: true });
    const imports = [];
    for (let m = 0; m < PER_ROUTE; m++) {
      const u = (r + m) % UTILS;
      writeFileSync(
        join(dir, "src", `route${r}`, `m${m}.js`),
        [
          `import { format${u}, LIMIT_${u} } from "../utils/u${u}.js";`,
          "",
          `/** Module ${m} of route ${r}. */`,
          `export function compute_${r}_${m}(items) {`,
          "  let total = 0;",
          "  for (const item of items) {",
          `    if (item.count > LIMIT_${u}) total += item.count * ${m + 1};`,
          `    else total -= item.count % ${(m % 7) + 2};`,
          "  }",
          `  const label = format${u}(total, ${(m % 12) + 4});`,
          `  if (label.includes("NaN")) throw new Error("route ${r} module ${m}: bad total " + label);`,
          "  return { total, label, route: " + r + " };",
          "}",
          "",
        ].join("\n"),
      );
      imports.push(`import { compute_${r}_${m} } from "./m${m}.js";`);
    }
    writeFileSync(
      join(dir, "src", `route${r}`, "index.js"),
      [
        ...imports,
        "",
        "export function run(items) {",
        "  return [",
        ...Array.from({ length: PER_ROUTE }, (_, m) => `    compute_${r}_${m}(items),`),
        "  ];",
        "}",
        "",
      ].join("\n"),
    );
    routes.push(`  () => import("./route${r}/index.js"),`);
  }
  writeFileSync(
    join(dir, "src", "index.js"),
    [
      "const ROUTES = [",
      ...routes,
      "];",
      "export async function main(n) {",
      "  const mod = await ROUTES[n % ROUTES.length]();",
      "  return mod.run([{ count: 3 }, { count: 40 }]);",
      "}",
      "main(Number(process.argv[2] || 0)).then((r) => console.log(r.length));",
      "",
    ].join("\n"),
  );
  if (!existsSync(join(dir, "node_modules"))) symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
}

/** Milliseconds spent inside the plugin's own hooks in this process (a with-plugin build). */
let hookMs = 0;

/**
 * `fn`, with its time (until its promise settles) added to hookMs.
 * @template {(...args: any[]) => any} F
 * @param {F} fn
 * @returns {F}
 */
function timed(fn) {
  return /** @type {F} */ (
    /** @this {any} @param {any[]} args */
    function (...args) {
      const t = performance.now();
      const r = fn.apply(this, args);
      if (r && typeof r.then === "function") return r.finally(() => (hookMs += performance.now() - t));
      hookMs += performance.now() - t;
      return r;
    }
  );
}

/** @param {any} p the Vite/Rollup plugin object, its hooks (and under Rolldown its output addons) timed */
function timedRollupPlugin(p) {
  p.renderChunk.handler = timed(p.renderChunk.handler);
  p.generateBundle = timed(p.generateBundle);
  p.writeBundle = timed(p.writeBundle);
  const outputOptions = p.outputOptions;
  p.outputOptions = timed(
    /** @this {any} @param {any} o */ function (o) {
      const r = outputOptions.call(this, o);
      if (r) for (const k of ["postBanner", "postFooter"]) r[k] = timed(r[k]);
      return r;
    },
  );
  return p;
}

/** @param {any} p the esbuild plugin, its onEnd callback timed */
function timedEsbuildPlugin(p) {
  const setup = p.setup;
  p.setup = (/** @type {any} */ build) =>
    setup({
      initialOptions: build.initialOptions,
      onStart: (/** @type {any} */ cb) => build.onStart(cb),
      onEnd: (/** @type {any} */ cb) => build.onEnd(timed(cb)),
    });
  return p;
}

/**
 * Two webpack plugins that tap processAssets at the sentry-ship plugin's stage, before and after
 * it (same stage: registration order), and time what runs between.
 * @param {any} inner the sentry-ship webpack plugin
 */
function timedWebpackPlugins(inner) {
  let t = 0;
  const at = (/** @type {boolean} */ start) => ({
    apply(/** @type {any} */ compiler) {
      compiler.hooks.thisCompilation.tap("bench-timer", (/** @type {any} */ compilation) => {
        const stage = compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_DEV_TOOLING + 1;
        compilation.hooks.processAssets.tap({ name: "bench-timer", stage }, () => {
          if (start) t = performance.now();
          else hookMs += performance.now() - t;
        });
      });
    },
  });
  return [at(true), inner, at(false)];
}

/**
 * An esbuild plugin that only sets `write: false` and writes the output files itself, in order.
 * @param {string} outDir
 */
function handoffPlugin(outDir) {
  return {
    name: "handoff",
    setup(/** @type {any} */ build) {
      build.initialOptions.write = false;
      build.onEnd((/** @type {any} */ result) => {
        mkdirSync(outDir, { recursive: true });
        for (const f of result.outputFiles ?? []) writeFileSync(f.path, f.contents);
        delete result.outputFiles;
      });
    },
  };
}

const PLUGIN_OPTIONS = { release: { name: "bench@1.0.0", create: false }, sourcemaps: { disable: true }, silent: true };

/**
 * One build, in this process: the build call's wall time in ms.
 * @param {string} bundler
 * @param {string} dir
 * @param {string} out
 * @param {boolean} withPlugin
 */
async function buildOnce(bundler, dir, out, withPlugin) {
  const outDir = join(dir, out);
  rmSync(outDir, { recursive: true, force: true });
  const entry = join(dir, "src", "index.js");
  const plugin = async (/** @type {string} */ name) =>
    await import(pathToFileURL(join(root, "dist", "plugins", `${name}.js`)).href);
  if (bundler === "rollup") {
    const { rollup } = await import("rollup");
    const t0 = performance.now();
    const plugins = withPlugin ? [timedRollupPlugin((await plugin("vite")).sentryShip(PLUGIN_OPTIONS))] : [];
    const b = await rollup({ input: entry, plugins });
    await b.write({
      dir: outDir,
      format: "es",
      sourcemap: true,
      entryFileNames: "[name].[hash].js",
      chunkFileNames: "[name].[hash].js",
    });
    await b.close();
    return performance.now() - t0;
  }
  if (bundler === "vite" || bundler === "vite8") {
    // vite8: the devDependency aliasing vite@8 (Rolldown), with its default minifier (Oxc).
    const { build } = await import(bundler);
    const t0 = performance.now();
    const plugins = withPlugin ? [timedRollupPlugin((await plugin("vite")).sentryShip(PLUGIN_OPTIONS))] : [];
    await build({
      root: dir,
      configFile: false,
      logLevel: "silent",
      plugins,
      build: {
        ssr: entry,
        outDir,
        minify: bundler === "vite8" ? true : "esbuild",
        sourcemap: true,
        rollupOptions: { output: { entryFileNames: "[name].[hash].js", chunkFileNames: "[name].[hash].js" } },
      },
    });
    return performance.now() - t0;
  }
  if (bundler === "webpack" || bundler === "rspack") {
    /** @type {any} the two share the options and the compiler API used here */
    const webpack = bundler === "rspack" ? (await import("@rspack/core")).rspack : (await import("webpack")).default;
    const t0 = performance.now();
    const plugins = withPlugin
      ? timedWebpackPlugins(new (await plugin("webpack")).SentryShipWebpackPlugin(PLUGIN_OPTIONS))
      : [];
    const compiler = webpack({
      mode: "production",
      context: dir,
      entry: { index: "./src/index.js" },
      target: "node",
      devtool: "source-map",
      output: { path: outDir, filename: "[name].[contenthash].js", chunkFilename: "[name].[contenthash].js" },
      plugins,
      infrastructureLogging: { level: "none" },
    });
    /** @type {any} */
    const stats = await new Promise((resolve, reject) =>
      compiler.run((/** @type {any} */ e, /** @type {any} */ s) => (e ? reject(e) : resolve(s))),
    );
    await new Promise((resolve) => compiler.close(resolve));
    if (stats.hasErrors()) throw new Error(stats.toString("errors-only"));
    return performance.now() - t0;
  }
  const { build } = await import("esbuild");
  const t0 = performance.now();
  // `esbuild-handoff`: in place of sentry-ship, a plugin that only takes the output over and writes
  // it (what any plugin that edits esbuild's files before they are written must do): the floor.
  const inject = async () =>
    bundler === "esbuild-handoff" ? handoffPlugin(outDir) : (await plugin("esbuild")).sentryShip(PLUGIN_OPTIONS);
  const plugins = withPlugin ? [timedEsbuildPlugin(await inject())] : [];
  await build({
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    minify: true,
    sourcemap: true,
    outdir: outDir,
    entryNames: "[name].[hash]",
    chunkNames: "[name].[hash]",
    logLevel: "silent",
    plugins,
  });
  return performance.now() - t0;
}

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

if (process.argv[2] === "--one") {
  const [, , , bundler = "", dir = "", out = "", withPlugin] = process.argv;
  const cpu0 = process.cpuUsage();
  const ms = await buildOnce(bundler, dir, out, withPlugin === "1");
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(`${JSON.stringify({ ms, cpuMs, hookMs, files: readdirSync(join(dir, out)).length })}\n`);
  process.exit(0);
}

if (!existsSync(join(root, "dist", "plugins", "vite.js"))) throw new Error("run `npm run build` first");
const bundlers = (process.argv[2] ?? "vite,vite8,rollup,webpack,rspack,esbuild").split(",");
const runs = Number(process.argv[3] ?? 5);
const dir = join(tmpdir(), "sentry-ship-bench-plugins");
generateApp(dir);

/**
 * @param {string} bundler
 * @param {boolean} withPlugin
 * @returns {{ ms: number, cpuMs: number, hookMs: number, files: number }}
 */
function one(bundler, withPlugin) {
  const r = spawnSync(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      "--one",
      bundler,
      dir,
      withPlugin ? "out-with" : "out-without",
      withPlugin ? "1" : "0",
    ],
    { encoding: "utf8", maxBuffer: 1 << 24 },
  );
  if (r.status !== 0) throw new Error(`${bundler} build failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "");
}

const load = () => (loadavg()[0] ?? 0).toFixed(2);
console.log(
  `${ROUTES * PER_ROUTE + UTILS + ROUTES + 1} modules, ${runs} runs each, ${cpus().length} cores, load ${load()} at start`,
);
const rows = [];
for (const bundler of bundlers) {
  one(bundler, false); // warm the file system cache, untimed
  /** @type {number[]} */
  const without = [];
  /** @type {number[]} */
  const withP = [];
  /** @type {number[]} */
  const cpuWithout = [];
  /** @type {number[]} */
  const cpuWith = [];
  /** @type {number[]} */
  const hooks = [];
  let files = 0;
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? [false, true] : [true, false];
    for (const p of order) {
      const r = one(bundler, p);
      (p ? withP : without).push(r.ms);
      (p ? cpuWith : cpuWithout).push(r.cpuMs);
      if (p) hooks.push(r.hookMs);
      files = r.files;
    }
  }
  const a = median(without);
  const b = median(withP);
  // Each round's two builds ran back to back: their ratio is steadier than the ratio of the
  // medians when the machine's speed drifts over the run.
  const ratios = withP.map((x, i) => x / (without[i] ?? x));
  const paired = median(ratios);
  // The middle half of the rounds' ratios: how far one round's overhead strays on this machine.
  const sorted = [...ratios].sort((x, y) => x - y);
  const quartile = (/** @type {number} */ q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 1;
  const spread = [quartile(0.25), quartile(0.75)];
  rows.push({
    bundler,
    files,
    a,
    b,
    paired,
    spread,
    ca: median(cpuWithout),
    cb: median(cpuWith),
    hk: median(hooks),
    load: load(),
  });
  console.error(
    `${bundler}: without ${without.map((x) => x.toFixed(0)).join(" ")} | with ${withP.map((x) => x.toFixed(0)).join(" ")}`,
  );
}
console.log("");
console.log(
  "| bundler | output files | wall, without plugin | wall, with plugin | wall overhead | paired overhead (middle half of rounds) | Node CPU, without | Node CPU, with | CPU overhead | in the plugin's hooks | load (1 min) |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|");
/** @param {number} with_ @param {number} without */
const pct = (with_, without) => `${((with_ / without - 1) * 100).toFixed(1)} %`;
for (const r of rows) {
  console.log(
    `| ${r.bundler} | ${r.files} | ${r.a.toFixed(0)} ms | ${r.b.toFixed(0)} ms | ${pct(r.b, r.a)} | ${((r.paired - 1) * 100).toFixed(1)} % (${r.spread.map((x) => ((x - 1) * 100).toFixed(1)).join(" to ")} %) | ${r.ca.toFixed(0)} ms | ${r.cb.toFixed(0)} ms | ${pct(r.cb, r.ca)} | ${r.hk.toFixed(0)} ms (${((r.hk / r.a) * 100).toFixed(1)} %) | ${r.load} |`,
  );
}
