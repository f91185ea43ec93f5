/**
 * The one directory walker inject and upload share: depth first, names in byte order (as
 * sentry-cli lists them), synchronous (for many small folders a thread-pool round trip per
 * listing costs more than the listing). Each command says which folders it does not enter.
 */
import { type Dirent, readdirSync, realpathSync, type Stats, statSync } from "node:fs";
import { join } from "node:path";
import { fileError, nameIsNotUtf8, notUtf8NameError } from "./file-errors.js";
import { byteCompare } from "./order.js";

export interface WalkOptions {
  /** How a file or folder below the root is shown in errors (default: its relative path). */
  display?: (rel: string) => string;
  /** Folders not entered at all (not reported): hidden ones, node_modules… */
  skipFolder: (name: string) => boolean;
  /** Whether `rel` is ignored (--ignore, --ignore-file); an ignored folder is not entered. */
  ignored?: (rel: string, isDir: boolean) => boolean;
  /** Told about each ignored file or folder (a folder's path ends with `/`). */
  onIgnored?: (rel: string) => void;
  /** Files whose name matters: one of these that is not valid UTF-8 is an error naming it. */
  wanted: (name: string) => boolean;
  /** Every folder listed, with the names of the files in it (before any is ignored). */
  onFolder?: (absDir: string, fileNames: string[]) => void;
  /**
   * Follow symbolic links to files and folders, as sentry-cli's walker does (a link back to a
   * folder being listed is not entered again). Without it, links are passed over.
   */
  followLinks?: boolean;
  /** With followLinks: told about each link that leads nowhere (or to something unreadable). */
  onBrokenLink?: (rel: string) => void;
}

/** Call `onFile` for every regular file below `root` that is not ignored. */
export function walkFiles(
  root: string,
  opts: WalkOptions,
  onFile: (abs: string, rel: string, name: string) => void,
): void {
  const display = opts.display ?? ((rel: string) => rel);
  // With followLinks: the real paths of the folders being listed (a link to one is a loop).
  const open = new Set<string>();
  const visit = (absDir: string, rel: string) => {
    let real: string | undefined;
    if (opts.followLinks) {
      try {
        real = realpathSync.native(absDir);
      } catch (e) {
        throw fileError(e, "list", rel ? display(rel) : display(""));
      }
      if (open.has(real)) return;
      open.add(real);
    }
    try {
      list(absDir, rel);
    } finally {
      if (real !== undefined) open.delete(real);
    }
  };
  const list = (absDir: string, rel: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(absDir, { withFileTypes: true });
    } catch (e) {
      throw fileError(e, "list", rel ? display(rel) : display(""));
    }
    entries.sort((a, b) => byteCompare(a.name, b.name));
    opts.onFolder?.(
      absDir,
      entries.filter((e) => e.isFile()).map((e) => e.name),
    );
    for (const e of entries) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (opts.followLinks && e.isSymbolicLink()) {
        let st: Stats | undefined;
        try {
          st = statSync(join(absDir, e.name), { throwIfNoEntry: false });
        } catch {
          st = undefined;
        }
        if (!st) {
          opts.onBrokenLink?.(childRel);
          continue;
        }
        isDir = st.isDirectory();
        isFile = st.isFile();
      }
      if (isDir) {
        if (opts.skipFolder(e.name)) continue;
        if (opts.ignored?.(childRel, true)) {
          opts.onIgnored?.(`${childRel}/`);
          continue;
        }
        visit(join(absDir, e.name), childRel);
      } else if (isFile) {
        if (opts.ignored?.(childRel, false)) {
          opts.onIgnored?.(childRel);
          continue;
        }
        if (opts.wanted(e.name) && nameIsNotUtf8(absDir, e.name)) throw notUtf8NameError(display(childRel));
        onFile(join(absDir, e.name), childRel, e.name);
      }
    }
  };
  visit(root, "");
}
