/**
 * The error taxonomy. Every failure a user can cause or meet is one of these; anything else that
 * reaches the top level is a bug in sentry-ship and is reported as such.
 */

export type ErrorKind = "usage" | "config" | "api" | "network" | "input" | "internal";

export abstract class ShipError extends Error {
  abstract readonly kind: ErrorKind;
  abstract readonly exitCode: number;
  /** Extra lines shown under the message (never a stack). */
  hint?: string;

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
