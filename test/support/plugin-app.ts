/**
 * A small multi-chunk app for the bundler-plugin tests: an entry that loads two chunks on demand,
 * both sharing a third (where the error is thrown), under a real @sentry/node. Each bundler builds
 * it with content-hashed names (./plugin-builds.ts); `runBuilt` runs the result.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { APP_SOURCES } from "./js-app.js";

const root = join(import.meta.dirname, "..", "..");

export const PLUGIN_APP_SOURCES: Record<string, string> = {
  // The module that throws and its caller are the processing tests' own (./js-app.ts).
  "src/price.js": APP_SOURCES["src/price.js"]!,
  "src/cart.js": APP_SOURCES["src/cart.js"]!,
  "src/report.js": [
    'import { priceOf } from "./price.js";',
    "",
    "export function report() {",
    '  return "a lamp costs " + priceOf({ name: "lamp" });',
    "}",
    "",
  ].join("\n"),
  "src/index.js": [
    'import * as Sentry from "@sentry/node";',
    "",
    "async function placeOrder() {",
    '  const { checkout } = await import("./cart.js");',
    "  // the pen has no price",
    '  return checkout([{ name: "book", qty: 1 }, { name: "pen", qty: 2 }]);',
    "}",
    "",
    "Sentry.init({ dsn: process.env.SENTRY_DSN || undefined, defaultIntegrations: false });",
    "placeOrder()",
    "  .catch((e) => Sentry.captureException(e))",
    '  .then(() => import("./report.js"))',
    "  .then((m) => console.log(m.report() + ' / release ' + Sentry.getClient().getOptions().release))",
    "  .then(() => Sentry.flush(10000))",
    "  .then(() => process.exit(0));",
    "",
  ].join("\n"),
};

/** Where the error's frames are in the original sources (1-based lines and columns). */
export const PLUGIN_APP_FRAMES = [
  { file: "src/price.js", line: 6, function: "priceOf" },
  { file: "src/cart.js", line: 6, function: "checkout" },
  { file: "src/index.js", line: 6, function: "placeOrder" },
];

/** Write the app under `dir`, with `node_modules` linked to this repository's (for @sentry/node). */
export function writePluginApp(dir: string): void {
  for (const [rel, text] of Object.entries(PLUGIN_APP_SOURCES)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
}

/** Every file under `dir`, relative, sorted, with its bytes. */
export function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p).split("\\").join("/"), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Run a built entry with node; resolves to its stdout, or throws with its stderr. */
export async function runBuilt(entry: string, env: Record<string, string> = {}): Promise<string> {
  const child = spawn(process.execPath, [entry], {
    cwd: dirname(entry),
    timeout: 60_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`${entry} exited ${code}: ${stderr}`);
  return stdout;
}
