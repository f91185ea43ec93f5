/**
 * A small multi-module app, built by a real bundler (esbuild) and run under a real Sentry SDK
 * (@sentry/node) that reports its error to a DSN: the client side of the JavaScript-processing
 * tests. The SDK is loaded from this repository's node_modules (NODE_PATH), not bundled.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..", "..");

/** The original sources; the error is thrown in price.js, called from cart.js, called from index.js. */
export const APP_SOURCES: Record<string, string> = {
  "src/price.js": [
    "const PRICES = { book: 12, lamp: 30 };",
    "",
    "export function priceOf(item) {",
    "  const price = PRICES[item.name];",
    "  if (price === undefined) {",
    '    throw new TypeError("item " + item.name + " has no price");',
    "  }",
    "  return price;",
    "}",
    "",
  ].join("\n"),
  "src/cart.js": [
    'import { priceOf } from "./price.js";',
    "",
    "export function checkout(items) {",
    "  let total = 0;",
    "  for (const item of items) {",
    "    total += priceOf(item) * item.qty;",
    "  }",
    "  return total;",
    "}",
    "",
  ].join("\n"),
  "src/index.js": [
    'import * as Sentry from "@sentry/node";',
    'import { checkout } from "./cart.js";',
    "",
    "function placeOrder() {",
    '  return checkout([{ name: "book", qty: 1 }, { name: "pen", qty: 2 }]);',
    "}",
    "",
    "Sentry.init({",
    "  dsn: process.env.SENTRY_DSN,",
    "  release: process.env.APP_RELEASE || undefined,",
    "  dist: process.env.APP_DIST || undefined,",
    "  integrations: process.env.APP_REWRITE_ROOT ? [Sentry.rewriteFramesIntegration({ root: process.env.APP_REWRITE_ROOT })] : [],",
    "});",
    "try {",
    "  placeOrder();",
    "} catch (e) {",
    "  Sentry.captureException(e);",
    "}",
    "Sentry.flush(10000).then(() => process.exit(0));",
    "",
  ].join("\n"),
};

/** The browser entry: the same app under @sentry/browser, with the same line layout as index.js. */
export const BROWSER_ENTRY = [
  'import * as Sentry from "@sentry/browser";',
  'import { checkout } from "./cart.js";',
  "",
  "function placeOrder() {",
  '  return checkout([{ name: "book", qty: 1 }, { name: "pen", qty: 2 }]);',
  "}",
  "",
  "Sentry.init({ dsn: window.__SHIP_DSN, release: window.__SHIP_RELEASE || undefined });",
  "try {",
  "  placeOrder();",
  "} catch (e) {",
  "  Sentry.captureException(e);",
  "}",
  "Sentry.flush(10000).then((sent) => {",
  "  window.__shipFlushed = sent;",
  "});",
  "",
].join("\n");

/** Where each original function's throwing/calling line is (1-based), for assertions. */
export const EXPECTED_FRAMES = [
  { file: "src/price.js", line: 6, column: 11, function: "priceOf" },
  { file: "src/cart.js", line: 6, column: 14, function: "checkout" },
  { file: "src/index.js", line: 5, column: 10, function: "placeOrder" },
];

export interface BuiltApp {
  dir: string;
  /** The bundle, `dist/app.js` under `dir`. */
  bundle: string;
}

/** Write the sources under `dir` and bundle them, minified, with a source map. */
export async function buildApp(
  dir: string,
  opts: { platform?: "node" | "browser"; entry?: string; sources?: Record<string, string> } = {},
): Promise<BuiltApp> {
  // Each build is its own: the folder name ends up in the code, so debug ids differ between builds.
  const sources = { ...APP_SOURCES, ...opts.sources };
  sources["src/index.js"] += `globalThis.__appBuild = ${JSON.stringify(basename(dir))};\n`;
  for (const [rel, text] of Object.entries(sources)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const bundle = join(dir, "dist", "app.js");
  await build({
    entryPoints: [join(dir, opts.entry ?? "src/index.js")],
    bundle: true,
    minify: true,
    sourcemap: true,
    platform: opts.platform ?? "node",
    format: opts.platform === "browser" ? "iife" : "cjs",
    external: opts.platform === "browser" ? [] : ["@sentry/node"],
    // The browser build bundles @sentry/browser from this repository's node_modules.
    nodePaths: [join(root, "node_modules")],
    outfile: bundle,
    logLevel: "silent",
  });
  return { dir, bundle };
}

/**
 * Run the built app under @sentry/node, reporting to `dsn`. Resolves when the SDK has flushed and
 * the process ended (asynchronously: the server may live in this same process).
 */
export async function runApp(
  app: BuiltApp,
  env: { dsn: string; release?: string; dist?: string; rewriteRoot?: string },
): Promise<void> {
  const child = spawn(process.execPath, [app.bundle], {
    cwd: app.dir,
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_PATH: join(root, "node_modules"),
      SENTRY_DSN: env.dsn,
      APP_RELEASE: env.release ?? "",
      APP_DIST: env.dist ?? "",
      APP_REWRITE_ROOT: env.rewriteRoot ?? "",
    },
  });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`the app exited ${code}: ${stderr}`);
}
