/**
 * `sentry-ship/esbuild`: the esbuild plugin.
 *
 * esbuild has no hook between writing a chunk and hashing its name, so the plugin injects in
 * `onEnd`, each JS file with its map, exactly as `sourcemaps inject` does on disk. A build that
 * writes its files lets esbuild write them (from several threads at once, faster than Node can
 * create files, and without handing the whole output over to Node), and the plugin then rewrites
 * in place the ones this build wrote: the files under the output folder (or the outfile and its
 * map) whose inode, time or size changed since the build started (`onStart`) — an injected file
 * is always larger than what esbuild writes, so a rewrite is seen even within one clock tick.
 * Maps go first, then scripts; a file keeps the mode esbuild gave it. A `write: false` build of
 * the user's own is injected in memory: its output files are replaced. The ids derive from the
 * bytes, so two identical builds stay byte-identical and a hashed name still stands for exactly
 * one content; but the `[hash]` esbuild put in the name was computed before the snippet was
 * added. Then what the build wrote goes to Sentry through the in-process API (./after-build.ts);
 * a `write: false` build has written nothing, so it uploads nothing. Plugins listed after this
 * one find the files injected on disk in their own `onEnd`.
 *
 * The types below are the few fields the plugin uses, so the declarations need no esbuild.
 */
import {
  closeSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writevSync,
} from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
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
  onStart(fn: () => void): void;
  onEnd(fn: (result: BuildResultLike) => Promise<void> | void): void;
}

/** The esbuild plugin. */
export interface SentryShipEsbuildPlugin {
  name: string;
  setup(build: PluginBuildLike): Promise<void>;
}

/**
 * An output file of a `write: false` build whose contents are replaced, given in pieces (a map as
 * ./map-text.ts edits it): its `contents` join them when read, its `text` decodes and its `hash`
 * (which watchers and dev servers compare to tell a changed file) is computed when asked, with
 * `hashOf` (./inject-bytes.ts `outputFileHash`: the module that loads node:crypto while esbuild
 * builds).
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
      // A writing build's files are written by esbuild, then those it wrote are injected in place.
      const writes = injecting !== undefined && init.write !== false;
      const outputs = () => outputsOf(init, cwd);
      let before = new Map<string, string>();
      if (writes)
        build.onStart(() => {
          before = outputs();
        });
      // The release goes into the files after esbuild hashed their names; a comment naming it
      // at the end of every JS file (esbuild's `footer`, which it hashes) makes the names
      // change with the release all the same.
      const release = await injectedRelease(options, releaseOf);
      if (injecting && release !== undefined) {
        const js = init.footer?.js;
        init.footer = { ...init.footer, js: (js ? `${js}\n` : "") + releaseComment(release) };
      }

      build.onEnd(async (result) => {
        if (result.errors.length > 0) return;
        if (injecting && result.outputFiles) {
          await injectInMemory(await injecting, result.outputFiles, release, log);
          return;
        }
        if (writes) {
          const now = outputs();
          const written = [...now.keys()].filter((path) => before.get(path) !== now.get(path));
          await injectOnDisk(await injecting!, written, release, log);
        }
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
    const out = await injectFile(
      injection,
      f.path,
      f.contents,
      mi === undefined ? undefined : files[mi]!.contents,
      release,
    );
    if (!out) continue;
    files[i] = outputFile(f.path, [Buffer.from(out.code, "utf8")], injection.outputFileHash);
    if (mi !== undefined && out.map !== undefined) {
      const map = typeof out.map === "string" ? [Buffer.from(out.map, "utf8")] : out.map;
      files[mi] = outputFile(`${f.path}.map`, map, injection.outputFileHash);
    }
    log.debug(`${f.path}: debug id ${out.debugId}`);
  }
}

/** What injecting a script gives: its code, and its map's (as text, or as pieces of bytes). */
interface Injected {
  debugId: string;
  code: string;
  map?: string | Uint8Array[] | undefined;
}

/**
 * Inject one script and its map (if it has one): as bytes (./inject-bytes.ts), or the text way
 * (./inject.ts, loaded then) for a script without a map file or a map the byte edit does not take.
 * Undefined when the script already has a debug id.
 */
async function injectFile(
  injection: Injection,
  path: string,
  code: Uint8Array,
  map: Uint8Array | undefined,
  release: string | undefined,
): Promise<Injected | undefined> {
  const out = map && injectOne(path, () => injection.injectBytes(code, map, release));
  if (out !== null && map !== undefined) return out;
  const text = await import("./inject.js");
  return injectOne(path, () =>
    map ? text.injectBytesParsingMap(code, map, release) : text.injectAsset(injection.utf8(code), undefined, release),
  );
}

/**
 * The files a writing build may write, each with what tells a rewrite (inode, time, size): the
 * outfile and its map, or what is under the output folder (symbolic links not followed).
 */
function outputsOf(init: BuildOptionsLike, cwd: string): Map<string, string> {
  const files = new Map<string, string>();
  const add = (path: string) => {
    const st = statSync(path, { bigint: true, throwIfNoEntry: false });
    if (st?.isFile()) files.set(path, `${st.ino}:${st.mtimeNs}:${st.size}`);
  };
  if (init.outfile !== undefined) {
    const outfile = resolve(cwd, init.outfile);
    add(outfile);
    add(`${outfile}.map`);
  } else if (init.outdir !== undefined) {
    const dir = resolve(cwd, init.outdir);
    // No folder yet (or a file in its place, which esbuild then reports): nothing written before.
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return files;
    for (const d of readdirSync(dir, { withFileTypes: true, recursive: true }))
      if (d.isFile()) add(join(d.parentPath, d.name));
  }
  return files;
}

/**
 * Inject in place the scripts a writing build wrote, each with its map if the build wrote one:
 * the map first, then the script, each rewritten from its pieces.
 */
async function injectOnDisk(
  injection: Injection,
  written: string[],
  release: string | undefined,
  log: ReturnType<typeof pluginLogger>,
) {
  const wrote = new Set(written);
  for (const path of written) {
    if (!JS_RE.test(path)) continue;
    const mapPath = wrote.has(`${path}.map`) ? `${path}.map` : undefined;
    try {
      const code = readFileSync(path);
      const map = mapPath === undefined ? undefined : readFileSync(mapPath);
      const out = await injectFile(injection, path, code, map, release);
      if (!out) continue;
      if (mapPath !== undefined && out.map !== undefined)
        writePieces(mapPath, typeof out.map === "string" ? [Buffer.from(out.map, "utf8")] : out.map);
      writePieces(path, [Buffer.from(out.code, "utf8")]);
      log.debug(`${path}: debug id ${out.debugId}`);
    } catch (e) {
      const message = (e as Error).message;
      throw new Error(
        message.startsWith("sentry-ship:") ? message : `sentry-ship: could not inject the build's output: ${message}`,
      );
    }
  }
}

/**
 * Rewrite a file the build wrote from its pieces, in one call as a rule (`writev`), copying none
 * of them. The file is written over, not truncated first (an injected file is longer than what
 * esbuild wrote; a shorter one is cut to its length after). Truncating first took the bench
 * build's 44 rewrites from 2.3 to 5.5 ms on ext4, which starts writing a file truncated and
 * written again to disk when it is closed.
 */
function writePieces(path: string, pieces: Uint8Array[]) {
  const fd = openSync(path, "r+");
  try {
    const before = fstatSync(fd).size;
    let total = 0;
    let rest = pieces;
    while (rest.length > 0) {
      let written = writevSync(fd, rest, total);
      if (written === 0) throw new Error(`${path}: nothing written`);
      total += written;
      // A short write: go on after the bytes written.
      let i = 0;
      while (i < rest.length && written >= rest[i]!.byteLength) written -= rest[i++]!.byteLength;
      rest = i < rest.length ? [rest[i]!.subarray(written), ...rest.slice(i + 1)] : [];
    }
    if (total < before) ftruncateSync(fd, total);
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
