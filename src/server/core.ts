/**
 * The server's core: its state, persistence, faults, options and clock, as every route sees them.
 * A module of its own so that index.ts (which starts the server) and the routes (which it
 * registers) both depend on it and not on each other.
 */
import type { BodyBudget } from "./body-budget.js";
import type { Faults } from "./faults.js";
import type { ServerLimits } from "./limits.js";
import type { Persistence } from "./persist.js";
import type { ServerState, TokenRecord } from "./state.js";

export interface ServerOptions {
  host?: string;
  port?: number;
  /** Write what is received under this folder (and reload releases/deploys/repos from it). */
  dataDir?: string;
  /** The main user token (default: random `sntryu_…`). */
  token?: string;
  /** Extra tokens. */
  tokens?: TokenRecord[];
  /** Clock, for deterministic dates in tests. */
  now?: () => Date;
  /** Bounds on what clients send and what is kept (see limits.ts for the defaults). */
  limits?: Partial<ServerLimits>;
  /** Print unexpected route errors to stderr (`serve` sets it from SENTRY_SHIP_SERVE_DEBUG). */
  debug?: boolean;
  /** Delay before an assembled bundle turns from `created` to `ok`, in polls (default 0: immediately on the next poll). */
  assemblePolls?: number;
}

export interface ServerCore {
  state: ServerState;
  persist: Persistence;
  faults: Faults;
  options: ServerOptions;
  limits: ServerLimits;
  /** The request-body bytes all requests in flight hold (see body-budget.ts). */
  bodies: BodyBudget;
  now(): Date;
  /** The server's own base URL (no trailing slash). */
  url(): string;
  /** What `serve` prints for a client to use it (its URL, main token and DSN), once it listens. */
  printed(): Printed;
}

export interface Printed {
  /** Base URL with a trailing slash. */
  url: string;
  token: string;
  orgToken: string;
  dsn: string;
}
