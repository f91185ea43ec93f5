/**
 * `SentryCli`: a stand-in for `@sentry/cli`'s JavaScript wrapper (`new SentryCli(configFile,
 * options)`, `releases.*`, `sourceMaps.inject`, `execute`), so code written against that wrapper
 * migrates by changing its import. Every call builds the argument list the wrapper would hand the
 * sentry-cli binary and runs sentry-ship's own program on it in this process (runCommand): no
 * child process, no binary. Results are what the wrapper resolves with — the command's stdout
 * (live calls: `"success (live mode)"`) — and failures reject with a CommandFailedError carrying
 * the exit code and the captured output.
 */
import { fileURLToPath } from "node:url";
import { processIO } from "../context.js";
import { VERSION } from "../version.js";
import { runCommand } from "./command.js";

/** Options of the wrapper's constructor; each sets the variable the binary would read. */
export interface SentryCliOptions {
  /** SENTRY_URL */
  url?: string;
  /** SENTRY_AUTH_TOKEN */
  authToken?: string;
  /** SENTRY_DSN */
  dsn?: string;
  /** SENTRY_ORG */
  org?: string;
  /** SENTRY_PROJECT */
  project?: string;
  /** SENTRY_VCS_REMOTE */
  vcsRemote?: string;
  /** Live calls print nothing. */
  silent?: boolean;
  /** CUSTOM_HEADER ("Name: value"); wins over `headers`. */
  customHeader?: string;
  /** Headers for every request, as `--header` flags. */
  headers?: Record<string, string>;
}

export interface SentryCliUploadSourceMapsOptions {
  include: Array<string | SourceMapsPathDescriptor>;
  ignore?: string[];
  ignoreFile?: string | null;
  rewrite?: boolean;
  sourceMapReference?: boolean;
  decompress?: boolean;
  dedupe?: boolean;
  stripPrefix?: string[];
  stripCommonPrefix?: boolean;
  projects?: string[];
  validate?: boolean;
  urlPrefix?: string;
  urlSuffix?: string;
  ext?: string[];
  dist?: string;
}

/** An `include` entry with options of its own for its `paths` (not searched recursively apart). */
export type SourceMapsPathDescriptor = Omit<SentryCliUploadSourceMapsOptions, "include"> & { paths: string[] };

export interface SentryCliNewDeployOptions {
  env: string;
  started?: number | string;
  finished?: number | string;
  time?: number;
  name?: string;
  url?: string;
  projects?: string[];
}

export interface SentryCliCommitsOptions {
  auto?: boolean;
  repo?: string;
  commit?: string;
  previousCommit?: string;
  ignoreMissing?: boolean;
  ignoreEmpty?: boolean;
}

export interface SentryCliInjectOptions {
  paths: string[];
  ignore?: string[];
  ignoreFile?: string;
  ext?: string[];
  dryRun?: boolean;
}

/** A command that ended with a non-zero exit code. */
export class CommandFailedError extends Error {
  /** As Node's execFile error has it. */
  readonly code: number;
  constructor(
    readonly args: string[],
    readonly exitCode: number,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    const detail =
      stderr
        .trim()
        .split("\n")
        .find((l) => l.startsWith("error:")) ?? "";
    super(`Command ${args.join(" ")} failed with exit code ${exitCode}${detail ? `: ${detail}` : ""}`);
    this.name = "CommandFailedError";
    this.code = exitCode;
  }
}

/** How the wrapper turns an option object into flags, per option. */
type FlagSpec = { flag?: string; negated?: string; kind: "string" | "number" | "boolean" | "array" };

const UPLOAD_FLAGS: Record<string, FlagSpec> = {
  ignore: { flag: "--ignore", kind: "array" },
  ignoreFile: { flag: "--ignore-file", kind: "string" },
  dist: { flag: "--dist", kind: "string" },
  decompress: { flag: "--decompress", kind: "boolean" },
  rewrite: { flag: "--rewrite", negated: "--no-rewrite", kind: "boolean" },
  sourceMapReference: { negated: "--no-sourcemap-reference", kind: "boolean" },
  dedupe: { negated: "--no-dedupe", kind: "boolean" },
  stripPrefix: { flag: "--strip-prefix", kind: "array" },
  stripCommonPrefix: { flag: "--strip-common-prefix", kind: "boolean" },
  validate: { flag: "--validate", kind: "boolean" },
  urlPrefix: { flag: "--url-prefix", kind: "string" },
  urlSuffix: { flag: "--url-suffix", kind: "string" },
  ext: { flag: "--ext", kind: "array" },
};

const DEPLOY_FLAGS: Record<string, FlagSpec> = {
  env: { flag: "--env", kind: "string" },
  started: { flag: "--started", kind: "number" },
  finished: { flag: "--finished", kind: "number" },
  time: { flag: "--time", kind: "number" },
  name: { flag: "--name", kind: "string" },
  url: { flag: "--url", kind: "string" },
};

const INJECT_FLAGS: Record<string, FlagSpec> = {
  ignore: { flag: "--ignore", kind: "array" },
  ignoreFile: { flag: "--ignore-file", kind: "string" },
  ext: { flag: "--ext", kind: "array" },
  dryRun: { flag: "--dry-run", kind: "boolean" },
};

/** Ignore list used when neither ignore nor ignoreFile is given (the wrapper's default). */
const DEFAULT_IGNORE = ["node_modules"];

function flags(specs: Record<string, FlagSpec>, options: object): string[] {
  const out: string[] = [];
  const values = options as Record<string, unknown>;
  for (const [name, spec] of Object.entries(specs)) {
    const v = values[name];
    if (v === undefined || v === null) continue;
    if (spec.kind === "array") {
      if (!Array.isArray(v)) throw new TypeError(`option ${name} must be an array`);
      for (const item of v) out.push(spec.flag!, String(item));
    } else if (spec.kind === "boolean") {
      if (typeof v !== "boolean") throw new TypeError(`option ${name} must be a boolean`);
      if (v && spec.flag) out.push(spec.flag);
      if (!v && spec.negated) out.push(spec.negated);
    } else {
      if (typeof v !== "string" && typeof v !== "number")
        throw new TypeError(`option ${name} must be a string or a number`);
      out.push(spec.flag!, String(v));
    }
  }
  return out;
}

function projectFlags(options: { projects?: string[] } | undefined): string[] {
  return (options?.projects ?? []).flatMap((p) => ["-p", p]);
}

/** What every namespace shares: the options, the config file and `execute`. */
class Runner {
  constructor(
    public options: SentryCliOptions,
    protected readonly configFile: string | null,
  ) {}

  /**
   * Run `sentry-ship <args…>` in-process with the wrapper's environment. `live` true: output goes
   * to this process's stdout/stderr (unless `silent`) and the result is "success (live mode)";
   * otherwise the result is the captured stdout.
   */
  async execute(args: string[], live: boolean | null = false): Promise<string> {
    const o = this.options ?? {};
    const env: NodeJS.ProcessEnv = { ...processIO().env };
    if (this.configFile) env.SENTRY_PROPERTIES = this.configFile;
    if (o.url) env.SENTRY_URL = o.url;
    if (o.authToken) env.SENTRY_AUTH_TOKEN = o.authToken;
    if (o.dsn) env.SENTRY_DSN = o.dsn;
    if (o.org) env.SENTRY_ORG = o.org;
    if (o.project) env.SENTRY_PROJECT = o.project;
    if (o.vcsRemote) env.SENTRY_VCS_REMOTE = o.vcsRemote;
    let argv = args;
    if (o.customHeader) env.CUSTOM_HEADER = o.customHeader;
    else if (o.headers) argv = [...Object.entries(o.headers).flatMap(([k, v]) => ["--header", `${k}:${v}`]), ...args];
    const io = processIO();
    const streams = live === true && !o.silent ? { stdout: io.stdout, stderr: io.stderr } : {};
    const r = await runCommand(argv, { env, ...streams });
    if (r.exitCode !== 0) throw new CommandFailedError(argv, r.exitCode, r.stdout, r.stderr);
    return live === true ? "success (live mode)" : r.stdout;
  }
}

/** `cli.releases`: releases, commits, deploys and source map uploads. */
export class Releases extends Runner {
  /** `releases new RELEASE [-p P…]` → its stdout. */
  async new(release: string, options?: { projects?: string[] }): Promise<string> {
    return this.execute(["releases", "new", release, ...projectFlags(options)], null);
  }

  /** `releases set-commits RELEASE --auto | --commit REPO@[PREV..]COMMIT [--ignore-missing]`. */
  async setCommits(release: string, options: SentryCliCommitsOptions): Promise<string> {
    if (!options || (!options.auto && (!options.repo || !options.commit))) {
      throw new Error("setCommits needs options.auto, or both options.repo and options.commit");
    }
    const args = ["releases", "set-commits", release];
    if (options.auto) args.push("--auto");
    else if (options.previousCommit)
      args.push("--commit", `${options.repo}@${options.previousCommit}..${options.commit}`);
    else args.push("--commit", `${options.repo}@${options.commit}`);
    if (options.ignoreMissing) args.push("--ignore-missing");
    return this.execute(args, false);
  }

  /** `releases finalize RELEASE`. */
  async finalize(release: string): Promise<string> {
    return this.execute(["releases", "finalize", release], null);
  }

  /** `releases propose-version`, trimmed. */
  async proposeVersion(): Promise<string> {
    return (await this.execute(["releases", "propose-version"], null)).trim();
  }

  /**
   * One `sourcemaps upload --release RELEASE PATH …` per path of `include` (an entry's own options
   * over the shared ones), run concurrently as the wrapper does.
   */
  async uploadSourceMaps(release: string, options: SentryCliUploadSourceMapsOptions): Promise<string[]> {
    if (!options || !Array.isArray(options.include)) {
      throw new Error("uploadSourceMaps needs options.include: an array of paths and/or path descriptors");
    }
    const runs = options.include.flatMap((entry) => {
      let own: Partial<SourceMapsPathDescriptor> = {};
      let paths: string[];
      if (typeof entry === "object" && entry !== null) {
        if (!Array.isArray(entry.paths)) throw new Error("a path descriptor in options.include needs a paths array");
        own = entry;
        paths = entry.paths;
      } else {
        paths = [entry];
      }
      const merged: Record<string, unknown> = { ...options, ...own };
      delete merged.include;
      delete merged.paths;
      delete merged.projects;
      if (!merged.ignoreFile && !merged.ignore) merged.ignore = DEFAULT_IGNORE;
      const head = ["sourcemaps", "upload", ...projectFlags(options), "--release", release];
      return paths.map((p) => this.execute([...head, p, ...flags(UPLOAD_FLAGS, merged)], true));
    });
    return Promise.all(runs);
  }

  /** `deploys list --release RELEASE` (sentry-cli's `releases deploys RELEASE list`). */
  async listDeploys(release: string): Promise<string> {
    return this.execute(["deploys", "list", "--release", release], null);
  }

  /** `deploys new --release RELEASE --env ENV …`. */
  async newDeploy(release: string, options: SentryCliNewDeployOptions): Promise<string> {
    if (!options?.env) throw new Error("newDeploy needs options.env, the environment's name");
    const args = ["deploys", "new", ...projectFlags(options), "--release", release, ...flags(DEPLOY_FLAGS, options)];
    return this.execute(args, null);
  }
}

/** `cli.sourceMaps`: debug id injection. */
export class SourceMaps extends Runner {
  /** `sourcemaps inject PATH… [--ignore …] [--ext …] [--dry-run]`. */
  async inject(options: SentryCliInjectOptions): Promise<string> {
    if (!options || !Array.isArray(options.paths) || options.paths.length === 0) {
      throw new Error("inject needs options.paths: a non-empty array of paths");
    }
    const o: Record<string, unknown> = { ...options };
    if (!o.ignoreFile && !o.ignore) o.ignore = DEFAULT_IGNORE;
    return this.execute(["sourcemaps", "inject", ...options.paths, ...flags(INJECT_FLAGS, o)], true);
  }
}

export class SentryCli {
  configFile: string | null;
  options: SentryCliOptions;
  releases: Releases;
  sourceMaps: SourceMaps;

  constructor(configFile?: string | null, options?: SentryCliOptions) {
    this.configFile = configFile ?? null;
    this.options = options ?? {};
    this.releases = new Releases(this.options, this.configFile);
    this.sourceMaps = new SourceMaps(this.options, this.configFile);
  }

  /** sentry-ship's version (what stands in for the binary). */
  static getVersion(): string {
    return VERSION;
  }

  /** The sentry-ship launcher script (what stands in for the binary's path). */
  static getPath(): string {
    return fileURLToPath(new URL("../../bin/sentry-ship.js", import.meta.url));
  }

  /** Run `sentry-ship <args…>` in this process; see Releases.execute. */
  execute(args: string[], live: boolean | null = false): Promise<string> {
    return new Runner(this.options, this.configFile).execute(args, live);
  }
}

export default SentryCli;
