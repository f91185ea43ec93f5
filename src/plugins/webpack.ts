/**
 * `sentry-ship/webpack`: the webpack 5 plugin (rspack runs the same hooks).
 *
 * - `processAssets`, right after the dev-tooling stage (where the maps are made) and before the
 *   hash-optimizing stage (where `optimization.realContentHash`, on in production, renames files
 *   after their final bytes): each JS asset and its map are injected exactly as
 *   `sourcemaps inject` does on disk, so `[contenthash]` names cover the injected bytes.
 * - `afterEmit`: what the build wrote goes to Sentry through the in-process API (./after-build.ts).
 *
 * The types below are the few fields the plugin uses, so the declarations need no webpack.
 */
import { afterBuild } from "./after-build.js";
import {
  injectedRelease,
  injectsDebugIds,
  pluginLogger,
  releaseResolver,
  type SentryShipPluginOptions,
} from "./options.js";

export type { SentryShipPluginOptions } from "./options.js";

const NAME = "sentry-ship";

interface SourceLike {
  source(): string | Uint8Array;
}
interface AssetLike {
  name: string;
  source: SourceLike;
  info: { related?: Record<string, string | string[] | null | undefined> };
}
interface CompilationLike {
  hooks: {
    processAssets: {
      tapPromise(opts: { name: string; stage: number }, fn: (assets: Record<string, unknown>) => Promise<void>): void;
    };
  };
  getAsset(name: string): AssetLike | undefined;
  updateAsset(name: string, source: SourceLike): void;
  getAssets(): readonly AssetLike[];
  chunks: Iterable<{ files: Iterable<string> }>;
  errors: Error[];
  warnings: Error[];
  outputOptions: { path?: string };
}
interface CompilerLike {
  webpack: {
    Compilation: { PROCESS_ASSETS_STAGE_DEV_TOOLING: number };
    sources: { RawSource: new (source: string) => SourceLike };
  };
  hooks: {
    thisCompilation: { tap(name: string, fn: (compilation: CompilationLike) => void): void };
    afterEmit: { tapPromise(name: string, fn: (compilation: CompilationLike) => Promise<void>): void };
  };
  outputPath: string;
}

/** What the plugin's declared `apply` asks of a compiler (webpack's and rspack's both have it). */
export interface WebpackCompilerOutline {
  readonly webpack: object;
  readonly hooks: object;
  readonly outputPath: string;
}

function text(s: SourceLike): string {
  const v = s.source();
  return typeof v === "string" ? v : Buffer.from(v).toString("utf8");
}

function firstOf(v: string | string[] | null | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : (v ?? undefined);
}

/** The webpack (and rspack) plugin. */
export class SentryShipWebpackPlugin {
  readonly options: SentryShipPluginOptions;

  constructor(options: SentryShipPluginOptions = {}) {
    this.options = options;
  }

  /**
   * Takes webpack's or rspack's Compiler. The declared type is only its outline: the write-side
   * calls (`updateAsset` with webpack's own `Source`) cannot be typed without webpack's types, and
   * a stricter parameter would make the plugin unassignable to `Configuration["plugins"]`.
   */
  apply(compilerOutline: WebpackCompilerOutline): void {
    const compiler = compilerOutline as CompilerLike;
    const options = this.options;
    const log = pluginLogger(options);
    const releaseOf = releaseResolver(options, log);
    const { Compilation, sources } = compiler.webpack;

    if (injectsDebugIds(options)) {
      // The injection code loads when a compilation starts, not with this module.
      let injecting: Promise<typeof import("./inject.js")> | undefined;
      compiler.hooks.thisCompilation.tap(NAME, (compilation) => {
        injecting ??= import("./inject.js");
        injecting.catch(() => {});
        releaseOf().catch(() => {});
        compilation.hooks.processAssets.tapPromise(
          { name: NAME, stage: Compilation.PROCESS_ASSETS_STAGE_DEV_TOOLING + 1 },
          async (assets) => {
            const { injectAsset } = await injecting!;
            const release = await injectedRelease(options, releaseOf);
            // Only what chunks emitted: files copied into the output as they are are left alone.
            const chunkFiles = new Set<string>();
            for (const chunk of compilation.chunks) for (const f of chunk.files) chunkFiles.add(f);
            for (const name of Object.keys(assets)) {
              if (!/\.[cm]?js$/.test(name) || !chunkFiles.has(name)) continue;
              const asset = compilation.getAsset(name);
              if (!asset) continue;
              const mapName = firstOf(asset.info.related?.sourceMap);
              const mapAsset = mapName === undefined ? undefined : compilation.getAsset(mapName);
              try {
                const out = injectAsset(text(asset.source), mapAsset && text(mapAsset.source), release);
                if (!out) continue;
                compilation.updateAsset(name, new sources.RawSource(out.code));
                if (out.map !== undefined && mapName !== undefined) {
                  compilation.updateAsset(mapName, new sources.RawSource(out.map));
                }
                log.debug(`${name}: debug id ${out.debugId}`);
              } catch (e) {
                compilation.errors.push(
                  new Error(`sentry-ship: ${name}: its source map cannot take the debug id: ${(e as Error).message}`),
                );
              }
            }
          },
        );
      });
    }

    compiler.hooks.afterEmit.tapPromise(NAME, async (compilation) => {
      const release = await releaseOf();
      await afterBuild({ options, log, outDir: compilation.outputOptions.path ?? compiler.outputPath, release });
    });
  }
}

/** The name the official plugin exports, for a one-line migration: `sentryWebpackPlugin(options)`. */
export function sentryWebpackPlugin(options: SentryShipPluginOptions = {}): SentryShipWebpackPlugin {
  return new SentryShipWebpackPlugin(options);
}

export default SentryShipWebpackPlugin;
