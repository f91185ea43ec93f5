/**
 * The options every sentry-ship bundler plugin takes. Names follow the official
 * `@sentry/*-plugin` options where the meaning is the same (docs/plugins/README.md has the table).
 */

/** Where the plugin's lines go; `console` fits. */
export interface PluginLogger {
  info(message: string): void;
  warn(message: string): void;
  debug?(message: string): void;
}

export interface ReleaseOptions {
  /** The release name (default: the SENTRY_RELEASE environment variable). */
  name?: string;
  /** Write `SENTRY_RELEASE = { id }` into every chunk, where the SDKs read it (default: true when a name is known). */
  inject?: boolean;
}

export interface SentryShipPluginOptions {
  /** Turn the whole plugin off. */
  disable?: boolean;
  /** Print debug lines. */
  debug?: boolean;
  /** Print nothing but errors. */
  silent?: boolean;
  /** Where lines go (default: console). */
  logger?: PluginLogger;
  release?: ReleaseOptions;
  /** Working directory for rc files, `.env`, git and relative globs (default: process.cwd()). */
  cwd?: string;
  /** Environment to resolve configuration from (default: process.env). */
  env?: Record<string, string | undefined>;
}

/** The release name the options give, or SENTRY_RELEASE. */
export function releaseName(options: SentryShipPluginOptions): string | undefined {
  const name = options.release?.name ?? (options.env ?? process.env).SENTRY_RELEASE;
  return name === undefined || name.trim() === "" ? undefined : name;
}

/** The release to write into chunks, or undefined. */
export function injectedRelease(options: SentryShipPluginOptions): string | undefined {
  if (options.disable || options.release?.inject === false) return undefined;
  return releaseName(options);
}

/** Whether debug ids (and the release) go into the chunks: unless the whole plugin is off. */
export function injectsDebugIds(options: SentryShipPluginOptions): boolean {
  return !options.disable;
}

export function pluginLogger(options: SentryShipPluginOptions): Required<PluginLogger> {
  const base = options.logger ?? console;
  const prefix = "[sentry-ship] ";
  return {
    info: (m) => {
      if (!options.silent) base.info(prefix + m);
    },
    warn: (m) => {
      if (!options.silent) base.warn(prefix + m);
    },
    debug: (m) => {
      if (options.debug && !options.silent) (base.debug ?? base.info).call(base, prefix + m);
    },
  };
}
