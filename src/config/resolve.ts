/**
 * Configuration resolution with provenance (sentry-cli-wire.md §2): flags > environment (incl.
 * .env) > SENTRY_PROPERTIES file > nearest project rc > global rc > defaults, per setting, plus
 * sentry-cli 3.8's rules that tie the URL to the auth token (§2.3) and let an org auth token
 * override the configured org and URL (§2.2). Pure apart from reading the config files: the
 * environment, cwd and home directory come from the caller.
 */
import { dirname, resolve as resolvePath } from "node:path";
import { ConfigError, UsageError } from "../errors.js";
import { dotenvInfo } from "./dotenv.js";
import { type ConfigFile, loadConfigFiles } from "./files.js";
import { releaseArgumentProblem } from "./release-version.js";
import { type SettingKey, type Surface, settingName } from "./settings.js";
import { parseAuthToken } from "./token.js";
import type { ProxyConfig, ResolvedConfig, ResolveInput, Setting, Source } from "./types.js";
import { checkSentryUrl, DEFAULT_URL, normalizeUrl } from "./url.js";

export const DEFAULT_MAX_RETRIES = 5;
export const DEFAULT_VCS_REMOTE = "origin";
export const DEFAULT_LOG_LEVEL = "warn";

const SAME_SOURCE_HINT =
  "Configure the URL and the auth token together: in the same config file, or both through command-line flags and environment variables.";

const DEFAULT_SOURCE: Source = { kind: "default", label: "default", group: "default" };
const TOKEN_SOURCE: Source = { kind: "token", label: "the org auth token", group: "token" };

function flagSource(key: SettingKey, surface: Surface | undefined): Source {
  return { kind: "flag", label: settingName(key, surface), group: "cli" };
}

function fileSource(file: ConfigFile, section: string, key: string): Source {
  const where =
    file.kind === "properties" ? (section ? `${section}.${key}` : key) : section ? `[${section}] ${key}` : key;
  return { kind: "file", label: `${file.path} (${where})`, file: file.path, group: file.path };
}

function setting<T>(value: T, source: Source): Setting<T> {
  return { value, source };
}

/** The precedence rank of a source group for the same-source rule: higher wins. */
function rank(source: Source, files: ConfigFile[]): number {
  if (source.group === "cli") return 100;
  const i = files.findIndex((f) => f.path === source.group);
  return i < 0 ? -1 : i; // files are lowest precedence first
}

/**
 * Whether the config file a token comes from names `url` as its server too (as `login` writes it):
 * then the token was stored for that URL, and a URL given by flag or environment that equals it is
 * no conflict — the same-source rule exists to keep a token from going to a server it was not for.
 */
function fileNamesUrl(tokenSource: Source, url: string, files: ConfigFile[]): boolean {
  if (tokenSource.kind !== "file") return false;
  const stored = files
    .find((f) => f.path === tokenSource.group)
    ?.sections.get("defaults")
    ?.get("url");
  if (stored === undefined || stored.trim() === "") return false;
  return normalizeUrl(stored) === normalizeUrl(url);
}

function parseBool(v: string): boolean | undefined {
  const s = v.trim().toLowerCase();
  if (["true", "yes", "on", "1"].includes(s)) return true;
  if (["false", "no", "off", "0"].includes(s)) return false;
  return undefined;
}

/** Parse a `Name: value` custom header. The text is not echoed: it may hold a credential. */
export function parseHeader(raw: string, sourceLabel: string): [string, string] {
  const colon = raw.indexOf(":");
  const name = colon < 0 ? "" : raw.slice(0, colon).trim();
  const value = colon < 0 ? "" : raw.slice(colon + 1).trim();
  let problem: string | undefined;
  if (colon < 0) problem = "it has no ':'";
  else if (name === "") problem = "the header name is empty";
  else if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) problem = `'${name}' is not a valid header name`;
  else if (/[\r\n\0]/.test(value)) problem = `the value of '${name}' contains a line break`;
  if (problem)
    throw new ConfigError(
      `bad custom header from ${sourceLabel}: ${problem}; expected 'Name: value', e.g. 'X-Forwarded-Proto: https'`,
    );
  return [name, value];
}

export function resolveConfig(input: ResolveInput): ResolvedConfig {
  const { flags, env, cwd, homeDir, surface } = input;
  const hidden = dotenvInfo(env);
  const dotenvKeys = input.dotenvKeys ?? hidden?.dotenvKeys;
  const dotenvFiles = input.dotenvFiles ?? hidden?.dotenvFiles;
  const warnings: string[] = [...(hidden?.warnings ?? [])];

  const loaded = loadConfigFiles({ env, cwd, homeDir });
  const files = loaded.files;
  warnings.push(...loaded.warnings);

  // --- lookups --------------------------------------------------------------------------------
  const envSource = (name: string): Source => {
    if (dotenvKeys?.has(name)) {
      const file = dotenvFiles?.get(name);
      return {
        kind: "dotenv",
        label: file ? `${name} (from ${file})` : `${name} (from .env)`,
        group: "cli",
        ...(file ? { file } : {}),
      };
    }
    return { kind: "env", label: name, group: "cli" };
  };
  const fromEnv = (name: string): Setting<string> | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === "" ? undefined : setting(v, envSource(name));
  };
  const fromFlag = (v: string | undefined, key: SettingKey): Setting<string> | undefined =>
    v === undefined || v.trim() === "" ? undefined : setting(v, flagSource(key, surface));
  /** Highest-precedence file holding `[section] key`. */
  const fromFiles = (section: string, key: string): Setting<string> | undefined => {
    for (let i = files.length - 1; i >= 0; i--) {
      const f = files[i]!;
      const v = f.sections.get(section)?.get(key);
      if (v !== undefined && v.trim() !== "") return setting(v.trim(), fileSource(f, section, key));
    }
    return undefined;
  };
  const first = <T>(...c: Array<Setting<T> | undefined>): Setting<T> | undefined => c.find((s) => s !== undefined);

  // --- token and URL (§2.2, §2.3) ---------------------------------------------------------------
  let token = first(fromFlag(flags.authToken, "authToken"), fromEnv("SENTRY_AUTH_TOKEN"), fromFiles("auth", "token"));
  if (token) token = setting(token.value.trim(), token.source);
  // A control character cannot go into the Authorization header: say so, not "could not reach".
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
  if (token && /[\u0000-\u001f\u007f]/.test(token.value)) {
    throw new ConfigError(
      `the auth token from ${token.source.label} has a line break or another control character inside: set it again, copied whole`,
    );
  }
  let url = first(fromFlag(flags.url, "url"), fromEnv("SENTRY_URL"), fromFiles("defaults", "url"));

  let tokenInfo = token ? parseAuthToken(token.value) : undefined;
  if (token && tokenInfo?.kind === "unknown" && token.source.kind === "flag") {
    warnings.push("unrecognized auth token format (from --auth-token): make sure you copied the whole token");
  }

  let urlSetting: Setting<string>;
  if (token && tokenInfo?.kind === "org" && tokenInfo.url) {
    // The URL embedded in an org token wins over any configured one.
    const tokenUrl = checkSentryUrl(tokenInfo.url, TOKEN_SOURCE.label);
    if (url && normalizeUrl(url.value) !== tokenUrl) {
      const manual = normalizeUrl(url.value);
      warnings.push(
        `using ${tokenUrl} (embedded in the org auth token) rather than the configured URL ${manual} (from ${url.source.label}); to use ${manual}, provide an auth token for ${manual}`,
      );
    }
    urlSetting = setting(tokenUrl, TOKEN_SOURCE);
  } else {
    if (token && url && token.source.group !== url.source.group && !fileNamesUrl(token.source, url.value, files)) {
      if (rank(url.source, files) > rank(token.source, files)) {
        warnings.push(
          `ignoring the auth token from ${token.source.label} because the URL comes from a different configuration source (${url.source.label}). ${SAME_SOURCE_HINT}`,
        );
        token = undefined;
        tokenInfo = undefined;
      } else {
        warnings.push(
          `ignoring the URL from ${url.source.label} because the auth token comes from a different configuration source (${token.source.label}); using ${DEFAULT_URL}. ${SAME_SOURCE_HINT}`,
        );
        url = undefined;
      }
    }
    urlSetting = url
      ? setting(checkSentryUrl(url.value, url.source.label), url.source)
      : setting(DEFAULT_URL, DEFAULT_SOURCE);
  }
  const orgToken =
    tokenInfo?.kind === "org"
      ? {
          org: tokenInfo.org,
          ...(tokenInfo.url ? { url: tokenInfo.url } : {}),
          ...(tokenInfo.regionUrl ? { regionUrl: tokenInfo.regionUrl } : {}),
        }
      : undefined;

  // --- org, project, release, environment, DSN --------------------------------------------------
  let org = first(fromFlag(flags.org, "org"), fromEnv("SENTRY_ORG"), fromFiles("defaults", "org"));
  if (orgToken) {
    if (org && org.source.group === "cli" && org.value !== orgToken.org) {
      warnings.push(
        `using organization \`${orgToken.org}\` (embedded in the org auth token) rather than \`${org.value}\` (from ${org.source.label}); to use \`${org.value}\`, provide an auth token for that organization`,
      );
    }
    org = setting(orgToken.org, TOKEN_SOURCE);
  }

  const flagProjects = (flags.project ?? []).filter((p) => p.trim() !== "");
  const projectOne = first(fromEnv("SENTRY_PROJECT"), fromFiles("defaults", "project"));
  const projects =
    flagProjects.length > 0
      ? setting(flagProjects, flagSource("project", surface))
      : projectOne
        ? setting([projectOne.value], projectOne.source)
        : undefined;

  let release: Setting<string> | undefined;
  if (flags.release !== undefined && flags.release !== "") {
    const problem = releaseArgumentProblem(flags.release);
    if (problem) {
      const name = surface === "api" ? settingName("release", surface) : "'--release'";
      throw new UsageError(`invalid value '${flags.release}' for ${name}: ${problem}`);
    }
    release = setting(flags.release, flagSource("release", surface));
  } else {
    const r = fromEnv("SENTRY_RELEASE");
    const problem = r && releaseArgumentProblem(r.value);
    if (r && problem)
      warnings.push(`ignoring ${r.source.label}='${r.value}': not a valid release version (${problem})`);
    else release = r;
  }

  const environment = first(
    fromFlag(flags.environment, "environment"),
    fromEnv("SENTRY_ENVIRONMENT"),
    fromFiles("defaults", "environment"),
  );

  const splitList = (s: Setting<string>): Setting<string[]> =>
    setting(
      s.value
        .split(",")
        .map((d) => d.trim())
        .filter((d) => d !== ""),
      s.source,
    );
  const flagDsns = (flags.dsn ?? []).filter((d) => d.trim() !== "");
  const dsnOne = first(fromEnv("SENTRY_DSN"), fromFiles("auth", "dsn"));
  const dsn =
    flagDsns.length > 0 ? setting(flagDsns, flagSource("dsn", surface)) : dsnOne ? splitList(dsnOne) : undefined;

  // --- logging, HTTP ----------------------------------------------------------------------------
  const logLevel =
    first(fromFlag(flags.logLevel, "logLevel"), fromEnv("SENTRY_LOG_LEVEL"), fromFiles("log", "level")) ??
    setting(DEFAULT_LOG_LEVEL, DEFAULT_SOURCE);

  let maxRetries: Setting<number> = setting(DEFAULT_MAX_RETRIES, DEFAULT_SOURCE);
  const retries = first(fromEnv("SENTRY_HTTP_MAX_RETRIES"), fromFiles("http", "max_retries"));
  if (retries) {
    const v = retries.value.trim();
    if (/^\d+$/.test(v) && Number(v) <= 0xffffffff) maxRetries = setting(Number(v), retries.source);
    else
      warnings.push(
        `ignoring ${retries.source.label}='${v}': not a whole number; using ${DEFAULT_MAX_RETRIES} retries`,
      );
  }

  let headers: Setting<Array<[string, string]>> = setting([], DEFAULT_SOURCE);
  const flagHeaders = flags.header ?? [];
  if (flagHeaders.length > 0) {
    headers = setting(
      flagHeaders.map((h, i) =>
        parseHeader(h, `${settingName("header", surface)}${flagHeaders.length > 1 ? ` #${i + 1}` : ""}`),
      ),
      flagSource("header", surface),
    );
  } else {
    const h = first(fromEnv("CUSTOM_HEADER"), fromFiles("defaults", "custom_header"));
    if (h) headers = setting([parseHeader(h.value, h.source.label)], h.source);
  }

  const vcsRemote =
    first(fromEnv("SENTRY_VCS_REMOTE"), fromFiles("defaults", "vcs_remote")) ??
    setting(DEFAULT_VCS_REMOTE, DEFAULT_SOURCE);
  const pipeline = first(fromEnv("SENTRY_PIPELINE"), fromFiles("defaults", "pipeline"));

  let proxy: Setting<ProxyConfig> | undefined;
  const envProxy = first(fromEnv("HTTPS_PROXY"), fromEnv("https_proxy"), fromEnv("HTTP_PROXY"), fromEnv("http_proxy"));
  if (envProxy) proxy = setting({ url: envProxy.value.trim() }, envProxy.source);
  else {
    const p = fromFiles("http", "proxy_url");
    if (p) {
      const username = fromFiles("http", "proxy_username")?.value;
      const password = fromFiles("http", "proxy_password")?.value;
      proxy = setting({ url: p.value, ...(username ? { username } : {}), ...(password ? { password } : {}) }, p.source);
    }
  }
  const noProxy = first(fromEnv("NO_PROXY"), fromEnv("no_proxy"));

  const caList: Array<Setting<string>> = [];
  const caFlag = fromFlag(flags.caFile, "caFile");
  if (caFlag) caList.push(setting(resolvePath(cwd, caFlag.value), caFlag.source));
  const caIni = fromFiles("http", "ca_file");
  if (caIni) caList.push(setting(resolvePath(dirname(caIni.source.file!), caIni.value), caIni.source));
  for (const name of ["NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "CURL_CA_BUNDLE"]) {
    const e = fromEnv(name);
    if (e) caList.push(setting(resolvePath(cwd, e.value), e.source));
  }
  const caPaths = [...new Set(caList.map((c) => c.value))];
  const caFiles: Setting<string[]> =
    caList.length === 0
      ? setting([], DEFAULT_SOURCE)
      : setting(caPaths, { ...caList[0]!.source, label: [...new Set(caList.map((c) => c.source.label))].join(", ") });

  const boolFromFile = (section: string, key: string): Setting<boolean> | undefined => {
    const s = fromFiles(section, key);
    if (!s) return undefined;
    const b = parseBool(s.value);
    if (b === undefined) {
      warnings.push(`ignoring ${s.source.label}='${s.value}': expected true or false`);
      return undefined;
    }
    return setting(b, s.source);
  };
  const verifySsl = boolFromFile("http", "verify_ssl") ?? setting(true, DEFAULT_SOURCE);
  if (!verifySsl.value) {
    warnings.push(
      `TLS certificate verification is off (${verifySsl.source.label} = false): anyone on the network path can read or change what is sent to Sentry`,
    );
  }
  const keepalive = boolFromFile("http", "keepalive");

  let allowFailure: Setting<boolean> = setting(false, DEFAULT_SOURCE);
  if (flags.allowFailure) allowFailure = setting(true, flagSource("allowFailure", surface));
  else {
    const a = fromEnv("SENTRY_ALLOW_FAILURE");
    if (a && ["1", "true"].includes(a.value.trim().toLowerCase())) allowFailure = setting(true, a.source);
  }

  return {
    ...(surface ? { surface } : {}),
    url: urlSetting,
    ...(token ? { authToken: token } : {}),
    ...(org ? { org } : {}),
    ...(projects ? { projects } : {}),
    ...(dsn ? { dsn } : {}),
    ...(release ? { release } : {}),
    ...(environment ? { environment } : {}),
    logLevel,
    maxRetries,
    headers,
    vcsRemote,
    ...(pipeline ? { pipeline } : {}),
    ...(proxy ? { proxy } : {}),
    ...(noProxy ? { noProxy } : {}),
    caFiles,
    verifySsl,
    ...(keepalive ? { keepalive } : {}),
    allowFailure,
    filesLoaded: files.map((f) => f.path),
    warnings,
    ...(orgToken ? { orgToken } : {}),
    loginTarget: loaded.loginTarget,
  };
}
