/**
 * What went wrong with a file, in words: inject and upload name the file and the cause of every
 * failure the environment causes (a full disk, a read-only or forbidden folder, a name too long
 * or not UTF-8, a file too large to handle) as an InputError — never as a bug of ours.
 */
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, readSync } from "node:fs";
import { environmentCause, InputError } from "../errors.js";

/**
 * The largest file read as text: V8's longest string is 2^29 − 24 UTF-16 units, and a UTF-8 file
 * decodes to at most one unit per byte.
 */
export const MAX_TEXT_BYTES = 2 ** 29 - 24;

/** Codes of our own for causes the system has none for. */
export const NOT_REGULAR = "ENOTREGULAR";
export const TOO_LARGE = "ETOOLARGE";

/** Our own codes' words; the system's codes are worded once, in errors.ts. */
const OWN_CAUSES: Record<string, string> = {
  [NOT_REGULAR]: "it is not a regular file",
  [TOO_LARGE]: `it is too large to handle (more than ${Math.floor(MAX_TEXT_BYTES / 2 ** 20)} MiB)`,
};

type Errno = NodeJS.ErrnoException;

/** Whether `e` is a failure of the file system (it has an errno code), not a bug. */
export function isFileSystemError(e: unknown): e is Errno {
  return e instanceof Error && typeof (e as Errno).code === "string" && /^E[A-Z0-9]+$/.test((e as Errno).code!);
}

/** The cause in words, with the code: `no space left on the device (ENOSPC)`. */
export function describeCause(e: unknown): string {
  if (!isFileSystemError(e)) return e instanceof Error ? e.message : String(e);
  const code = e.code!;
  const words = OWN_CAUSES[code] ?? environmentCause(code);
  return words ?? `${e.message.replace(/^[A-Z0-9]+: /, "").replace(/, \w+ '.*'$/, "")} (${code})`;
}

/** `cannot write dist/a.js: no space left on the device (ENOSPC)` as an InputError. */
export function fileError(e: unknown, verb: "read" | "write" | "list", display: string): InputError {
  return new InputError(`cannot ${verb} ${display}: ${describeCause(e)}`, { cause: e });
}

/** An error for a file we refuse before opening it further (not regular, too large). */
export function refusal(code: typeof NOT_REGULAR | typeof TOO_LARGE, path: string): Errno {
  return Object.assign(new Error(`${OWN_CAUSES[code]}: ${path}`), { code, path });
}

/**
 * Whether the entry `name` of folder `dir`, as Node decoded it, stands for a name that is not
 * valid UTF-8 (Node replaces each bad byte with U+FFFD, so opening the decoded name fails).
 */
export function nameIsNotUtf8(dir: string, name: string): boolean {
  if (!name.includes("\uFFFD")) return false;
  const strict = new TextDecoder("utf-8", { fatal: true });
  for (const raw of readdirSync(dir, { encoding: "buffer" })) {
    if (raw.toString("utf8") !== name) continue;
    try {
      strict.decode(raw);
    } catch {
      return true;
    }
  }
  return false;
}

export function notUtf8NameError(display: string): InputError {
  return new InputError(`${display}: the file name is not valid UTF-8, so it cannot be read by that name`, {
    hint: "Rename the file, or exclude it with --ignore.",
  });
}

/** The buffer `readRegularFile` reads into when asked to reuse memory (grown as needed). */
let scratch = Buffer.alloc(0);

/**
 * A regular file's bytes, read without waiting on a FIFO or a device (refused), with the size
 * checked first; a failure is an InputError naming `display` and the cause. With `reuse`, the
 * bytes are a view of one buffer kept for the next read, valid until then: for callers that are
 * done with a file before reading the next, so that reading a whole build does not leave a
 * buffer per file for the garbage collector.
 */
export function readRegularFile(path: string, display: string, reuse = false): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw fileError(e, "read", display);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    if (!st.isFile()) throw refusal(NOT_REGULAR, path);
    if (st.size > MAX_TEXT_BYTES) throw refusal(TOO_LARGE, path);
    if (!reuse) return readFileSync(fd);
    if (scratch.length < st.size || scratch.length === 0)
      scratch = Buffer.allocUnsafeSlow(Math.max(st.size, 2 * scratch.length, 1 << 16));
    let n = 0;
    // Up to the size fstat gave, or to the end for a file whose size is not known (0).
    while (st.size === 0 || n < st.size) {
      if (n === scratch.length) {
        const bigger = Buffer.allocUnsafeSlow(2 * scratch.length);
        scratch.copy(bigger, 0, 0, n);
        scratch = bigger;
      }
      const r = readSync(fd, scratch, n, scratch.length - n, null);
      if (r === 0) break;
      n += r;
      if (n > MAX_TEXT_BYTES) throw refusal(TOO_LARGE, path);
    }
    return scratch.subarray(0, n);
  } catch (e) {
    throw fileError(e, "read", display);
  } finally {
    closeSync(fd);
  }
}
