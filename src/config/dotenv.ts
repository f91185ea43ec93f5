/**
 * `.env` loading as sentry-cli does it at start-up (sentry-cli-wire.md §2.1, item 4):
 * - by default the nearest `.env` from cwd upwards is loaded, never overriding variables that are
 *   already set;
 * - `SENTRY_LOAD_DOTENV` set to anything other than `1` disables loading;
 * - `SENTRY_DOTENV_PATH=<file>` or `SENTRY_DOTENV_PATHS=a,b` load those files instead, and they
 *   *do* override (later files over earlier ones).
 * Parsing uses node's `util.parseEnv`, after a line check of our own (parseEnv silently glues a
 * malformed line to the next one).
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseEnv } from "node:util";
import { ConfigError, environmentCause } from "../errors.js";
import { MAX_CONFIG_FILE_BYTES } from "./files.js";

export interface DotenvResult {
  /** A new environment object; the input is not modified. */
  env: NodeJS.ProcessEnv;
  /** Names of the variables whose value came from a .env file. */
  dotenvKeys: Set<string>;
  /** For each of those names, the file it came from. */
  dotenvFiles: Map<string, string>;
  /** Files that were loaded, in order. */
  files: string[];
  /** Problems with an automatically found .env (an explicitly named one throws instead). */
  warnings: string[];
}

/**
 * Where resolveConfig finds the dotenv provenance when it is handed an env built by loadDotenv
 * (a non-enumerable symbol property, so it never shows up when the env is listed or spread).
 */
export const DOTENV_INFO: unique symbol = Symbol.for("sentry-ship.dotenv-info");

export type DotenvInfo = Pick<DotenvResult, "dotenvKeys" | "dotenvFiles" | "files" | "warnings">;

export function dotenvInfo(env: NodeJS.ProcessEnv): DotenvInfo | undefined {
  return (env as unknown as Record<symbol, DotenvInfo | undefined>)[DOTENV_INFO];
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The nearest `.env` from `cwd` upwards (dotenvy's search). */
export function findDotenv(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const p = join(dir, ".env");
    if (isFile(p)) return p;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const ASSIGNMENT = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=(.*)$/;

/** The 1-based line number of the first line that is not `KEY=value`, a comment or blank. */
export function firstBadDotenvLine(text: string): { line: number; text: string } | undefined {
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const t = raw.trim();
    if (t === "" || t.startsWith("#")) continue;
    const m = ASSIGNMENT.exec(raw);
    if (!m) return { line: i + 1, text: raw };
    // A quoted value may span lines when its closing quote comes later.
    const value = m[1]!.trim();
    const q = value[0];
    if (q === '"' || q === "'" || q === "`") {
      if (value.indexOf(q, 1) >= 0) continue;
      const close = lines.findIndex((l, j) => j > i && l.includes(q));
      if (close > i) i = close;
    }
  }
  return undefined;
}

function describeLine(text: string): string {
  const t = text.trim();
  if (/sntr[ysu]_|[0-9a-f]{32,}|[A-Za-z0-9+/=_-]{40,}/i.test(t)) return "a line that looks like a secret";
  return `'${t.length > 60 ? `${t.slice(0, 57)}...` : t}'`;
}

/** Read and parse one .env file; undefined + warning, or a thrown ConfigError when `strict`. */
function readDotenv(path: string, strict: boolean, warnings: string[]): Record<string, string> | undefined {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_CONFIG_FILE_BYTES)
      throw Object.assign(new Error(`it is too large (${size} bytes; at most ${MAX_CONFIG_FILE_BYTES})`), {
        code: "ETOOLARGE",
      });
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "the file does not exist"
        : code === "EISDIR"
          ? "it is a directory"
          : code === "ETOOLARGE"
            ? (e as Error).message
            : `it cannot be read (${(code && environmentCause(code)) ?? code ?? (e as Error).message})`;
    const msg = `cannot load the .env file ${path}: ${why}`;
    if (strict) throw new ConfigError(msg);
    warnings.push(msg);
    return undefined;
  }
  const bad = firstBadDotenvLine(text);
  if (bad) {
    const what = `expected KEY=value, found ${describeLine(bad.text)}`;
    if (strict)
      throw new ConfigError(
        `${path}:${bad.line}: ${what} (fix the .env file named by SENTRY_DOTENV_PATH/SENTRY_DOTENV_PATHS)`,
      );
    warnings.push(`ignoring ${path}: line ${bad.line}: ${what}`);
    return undefined;
  }
  return parseEnv(text) as Record<string, string>;
}

/** Load .env files into a copy of `env` and report which variables came from them. */
export function loadDotenvWithKeys(env: NodeJS.ProcessEnv, cwd: string): DotenvResult {
  const out: NodeJS.ProcessEnv = { ...env };
  const result: DotenvResult = { env: out, dotenvKeys: new Set(), dotenvFiles: new Map(), files: [], warnings: [] };
  const attach = () => {
    Object.defineProperty(out, DOTENV_INFO, {
      value: {
        dotenvKeys: result.dotenvKeys,
        dotenvFiles: result.dotenvFiles,
        files: result.files,
        warnings: result.warnings,
      },
      enumerable: false,
    });
    return result;
  };
  const load = env.SENTRY_LOAD_DOTENV;
  if (load !== undefined && load !== "1") return attach();

  const explicit: string[] = [];
  if (env.SENTRY_DOTENV_PATH) explicit.push(env.SENTRY_DOTENV_PATH);
  else if (env.SENTRY_DOTENV_PATHS) {
    for (const p of env.SENTRY_DOTENV_PATHS.split(",")) if (p.trim() !== "") explicit.push(p.trim());
  }

  if (explicit.length > 0) {
    for (const p of explicit) {
      const path = resolve(cwd, p);
      const vars = readDotenv(path, true, result.warnings)!;
      result.files.push(path);
      for (const [k, v] of Object.entries(vars)) {
        out[k] = v;
        result.dotenvKeys.add(k);
        result.dotenvFiles.set(k, path);
      }
    }
    return attach();
  }

  const found = findDotenv(cwd);
  if (found) {
    const vars = readDotenv(found, false, result.warnings);
    if (vars) {
      result.files.push(found);
      for (const [k, v] of Object.entries(vars)) {
        if (env[k] !== undefined) continue;
        out[k] = v;
        result.dotenvKeys.add(k);
        result.dotenvFiles.set(k, found);
      }
    }
  }
  return attach();
}

/** Returns a new env with the .env file(s) loaded (see loadDotenvWithKeys for provenance). */
export function loadDotenv(env: NodeJS.ProcessEnv, cwd: string): NodeJS.ProcessEnv {
  return loadDotenvWithKeys(env, cwd).env;
}
