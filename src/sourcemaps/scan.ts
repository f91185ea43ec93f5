/**
 * Upload discovery: find the files `sourcemaps upload` sends (by extension, minus ignores), read
 * each one once in bounded batches to learn its debug id and sourcemap reference, and pair every
 * script with its map. Contents are not kept; bundle.ts reads them again while zipping.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { InputError } from "../errors.js";

export const DEFAULT_UPLOAD_EXTENSIONS = ["js", "cjs", "mjs", "map", "jsbundle", "bundle"];

export interface ScanOptions {
  paths: string[];
  cwd: string;
  extensions?: string[];
  ignore?: string[];
  ignoreFile?: string;
  /**
   * Keep the bytes to upload for files while their total stays under this many bytes, so the
   * bundle writer need not read (and parse) them again. 0 keeps nothing.
   */
  cacheBudget?: number;
  /** Told about every file under the paths that is not uploaded, and why. */
  onSkip?: (rel: string, reason: string) => void;
  /** What to upload for a parsed map (e.g. the rewritten map); default: the file's bytes. */
  transformMap?: (map: Record<string, unknown>, rel: string) => Buffer;
}

export interface ScannedFile {
  abs: string;
  /** Path relative to the upload root it was found under, with `/` separators. */
  rel: string;
  kind: "script" | "map";
  size: number;
  /** Debug id from `//# debugId=` (scripts) or `debugId`/`debug_id` (maps). */
  debugId?: string;
  /** The `sourceMappingURL` as written in the script. */
  sourceMapRef?: string;
  /** For scripts: the map file it pairs with (absolute), when it exists on disk. */
  mapPath?: string;
  /** `sourcemap` header value (the reference as written, or the guessed sibling's name). */
  sourceMapHeader?: string;
  /** The map was guessed as the `FILE.map` sibling (no reference in the script). */
  mapGuessed?: boolean;
  /** The bytes to upload, when kept by the scan (see ScanOptions.cacheBudget). */
  cached?: Buffer;
  /** For maps: problems --validate reports. */
  mapInfo?: { sources: string[]; missingContent: string[] };
}

const BATCH = 32;
const UUID_RE = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

/** The last `//# debugId=` comment of a script (private copy; inject owns the shared one). */
function findDebugIdComment(js: string): string | undefined {
  const re = /^[ \t]*\/\/[#@] debugId=([0-9a-fA-F-]{32,36})[ \t]*\r?$/gm;
  let last: string | undefined;
  for (let m = re.exec(js); m; m = re.exec(js)) last = m[1];
  return last && UUID_RE.test(last) ? last.toLowerCase() : undefined;
}

/** The last `//# sourceMappingURL=` reference of a script. */
function findSourceMapRef(js: string): string | undefined {
  const re = /^[ \t]*\/\/[#@] sourceMappingURL=(\S+)[ \t]*\r?$/gm;
  let last: string | undefined;
  for (let m = re.exec(js); m; m = re.exec(js)) last = m[1];
  if (last === undefined) {
    const block = /\/\*[#@] sourceMappingURL=(\S+?)\s*\*\/\s*$/.exec(js);
    last = block?.[1];
  }
  return last;
}

export function mapDebugId(map: Record<string, unknown>): string | undefined {
  const v = map.debugId ?? map.debug_id;
  return typeof v === "string" && UUID_RE.test(v) ? v.toLowerCase() : undefined;
}

/** Parse a source map's JSON or throw an InputError naming the file. */
export function parseMapJson(text: string, displayPath: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text.replace(/^\)\]\}'[^\n]*\n/, ""));
  } catch (e) {
    throw new InputError(`${displayPath} is not a valid source map: ${(e as Error).message}`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new InputError(`${displayPath} is not a valid source map: not a JSON object`);
  return v as Record<string, unknown>;
}

function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        re += ".*";
        i++;
        if (glob[i + 1] === "/") i++;
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`(^|/)${re}(/|$)`);
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = readdirSync(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (e.isFile()) out.push(p);
  }
}

/** Find the files to upload, in a stable order, with their metadata. */
export async function scanUploadFiles(opts: ScanOptions): Promise<ScannedFile[]> {
  const exts = (opts.extensions && opts.extensions.length > 0 ? opts.extensions : DEFAULT_UPLOAD_EXTENSIONS).map((e) => e.replace(/^\./, ""));
  const ignores = [...(opts.ignore ?? [])];
  if (opts.ignoreFile) {
    const f = resolve(opts.cwd, opts.ignoreFile);
    let text: string;
    try {
      text = readFileSync(f, "utf8");
    } catch {
      throw new InputError(`cannot read ignore file ${opts.ignoreFile}`);
    }
    for (const line of text.split(/\r?\n/)) if (line.trim() && !line.startsWith("#")) ignores.push(line.trim());
  }
  const ignoreRes = ignores.map(globToRegExp);
  const found: Array<{ abs: string; rel: string }> = [];
  const seen = new Set<string>();
  for (const p of opts.paths) {
    const root = isAbsolute(p) ? p : resolve(opts.cwd, p);
    let st;
    try {
      st = statSync(root);
    } catch {
      throw new InputError(`${p} does not exist`);
    }
    const files: string[] = [];
    let base = root;
    if (st.isDirectory()) await walk(root, files);
    else {
      files.push(root);
      base = dirname(root);
    }
    for (const abs of files) {
      const rel = relative(base, abs).split(sep).join("/");
      const name = basename(abs);
      if (!exts.some((e) => name.endsWith(`.${e}`))) {
        opts.onSkip?.(rel, `extension not one of ${exts.join(", ")}`);
        continue;
      }
      const ig = ignoreRes.findIndex((r) => r.test(rel));
      if (ig >= 0) {
        opts.onSkip?.(rel, `ignored by ${ignores[ig]}`);
        continue;
      }
      if (seen.has(abs)) continue;
      seen.add(abs);
      found.push({ abs, rel });
    }
  }

  const result: ScannedFile[] = [];
  const badMaps: string[] = [];
  let budget = opts.cacheBudget ?? 0;
  const keep = (f: ScannedFile, make: () => Buffer): ScannedFile => {
    if (budget <= 0 || f.size > budget) return f;
    f.cached = make();
    budget -= f.cached.length;
    return f;
  };
  for (let i = 0; i < found.length; i += BATCH) {
    const batch = await Promise.all(
      found.slice(i, i + BATCH).map(async ({ abs, rel }): Promise<ScannedFile> => {
        // Synchronous reads: for many small files they cost far less than thread-pool round trips.
        const text = readFileSync(abs, "utf8");
        const size = Buffer.byteLength(text);
        if (abs.endsWith(".map")) {
          let map: Record<string, unknown>;
          try {
            map = parseMapJson(text, rel);
          } catch (e) {
            badMaps.push((e as Error).message);
            return { abs, rel, kind: "map", size };
          }
          const sources = Array.isArray(map.sources) ? map.sources.map((s) => String(s ?? "")) : [];
          const content = Array.isArray(map.sourcesContent) ? map.sourcesContent : [];
          const missingContent = sources.filter((_s, j) => typeof content[j] !== "string");
          const mf: ScannedFile = { abs, rel, kind: "map", size, debugId: mapDebugId(map), mapInfo: { sources, missingContent } };
          return keep(mf, () => (opts.transformMap ? opts.transformMap(map, rel) : Buffer.from(text, "utf8")));
        }
        const f: ScannedFile = { abs, rel, kind: "script", size, debugId: findDebugIdComment(text) };
        const ref = findSourceMapRef(text);
        if (ref !== undefined) {
          f.sourceMapRef = ref;
          if (!ref.startsWith("data:")) {
            f.sourceMapHeader = ref;
            const local = resolve(dirname(abs), decodeURIComponent(ref.split(/[?#]/)[0]!));
            if (existsSync(local)) f.mapPath = local;
          }
        } else if (existsSync(`${abs}.map`)) {
          f.mapPath = `${abs}.map`;
          f.sourceMapHeader = `${basename(abs)}.map`;
          f.mapGuessed = true;
        }
        return keep(f, () => Buffer.from(text, "utf8"));
      }),
    );
    result.push(...batch);
  }
  if (badMaps.length === 1) throw new InputError(badMaps[0]!);
  if (badMaps.length > 1) throw new InputError(`${badMaps.length} source maps are not valid JSON: ${badMaps.join("; ")}`);
  return result;
}
