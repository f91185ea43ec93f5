/**
 * The plugins as a user installs them: `sentry-ship/vite`, `/webpack` and `/esbuild` resolve
 * through the package's `exports` map to the built files, load without the bundlers' own packages
 * being imported, and a TypeScript config file using them type-checks against the shipped
 * declarations alone.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/runCli.js";

const root = join(import.meta.dirname, "..", "..");

/** A project folder with this package installed as `node_modules/sentry-ship`. */
function consumer(): string {
  const dir = tempDir("ship-consumer-");
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(root, join(dir, "node_modules", "sentry-ship"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  return dir;
}

describe("the plugin subpaths", () => {
  it("resolve to the built plugins and load no bundler", () => {
    const dir = consumer();
    const script = [
      'const vite = await import("sentry-ship/vite");',
      'const webpack = await import("sentry-ship/webpack");',
      'const esbuild = await import("sentry-ship/esbuild");',
      'const { createRequire } = await import("node:module");',
      "const loaded = Object.keys(createRequire(import.meta.url).cache ?? {});",
      "console.log(JSON.stringify({",
      "  vite: [typeof vite.sentryShip, typeof vite.sentryVitePlugin, typeof vite.sentryRollupPlugin, vite.sentryShip().name],",
      "  webpack: [typeof webpack.SentryShipWebpackPlugin, typeof webpack.sentryWebpackPlugin],",
      "  esbuild: [typeof esbuild.sentryShip, esbuild.sentryEsbuildPlugin().name],",
      "  bundlers: loaded.filter((p) => /node_modules[\\\\/](vite|rollup|webpack|esbuild)[\\\\/]/.test(p)),",
      "}));",
    ].join("\n");
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: dir, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      vite: ["function", "function", "function", "sentry-ship"],
      webpack: ["function", "function"],
      esbuild: ["function", "sentry-ship"],
      bundlers: [],
    });
  });

  it("type-check a config that uses them, against the shipped declarations", () => {
    const dir = consumer();
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, types: [] },
        files: ["config.ts"],
      }),
    );
    const good = [
      'import { sentryVitePlugin } from "sentry-ship/vite";',
      'import { SentryShipWebpackPlugin } from "sentry-ship/webpack";',
      'import { sentryEsbuildPlugin, type SentryShipPluginOptions } from "sentry-ship/esbuild";',
      'const options: SentryShipPluginOptions = { release: { name: "shop@1.0.0", inject: true }, debug: false };',
      "export const plugins = [sentryVitePlugin(options), new SentryShipWebpackPlugin(options), sentryEsbuildPlugin()];",
      "",
    ].join("\n");
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    writeFileSync(join(dir, "config.ts"), good);
    const ok = spawnSync(process.execPath, [tsc, "-p", dir], { cwd: dir, encoding: "utf8" });
    expect(ok.stdout + ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    // A misspelt option is caught: the declarations are the real ones, not `any`.
    writeFileSync(join(dir, "config.ts"), good.replace("inject: true", "injekt: true"));
    const bad = spawnSync(process.execPath, [tsc, "-p", dir], { cwd: dir, encoding: "utf8" });
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/injekt/);
  }, 60_000);
});
