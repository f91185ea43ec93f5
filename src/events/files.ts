/** Expanding the PATH arguments of send-event / send-envelope: literal files or globs. */
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { environmentCause, InputError } from "../errors.js";

/** Largest event or envelope file read: Relay's envelope limit (100 MiB); Sentry refuses more. */
export const MAX_EVENT_FILE_BYTES = 100 * 1024 * 1024;
/** How much of a `--logfile`'s end is read for its last 100 lines. */
export const LOGFILE_TAIL_BYTES = 1024 * 1024;

function cause(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code && environmentCause(code)) ?? (e as Error).message;
}

/**
 * Read a user-named regular file with a bound: the whole file up to `max` bytes (an InputError
 * past it), or with `tail` only its last `max` bytes. A FIFO or a device is refused, not waited on;
 * a failure names the file and the cause.
 */
export function readUserFile(
  path: string,
  display: string,
  max: number,
  tail = false,
): { bytes: Buffer; mtimeNs: bigint } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new InputError(`could not read ${display}: ${cause(e)}`);
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    if (!st.isFile()) throw new InputError(`could not read ${display}: it is not a regular file`);
    const size = Number(st.size);
    if (size > max && !tail) {
      throw new InputError(`could not read ${display}: it is ${size} bytes, more than the ${max} bytes accepted`);
    }
    const length = Math.min(size, max);
    const bytes = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, bytes, got, length - got, size - length + got);
      if (n === 0) break;
      got += n;
    }
    return { bytes: bytes.subarray(0, got), mtimeNs: st.mtimeNs };
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`could not read ${display}: ${cause(e)}`);
  } finally {
    closeSync(fd);
  }
}

export interface InputFile {
  /** As shown to the user (the argument, or the glob match relative to the cwd). */
  display: string;
  /** Absolute path. */
  path: string;
}

export async function expandPaths(args: string[], cwd: string): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const arg of args) {
    const abs = isAbsolute(arg) ? arg : resolve(cwd, arg);
    if (existsSync(abs)) {
      if (!statSync(abs).isFile()) throw new InputError(`${arg} is not a file`);
      out.push({ display: arg, path: abs });
      continue;
    }
    if (!/[*?[\]{}]/.test(arg)) throw new InputError(`${arg}: no such file`);
    const { glob } = await import("tinyglobby");
    const matches = (
      await glob(arg, { cwd, onlyFiles: true, absolute: isAbsolute(arg), expandDirectories: false })
    ).sort();
    if (matches.length === 0) throw new InputError(`no files match '${arg}'`);
    for (const m of matches) out.push({ display: m, path: isAbsolute(m) ? m : resolve(cwd, m) });
  }
  return out;
}
