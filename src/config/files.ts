/**
 * Finding and reading sentry-cli's configuration files (sentry-cli-wire.md §2.1): the global
 * `~/.sentryclirc` (or `sentrycli.ini` in the XDG config dir), the nearest project file walking up
 * from the working directory, and the Java-properties file named by `SENTRY_PROPERTIES`.
 * No process.* access: the environment, cwd and home directory are passed in.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse as parseIni } from "ini";
import { ConfigError, environmentCause } from "../errors.js";

export type FileKind = "global" | "project" | "properties";

/** section -> key -> value. Keys outside any section live under section "". */
export type Sections = Map<string, Map<string, string>>;

export interface ConfigFile {
  path: string;
  kind: FileKind;
  sections: Sections;
}

export const RC_FILE = ".sentryclirc";
export const INI_FILE = "sentrycli.ini";

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Bounds on rc files: far above any real one, far below what makes reading them slow. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;
export const MAX_CONFIG_LINE = 64 * 1024;

/** Hide anything that looks like a credential before quoting a line back to the user. */
function quoteLine(line: string): string {
  let s = line.trim();
  if (/sntr[ysu]_|[0-9a-f]{32,}|[A-Za-z0-9+/=_-]{40,}/i.test(s)) return "<a line that looks like a token>";
  if (s.length > 60) s = `${s.slice(0, 57)}...`;
  return `'${s}'`;
}

/**
 * Parse an INI file with the `ini` package after checking every line ourselves, so that a
 * malformed file is reported as `<file>:<line>: ...` instead of being half-read silently.
 */
export function parseIniText(path: string, text: string): Sections {
  const sectionNames = new Set<string>([""]);
  const lines = text.split(/\r\n|\n|\r/);
  lines.forEach((raw, i) => {
    if (raw.length > MAX_CONFIG_LINE)
      throw new ConfigError(
        `${path}:${i + 1}: line too long (${raw.length} characters; at most ${MAX_CONFIG_LINE} per line)`,
      );
    const line = raw.trim();
    if (line === "" || line.startsWith(";") || line.startsWith("#")) return;
    const sec = /^\[([^\]]*)\]\s*(?:[;#].*)?$/.exec(line);
    if (sec) {
      const name = sec[1]!.trim();
      if (name === "") throw new ConfigError(`${path}:${i + 1}: empty section name '[]'`);
      sectionNames.add(name);
      return;
    }
    const eq = line.indexOf("=");
    if (eq > 0 && line.slice(0, eq).trim() !== "") return;
    throw new ConfigError(`${path}:${i + 1}: expected 'key = value' or '[section]', found ${quoteLine(raw)}`);
  });
  const parsed = parseIni(text) as Record<string, unknown>;
  const out: Sections = new Map();
  for (const name of sectionNames) {
    // `ini` nests dotted section names (`[a.b]` -> a: { b: {...} }); walk them back down.
    let node: unknown = parsed;
    if (name !== "") {
      for (const part of name.split(".")) {
        node = node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined;
      }
    }
    if (!node || typeof node !== "object") continue;
    const keys = new Map<string, string>();
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (v === null || v === undefined) continue;
      if (typeof v === "object" && !Array.isArray(v)) continue; // a nested section
      keys.set(k, Array.isArray(v) ? String(v[v.length - 1] ?? "") : String(v));
    }
    out.set(name, keys);
  }
  return out;
}

function unescapeProperty(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ t: "\t", n: "\n", r: "\r", f: "\f" } as Record<string, string>)[e] ?? e;
  });
}

/**
 * Parse a Java-properties file. Key `a.b.c=v` becomes section `a.b`, key `c` (split at the last
 * dot), which is how sentry-cli maps `defaults.org=acme` onto `[defaults] org`.
 */
export function parsePropertiesText(text: string): Sections {
  const out: Sections = new Map();
  const physical = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < physical.length; i++) {
    let line = physical[i]!.replace(/^[ \t\f]+/, "");
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    // A line ending in an odd number of backslashes continues on the next one.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < physical.length) {
      line = line.slice(0, -1) + physical[++i]!.replace(/^[ \t\f]+/, "");
    }
    const m = /^((?:\\.|[^=:\s\\])*)[ \t\f]*[=:]?[ \t\f]*(.*)$/.exec(line);
    if (!m) continue;
    const key = unescapeProperty(m[1]!);
    const value = unescapeProperty(m[2]!);
    if (key === "") continue;
    const dot = key.lastIndexOf(".");
    const section = dot < 0 ? "" : key.slice(0, dot);
    const name = dot < 0 ? key : key.slice(dot + 1);
    if (!out.has(section)) out.set(section, new Map());
    out.get(section)!.set(name, value);
  }
  return out;
}

/** The global file sentry-cli reads (and `login` writes when there is no project file). */
export function globalFilePath(env: NodeJS.ProcessEnv, homeDir: string): string {
  const rc = join(homeDir, RC_FILE);
  if (isFile(rc)) return rc;
  const configDir = env.XDG_CONFIG_HOME ? env.XDG_CONFIG_HOME : join(homeDir, ".config");
  const ini = join(configDir, "sentry", INI_FILE);
  if (isFile(ini)) return ini;
  return rc;
}

/** The nearest `.sentryclirc` / `sentrycli.ini` from `cwd` upwards (first found wins). */
export function findProjectFile(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    for (const name of [RC_FILE, INI_FILE]) {
      const p = join(dir, name);
      if (isFile(p)) return p;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readText(path: string): string {
  try {
    const size = statSync(path).size;
    if (size > MAX_CONFIG_FILE_BYTES)
      throw new ConfigError(
        `config file ${path} is too large (${size} bytes; a config file may have at most ${MAX_CONFIG_FILE_BYTES})`,
      );
    return readFileSync(path, "utf8");
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `cannot read config file ${path}: ${(code && environmentCause(code)) ?? code ?? (e as Error).message}`,
    );
  }
}

export interface LoadedFiles {
  /** Lowest precedence first: global, project, properties. */
  files: ConfigFile[];
  warnings: string[];
  loginTarget: { project?: string; global: string };
}

export function loadConfigFiles(input: { env: NodeJS.ProcessEnv; cwd: string; homeDir: string }): LoadedFiles {
  const { env, cwd, homeDir } = input;
  const files: ConfigFile[] = [];
  const warnings: string[] = [];
  const global = globalFilePath(env, homeDir);
  const integrationTest = env.SENTRY_INTEGRATION_TEST !== undefined;
  if (!integrationTest && isFile(global)) {
    files.push({ path: global, kind: "global", sections: parseIniText(global, readText(global)) });
  }
  let project = findProjectFile(cwd);
  // Walking up from a directory under $HOME can reach the global file itself: it is not a project file.
  if (project !== undefined && resolve(project) === resolve(global)) project = undefined;
  if (project !== undefined) {
    files.push({ path: project, kind: "project", sections: parseIniText(project, readText(project)) });
  }
  const props = env.SENTRY_PROPERTIES;
  if (props) {
    const path = resolve(cwd, props);
    if (existsSync(path)) {
      files.push({ path, kind: "properties", sections: parsePropertiesText(readText(path)) });
    } else {
      warnings.push(`SENTRY_PROPERTIES names ${path}, which does not exist; ignoring it`);
    }
  }
  return { files, warnings, loginTarget: project !== undefined ? { project, global } : { global } };
}
