/**
 * Finding the JS files inject works on and the source map each one refers to.
 * Walks each PATH (hidden folders and node_modules skipped unless the PATH names them; hidden
 * files kept, as sentry-cli does), filters by extension and by gitignore-style patterns
 * (`--ignore`, `--ignore-file`), and reads `//# sourceMappingURL=` references.
 */

import type { Stats } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, posix, resolve as resolvePath, sep } from "node:path";
import { InputError } from "../errors.js";
import { emptyRecoveryFiles, noteListedFolder, pendingPath, type RecoveryFiles } from "./atomic-write.js";
import { describeCause, fileError } from "./file-errors.js";
import { comparePaths } from "./order.js";
import { walkFiles } from "./walk.js";

export { comparePaths };

export const DEFAULT_JS_EXTENSIONS = ["js", "cjs", "mjs"];

export interface DiscoveredFile {
  /** Absolute path on disk. */
  abs: string;
  /** The path as reported: the PATH argument joined with the path below it (`dist/app.js`). */
  display: string;
  /**
   * Whether a pending file of an interrupted inject (`<name>.sentry-ship-pending`) sits next to it,
   * when its folder was listed (undefined for files named on the command line).
   */
  pending?: boolean;
}

export interface Discovery {
  /** JS files, sorted by display path. */
  sources: DiscoveredFile[];
  /** How many files matched the extensions or `.map` (what sentry-cli reports as "Found N files"). */
  found: number;
  /**
   * The folders maps may be changed in (absolute): every folder given, and the folder of every
   * file given. A map elsewhere is left alone.
   */
  roots: string[];
  /** What an interrupted inject left in the folders walked (pending and spare files). */
  recovery: RecoveryFiles;
}

// ---------------------------------------------------------------------------------------------
// gitignore-style patterns

interface Rule {
  re: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

function globToRegExp(glob: string): string {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        // `**/` matches any number of directories, a trailing `**` anything.
        if (glob[i + 2] === "/") {
          re += "(?:.*/)?";
          i += 2;
        } else {
          re += ".*";
          i += 1;
        }
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const close = glob.indexOf("]", i + 1);
      if (close === -1) re += "\\[";
      else {
        let body = glob.slice(i + 1, close);
        if (body.startsWith("!")) body = "^" + body.slice(1);
        re += `[${body.replace(/\\/g, "\\\\")}]`;
        i = close;
      }
    } else if (c === "\\" && i + 1 < glob.length) {
      re += glob[i + 1]!.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      i++;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return re;
}

export function compileRule(line: string): Rule | undefined {
  let p = line.replace(/\s+$/, "");
  if (p === "" || p.startsWith("#")) return undefined;
  let negate = false;
  if (p.startsWith("!")) {
    negate = true;
    p = p.slice(1);
  }
  let dirOnly = false;
  if (p.endsWith("/")) {
    dirOnly = true;
    p = p.replace(/\/+$/, "");
  }
  const anchored = p.includes("/");
  p = p.replace(/^\//, "");
  const body = globToRegExp(p);
  // Unanchored patterns match a name at any depth; a match on a directory covers what is below.
  const re = new RegExp(`^${anchored ? "" : "(?:.*/)?"}${body}$`);
  return { re, negate, dirOnly };
}

export class IgnoreMatcher {
  private readonly rules: Rule[] = [];

  add(patterns: string[]): this {
    for (const p of patterns) {
      const r = compileRule(p);
      if (r) this.rules.push(r);
    }
    return this;
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }

  /** Whether `rel` (posix path below the walk root) is ignored; later rules win. */
  ignores(rel: string, isDir: boolean): boolean {
    let ignored = false;
    for (const r of this.rules) {
      if (r.dirOnly && !isDir) continue;
      if (r.re.test(rel)) ignored = !r.negate;
    }
    return ignored;
  }
}

// ---------------------------------------------------------------------------------------------
// walking

export interface DiscoverOptions {
  cwd: string;
  /** Extensions without the dot (default js, cjs, mjs). */
  extensions?: string[];
  ignore?: string[];
  ignoreFile?: string;
}

function hasExt(name: string, exts: Set<string>): boolean {
  const dot = name.lastIndexOf(".");
  return dot > 0 && exts.has(name.slice(dot + 1));
}

function displayJoin(root: string, rel: string): string {
  const base = root.length > 1 ? root.replace(/\/+$/, "") : root;
  return base === "/" ? `/${rel}` : `${base}/${rel}`;
}

/** A PATH argument that cannot be used (the same error for inject and upload). */
export function missingPathError(p: string, e: unknown): InputError {
  return (e as NodeJS.ErrnoException).code === "ENOENT"
    ? new InputError(`path ${p} does not exist: pass a directory or file that exists`)
    : fileError(e, "read", p);
}

/** An --ignore-file that cannot be read (the same error for inject and upload). */
export function ignoreFileError(file: string, e: unknown): InputError {
  return new InputError(`cannot read the ignore file ${file}: ${describeCause(e)}`, {
    hint: "Check the --ignore-file path.",
  });
}

export async function discover(paths: string[], opts: DiscoverOptions): Promise<Discovery> {
  const exts = new Set(
    (opts.extensions?.length ? opts.extensions : DEFAULT_JS_EXTENSIONS).map((e) => e.replace(/^\./, "")),
  );
  const matcher = new IgnoreMatcher().add(opts.ignore ?? []);
  if (opts.ignoreFile) {
    const file = isAbsolute(opts.ignoreFile) ? opts.ignoreFile : join(opts.cwd, opts.ignoreFile);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (e) {
      throw ignoreFileError(opts.ignoreFile, e);
    }
    matcher.add(text.split(/\r?\n/));
  }
  const sources: DiscoveredFile[] = [];
  const seen = new Set<string>();
  const recovery = emptyRecoveryFiles();
  const roots: string[] = [];
  let found = 0;

  /** `pending`: whether its folder holds its pending file (undefined: the folder was not listed). */
  const consider = (abs: string, display: string, name: string, pending?: boolean) => {
    if (seen.has(abs)) return;
    const isSource = hasExt(name, exts);
    if (isSource || name.endsWith(".map")) {
      seen.add(abs);
      found++;
    }
    if (isSource) sources.push(pending === undefined ? { abs, display } : { abs, display, pending });
  };

  for (const p of paths) {
    const abs = resolvePath(opts.cwd, p);
    let st: Stats;
    try {
      st = await stat(abs);
    } catch (e) {
      throw missingPathError(p, e);
    }
    if (st.isDirectory()) {
      roots.push(abs);
      const display = (rel: string) => (rel ? displayJoin(p, rel) : p);
      walkFiles(
        abs,
        {
          display,
          // sentry-cli's walker skips hidden folders (hidden files are kept); node_modules is
          // skipped too unless a PATH points into it.
          skipFolder: (name) => name.startsWith(".") || name === "node_modules",
          ignored: matcher.empty ? undefined : (rel, isDir) => matcher.ignores(rel, isDir),
          wanted: (name) => hasExt(name, exts),
          onFolder: (dir, names) => noteListedFolder(recovery, dir, names),
        },
        (file, rel, name) => consider(file, display(rel), name, recovery.pending.has(pendingPath(file))),
      );
    } else if (st.isFile()) {
      roots.push(dirname(abs));
      consider(abs, p, basename(abs));
    }
  }
  sources.sort((a, b) => comparePaths(a.display, b.display));
  return { sources, found, roots, recovery };
}

// ---------------------------------------------------------------------------------------------
// where a reference points

/** Where a JS file's map lives, as a path on disk and as reported (relative to the JS's display path). */
export function mapLocation(js: DiscoveredFile, url: string): DiscoveredFile | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !/^file:/i.test(url)) return undefined; // http(s) and friends
  let clean = url.replace(/^file:\/\//i, "").replace(/[?#].*$/, "");
  try {
    clean = decodeURIComponent(clean);
  } catch {
    /* keep as written */
  }
  const jsDir = js.abs.slice(0, js.abs.lastIndexOf(sep) + 1) || "./";
  const abs = isAbsolute(clean) ? clean : resolvePath(jsDir, clean);
  const displayDir = js.display.includes("/") ? js.display.slice(0, js.display.lastIndexOf("/")) : "";
  let display: string;
  if (clean.startsWith("/")) display = clean;
  else {
    const joined = posix.normalize(displayDir ? `${displayDir}/${clean}` : clean);
    display =
      js.display.startsWith("./") && !joined.startsWith("./") && !joined.startsWith("../") ? `./${joined}` : joined;
  }
  return { abs, display };
}
