/**
 * Upload discovery: find the files `sourcemaps upload` sends (by extension, minus ignores), read
 * each one once in bounded batches (the `inspect` job, on the upload's pool) to learn its debug
 * id and sourcemap reference, and pair every script with its map.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, type Stats, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { InputError } from "../errors.js";
import { IgnoreMatcher, ignoreFileError, missingPathError } from "./discover.js";
import { fileError, NOT_REGULAR, refusal } from "./file-errors.js";
import { type Inspection, safeDecode } from "./inspection.js";
import { walkFiles } from "./walk.js";
import { InlinePool, type Pool } from "./work/pool.js";
import { SCAN_BATCH_FILES, SCAN_BATCHES_PER_WORKER } from "./work/tuning.js";

export const DEFAULT_UPLOAD_EXTENSIONS = ["js", "cjs", "mjs", "map", "jsbundle", "bundle"];

export interface ScanOptions {
  paths: string[];
  cwd: string;
  extensions?: string[];
  ignore?: string[];
  ignoreFile?: string;
  /** Told about every file under the paths that is not uploaded, and why. */
  onSkip?: (rel: string, reason: string) => void;
}

/** The files found, as parallel lists of folder and relative path (the folder string is shared). */
export interface UploadListing {
  roots: string[];
  rels: string[];
  /** What each file is, when the user said so (`--bundle`, `--bundle-sourcemap`); else by its name. */
  kinds?: Array<"script" | "map">;
}

/** Whether a script has a map on disk, and how it was found. */
const MapState = { None: 0, Referenced: 1, Guessed: 2, Given: 3 } as const;
type MapState = (typeof MapState)[keyof typeof MapState];

/**
 * One file to upload. Kept for every file until the upload ends, so it holds only what cannot be
 * derived: its folder (shared by all files found under it), its relative path and what reading it
 * told; paths, headers and URLs are computed when asked for.
 */
export class ScannedFile {
  /** Debug id from `//# debugId=` (scripts) or `debugId`/`debug_id` (maps). */
  debugId: string | undefined;
  /** The `sourceMappingURL` as written in the script. */
  sourceMapRef: string | undefined;
  /** For maps: problems --validate reports (sources without content), when there are any. */
  mapInfo: { missingContent: string[] } | undefined;
  /** For scripts: Hermes bytecode, uploaded empty (./content.ts). */
  readonly hermes: boolean;
  /** Why the file is not text (not valid UTF-8): paired as any file, but left out of the bundle. */
  readonly notText: string | undefined;
  private mapState: MapState;
  /** The reference names a map on a server (`https://…`), which the header does not carry. */
  private readonly refOnServer: boolean;
  /** With MapState.Given: the map's path and the last segment of its URL. */
  private given: { abs: string; name: string } | undefined;

  constructor(
    /** The folder the file was found under (for a file named on the command line, its folder). */
    readonly root: string,
    /** Path relative to `root`, with `/` separators. */
    readonly rel: string,
    readonly kind: "script" | "map",
    readonly size: number,
    info: Omit<Inspection, "kind" | "size"> = {},
  ) {
    this.debugId = info.debugId;
    this.sourceMapRef = info.sourceMapRef;
    this.mapInfo = info.missingContent ? { missingContent: info.missingContent } : undefined;
    this.hermes = info.hermes === true;
    this.notText = info.notText;
    this.mapState = info.mapGuessed ? MapState.Guessed : info.mapFound ? MapState.Referenced : MapState.None;
    this.refOnServer = info.mapOnServer === true;
  }

  get abs(): string {
    return join(this.root, this.rel);
  }

  /** For scripts: the map file it pairs with (absolute), when it exists on disk. */
  get mapPath(): string | undefined {
    if (this.mapState === MapState.Guessed) return `${this.abs}.map`;
    if (this.mapState === MapState.Given) return this.given!.abs;
    if (this.mapState === MapState.Referenced)
      return resolve(dirname(this.abs), safeDecode(this.sourceMapRef!.split(/[?#]/)[0]!));
    return undefined;
  }

  /** `sourcemap` header value (the reference as written, or the guessed sibling's name). */
  get sourceMapHeader(): string | undefined {
    if (this.mapState === MapState.Guessed) return `${basename(this.rel)}.map`;
    // As sentry-cli 3.8.0: the header carries the reference as written (data: URLs too),
    // except a map on a server, which is left to the server to fetch (or else the sibling's name
    // above).
    const ref = this.sourceMapRef;
    if (ref !== undefined && !this.refOnServer) return ref;
    return this.mapState === MapState.Given ? this.given!.name : undefined;
  }

  /** The map was guessed as the `FILE.map` sibling (no reference in the script, or one to a server). */
  get mapGuessed(): boolean {
    return this.mapState === MapState.Guessed;
  }

  /**
   * `--bundle`: the map is the one the user named (`abs`, uploaded as `…/name`), whatever the
   * script's reference says; the header is still the reference as written, when there is one.
   */
  pairWith(abs: string, name: string): void {
    this.mapState = MapState.Given;
    this.given = { abs, name };
  }

  /** Forget a guessed sibling map (it is not uploaded): no header, no map. */
  dropGuessedMap(): void {
    if (this.mapState === MapState.Guessed) this.mapState = MapState.None;
  }
}

/** Find the files to upload (by extension, minus ignores), in a stable order. Reads none. */
export function listUploadFiles(opts: ScanOptions): UploadListing {
  const exts = (opts.extensions && opts.extensions.length > 0 ? opts.extensions : DEFAULT_UPLOAD_EXTENSIONS).map((e) =>
    e.replace(/^\./, ""),
  );
  const ignores = new IgnoreMatcher().add(opts.ignore ?? []);
  if (opts.ignoreFile) {
    const f = resolve(opts.cwd, opts.ignoreFile);
    let text: string;
    try {
      text = readFileSync(f, "utf8");
    } catch (e) {
      throw ignoreFileError(opts.ignoreFile, e);
    }
    ignores.add(text.split(/\r?\n/));
  }
  const roots: string[] = [];
  const rels: string[] = [];
  // Paths may overlap (a folder and a file in it): the first finding counts.
  const seen = opts.paths.length > 1 ? new Set<string>() : undefined;
  for (const p of opts.paths) {
    const given = isAbsolute(p) ? p : resolve(opts.cwd, p);
    let st: Stats;
    try {
      st = statSync(given);
    } catch (e) {
      throw missingPathError(p, e);
    }
    const root = st.isDirectory() ? resolve(given) : dirname(resolve(given));
    const files: string[] = [];
    if (st.isDirectory()) {
      // Like sentry-cli's upload walker: hidden folders are skipped, hidden files and
      // node_modules are not; ignored folders are not entered.
      walkFiles(
        root,
        {
          display: (rel) => rel || p,
          skipFolder: (name) => name.startsWith("."),
          ignored: ignores.empty ? undefined : (rel, isDir) => ignores.ignores(rel, isDir),
          onIgnored: (rel) => opts.onSkip?.(rel, "ignored"),
          wanted: () => true,
          // The web server serves what a link leads to: it is uploaded under the link's name.
          followLinks: true,
          onBrokenLink: (rel) => opts.onSkip?.(rel, "a symbolic link that leads to no file"),
        },
        (_abs, rel) => files.push(rel),
      );
    } else if (st.isFile()) files.push(basename(given));
    else throw fileError(refusal(NOT_REGULAR, given), "read", p);
    for (const rel of files) {
      if (!exts.some((e) => rel.endsWith(`.${e}`))) {
        opts.onSkip?.(rel, `extension not one of ${exts.join(", ")}`);
        continue;
      }
      if (seen) {
        const abs = join(root, rel);
        if (seen.has(abs)) continue;
        seen.add(abs);
      }
      roots.push(root);
      rels.push(rel);
    }
  }
  return { roots, rels };
}

export interface InspectUploadOptions {
  /** `--decompress`: read gzip files uncompressed. */
  decompress?: boolean;
  /** Told about every file that starts like gzip but does not uncompress (uploaded as it is). */
  onNotDecompressed?: (rel: string) => void;
}

/** An indexed RAM bundle starts with this number (little-endian). */
const RAM_BUNDLE_MAGIC = 0xfb0bd1e5;

function isIndexedRamBundle(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.readUInt32LE(0) === RAM_BUNDLE_MAGIC;
  } catch {
    return false; // the inspect job names what cannot be read
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * `--bundle FILE --bundle-sourcemap MAP` (React Native): these two files, each under its own
 * name (the URL is the prefix, the file name and the suffix), the first a script, the second a
 * map whatever their names. A RAM bundle (indexed, or a file bundle with `js-modules/UNBUNDLE`)
 * is refused: its modules would have to be split out of it and its index map.
 */
export function bundleListing(bundle: { file: string; sourcemap: string }, cwd: string): UploadListing {
  const roots: string[] = [];
  const rels: string[] = [];
  for (const p of [bundle.file, bundle.sourcemap]) {
    const abs = resolve(cwd, p);
    let st: Stats;
    try {
      st = statSync(abs);
    } catch (e) {
      throw missingPathError(p, e);
    }
    if (!st.isFile()) throw fileError(refusal(NOT_REGULAR, abs), "read", p);
    roots.push(dirname(abs));
    rels.push(basename(abs));
  }
  const file = join(roots[0]!, rels[0]!);
  if (isIndexedRamBundle(file) || existsSync(join(roots[0]!, "js-modules", "UNBUNDLE")))
    throw new InputError(
      `${bundle.file} is a RAM bundle, which sentry-ship does not unpack: build a plain or Hermes bundle (RAM bundles are deprecated in React Native), or upload with sentry-cli`,
    );
  return { roots, rels, kinds: ["script", "map"] };
}

/**
 * Read every listed file once (the `inspect` job, on `pool`) and learn what the upload needs.
 * Contents are not kept: the bundle writer reads them again while zipping.
 */
export async function inspectUploadFiles(
  listing: UploadListing,
  pool: Pool,
  opts: InspectUploadOptions = {},
): Promise<ScannedFile[]> {
  const { roots, rels } = listing;
  const result: ScannedFile[] = [];
  const badMaps: string[] = [];
  // A bounded window of batches in flight: results wait in the message queue otherwise.
  const pending: Array<{ from: number; done: Promise<Inspection[]> }> = [];
  let next = 0;
  const post = () => {
    if (next >= rels.length) return;
    const files: Array<{ abs: string; rel: string; kind?: "script" | "map" }> = [];
    for (let i = next; i < Math.min(next + SCAN_BATCH_FILES, rels.length); i++) {
      const kind = listing.kinds?.[i];
      files.push(
        kind
          ? { abs: join(roots[i]!, rels[i]!), rel: rels[i]!, kind }
          : { abs: join(roots[i]!, rels[i]!), rel: rels[i]! },
      );
    }
    const done = pool.run(opts.decompress ? { kind: "inspect", files, decompress: true } : { kind: "inspect", files });
    done.catch(() => undefined); // awaited in order below
    pending.push({ from: next, done });
    next += SCAN_BATCH_FILES;
  };
  while (pending.length < pool.size * SCAN_BATCHES_PER_WORKER && next < rels.length) post();
  while (pending.length > 0) {
    const { from, done } = pending.shift()!;
    post();
    (await done).forEach((info, j) => {
      if (info.badMap !== undefined) badMaps.push(info.badMap);
      if (info.notDecompressed) opts.onNotDecompressed?.(rels[from + j]!);
      // The kind as this thread's constant, not a copy per file from a worker.
      const i = from + j;
      result.push(new ScannedFile(roots[i]!, rels[i]!, info.kind === "map" ? "map" : "script", info.size, info));
    });
  }
  if (badMaps.length === 1) throw new InputError(badMaps[0]!);
  if (badMaps.length > 1)
    throw new InputError(`${badMaps.length} source maps are not valid JSON: ${badMaps.join("; ")}`);
  return result;
}

/** Find and inspect the files to upload (inline unless given a pool). */
export async function scanUploadFiles(opts: ScanOptions & { pool?: Pool }): Promise<ScannedFile[]> {
  return inspectUploadFiles(listUploadFiles(opts), opts.pool ?? new InlinePool());
}
