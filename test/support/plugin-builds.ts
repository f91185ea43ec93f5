/**
 * The plugin app (./plugin-app.ts) built by each real bundler into `<dir>/<out>`, with or without
 * the sentry-ship plugin, content-hashed names, minified where the bundler minifies, maps beside
 * the files. Each returns the output folder and the entry file.
 */
import { join } from "node:path";
import type { SentryShipPluginOptions } from "../../src/plugins/options.js";

export type Bundler = "vite" | "vite8" | "vite8-terser" | "rollup" | "webpack" | "rspack" | "esbuild";

export interface PluginBuild {
  outDir: string;
  entry: string;
}

/** `plugin`: the options to build with the plugin, or false for a build without it. */
export type WithPlugin = SentryShipPluginOptions | false;

export async function buildRollup(dir: string, out: string, plugin: WithPlugin): Promise<PluginBuild> {
  const { rollup } = await import("rollup");
  const { sentryShip } = await import("../../src/plugins/vite.js");
  const outDir = join(dir, out);
  const bundle = await rollup({
    input: join(dir, "src/index.js"),
    external: ["@sentry/node"],
    plugins: plugin === false ? [] : [sentryShip(plugin) as never],
  });
  await bundle.write({
    dir: outDir,
    format: "cjs",
    sourcemap: true,
    entryFileNames: "[name].[hash].js",
    chunkFileNames: "[name].[hash].js",
  });
  await bundle.close();
  return { outDir, entry: await entryIn(outDir, "index.") };
}

export async function buildVite(dir: string, out: string, plugin: WithPlugin): Promise<PluginBuild> {
  return viteBuild(await import("vite"), dir, out, plugin, { minify: "esbuild" });
}

/** What a Vite build may vary beyond the plugin: the minifier, Rollup's (or Rolldown's) `output.strict`. */
export interface ViteVariant {
  minify: "esbuild" | "terser" | true;
  strict?: boolean | "auto";
  /** The output format (default: CommonJS). */
  format?: "cjs" | "es";
  /** Plugins of the build's own, before sentry-ship's. */
  plugins?: object[];
  /** Called with each warning the bundler reports (plugins' `this.warn` among them). */
  onWarning?: (message: string) => void;
}

/**
 * Vite 8 (Rolldown in place of Rollup), the devDependency `vite8` (an npm alias of vite@8), with
 * its default minifier (Oxc, inside Rolldown, after every renderChunk hook) unless `variant` names
 * another: terser runs as Vite's own renderChunk plugin instead.
 */
export async function buildVite8(
  dir: string,
  out: string,
  plugin: WithPlugin,
  variant: ViteVariant = { minify: true },
): Promise<PluginBuild> {
  return viteBuild((await import("vite8")) as never, dir, out, plugin, variant);
}

async function viteBuild(
  { build }: typeof import("vite"),
  dir: string,
  out: string,
  plugin: WithPlugin,
  { minify, strict, format = "cjs", plugins = [], onWarning }: ViteVariant,
): Promise<PluginBuild> {
  const { sentryShip } = await import("../../src/plugins/vite.js");
  const outDir = join(dir, out);
  await build({
    root: dir,
    configFile: false,
    logLevel: "silent",
    plugins: [...(plugins as never[]), ...(plugin === false ? [] : [sentryShip(plugin) as never])],
    build: {
      ssr: join(dir, "src/index.js"),
      outDir,
      emptyOutDir: true,
      minify,
      sourcemap: true,
      rollupOptions: {
        external: ["@sentry/node"],
        ...(onWarning ? { onwarn: (w: { message: string }) => onWarning(w.message) } : {}),
        output: {
          format,
          ...(strict === undefined ? {} : { strict: strict as boolean }),
          entryFileNames: "[name].[hash].js",
          chunkFileNames: "[name].[hash].js",
        },
      },
    },
  });
  return { outDir, entry: await entryIn(outDir, "index.") };
}

/** The options webpack and rspack builds share (both take webpack's configuration). */
async function webpackLikeOptions(dir: string, outDir: string, plugin: WithPlugin) {
  const { SentryShipWebpackPlugin } = await import("../../src/plugins/webpack.js");
  return {
    mode: "production" as const,
    context: dir,
    entry: { index: "./src/index.js" },
    target: "node" as const,
    devtool: "source-map" as const,
    externals: { "@sentry/node": "commonjs @sentry/node" },
    output: { path: outDir, filename: "[name].[contenthash].js", chunkFilename: "[name].[contenthash].js" },
    plugins: plugin === false ? [] : [new SentryShipWebpackPlugin(plugin) as never],
    infrastructureLogging: { level: "none" as const },
  };
}

interface CompilerLike<S> {
  run(cb: (err: Error | null, stats?: S) => void): void;
  close(cb: () => void): void;
}

/** Run a webpack or rspack compiler once; a build error fails with the bundler's own message. */
async function runWebpackLike<S extends { hasErrors(): boolean; toString(o: "errors-only"): string }>(
  compiler: CompilerLike<S>,
  outDir: string,
): Promise<PluginBuild> {
  const stats = await new Promise<S>((resolve, reject) => compiler.run((err, s) => (err ? reject(err) : resolve(s!))));
  await new Promise<void>((resolve) => compiler.close(() => resolve()));
  if (stats.hasErrors()) throw new Error(stats.toString("errors-only"));
  return { outDir, entry: await entryIn(outDir, "index.") };
}

export async function buildWebpack(dir: string, out: string, plugin: WithPlugin): Promise<PluginBuild> {
  const { default: webpack } = await import("webpack");
  const outDir = join(dir, out);
  return runWebpackLike(webpack(await webpackLikeOptions(dir, outDir, plugin)), outDir);
}

/** rspack, with the webpack build's options and the same plugin class. */
export async function buildRspack(dir: string, out: string, plugin: WithPlugin): Promise<PluginBuild> {
  const { rspack } = await import("@rspack/core");
  const outDir = join(dir, out);
  return runWebpackLike(rspack(await webpackLikeOptions(dir, outDir, plugin)), outDir);
}

export async function buildEsbuild(dir: string, out: string, plugin: WithPlugin): Promise<PluginBuild> {
  const { build } = await import("esbuild");
  const { sentryShip } = await import("../../src/plugins/esbuild.js");
  const outDir = join(dir, out);
  await build({
    entryPoints: [join(dir, "src/index.js")],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    minify: true,
    sourcemap: true,
    external: ["@sentry/node"],
    outdir: outDir,
    entryNames: "[name].[hash]",
    chunkNames: "[name].[hash]",
    outExtension: { ".js": ".mjs" },
    logLevel: "silent",
    plugins: plugin === false ? [] : [sentryShip(plugin)],
  });
  return { outDir, entry: await entryIn(outDir, "index.") };
}

export const BUILDERS: Record<Bundler, (dir: string, out: string, plugin: WithPlugin) => Promise<PluginBuild>> = {
  vite: buildVite,
  vite8: (dir, out, plugin) => buildVite8(dir, out, plugin),
  "vite8-terser": (dir, out, plugin) => buildVite8(dir, out, plugin, { minify: "terser" }),
  rollup: buildRollup,
  webpack: buildWebpack,
  rspack: buildRspack,
  esbuild: buildEsbuild,
};

async function entryIn(outDir: string, prefix: string): Promise<string> {
  const { readdirSync } = await import("node:fs");
  const name = readdirSync(outDir).find((n) => n.startsWith(prefix) && /\.m?js$/.test(n));
  if (!name) throw new Error(`no entry ${prefix}* in ${outDir}`);
  return join(outDir, name);
}
