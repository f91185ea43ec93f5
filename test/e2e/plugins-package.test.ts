/**
 * The plugins as a user installs them: `sentry-ship/vite`, `/webpack` and `/esbuild` resolve
 * through the package's `exports` map to the built files, load without the bundlers' own packages
 * being imported, and a TypeScript config file using them type-checks against the shipped
 * declarations alone. And the packed package installed alone stays small and brings no bundler.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
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
      "// Options as the official plugins take them (the migration table says: the same).",
      "export const migrated: SentryShipPluginOptions = {",
      '  project: ["frontend", "backend"],',
      '  release: { name: "shop@1.0.0", setCommits: false, deploy: false },',
      '  sourcemaps: { disable: "disable-upload" },',
      "};",
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
  it("go into each bundler's own config types (strict, node16 and bundler resolution, exactOptionalPropertyTypes)", () => {
    const dir = consumer();
    const link = (name: string) => {
      mkdirSync(join(dir, "node_modules", name, ".."), { recursive: true });
      symlinkSync(join(root, "node_modules", name), join(dir, "node_modules", name), "dir");
    };
    for (const name of ["vite", "vite8", "rollup", "webpack", "@rspack/core", "esbuild", "@types/node"]) link(name);
    writeFileSync(
      join(dir, "config.ts"),
      [
        'import { defineConfig } from "vite";',
        'import { defineConfig as defineVite8Config } from "vite8";',
        'import type { RollupOptions } from "rollup";',
        'import type { Configuration } from "webpack";',
        'import type { RspackOptions } from "@rspack/core";',
        'import { build, type BuildOptions } from "esbuild";',
        'import { sentryShip, sentryRollupPlugin, sentryVitePlugin } from "sentry-ship/vite";',
        'import { SentryShipWebpackPlugin, sentryWebpackPlugin } from "sentry-ship/webpack";',
        'import { sentryEsbuildPlugin, sentryShip as sentryShipEsbuild } from "sentry-ship/esbuild";',
        "",
        'const options = { release: { name: "shop@1.0.0" }, sourcemaps: { filesToDeleteAfterUpload: "dist/**/*.map" } };',
        "export const vite = defineConfig({ build: { sourcemap: true }, plugins: [sentryShip(options), sentryVitePlugin()] });",
        "export const vite8 = defineVite8Config({ build: { sourcemap: true }, plugins: [sentryShip(options)] });",
        'export const rollup: RollupOptions = { input: "src/index.js", plugins: [sentryShip(options), sentryRollupPlugin()] };',
        "export const webpack: Configuration = { plugins: [new SentryShipWebpackPlugin(options), sentryWebpackPlugin()] };",
        "export const rspack: RspackOptions = { plugins: [new SentryShipWebpackPlugin(options), sentryWebpackPlugin()] };",
        "export const esbuild: BuildOptions = { plugins: [sentryShipEsbuild(options), sentryEsbuildPlugin()] };",
        'export const run = () => build({ entryPoints: ["src/index.js"], plugins: [sentryShipEsbuild(options)] });',
        "// As the docs write it: an option straight from the environment may be undefined.",
        "export const fromEnv = defineConfig({ plugins: [sentryShip({ authToken: process.env.SENTRY_AUTH_TOKEN, release: { name: process.env.RELEASE } })] });",
        "",
      ].join("\n"),
    );
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    for (const [module, moduleResolution, ...extra] of [
      ["Node16", "Node16"],
      ["ESNext", "Bundler", "--exactOptionalPropertyTypes"],
    ]) {
      const args = [tsc, "--noEmit", "--strict", "--target", "ES2022", "--types", "node", "--skipLibCheck", ...extra];
      const r = spawnSync(
        process.execPath,
        [...args, "--module", module!, "--moduleResolution", moduleResolution!, "config.ts"],
        {
          cwd: dir,
          encoding: "utf8",
        },
      );
      expect(r.stdout + r.stderr, moduleResolution).toBe("");
      expect(r.status).toBe(0);
    }
  }, 120_000);
});

/** The apparent size (the sum of file sizes, as `du --apparent-size` counts) of everything under `dir`. */
function apparentSize(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    total += st.isDirectory() ? apparentSize(p) : st.size;
  }
  return total;
}

describe("the packed package, installed alone", () => {
  let app = "";
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

  beforeAll(() => {
    const dir = tempDir("ship-install-");
    const pack = spawnSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
      cwd: root,
      encoding: "utf8",
    });
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = `file:${relative(join(dir, "app"), join(dir, JSON.parse(pack.stdout)[0].filename))}`;
    // The install is `npm ci --offline` from a lock made of this repository's own production
    // entries (the versions a fresh install resolves today): no registry, the tarballs from npm's cache.
    const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
    const packages: Record<string, unknown> = {
      "": { name: "app", dependencies: { "sentry-ship": tarball } },
      "node_modules/sentry-ship": {
        version: pkg.version,
        resolved: tarball,
        license: pkg.license,
        dependencies: pkg.dependencies,
        bin: pkg.bin,
        engines: pkg.engines,
        peerDependencies: pkg.peerDependencies,
        peerDependenciesMeta: pkg.peerDependenciesMeta,
      },
    };
    for (const [path, entry] of Object.entries(lock.packages as Record<string, Record<string, unknown>>)) {
      if (path === "" || entry.dev || entry.devOptional || entry.link) continue;
      const { peer: _peer, ...rest } = entry;
      packages[path] = rest;
    }
    app = join(dir, "app");
    mkdirSync(app);
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "app", private: true, dependencies: { "sentry-ship": tarball } }),
    );
    writeFileSync(
      join(app, "package-lock.json"),
      JSON.stringify({ name: "app", lockfileVersion: 3, requires: true, packages }),
    );
    const ci = spawnSync("npm", ["ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], {
      cwd: app,
      encoding: "utf8",
    });
    expect(ci.status, ci.stderr).toBe(0);
  }, 120_000);

  it("stays under 8 MB with its dependencies, brings no bundler, and runs", () => {
    const installed = readdirSync(join(app, "node_modules")).flatMap((n) =>
      n.startsWith("@") ? readdirSync(join(app, "node_modules", n)).map((m) => `${n}/${m}`) : [n],
    );
    expect(installed).toContain("sentry-ship");
    expect(installed).toContain("undici");
    // The bundlers are optional peers: none of them, nor their native parts, is installed.
    expect(
      installed.filter((n) => /^(vite|rollup|rolldown|webpack|esbuild|@rspack\/|@esbuild\/|@rollup\/)/.test(n)),
    ).toEqual([]);
    const size = apparentSize(join(app, "node_modules"));
    expect(size).toBeGreaterThan(1_000_000);
    expect(size, `${(size / 1e6).toFixed(2)} MB installed`).toBeLessThan(8_000_000);

    const version = spawnSync(join(app, "node_modules", ".bin", "sentry-ship"), ["--version"], { encoding: "utf8" });
    expect(version.stdout.trim()).toBe(`sentry-ship ${pkg.version}`);
  });

  it("loads with require() from CommonJS, every entry (Node's require of ES modules)", () => {
    writeFileSync(
      join(app, "require.cjs"),
      [
        'const ship = require("sentry-ship");',
        'const vite = require("sentry-ship/vite");',
        'const webpack = require("sentry-ship/webpack");',
        'const esbuild = require("sentry-ship/esbuild");',
        'ship.proposeVersion({ env: { SENTRY_RELEASE: "cjs@1" } }).then((proposed) => {',
        "  console.log(JSON.stringify({",
        "    api: [typeof ship.newRelease, typeof ship.uploadSourcemaps, typeof ship.SentryCli, proposed.version],",
        "    vite: [vite.sentryShip().name, typeof vite.sentryVitePlugin, typeof vite.sentryRollupPlugin],",
        "    webpack: [typeof new webpack.SentryShipWebpackPlugin().apply, typeof webpack.sentryWebpackPlugin],",
        "    esbuild: [esbuild.sentryShip().name, typeof esbuild.sentryEsbuildPlugin],",
        "  }));",
        "});",
      ].join("\n"),
    );
    const r = spawnSync(process.execPath, ["require.cjs"], { cwd: app, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      api: ["function", "function", "function", "cjs@1"],
      vite: ["sentry-ship", "function", "function"],
      webpack: ["function", "function"],
      esbuild: ["sentry-ship", "function"],
    });
  });
});
