/**
 * Resolved configuration with provenance: every value records where it came from, so errors and
 * `info` can say "the token came from SENTRY_AUTH_TOKEN" or "org from /repo/.sentryclirc".
 */

import type { Surface } from "./settings.js";

export type SourceKind = "flag" | "env" | "dotenv" | "file" | "token" | "default";

export interface Source {
  kind: SourceKind;
  /**
   * Human label: `--org`, `SENTRY_ORG`, `/home/me/.sentryclirc ([defaults] org)`,
   * `the org auth token`, `default`.
   */
  label: string;
  /** For `file`: the file's path. */
  file?: string;
  /**
   * The configuration "group" for sentry-cli 3.8's same-source rule between URL and token:
   * "cli" for flags+env, otherwise the file path; "token"/"default" for those.
   */
  group: string;
}

export interface Setting<T> {
  value: T;
  source: Source;
}

export interface ProxyConfig {
  url: string;
  username?: string;
  password?: string;
}

/** Flags that feed configuration (already parsed by commander). */
export interface ConfigFlags {
  url?: string;
  authToken?: string;
  org?: string;
  /** `-p/--project`, repeatable. */
  project?: string[];
  release?: string;
  environment?: string;
  dsn?: string[];
  logLevel?: string;
  /** `--header 'K: V'`, repeatable. */
  header?: string[];
  caFile?: string;
  allowFailure?: boolean;
}

export interface ResolveInput {
  flags: ConfigFlags;
  /** The process environment, after .env loading. */
  env: NodeJS.ProcessEnv;
  /** Names of env vars that came from a .env file (source kind "dotenv"). */
  dotenvKeys?: ReadonlySet<string>;
  /** For names in dotenvKeys: the .env file each came from (used in source labels). */
  dotenvFiles?: ReadonlyMap<string, string>;
  cwd: string;
  homeDir: string;
  /** Who gave the flags: labels name them as flags (default) or as Node API options. */
  surface?: Surface;
}

export interface ResolvedConfig {
  /** Whom messages address: a command line (flags; also when absent) or a Node API call (options). */
  surface?: Surface;
  /** Base URL without trailing slash, e.g. `https://sentry.io`. Always set (default). */
  url: Setting<string>;
  authToken?: Setting<string>;
  org?: Setting<string>;
  /** Empty array value when none configured. */
  projects?: Setting<string[]>;
  dsn?: Setting<string[]>;
  release?: Setting<string>;
  environment?: Setting<string>;
  logLevel?: Setting<string>;
  /** Max retries for one request; default 5 as sentry-cli. */
  maxRetries: Setting<number>;
  /** Extra headers `[name, value]`. */
  headers: Setting<Array<[string, string]>>;
  vcsRemote: Setting<string>;
  pipeline?: Setting<string>;
  proxy?: Setting<ProxyConfig>;
  /** `NO_PROXY` / `no_proxy`, verbatim (comma-separated hosts), when set. */
  noProxy?: Setting<string>;
  /** Extra CA certificate files (PEM). */
  caFiles: Setting<string[]>;
  /** `[http] verify_ssl` (default true). */
  verifySsl: Setting<boolean>;
  keepalive?: Setting<boolean>;
  allowFailure: Setting<boolean>;
  /** Config files that were read, in order of loading (lowest precedence first). */
  filesLoaded: string[];
  /** Warnings to print once (token overrides, ignored values, unrecognised token format). */
  warnings: string[];
  /** Payload of an org auth token, when the token is one. */
  orgToken?: { org: string; url?: string; regionUrl?: string };
  /** The file `login` should write to: nearest project rc if any, else the global rc. */
  loginTarget: { project?: string; global: string };
}
