/**
 * Deleting files once the server has confirmed an upload (`sourcemaps upload
 * --delete-maps-after-upload` / `--delete-after-upload <glob>`, the API's `deleteMapsAfterUpload` /
 * `filesToDeleteAfterUpload`): source maps are for Sentry, not for the deployed site. Nothing is
 * deleted on a dry run, when the upload failed, or when nothing was uploaded.
 */
import { rm } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileError } from "./file-errors.js";

export interface DeleteAfterUpload {
  /** Absolute paths of the maps that were uploaded (deleted when `maps` is set). */
  uploadedMaps: string[];
  maps: boolean;
  /** Globs relative to `cwd` (or absolute), expanded after the upload. */
  globs: string[];
  cwd: string;
}

/** Whether any deletion was asked for. */
export function wantsDeletion(maps: boolean | undefined, globs: string[] | undefined): boolean {
  return maps === true || (globs !== undefined && globs.length > 0);
}

/** Delete the files and return them (relative to cwd, `/`-separated, sorted). */
export async function deleteAfterUpload(d: DeleteAfterUpload): Promise<string[]> {
  const files = new Set<string>(d.maps ? d.uploadedMaps : []);
  if (d.globs.length > 0) {
    const { glob } = await import("tinyglobby");
    const found = await glob(d.globs, { cwd: d.cwd, absolute: true, onlyFiles: true, dot: true });
    for (const f of found) files.add(resolve(f));
  }
  const deleted: string[] = [];
  for (const abs of [...files].sort()) {
    const rel = relative(d.cwd, abs);
    const display = rel === "" || rel.startsWith("..") || isAbsolute(rel) ? abs : rel.split(sep).join("/");
    try {
      await rm(abs, { force: true });
    } catch (e) {
      throw fileError(e, "write", `${display} (deleting it after the upload)`);
    }
    deleted.push(display);
  }
  return deleted;
}
