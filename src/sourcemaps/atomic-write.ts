/**
 * Crash-safe replacement of many files: each file's new content goes to a sibling "pending" file,
 * then a rename (atomic on one filesystem) puts it in place. A killed process leaves every file
 * either untouched or complete; the pending name is deterministic, so a later run can tell how far
 * an interrupted one got.
 *
 * Replacing a file the usual way frees its inode and blocks and allocates new ones for the pending
 * file. Over thousands of files that churn is most of the cost: a filesystem that discards freed
 * blocks synchronously (ext4 without a journal, mounted with `discard`) waits on the disk for every
 * replaced file, and ext4 scans past recently freed inodes for every new one. So the replaced
 * file's storage is kept (a hard link under a "spare" name, made before the rename) and carries
 * the next file's pending content: overwritten from the start, then cut to length. Writes are
 * ordered by size, so a carrier mostly grows and no block is freed.
 *
 * Two rules keep this safe:
 * - we only ever write into an inode that has no other name (checked on the open descriptor): a
 *   spare left by a run killed between the link and the rename still names the live file, and a
 *   file the user hard-linked elsewhere keeps its old content there;
 * - spares are only renamed or removed, and a run removes the spares it did not use (and any left
 *   by an earlier, killed run).
 * A process that had a replaced file open while this ran can see its content change (with a
 * plain rename it would keep the old content).
 *
 * On tmpfs none of that churn costs anything (freeing and allocating an inode is a little memory
 * bookkeeping, nothing is discarded), while keeping storage costs a link, a second rename, an
 * fstat and often an ftruncate per file: there files are replaced the plain way (a new pending
 * file, renamed into place).
 *
 * Synchronous on purpose: every call here is a short metadata operation or a small write, and a
 * round trip through libuv's thread pool per call costs more than the call (measured:
 * ./work/tuning.ts). Not fsynced: the
 * rename is what makes a change atomic for a killed process (power loss is out of scope, as for
 * the bundler that wrote these files).
 */
import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fstatSync,
  ftruncateSync,
  linkSync,
  openSync,
  renameSync,
  statfsSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";

export const PENDING_SUFFIX = ".sentry-ship-pending";
/** A replaced file's storage, kept to carry another file's new content. */
export const SPARE_SUFFIX = ".sentry-ship-spare";

export function pendingPath(path: string): string {
  return path + PENDING_SUFFIX;
}

export function sparePath(path: string): string {
  return path + SPARE_SUFFIX;
}

export function exists(path: string): boolean {
  return existsSync(path);
}

/**
 * What an interrupted run left in the folders a run listed — plain data (Sets survive the copy to
 * a worker thread). The walker notes every folder it lists (`noteListedFolder`); the replacer then
 * reuses and removes the spares, and looks for a pending file only where one may be (a failed
 * lookup is an exception, which costs more than the write).
 */
export interface RecoveryFiles {
  /** Folders listed (absolute). */
  dirs: Set<string>;
  /** Pending files found in them (absolute). */
  pending: Set<string>;
  /** Spare files found in them (absolute). */
  spares: string[];
}

export function emptyRecoveryFiles(): RecoveryFiles {
  return { dirs: new Set(), pending: new Set(), spares: [] };
}

/** Note a listed folder's file names: its pending and spare files. */
export function noteListedFolder(rec: RecoveryFiles, absDir: string, fileNames: Iterable<string>): void {
  rec.dirs.add(absDir);
  for (const name of fileNames) {
    if (name.endsWith(PENDING_SUFFIX)) rec.pending.add(join(absDir, name));
    else if (name.endsWith(SPARE_SUFFIX)) rec.spares.push(join(absDir, name));
  }
}

export type ReplaceOp = "write-pending" | "keep-old" | "commit" | "remove-pending" | "remove-spare";

export interface ReplacerOptions {
  /** Called before every filesystem change; throwing stops there (tests simulate a kill with it). */
  step?: (op: ReplaceOp, path: string) => void;
  /**
   * What an interrupted run left in the folders listed: its spares are reused first and removed
   * at the end when unused; a pending file is looked for only where one may be.
   */
  recovery?: RecoveryFiles;
  /**
   * Whether replaced files' storage carries later files' content (default: decided per folder,
   * `recyclesStorage`).
   */
  recycle?: boolean;
}

const TMPFS_MAGIC = 0x01021994;

/**
 * Whether replacing files in folder `dir` should keep the replaced files' storage: everywhere
 * but on tmpfs (see the top of this file), and wherever the filesystem cannot be asked.
 */
export function recyclesStorage(dir: string): boolean {
  try {
    return statfsSync(dir).type !== TMPFS_MAGIC;
  } catch {
    return true;
  }
}

const BLOCK = 4096;
const blocks = (bytes: number) => Math.ceil(bytes / BLOCK);

interface Spare {
  path: string;
  /** Blocks its content fills (0 when unknown). */
  blocks: number;
}

const errCode = (e: unknown) => (e as NodeJS.ErrnoException).code;

/** Pending content as UTF-8, encoded into one buffer reused file after file (grown as needed). */
let encoded = Buffer.alloc(0);

/**
 * `text` as UTF-8 bytes: a view of the reused buffer, valid until the next call. Encoding once,
 * into memory that stays, costs less than measuring the length and then encoding into a new
 * buffer for every file.
 */
export function encodeUtf8(text: string): Buffer {
  for (;;) {
    if (encoded.length < text.length + 4) {
      encoded = Buffer.allocUnsafeSlow(Math.max(text.length + (text.length >> 3) + 4, 2 * encoded.length, 1 << 16));
    }
    const n = encoded.write(text, 0, "utf8");
    // `write` stops at the last whole character that fits: room left for one more (4 bytes at
    // most) means the text was all written.
    if (n <= encoded.length - 4) return encoded.subarray(0, n);
    encoded = Buffer.allocUnsafeSlow(2 * encoded.length);
  }
}

/** Writes pending files and commits them, recycling the storage of the files it replaces. */
export class FileReplacer {
  private spares: Spare[] = [];
  /** Whether hard links work here (false after the filesystem refused one). */
  private links = true;
  private umask = process.umask();
  private readonly step: (op: ReplaceOp, path: string) => void;
  private readonly listed: RecoveryFiles | undefined;
  private readonly recycle: boolean | undefined;
  /** `recyclesStorage`, per folder asked. */
  private readonly recycleIn = new Map<string, boolean>();

  constructor(opts: ReplacerOptions = {}) {
    this.step = opts.step ?? (() => undefined);
    this.listed = opts.recovery;
    this.recycle = opts.recycle;
    for (const path of opts.recovery?.spares ?? []) this.spares.push({ path, blocks: 0 });
  }

  /**
   * Write `data` to `path`'s pending file with permission bits `mode`. A pending file left by a
   * killed run is overwritten; otherwise a spare carries the content, or a new file is created.
   */
  writePending(path: string, data: string, mode: number): void {
    const tmp = pendingPath(path);
    const bytes = encodeUtf8(data);
    const size = bytes.length;
    this.step("write-pending", path);
    const known = this.listed?.dirs.has(dirname(path)) && !this.listed.pending.has(tmp);
    let file = known ? undefined : this.openExisting(tmp);
    if (file === undefined && this.recycles(path)) {
      const spare = this.takeSpare(blocks(size));
      if (spare) {
        try {
          renameSync(spare.path, tmp);
          file = this.openExisting(tmp);
        } catch (e) {
          // Another filesystem (EXDEV) or gone: create instead; a spare that is still there is
          // removed at the end.
          if (errCode(e) === "EXDEV") this.spares.push(spare);
          else if (errCode(e) !== "ENOENT") throw e;
        }
      }
    }
    if (file === undefined) {
      try {
        const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
        // Created with `mode` less the umask (special bits: set again to be sure).
        file = { fd, mode: mode & 0o7000 ? -1 : mode & ~this.umask, size: 0 };
      } catch (e) {
        // Made since the folder was listed: reuse it, as one left by a killed run.
        file = errCode(e) === "EEXIST" ? this.openExisting(tmp) : undefined;
        if (file === undefined) throw e;
      }
    }
    const { fd } = file;
    try {
      for (let off = 0; off < size; ) off += writeSync(fd, bytes, off, size - off, off);
      // Cut to length only what was longer (writes go smallest first, so that is rare).
      if (file.size > size) ftruncateSync(fd, size);
      if (file.mode !== mode) fchmodSync(fd, mode);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * An existing file at `path` to write into, and its permission bits: opened when it is a
   * regular file with no other name; otherwise the name is removed (nothing is lost: another
   * name keeps the content).
   */
  private openExisting(path: string): { fd: number; mode: number; size: number } | undefined {
    let fd: number;
    try {
      fd = openSync(path, constants.O_WRONLY | constants.O_NOFOLLOW);
    } catch (e) {
      const code = errCode(e);
      if (code === "ENOENT") return undefined;
      if (code !== "ELOOP" && code !== "EISDIR") throw e;
      unlinkSync(path);
      return undefined;
    }
    const st = fstatSync(fd);
    if (st.isFile() && st.nlink === 1) return { fd, mode: st.mode & 0o7777, size: st.size };
    closeSync(fd);
    unlinkSync(path);
    return undefined;
  }

  /** Whether `path`'s folder recycles storage (the option, else `recyclesStorage`). */
  private recycles(path: string): boolean {
    if (this.recycle !== undefined) return this.recycle;
    const dir = dirname(path);
    let r = this.recycleIn.get(dir);
    if (r === undefined) {
      r = recyclesStorage(dir);
      this.recycleIn.set(dir, r);
    }
    return r;
  }

  /** The spare that fills the most blocks without exceeding `need`, else the smallest. */
  private takeSpare(need: number): Spare | undefined {
    let best = -1;
    for (let i = 0; i < this.spares.length; i++) {
      const b = this.spares[i]!.blocks;
      const cur = best < 0 ? undefined : this.spares[best]!.blocks;
      if (cur === undefined) best = i;
      else if (b <= need ? cur > need || b > cur : cur > need && b < cur) best = i;
    }
    return best < 0 ? undefined : this.spares.splice(best, 1)[0];
  }

  /** Move `path`'s pending file into place; `oldSize` is the size of the file it replaces. */
  commit(path: string, oldSize: number): void {
    const spare = sparePath(path);
    let kept = false;
    if (this.links && this.recycles(path)) {
      this.step("keep-old", path);
      kept = this.keep(path, spare);
    }
    this.step("commit", path);
    renameSync(pendingPath(path), path);
    if (kept) this.spares.push({ path: spare, blocks: blocks(oldSize) });
  }

  private keep(path: string, spare: string): boolean {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(path, spare);
        return true;
      } catch (e) {
        const code = errCode(e);
        if (code === "EEXIST" && attempt === 0) {
          // Left by a killed run (and queued as a stale spare): drop the name and try again.
          this.spares = this.spares.filter((s) => s.path !== spare);
          unlinkSync(spare);
          continue;
        }
        if (code === "ENOENT") return false;
        // No hard links on this filesystem (or not allowed): replace the plain way from now on.
        this.links = false;
        return false;
      }
    }
  }

  /** Remove `path`'s pending file, if any. */
  removePending(path: string): void {
    const tmp = pendingPath(path);
    if (!existsSync(tmp)) return;
    this.step("remove-pending", path);
    try {
      unlinkSync(tmp);
    } catch (e) {
      if (errCode(e) !== "ENOENT") throw e;
    }
  }

  /** Remove the spares no file needed. */
  finish(): void {
    while (this.spares.length > 0) {
      const s = this.spares[this.spares.length - 1]!;
      this.step("remove-spare", s.path);
      this.spares.pop();
      try {
        unlinkSync(s.path);
      } catch (e) {
        if (errCode(e) !== "ENOENT") throw e;
      }
    }
  }
}
