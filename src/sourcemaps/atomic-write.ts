/**
 * Crash-safe replacement of files: new content goes to a sibling "pending" file, then a rename
 * (atomic on one filesystem) puts it in place. The pending name is deterministic so a later run
 * can tell how far an interrupted one got.
 *
 * Synchronous on purpose: inject touches thousands of small files, and a round trip through
 * libuv's thread pool per call costs more than the call itself. Not fsynced: the rename is what
 * makes the change atomic for a killed process (power loss is out of scope, as for the bundler
 * that wrote these files).
 */
import { chmodSync, existsSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";

export const PENDING_SUFFIX = ".sentry-ship-pending";

export function pendingPath(path: string): string {
  return path + PENDING_SUFFIX;
}

/** Write `data` to `path`'s pending file, with `path`'s mode. */
export function writePending(path: string, data: string | Uint8Array): string {
  const tmp = pendingPath(path);
  let mode: number | undefined;
  try {
    mode = statSync(path).mode & 0o7777;
  } catch {
    /* the target does not exist yet: keep the default mode */
  }
  writeFileSync(tmp, data);
  if (mode !== undefined && (statSync(tmp).mode & 0o7777) !== mode) chmodSync(tmp, mode);
  return tmp;
}

/** Move `path`'s pending file into place. */
export function commitPending(path: string): void {
  renameSync(pendingPath(path), path);
}

export function exists(path: string): boolean {
  return existsSync(path);
}

export function removePending(path: string): void {
  rmSync(pendingPath(path), { force: true });
}

/** Replace `path` atomically in one step (write pending, rename). */
export function atomicWrite(path: string, data: string | Uint8Array): void {
  writePending(path, data);
  commitPending(path);
}
