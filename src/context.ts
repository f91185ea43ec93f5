/**
 * The CommandContext: everything a command needs from the outside world, built once per run.
 * This is the only module that reads process.env, process.cwd() and the standard streams; tests
 * build contexts with their own.
 */
import { homedir } from "node:os";
import type { Readable, Writable } from "node:stream";
import type { ApiClient } from "./api/types.js";
import { type Surface, settingName } from "./config/settings.js";
import type { ConfigFlags, ResolvedConfig } from "./config/types.js";
import { ConfigError } from "./errors.js";
import { type LogLevel, Output, parseLogLevel } from "./output/output.js";
import { Redactor } from "./output/redact.js";

export interface IO {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  homeDir: string;
}

/** The process's environment, working directory and home, without touching its standard streams. */
export function processDefaults(): Pick<IO, "env" | "cwd" | "homeDir"> {
  return { env: process.env, cwd: process.cwd(), homeDir: process.env.HOME || homedir() };
}

export function processIO(): IO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    homeDir: process.env.HOME || homedir(),
  };
}

/** Options every command accepts (declared on the root program). */
export interface GlobalOptions {
  url?: string;
  authToken?: string;
  header?: string[];
  logLevel?: string;
  quiet?: boolean;
  json?: boolean;
  allowFailure?: boolean;
  caFile?: string;
  /** Group/command level options that feed configuration. */
  org?: string;
  /** `-p/--project`, repeatable. */
  project?: string[];
  release?: string;
}

export interface CommandContext {
  readonly io: IO;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly homeDir: string;
  readonly out: Output;
  readonly flags: ConfigFlags;
  /** Whom messages address: a command line (they name flags) or a Node API call (they name options). */
  readonly surface: Surface;
  /** The resolved configuration (cached); warnings are printed the first time. */
  config(): Promise<ResolvedConfig>;
  /** The shared API client (cached). Throws ConfigError when no token is configured. */
  api(opts?: { requireToken?: boolean }): Promise<ApiClient>;
  /** The org, or a ConfigError saying how to set it. */
  requireOrg(): Promise<string>;
  /** The first configured project, or a ConfigError. */
  requireProject(): Promise<string>;
  /** All configured projects (may be empty). */
  projects(): Promise<string[]>;
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * The exit code of a command that finished without an error but reports an outcome through it
   * (`monitors run` passes its child's on; `releases gate` says fail or not-enough-data). Unset: 0.
   */
  exitCode?: number;
  /** Release resources (API connections). */
  dispose(): Promise<void>;
}

export interface ContextOverrides {
  /** Whom messages address: a command line (flags, the default) or a Node API call (options). */
  surface?: Surface;
  now?: () => Date;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function flagsFromOptions(o: GlobalOptions): ConfigFlags {
  return {
    url: o.url,
    authToken: o.authToken,
    org: o.org,
    project: o.project,
    release: o.release,
    logLevel: o.logLevel,
    header: o.header,
    caFile: o.caFile,
    allowFailure: o.allowFailure,
  };
}

export function createContext(io: IO, opts: GlobalOptions, overrides: ContextOverrides = {}): CommandContext {
  const redactor = new Redactor();
  const envLevel = parseLogLevel(io.env.SENTRY_LOG_LEVEL);
  const logLevel: LogLevel = parseLogLevel(opts.logLevel) ?? envLevel ?? "warn";
  const out = new Output({
    stdout: io.stdout,
    stderr: io.stderr,
    env: io.env,
    json: opts.json === true,
    quiet: opts.quiet === true,
    logLevel,
    redactor,
  });
  redactor.add(opts.authToken);
  redactor.add(io.env.SENTRY_AUTH_TOKEN);
  const flags = flagsFromOptions(opts);
  const surface = overrides.surface ?? "cli";

  let configPromise: Promise<ResolvedConfig> | undefined;
  let apiPromise: Promise<ApiClient> | undefined;

  const ctx: CommandContext = {
    io,
    env: io.env,
    cwd: io.cwd,
    homeDir: io.homeDir,
    out,
    flags,
    surface,
    config() {
      configPromise ??= (async () => {
        const { resolveConfig } = await import("./config/resolve.js");
        const cfg = resolveConfig({ flags, env: io.env, cwd: io.cwd, homeDir: io.homeDir, surface });
        redactor.add(cfg.authToken?.value);
        for (const d of cfg.dsn?.value ?? []) {
          const m = /^[a-z]+:\/\/([^:@/]+)(?::([^@/]*))?@/i.exec(d);
          redactor.add(m?.[1]);
          redactor.add(m?.[2]);
        }
        // The file-level log level applies when neither the flag nor the env set one.
        if (opts.logLevel === undefined && envLevel === undefined) {
          const lvl = parseLogLevel(cfg.logLevel?.value);
          if (lvl) out.logLevel = lvl;
        }
        for (const w of cfg.warnings) out.warn(w);
        for (const f of cfg.filesLoaded) out.debug(`loaded config from ${f}`);
        return cfg;
      })();
      return configPromise;
    },
    api(apiOpts = {}) {
      apiPromise ??= (async () => {
        const cfg = await ctx.config();
        if ((apiOpts.requireToken ?? true) && !cfg.authToken) {
          throw new ConfigError(
            `an auth token is required: pass ${settingName("authToken", surface)}, set SENTRY_AUTH_TOKEN, or run \`sentry-ship login\``,
          );
        }
        const { createApiClient } = await import("./api/client.js");
        return createApiClient({ config: cfg, out, sleep: ctx.sleep });
      })();
      return apiPromise;
    },
    async requireOrg() {
      const cfg = await ctx.config();
      if (!cfg.org?.value) {
        throw new ConfigError(
          `an organization is required: pass ${settingName("org", surface)}, set SENTRY_ORG, add \`org\` under [defaults] in .sentryclirc, or use an org auth token`,
        );
      }
      return cfg.org.value;
    },
    async requireProject() {
      const p = await ctx.projects();
      const first = p[0];
      if (first === undefined) {
        throw new ConfigError(
          `a project is required: pass ${settingName("project", surface)}, set SENTRY_PROJECT, or add \`project\` under [defaults] in .sentryclirc`,
        );
      }
      return first;
    },
    async projects() {
      const cfg = await ctx.config();
      return cfg.projects?.value ?? [];
    },
    now: overrides.now ?? (() => new Date()),
    sleep:
      overrides.sleep ??
      ((ms, signal) =>
        new Promise<void>((resolve, reject) => {
          if (signal?.aborted) return reject(signal.reason);
          const t = setTimeout(resolve, ms);
          signal?.addEventListener("abort", () => {
            clearTimeout(t);
            reject(signal.reason);
          });
        })),
    async dispose() {
      if (apiPromise) {
        try {
          await (await apiPromise).close();
        } catch {
          /* the client failed to build; nothing to close */
        }
      }
    },
  };
  return ctx;
}
