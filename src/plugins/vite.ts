/**
 * `sentry-ship/vite`: one plugin object for Vite and Rollup (Vite's build runs Rollup's hooks).
 *
 * - `renderChunk` (ordered last, after minifiers): the snippet and the `//# debugId=` line go into
 *   each chunk before Rollup hashes it, so `[hash]` names cover the final bytes. The hook returns
 *   `map: null` — "positions unchanged" — and the map is corrected instead in
 *   `generateBundle`, with the shift inject applies on disk, and given its `debugId`. That keeps
 *   every mapping exact without composing a per-character map.
 * - Rolldown (Vite 8) minifies after every `renderChunk` hook, which would drop the `//# debugId=`
 *   comment and misplace every mapping after the inserted line. Under Rolldown (`this.meta.rolldownVersion`)
 *   the plugin leaves `renderChunk` alone and adds the snippet line as `output.postBanner` and the
 *   comment as `output.postFooter`, which Rolldown places after minifying, before hashing, shifting
 *   its map itself; `generateBundle` then only gives the map its `debugId`. Those addons run before
 *   the chunk's code exists, so the id derives from what the chunk is made of (format, directives,
 *   file-name pattern, each module's rendered code), not from its final bytes. The snippet line
 *   comes before the chunk's directive prologue, so it starts with a copy of it (predicted from the
 *   chunk's entry module and `output.strict`; `renderChunk` checks the prediction against the
 *   rendered chunk and warns when they differ).
 * - Vite rewrites a client build's entry chunk in its own `generateBundle` (for its preload helper)
 *   and makes the chunk's map anew from the chunk's map object, which ours corrected first; an
 *   inline map comes out without `debugId`, so a second plugin that Vite adds through
 *   `applyToEnvironment` puts it back after Vite's hook (`generateBundle` with `order: "post"`).
 * - `writeBundle`: what the build wrote goes to Sentry through the in-process API (./after-build.ts).
 *
 * The types below are the few fields the plugin uses, so the declarations need neither rollup nor vite.
 */
import { dirname } from "node:path";
import { afterBuild } from "./after-build.js";
import type { FinishedMap, InsertedAt } from "./inject.js";
import {
  injectedRelease,
  injectsDebugIds,
  pluginLogger,
  releaseResolver,
  type SentryShipPluginOptions,
} from "./options.js";

export type { SentryShipPluginOptions } from "./options.js";

interface RenderedChunkLike {
  fileName: string;
  isEntry?: boolean | undefined;
  isDynamicEntry?: boolean | undefined;
  facadeModuleId?: string | null | undefined;
  moduleIds?: string[] | undefined;
  /** Rolldown's (and Rollup's) rendered modules, in chunk order. */
  modules?: Record<string, { code: string | null }> | undefined;
}
type AddonLike = string | ((chunk: RenderedChunkLike) => string | Promise<string>);
interface OutputOptionsLike {
  dir?: string | undefined;
  file?: string | undefined;
  sourcemap?: boolean | "inline" | "hidden" | undefined;
  format?: string | undefined;
  strict?: boolean | "auto" | undefined;
  preserveModules?: boolean | undefined;
  postBanner?: AddonLike | undefined;
  postFooter?: AddonLike | undefined;
}
interface OutputChunkLike {
  type: "chunk";
  fileName: string;
  code: string;
  map: { mappings: string; debugId?: string | undefined; toString(): string } | null;
  sourcemapFileName?: string | null | undefined;
}
interface OutputAssetLike {
  type: "asset";
  fileName: string;
  source: string | Uint8Array;
}
type BundleLike = Record<string, OutputChunkLike | OutputAssetLike>;

interface PluginContextLike {
  warn(message: string): void;
  error(message: string): never;
  /** Rollup sets rollupVersion and watchMode, Rolldown also rolldownVersion. */
  meta?:
    | { rolldownVersion?: string | undefined; rollupVersion?: string | undefined; watchMode?: boolean | undefined }
    | undefined;
  getModuleInfo?(id: string): { code?: string | null } | null;
}

type GenerateBundle = (this: PluginContextLike, options: OutputOptionsLike, bundle: BundleLike) => Promise<void>;

/** What Vite runs after its own generateBundle, next to the plugin (`applyToEnvironment`). */
export interface SentryShipInlineMapsPlugin {
  name: string;
  generateBundle: { order: "post"; handler: GenerateBundle };
}

/** A Rollup plugin (and a Vite plugin: `apply`, `enforce` and `applyToEnvironment` are Vite's). */
export interface SentryShipRollupPlugin {
  name: string;
  apply: "build";
  enforce: "post";
  /** In each Vite environment: this plugin, and one that runs after Vite's own generateBundle. */
  applyToEnvironment(): [SentryShipRollupPlugin, SentryShipInlineMapsPlugin];
  buildStart(): void;
  renderStart(this: PluginContextLike): void;
  /** Generic, so the options returned are the bundler's own type. */
  outputOptions<O extends OutputOptionsLike>(this: PluginContextLike, options: O): O | null;
  renderChunk: {
    order: "post";
    handler(
      this: PluginContextLike,
      code: string,
      chunk: RenderedChunkLike,
    ): RenderedLike | null | Promise<RenderedLike | null>;
  };
  generateBundle(this: PluginContextLike, options: OutputOptionsLike, bundle: BundleLike): Promise<void>;
  writeBundle(this: PluginContextLike, options: OutputOptionsLike): Promise<void>;
}

function text(source: string | Uint8Array): string {
  return typeof source === "string" ? source : Buffer.from(source).toString("utf8");
}

/** The user's addon (if any) and ours, joined by a line break, theirs first. */
function chainAddon(theirs: AddonLike | undefined, ours: (chunk: RenderedChunkLike) => Promise<string>): AddonLike {
  return async (chunk) => {
    const own = await ours(chunk);
    const other = typeof theirs === "function" ? await theirs(chunk) : (theirs ?? "");
    return own === "" || other === "" ? other + own : `${other}\n${own}`;
  };
}

interface RenderedLike {
  code: string;
  map: null;
}

interface Ready {
  mod: typeof import("./inject.js");
  release: string | undefined;
}

/** The Vite / Rollup plugin. */
export function sentryShip(options: SentryShipPluginOptions = {}): SentryShipRollupPlugin {
  const log = pluginLogger(options);
  const releaseOf = releaseResolver(options, log);
  const inject = injectsDebugIds(options);
  /** Where each chunk's snippet went, by debug id (chunk file names are not final yet in renderChunk). */
  const inserted = new Map<string, InsertedAt>();
  // The injection code loads when a build starts (`vite dev` never loads it), not with this module.
  let injecting: Promise<typeof import("./inject.js")> | undefined;
  let injectionLoaded: typeof import("./inject.js") | undefined;
  const injection = () =>
    (injecting ??= import("./inject.js").then((mod) => {
      injectionLoaded = mod;
      return mod;
    }));
  let ready: Ready | undefined;
  const prepare = async (): Promise<Ready> =>
    (ready ??= { mod: await injection(), release: await injectedRelease(options, releaseOf) });
  /** The ids Rolldown placed through postBanner/postFooter (their maps are shifted already). */
  const placed = new Set<string>();
  /** Under Rolldown: a module's code (what it parsed) by id, from the plugin context of this output. */
  let moduleCode: ((id: string) => string | null | undefined) | undefined;
  /** Under Rolldown: the directives each chunk's snippet line starts with, by the chunk's preliminary file name. */
  const openedWith = new Map<string, string>();

  /** With inline maps: each chunk's code as generateBundle left it, and its debug id, by file name. */
  const finishedInline = new Map<string, { code: string; id: string }>();
  /**
   * Runs after Vite's own generateBundle (Vite adds it through `applyToEnvironment`): for a chunk
   * Vite rewrote there (the entry, for its preload helper), Vite wrote the inline map anew from a
   * map object of its own, without `debugId` (Vite 7 always, Vite 8 when it cannot just shift the
   * map), so the map gets the chunk's id back. Its mappings are right already: Vite made them from
   * the chunk's map object, which this plugin's generateBundle had corrected.
   */
  const inlineMapsAfterVite: SentryShipInlineMapsPlugin = {
    name: "sentry-ship:inline-maps",
    generateBundle: {
      order: "post",
      async handler(_outputOptions, bundle) {
        if (finishedInline.size === 0) return;
        const { finishInlineMap } = await injection();
        for (const [fileName, { code, id }] of finishedInline) {
          const item = bundle[fileName];
          if (item?.type !== "chunk" || item.code === code) continue;
          try {
            const inline = finishInlineMap(item.code, id, undefined);
            if (!inline) continue;
            item.code = inline.code;
            const own = item.map;
            if (own) {
              own.debugId = id;
              item.map = own;
            }
          } catch (e) {
            this.error(`sentry-ship: ${fileName}: its source map cannot take the debug id: ${(e as Error).message}`);
          }
        }
        finishedInline.clear();
      },
    },
  };

  const plugin: SentryShipRollupPlugin = {
    name: "sentry-ship",
    apply: "build",
    enforce: "post",
    applyToEnvironment: () => [plugin, inlineMapsAfterVite],
    buildStart() {
      if (inject) prepare().catch(() => {});
      releaseOf().catch(() => {});
    },
    renderStart() {
      if (this.meta?.rolldownVersion === undefined) return;
      moduleCode = (id) => this.getModuleInfo?.(id)?.code;
    },
    outputOptions(outputOptions) {
      if (!inject || this.meta?.rolldownVersion === undefined) return null;
      const format = outputOptions.format ?? "es";
      const { strict, preserveModules } = outputOptions;
      // postBanner and postFooter ask for the same chunk (by its file-name pattern): one id each.
      const ids = new Map<string, string>();
      const idOf = async (chunk: RenderedChunkLike): Promise<string | undefined> => {
        if (!/\.[cm]?js$/.test(chunk.fileName)) return undefined;
        const known = ids.get(chunk.fileName);
        if (known !== undefined) return known;
        const { chunkDirectives, debugIdFromBytes } = await injection();
        // Rolldown opens a chunk with the directives of the module it stands for: a user-defined
        // entry (or emitted chunk), not a dynamic import's target; under preserveModules, its module.
        const facade =
          chunk.facadeModuleId && (chunk.isEntry || !chunk.isDynamicEntry || preserveModules)
            ? chunk.facadeModuleId
            : preserveModules
              ? chunk.moduleIds?.[0]
              : undefined;
        const directives = chunkDirectives(facade ? moduleCode?.(facade) : undefined, format, strict);
        openedWith.set(chunk.fileName, directives);
        const parts = [format, "\0", directives, "\0", chunk.fileName];
        for (const m of Object.values(chunk.modules ?? {})) parts.push("\0", m.code ?? "");
        const id = debugIdFromBytes(...parts);
        ids.set(chunk.fileName, id);
        return id;
      };
      return {
        ...outputOptions,
        postBanner: chainAddon(outputOptions.postBanner, async (chunk) => {
          const id = await idOf(chunk);
          if (id === undefined) return "";
          placed.add(id);
          log.debug(`${chunk.fileName}: debug id ${id}`);
          const release = await injectedRelease(options, releaseOf);
          return (await injection()).bannerLine(id, release, openedWith.get(chunk.fileName) ?? "");
        }),
        postFooter: chainAddon(outputOptions.postFooter, async (chunk) => {
          const id = await idOf(chunk);
          return id === undefined ? "" : (await injection()).debugIdComment(id);
        }),
      } as typeof outputOptions;
    },
    renderChunk: {
      order: "post",
      handler(code, chunk) {
        if (!inject || !/\.[cm]?js$/.test(chunk.fileName)) return null;
        if (this.meta?.rolldownVersion !== undefined) {
          // The snippet line went in as postBanner, with the directives predicted for the chunk:
          // check them against the chunk Rolldown rendered (no other work here under Rolldown).
          const expected = openedWith.get(chunk.fileName);
          const actual = expected === undefined ? undefined : injectionLoaded?.openingDirectives(code);
          if (actual !== undefined && actual !== expected) {
            this.warn(
              `sentry-ship: ${chunk.fileName}: Rolldown opened the chunk with ${actual || "no directives"}, but the debug-id line that goes before them repeats ${expected || "none"}, so the chunk's directive prologue is the line's`,
            );
          }
          return null;
        }
        const render = ({ mod, release }: Ready) => {
          const out = mod.injectRendered(code, release);
          if (!out) return null;
          inserted.set(out.debugId, out.at);
          log.debug(`${chunk.fileName}: debug id ${out.debugId}`);
          return { code: out.code, map: null } as RenderedLike;
        };
        // Synchronous once the code and the release are known (from buildStart on, as a rule).
        return ready ? render(ready) : prepare().then(render);
      },
    },
    async generateBundle(outputOptions, bundle) {
      finishedInline.clear();
      if (inserted.size === 0 && placed.size === 0) return;
      const { finishChunkMap, finishInlineMap, findDebugId } = await injection();
      for (const item of Object.values(bundle)) {
        if (item.type !== "chunk") continue;
        const id = findDebugId(item.code);
        const at = id === undefined ? undefined : inserted.get(id);
        if (id === undefined || (at === undefined && !placed.has(id))) continue;
        try {
          let map: FinishedMap | undefined;
          if (outputOptions.sourcemap === "inline") {
            const inline = finishInlineMap(item.code, id, at);
            if (inline) {
              item.code = inline.code;
              map = inline.map;
              finishedInline.set(item.fileName, { code: inline.code, id });
            }
          } else {
            const asset = bundle[item.sourcemapFileName ?? `${item.fileName}.map`];
            if (asset?.type === "asset") {
              map = finishChunkMap(text(asset.source), id, at);
              asset.source = map.text;
            }
          }
          // The chunk's own map object gets the same mappings and id: Vite rewrites the entry chunk
          // for its preload helper in its own generateBundle and makes the chunk's map anew from
          // this object (a map file keeps its `debugId`; an inline map gets it back in
          // `inlineMapsAfterVite`). Under Rolldown the mappings are unchanged.
          const own = item.map;
          if (own && map !== undefined) {
            if (map.mappings !== undefined) own.mappings = map.mappings;
            own.debugId = id;
            // Rolldown hands out a copy of the map on each read: give the copy back.
            if (at === undefined) item.map = own;
          }
        } catch (e) {
          this.error(`sentry-ship: ${item.fileName}: its source map cannot take the debug id: ${(e as Error).message}`);
        }
      }
    },
    async writeBundle(outputOptions) {
      const outDir = outputOptions.dir ?? (outputOptions.file !== undefined ? dirname(outputOptions.file) : ".");
      await afterBuild({ options, log, outDir, release: await releaseOf() });
    },
  };
  return plugin;
}

/** The names the official plugins export, for a one-line migration. */
export const sentryVitePlugin = sentryShip;
export const sentryRollupPlugin = sentryShip;
export default sentryShip;
