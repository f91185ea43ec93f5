/**
 * Crash-safe replacement of files: new content goes to a sibling "pending" file, then a rename
 * (atomic on one filesystem) puts it in place. The pending name is deterministic so a later run
 * can tell how far an interrupted one got.
 */
import { chmod, open, rename, rm, stat } from "node:fs/promises";

export const PENDING_SUFFIX = ".sentry-ship-pending";

export function pendingPath(path: string): string {
  return path + PENDING_SUFFIX;
}

/** Write `data` to `path`'s pending file (flushed to disk, with `path`'s mode). */
export async function writePending(path: string, data: string | Uint8Array): Promise<string> {
  const tmp = pendingPath(path);
  const fh = await open(tmp, "w");
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    const st = await stat(path);
    await chmod(tmp, st.mode & 0o7777);
  } catch {
    /* the target does not exist yet: keep the default mode */
  }
  return tmp;
}

/** Move `path`'s pending file into place. */
export async function commitPending(path: string): Promise<void> {
  await rename(pendingPath(path), path);
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export async function removePending(path: string): Promise<void> {
  await rm(pendingPath(path), { force: true });
}

/** Replace `path` atomically in one step (write pending, rename). */
export async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  await writePending(path, data);
  await commitPending(path);
}
