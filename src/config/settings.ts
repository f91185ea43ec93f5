/**
 * Which environment variables and config-file keys stand behind a command-line flag, as data, for
 * the generated command reference (scripts/docs-reference.mjs). resolve.ts is the code that reads
 * them; test/config/settings.unit.test.ts checks every row below against it, so the reference
 * cannot claim a variable or key that resolveConfig does not read. Also the one place that knows
 * how messages name a setting: as a flag on the command line, as an option in the Node API.
 */

export interface FlagSetting {
  /** Environment variables, in the order they are tried. */
  env: string[];
  /** `[section] key` in .sentryclirc / sentrycli.ini (`section.key` in a properties file). */
  rc?: { section: string; key: string };
  /** What the value adds up with, when the sources do not simply override each other. */
  note?: string;
  /**
   * Commands (as "group verb") whose flag of this name does not read the setting: the command
   * takes the flag's value only.
   */
  flagOnlyIn?: string[];
  /** When set, only these commands read the setting (the others take the flag only). */
  onlyIn?: string[];
}

/** Keyed by commander's attribute name of the flag (`--auth-token` → `authToken`). */
export const FLAG_SETTINGS: Record<string, FlagSetting> = {
  url: { env: ["SENTRY_URL"], rc: { section: "defaults", key: "url" } },
  authToken: { env: ["SENTRY_AUTH_TOKEN"], rc: { section: "auth", key: "token" } },
  org: { env: ["SENTRY_ORG"], rc: { section: "defaults", key: "org" } },
  project: {
    env: ["SENTRY_PROJECT"],
    rc: { section: "defaults", key: "project" },
    flagOnlyIn: ["deploys new", "deploys list"],
  },
  release: {
    env: ["SENTRY_RELEASE"],
    onlyIn: ["deploys", "deploys new", "deploys list", "sourcemaps upload", "send-event"],
  },
  environment: {
    env: ["SENTRY_ENVIRONMENT"],
    rc: { section: "defaults", key: "environment" },
    onlyIn: ["send-event"],
  },
  dsn: {
    env: ["SENTRY_DSN"],
    rc: { section: "auth", key: "dsn" },
    onlyIn: ["send-event", "send-envelope", "monitors run"],
  },
  logLevel: { env: ["SENTRY_LOG_LEVEL"], rc: { section: "log", key: "level" } },
  header: { env: ["CUSTOM_HEADER"], rc: { section: "defaults", key: "custom_header" } },
  caFile: {
    env: ["NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "CURL_CA_BUNDLE"],
    rc: { section: "http", key: "ca_file" },
    note: "every source adds its certificates; none replaces another",
  },
  allowFailure: { env: ["SENTRY_ALLOW_FAILURE"] },
  token: { env: ["SENTRY_SHIP_SERVE_TOKEN"], onlyIn: ["serve"] },
};

/** The setting behind `attribute` on the command `path` ("releases new"), if any. */
export function flagSetting(path: string, attribute: string): FlagSetting | undefined {
  const s = Object.hasOwn(FLAG_SETTINGS, attribute) ? FLAG_SETTINGS[attribute] : undefined;
  if (!s) return undefined;
  if (s.onlyIn && !s.onlyIn.includes(path)) return undefined;
  if (s.flagOnlyIn?.includes(path)) return undefined;
  return s;
}

/** A setting no flag sets: only the environment or a config file. */
export interface EnvOnlySetting {
  what: string;
  env: string[];
  rc?: Array<{ section: string; key: string }>;
  default?: string;
}

/** Settings without a flag, for the reference's index (checked against resolveConfig like the above). */
export const ENV_ONLY_SETTINGS: EnvOnlySetting[] = [
  {
    what: "retries of a failed request (network errors, 429, 502/503/504)",
    env: ["SENTRY_HTTP_MAX_RETRIES"],
    rc: [{ section: "http", key: "max_retries" }],
    default: "5",
  },
  {
    what: "the git remote `set-commits --auto` matches against the organization's repositories",
    env: ["SENTRY_VCS_REMOTE"],
    rc: [{ section: "defaults", key: "vcs_remote" }],
    default: "origin",
  },
  {
    what: "a pipeline name added to the User-Agent",
    env: ["SENTRY_PIPELINE"],
    rc: [{ section: "defaults", key: "pipeline" }],
  },
  {
    what: "the proxy every request goes through",
    env: ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"],
    rc: [
      { section: "http", key: "proxy_url" },
      { section: "http", key: "proxy_username" },
      { section: "http", key: "proxy_password" },
    ],
  },
  { what: "hosts reached without the proxy (comma-separated)", env: ["NO_PROXY", "no_proxy"] },
  {
    what: "verify the server's TLS certificate",
    env: [],
    rc: [{ section: "http", key: "verify_ssl" }],
    default: "true",
  },
];

/**
 * Who is told about a setting: a person at a command line (settings are flags) or the code that
 * called the Node API (settings are options of the call's object).
 */
export type Surface = "cli" | "api";

/** Each setting's flag, and its Node API option where that is not the key itself. */
const SETTING_NAMES = {
  url: { flag: "--url" },
  authToken: { flag: "--auth-token" },
  org: { flag: "--org" },
  project: { flag: "--project" },
  release: { flag: "--release" },
  dist: { flag: "--dist" },
  environment: { flag: "--env" },
  dsn: { flag: "--dsn" },
  logLevel: { flag: "--log-level" },
  header: { flag: "--header", option: "headers" },
  caFile: { flag: "--ca-file" },
  allowFailure: { flag: "--allow-failure" },
} satisfies Record<string, { flag: string; option?: string }>;

export type SettingKey = keyof typeof SETTING_NAMES;

/** How messages name a setting: `--org` on the command line, "the `org` option" in the Node API. */
export function settingName(key: SettingKey, surface: Surface = "cli"): string {
  const names: { flag: string; option?: string } = SETTING_NAMES[key];
  return surface === "cli" ? names.flag : `the \`${names.option ?? key}\` option`;
}
