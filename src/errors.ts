/**
 * The error taxonomy. Every failure a user can cause or meet is one of these; anything else that
 * reaches the top level is a bug in sentry-ship and is reported as such.
 */

export type ErrorKind = "usage" | "config" | "api" | "network" | "input" | "interrupted" | "internal";

export abstract class ShipError extends Error {
  abstract readonly kind: ErrorKind;
  abstract readonly exitCode: number;
  /** Extra lines shown under the message (never a stack). */
  hint?: string;
  /** Set by the Node API: the document `--json` prints for this failure (`{ …, ok: false, error }`). */
  document?: Record<string, unknown>;

  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options?.hint) this.hint = options.hint;
  }

  /** The error as it appears in a `--json` document. */
  toJSON(): Record<string, unknown> {
    return { kind: this.kind, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

/** Bad command line: unknown flag, missing argument, invalid value. Exit 2. */
export class UsageError extends ShipError {
  readonly kind = "usage" as const;
  readonly exitCode = 2;
}

/** Missing or malformed configuration: no token/org/project, a bad rc file, a bad URL. Exit 1. */
export class ConfigError extends ShipError {
  readonly kind = "config" as const;
  readonly exitCode = 1;
}

/** Bad input files: unreadable file, invalid source map, malformed envelope, bad DSN. Exit 1. */
export class InputError extends ShipError {
  readonly kind = "input" as const;
  readonly exitCode = 1;
}

/** The server could not be reached (refused, reset, DNS, TLS, timeout). Exit 1. */
export class NetworkError extends ShipError {
  readonly kind = "network" as const;
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly url: string,
    options?: { cause?: unknown; hint?: string },
  ) {
    super(message, options);
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), url: this.url };
  }
}

/** The server answered with a non-success status. Exit 1. */
export class ApiError extends ShipError {
  readonly kind = "api" as const;
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly status: number,
    readonly method: string,
    readonly path: string,
    /** The parsed response body (JSON value or text), for callers that inspect it. */
    readonly body: unknown,
    options?: { cause?: unknown; hint?: string },
  ) {
    super(message, options);
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, method: this.method, path: this.path };
  }
}

/** A bug: reported with a request to file an issue. */
export class InternalError extends ShipError {
  readonly kind = "internal" as const;
  readonly exitCode = 1;
}

export function isShipError(e: unknown): e is ShipError {
  return e instanceof ShipError;
}

/** A run stopped by SIGINT or SIGTERM: exit 130 or 143, as a shell reports a signal. */
export class InterruptedError extends ShipError {
  readonly kind = "interrupted" as const;
  readonly exitCode: number;
  constructor(
    message: string,
    readonly signal: "SIGINT" | "SIGTERM",
    options?: { cause?: unknown; hint?: string },
  ) {
    super(message, options);
    this.exitCode = signal === "SIGINT" ? 130 : 143;
  }
}

/**
 * Failures of the environment, in words. A file-system code reaching the top level is the
 * environment's doing (a full disk, a read-only or forbidden folder, a bad file name), never a bug:
 * `classifyError` makes it an InputError naming the file and the cause. No code here maps to the
 * internal kind.
 */
const ENVIRONMENT_CAUSES: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is exceeded",
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENAMETOOLONG: "the file name is too long",
  ENOENT: "it does not exist",
  EISDIR: "it is a directory",
  ENOTDIR: "a part of its path is not a directory",
  EEXIST: "it already exists",
  ENOTEMPTY: "the folder is not empty",
  ELOOP: "too many symbolic links",
  EMFILE: "too many open files",
  ENFILE: "too many open files",
  EIO: "input/output error",
  EFBIG: "the file is too large",
  EXDEV: "it is on another file system",
  ETXTBSY: "the file is busy",
  EBUSY: "the file is busy",
  EILSEQ: "the file name is not valid in this file system's encoding",
};

/** Node's own codes for input too large to hold in memory. */
const TOO_LARGE_CODES = new Set(["ERR_STRING_TOO_LONG", "ERR_FS_FILE_TOO_LARGE", "ERR_BUFFER_TOO_LARGE"]);

/** A value quoted in an error line: at most `max` characters, with the full length said. */
export function excerpt(value: string, max = 80): string {
  return value.length > max ? `${value.slice(0, max)}… (${value.length} characters)` : value;
}

/** The cause of a file-system error in words, with its code, e.g. `no space left on the device (ENOSPC)`. */
export function environmentCause(code: string): string | undefined {
  const words = ENVIRONMENT_CAUSES[code];
  return words === undefined ? undefined : `${words} (${code})`;
}

/**
 * Turn anything thrown into the ShipError the user sees: ShipErrors as they are; file-system
 * failures and input too large to handle as InputErrors naming the file and the cause; anything
 * else as an InternalError (a bug).
 */
export function classifyError(e: unknown): ShipError {
  if (e instanceof ShipError) return e;
  const err = e as NodeJS.ErrnoException | undefined;
  const code = typeof err?.code === "string" ? err.code : undefined;
  const path = typeof err?.path === "string" ? err.path : undefined;
  const rawDest = (e as { dest?: unknown } | undefined)?.dest;
  const dest = typeof rawDest === "string" ? rawDest : undefined;
  const cause = code ? environmentCause(code) : undefined;
  if (cause) {
    const verb = err?.syscall ? ` (${err.syscall})` : "";
    const what = path ? `${excerpt(path, 200)}${dest ? ` -> ${excerpt(dest, 200)}` : ""}` : "a file";
    return new InputError(`cannot use ${what}: ${cause}${verb}`, { cause: e });
  }
  if (code && /^E[A-Z0-9]+$/.test(code) && (path || err?.syscall)) {
    // Another system code from a file operation: still the environment's, named as the system names it.
    return new InputError(
      `cannot use ${path ? excerpt(path, 200) : "a file"}: ${code}${err?.syscall ? ` (${err.syscall})` : ""}`,
      {
        cause: e,
      },
    );
  }
  if (
    (code && TOO_LARGE_CODES.has(code)) ||
    (e instanceof RangeError && /Invalid string length|Array buffer allocation failed/.test(e.message))
  ) {
    return new InputError(
      `an input is too large to handle${path ? `: ${excerpt(path, 200)}` : ""} (${code ?? (e as Error).message})`,
      {
        cause: e,
      },
    );
  }
  if (code === "ERR_INVALID_ARG_VALUE" && /null bytes|\\0/.test(String(err?.message))) {
    return new InputError("a file name contains a NUL character", { cause: e });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new InternalError(
    `internal error: ${excerpt(msg, 300)} (this is a bug in sentry-ship; rerun with --log-level=debug and report it)`,
    { cause: e },
  );
}
