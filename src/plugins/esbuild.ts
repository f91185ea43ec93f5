/**
 * `sentry-ship/esbuild`: the esbuild plugin.
 *
 * esbuild has no hook between writing a chunk and hashing its name, so the plugin injects in
 * `onEnd`, each JS file with its map, exactly as `sourcemaps inject` does on disk, in memory: a
 * build that writes its files runs with `write: false` under the plugin, which injects into the
 * output files and then writes them itself (maps first, then scripts; a script starting with `#!`
 * executable, as esbuild makes it), so nothing is written twice, read back or listed through a
 * metafile; esbuild's result then has no `outputFiles`, as a writing build's has not. The ids
 * derive from the bytes, so two identical builds stay byte-identical and a hashed name still
 * stands for exactly one content; but the `[hash]` esbuild put in the name was computed before
 * the snippet was added. Then what the build wrote goes to Sentry through the in-process API
 * (./after-build.ts); a `write: false` build of the user's own has written nothing, so it uploads
 * nothing. Plugins listed after this one find the files on disk in their own `onEnd`.
 *
 * The types below are the few fields the plugin uses, so the declarations need no esbuild.
 */
import { chmodSync, closeSync, mkdirSync, openSync, writevSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import {
  injectedRelease,
  injectsDebugIds,
  plannedSteps,
  pluginLogger,
  releaseResolver,
  type SentryShipPluginOptions,
} from "./options.js";

export type { SentryShipPluginOptions } from "./options.js";

interface OutputFileLike {
  path: string;
  contents: Uint8Array;
  readonly text: string;
}
interface BuildResultLike {
  errors: unknown[];
  outputFiles?: OutputFileLike[] | undefined;
}
interface BuildOptionsLike {
  write?: boolean;
  outdir?: string;
  outfile?: string;
  absWorkingDir?: string;
  footer?: { [type: string]: string };
}
interface PluginBuildLike {
  initialOptions: BuildOptionsLike;
  onEnd(fn: (result: BuildResultLike) => Promise<void> | void): void;
}

/** The esbuild plugin. */
export interface SentryShipEsbuildPlugin {
  name: string;
  setup(build: PluginBuildLike): Promise<void>;
}

/** The pieces a replaced output file is made of (`outputFile`), as the plugin writes them. */
const piecesOf = new WeakMap<OutputFileLike, Uint8Array[]>();

/**
 * An output file whose contents are replaced, given in pieces (a map as ./map-text.ts edits it):
 * its `contents` join them, its `text` decodes and its `hash` (which watchers and dev servers
 * compare to tell a changed file) is computed when asked — by a `write: false` build of the
 * user's, as the plugin writes the pieces themselves — with `hashOf` (./inject.ts
 * `outputFileHash`: the module that loads node:crypto while esbuild builds).
 */
function outputFile(path: string, pieces: Uint8Array[], hashOf: (contents: Uint8Array) => string): OutputFileLike {
  let joined: Uint8Array | undefined;
  let text: string | undefined;
  let hash: string | undefined;
  const file = {
    path,
    get contents(): Uint8Array {
      joined ??= pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
      return joined;
    },
    // A later plugin may replace the contents, as it may esbuild's own output files'.
    set contents(contents: Uint8Array) {
      joined = contents;
      text = hash = undefined;
      piecesOf.set(file, [contents]);
    },
    get text() {
      if (text === undefined) {
        const contents = file.contents;
        text = Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength).toString("utf8");
      }
      return text;
    },
    get hash() {
      hash ??= hashOf(file.contents);
      return hash;
    },
  } as OutputFileLike;
  piecesOf.set(file, pieces);
  return file;
}

export function sentryShip(options: SentryShipPluginOptions = {}): SentryShipEsbuildPlugin {
  const log = pluginLogger(options);
  const releaseOf = releaseResolver(options, log);
  return {
    name: "sentry-ship",
    async setup(build) {
      const init = build.initialOptions;
      // esbuild names outputs relative to its working directory.
      const cwd = init.absWorkingDir ?? process.cwd();
      // The injection code loads while esbuild builds (in its own process), not after.
      const injecting = injectsDebugIds(options) ? import("./inject-bytes.js") : undefined;
      injecting?.catch(() => {});
      // A writing build's files are injected in memory and written once, by the plugin.
      const writes = injecting !== undefined && init.write !== false;
      if (writes) init.write = false;
      // The release goes into the files after esbuild hashed their names; a comment naming it
      // at the end of every JS file (esbuild's `footer`, which it hashes) makes the names
      // change with the release all the same.
      const release = await injectedRelease(options, releaseOf);
      if (injecting && release !== undefined) {
        const js = init.footer?.js;
        init.footer = { ...init.footer, js: (js ? `${js}\n` : "") + releaseComment(release) };
      }

      build.onEnd(async (result) => {
        if (result.errors.length > 0) {
          if (writes) delete result.outputFiles;
          return;
        }
        if (injecting && result.outputFiles) {
          await injectInMemory(await injecting, result.outputFiles, release, log);
          if (writes) {
            writeOutputs(result.outputFiles);
            delete result.outputFiles;
          }
        }
        if (result.outputFiles) return;
        const outDir = init.outdir ?? (init.outfile !== undefined ? dirname(init.outfile) : ".");
        const name = await releaseOf();
        // The after-build steps load only when the options ask for one.
        if (plannedSteps(options, name).length === 0) return;
        const { afterBuild } = await import("./after-build.js");
        await afterBuild({ options, log, outDir: isAbsolute(outDir) ? outDir : join(cwd, outDir), release: name });
      });
    },
  };
}

/** The footer comment that puts the release into esbuild's hashes. */
function releaseComment(release: string): string {
  return `/* sentry-ship release: ${JSON.stringify(release).replace(/\*\//g, "*\\/")} */`;
}

const JS_RE = /\.[cm]?js$/;

type Injection = typeof import("./inject-bytes.js");

async function injectInMemory(
  injection: Injection,
  files: OutputFileLike[],
  release: string | undefined,
  log: ReturnType<typeof pluginLogger>,
) {
  const index = new Map(files.map((f, i) => [f.path, i]));
  for (const [i, f] of files.entries()) {
    if (!JS_RE.test(f.path)) continue;
    const mi = index.get(`${f.path}.map`);
    const mapFile = mi === undefined ? undefined : files[mi]!;
    let out: { debugId: string; code: string; map?: string | Uint8Array[] | undefined } | null | undefined =
      mapFile && injectOne(f.path, () => injection.injectBytes(f.contents, mapFile.contents, release));
    // A script without a map, or a map the edit does not take: the text way (./inject.ts).
    if (out === null || mapFile === undefined) {
      const text = await import("./inject.js");
      out = injectOne(f.path, () =>
        mapFile
          ? text.injectAssetBytes(f.contents, mapFile.contents, release)
          : text.injectAsset(f.text, undefined, release),
      );
    }
    if (!out) continue;
    files[i] = outputFile(f.path, [Buffer.from(out.code, "utf8")], injection.outputFileHash);
    if (mi !== undefined && out.map !== undefined) {
      const map = typeof out.map === "string" ? [Buffer.from(out.map, "utf8")] : out.map;
      files[mi] = outputFile(`${f.path}.map`, map, injection.outputFileHash);
    }
    log.debug(`${f.path}: debug id ${out.debugId}`);
  }
}

/**
 * Write the output files as esbuild would have: maps and other files first, then scripts. The
 * writes are synchronous: the build is over and nothing else waits on this thread, and 44 files
 * (2.2 MB) of the bench build took ~5 ms less than through the threadpool (onEnd medians of 15).
 */
function writeOutputs(files: OutputFileLike[]) {
  const folders = new Set<string>();
  const write = (f: OutputFileLike) => {
    const dir = dirname(f.path);
    if (!folders.has(dir)) {
      mkdirSync(dir, { recursive: true });
      folders.add(dir);
    }
    const pieces = piecesOf.get(f) ?? [f.contents];
    writePieces(f.path, pieces);
    // esbuild makes a file that starts with a hashbang executable (a script is one piece).
    const head = pieces[0];
    if (head?.[0] === 0x23 && head[1] === 0x21) chmodSync(f.path, 0o755);
  };
  try {
    for (const f of files) if (!JS_RE.test(f.path)) write(f);
    for (const f of files) if (JS_RE.test(f.path)) write(f);
  } catch (e) {
    throw new Error(`sentry-ship: could not write the build's output: ${(e as Error).message}`);
  }
}

/** Write a file from its pieces, in one call as a rule (`writev`), copying none of them. */
function writePieces(path: string, pieces: Uint8Array[]) {
  const fd = openSync(path, "w");
  try {
    let rest = pieces;
    while (rest.length > 0) {
      let written = writevSync(fd, rest);
      if (written === 0) throw new Error(`${path}: nothing written`);
      // A short write: go on after the bytes written.
      let i = 0;
      while (i < rest.length && written >= rest[i]!.byteLength) written -= rest[i++]!.byteLength;
      rest = i < rest.length ? [rest[i]!.subarray(written), ...rest.slice(i + 1)] : [];
    }
  } finally {
    closeSync(fd);
  }
}

function injectOne<T>(path: string, inject: () => T): T {
  try {
    return inject();
  } catch (e) {
    throw new Error(`sentry-ship: ${path}: its source map cannot take the debug id: ${(e as Error).message}`);
  }
}

/** The name the official plugin exports, for a one-line migration. */
export const sentryEsbuildPlugin = sentryShip;
export default sentryShip;
