/**
 * Inject's second phase, as a job (./work/jobs.ts): each plan's files are read again (and must be
 * as validation saw them), their new content written to sibling "pending" files and renamed into
 * place — map first, then JS, with both pending files written before either rename. A JS that
 * carries a debug id counts as done, so its map is always committed first; a pending JS without
 * a pending map means the map is already in place, and a re-run only has to rename it — so a
 * killed run, re-run, ends exactly where an uninterrupted one would. (The crash-safe replacement
 * itself, and what an interrupted run leaves: ./atomic-write.ts.)
 */
import { statSync } from "node:fs";
import { InputError } from "../errors.js";
import { FileReplacer, PENDING_SUFFIX, type RecoveryFiles, type ReplaceOp, SPARE_SUFFIX } from "./atomic-write.js";
import type { DiscoveredFile } from "./discover.js";
import { fileError, isFileSystemError } from "./file-errors.js";
import { injectInline, injectParsedPair, parseMapJson } from "./inject-plan.js";
import { JS, MAP, type Plan, readStamped, type Stamp } from "./inject-validate.js";
import { injectWithoutMap } from "./snippet.js";

export interface InjectStep {
  op: ReplaceOp;
  path: string;
}

/**
 * A file's text, provided it is still as validation saw it (which found it is UTF-8): the text
 * validation kept, or else read again.
 *
 * "Still as validation saw it" means the same size, modification time and inode as the fstat
 * validation made on the descriptor it read from, before reading. That check decides in both
 * cases — a file read again is not compared byte for byte either (its id was derived from the
 * first read's bytes). A writer that changed the file after that fstat moved its modification
 * time (nanoseconds on ext4, tmpfs, btrfs, xfs), and one that replaced it (a new file renamed
 * over it) changed its inode; only a writer that also resets the time with utimes(2) to the
 * same nanosecond, keeping the size, goes unseen — as it would with a second read. So the kept
 * text is exactly what a second read would return whenever the check passes, for one stat(2)
 * instead of open, fstat, read and close.
 */
function readUnchanged(file: DiscoveredFile, was: Stamp, slot: typeof JS | typeof MAP, text?: string): string {
  const now = text === undefined ? readStamped(file.abs, slot) : undefined;
  const stamp = now ? now.stamp : statSync(file.abs);
  if (stamp.size !== was.size || stamp.mtimeMs !== was.mtimeMs || stamp.ino !== was.ino) {
    throw new InputError(`${file.display} changed while inject was running`, {
      hint: "Run inject again when the build has finished writing.",
    });
  }
  return now ? now.buf.toString("utf8") : text!;
}

/**
 * `apply`, with a failure of the file system (a full disk, a read-only folder, a name too long
 * for the pending file) named as an InputError about the file it hit.
 */
function applyNamed(p: Plan, files: FileReplacer): void {
  try {
    apply(p, files);
  } catch (e) {
    if (!isFileSystemError(e) || (p.kind !== "pair" && p.kind !== "inline" && p.kind !== "nomap")) throw e;
    const hit = e.path ?? "";
    const display = p.kind === "pair" && hit.startsWith(p.map.abs) ? p.map.display : p.js.display;
    const writing =
      hit.endsWith(PENDING_SUFFIX) || hit.endsWith(SPARE_SUFFIX) || !/^(open|read|fstat|stat)?$/.test(e.syscall ?? "");
    throw fileError(e, writing ? "write" : "read", display);
  }
}

/** Write one plan's files: pending files first (map, then JS), then the renames (map, then JS). */
function apply(p: Plan, files: FileReplacer): void {
  if (p.kind === "pair") {
    // Kept texts are let go once used: the plans live until the last file is written.
    const { jsText, mapText } = p;
    p.jsText = p.mapText = undefined;
    if (!p.resume) {
      const out = injectParsedPair(
        readUnchanged(p.js, p.jsStamp, JS, jsText),
        parseMapJson(readUnchanged(p.map, p.mapStamp, MAP, mapText)),
        p.id,
      );
      // A stale pending JS (from a killed run) must not sit beside a new pending map: a re-run
      // would take the pair for one whose map is already committed.
      if (p.jsPending) files.removePending(p.js.abs);
      files.writePending(p.map.abs, out.map, p.mapStamp.mode);
      files.writePending(p.js.abs, out.js, p.jsStamp.mode);
      files.commit(p.map.abs, p.mapStamp.size);
    }
    files.commit(p.js.abs, p.jsStamp.size);
  } else if (p.kind === "inline" || p.kind === "nomap") {
    const js = readUnchanged(p.js, p.jsStamp, JS, p.jsText);
    p.jsText = undefined;
    files.writePending(
      p.js.abs,
      p.kind === "inline" ? injectInline(js, p.id) : injectWithoutMap(js, p.id),
      p.jsStamp.mode,
    );
    files.commit(p.js.abs, p.jsStamp.size);
  }
}

/**
 * Bytes a plan writes, roughly (-1: it writes nothing): the order of writing, so reused storage
 * mostly grows.
 */
export function weight(p: Plan): number {
  if (p.kind === "pair") return p.resume ? p.jsStamp.size : p.mapStamp.size;
  if (p.kind === "inline" || p.kind === "nomap") return p.jsStamp.size;
  return -1;
}

/** Write and commit `plans` in order, then remove the spares left over. */
export function applyPlans(
  plans: Plan[],
  opts: { recovery?: RecoveryFiles; onStep?: (step: InjectStep) => void; recycle?: boolean },
): void {
  let dead = false;
  const step = (op: ReplaceOp, path: string) => {
    try {
      opts.onStep?.({ op, path });
    } catch (e) {
      dead = true;
      throw e;
    }
  };
  const files = new FileReplacer({ recovery: opts.recovery, step, recycle: opts.recycle });
  try {
    for (const p of plans) applyNamed(p, files);
  } catch (e) {
    // A failure of our own (not a simulated death) still removes the spares: every file is
    // either replaced or untouched, and a re-run finishes the job.
    if (!dead) {
      try {
        files.finish();
      } catch {
        /* a re-run removes them */
      }
    }
    throw e;
  }
  files.finish();
}
