import { describe, expect, it } from "vitest";
import { loadDotenvWithKeys } from "../../src/config/dotenv.js";
import { parseHeader, resolveConfig } from "../../src/config/resolve.js";
import { makeOrgToken } from "../../src/config/token.js";
import { ConfigError, UsageError } from "../../src/errors.js";
import { makeWorld, USER_TOKEN } from "../support/world.js";

const SAME_SOURCE_HINT =
  "Configure the URL and the auth token together: in the same config file, or both through command-line flags and environment variables.";

describe("resolveConfig: files", () => {
  it("uses defaults when nothing is configured", () => {
    const w = makeWorld();
    const c = w.resolve();
    expect(c.url).toEqual({
      value: "https://sentry.io",
      source: { kind: "default", label: "default", group: "default" },
    });
    expect(c.authToken).toBeUndefined();
    expect(c.org).toBeUndefined();
    expect(c.projects).toBeUndefined();
    expect(c.maxRetries.value).toBe(5);
    expect(c.vcsRemote).toEqual({ value: "origin", source: { kind: "default", label: "default", group: "default" } });
    expect(c.headers.value).toEqual([]);
    expect(c.verifySsl.value).toBe(true);
    expect(c.allowFailure.value).toBe(false);
    expect(c.logLevel?.value).toBe("warn");
    expect(c.filesLoaded).toEqual([]);
    expect(c.warnings).toEqual([]);
    expect(c.loginTarget).toEqual({ global: w.path("home/.sentryclirc") });
  });

  it("reads the global rc and labels each value with the file, section and key", () => {
    const w = makeWorld({ "home/.sentryclirc": "[defaults]\norg = home-org\nproject=home-proj\n" });
    const c = w.resolve();
    const rc = w.path("home/.sentryclirc");
    expect(c.org).toEqual({
      value: "home-org",
      source: { kind: "file", label: `${rc} ([defaults] org)`, file: rc, group: rc },
    });
    expect(c.projects?.value).toEqual(["home-proj"]);
    expect(c.projects?.source.label).toBe(`${rc} ([defaults] project)`);
    expect(c.filesLoaded).toEqual([rc]);
  });

  it("merges the nearest project rc over the global rc, key by key", () => {
    const w = makeWorld({
      "home/.sentryclirc": "[defaults]\norg=home-org\nproject=home-proj\n",
      "repo/.sentryclirc": "[defaults]\norg=proj-org\n",
    });
    const c = w.resolve({ cwd: "repo/sub/deeper" });
    expect(c.org?.value).toBe("proj-org");
    expect(c.org?.source.file).toBe(w.path("repo/.sentryclirc"));
    expect(c.projects?.value).toEqual(["home-proj"]);
    expect(c.filesLoaded).toEqual([w.path("home/.sentryclirc"), w.path("repo/.sentryclirc")]);
    expect(c.loginTarget).toEqual({ project: w.path("repo/.sentryclirc"), global: w.path("home/.sentryclirc") });
  });

  it("reads only the nearest project file when several directories have one", () => {
    const w = makeWorld({
      "home/.sentryclirc": "[defaults]\nproject=home-proj\n",
      "repo/.sentryclirc": "[defaults]\norg=proj-org\npipeline=outer\n",
      "repo/sub/.sentryclirc": "[defaults]\norg=sub-org\n",
    });
    const c = w.resolve({ cwd: "repo/sub/deeper" });
    expect(c.org?.value).toBe("sub-org");
    expect(c.pipeline).toBeUndefined();
    expect(c.projects?.value).toEqual(["home-proj"]);
    expect(c.filesLoaded).toEqual([w.path("home/.sentryclirc"), w.path("repo/sub/.sentryclirc")]);
  });

  it("prefers .sentryclirc over sentrycli.ini in the same directory, and finds sentrycli.ini alone", () => {
    const w = makeWorld({
      "repo/.sentryclirc": "[defaults]\norg=rc\n",
      "repo/sentrycli.ini": "[defaults]\norg=ini\n",
      "repo/sub/sentrycli.ini": "[defaults]\norg=sub-ini\n",
    });
    expect(w.resolve().org?.value).toBe("rc");
    expect(w.resolve({ cwd: "repo/sub" }).org?.value).toBe("sub-ini");
  });

  it("falls back to the XDG config dir for the global file, and prefers ~/.sentryclirc when both exist", () => {
    const w = makeWorld({
      "xdg/sentry/sentrycli.ini": "[defaults]\norg=xdg-org\n",
      "home/.config/sentry/sentrycli.ini": "[defaults]\norg=dotconfig-org\n",
    });
    const xdg = w.resolve({ env: { XDG_CONFIG_HOME: w.path("xdg") } });
    expect(xdg.org?.value).toBe("xdg-org");
    expect(xdg.loginTarget.global).toBe(w.path("xdg/sentry/sentrycli.ini"));
    expect(w.resolve().org?.value).toBe("dotconfig-org");
    w.write({ "home/.sentryclirc": "[defaults]\norg=rc-org\n" });
    expect(w.resolve({ env: { XDG_CONFIG_HOME: w.path("xdg") } }).org?.value).toBe("rc-org");
  });

  it("skips the global file when SENTRY_INTEGRATION_TEST is set", () => {
    const w = makeWorld({ "home/.sentryclirc": "[defaults]\norg=home-org\n" });
    const c = w.resolve({ env: { SENTRY_INTEGRATION_TEST: "1" } });
    expect(c.org).toBeUndefined();
    expect(c.filesLoaded).toEqual([]);
  });

  it("does not treat ~/.sentryclirc as a project file when cwd is under home", () => {
    const w = makeWorld({ "home/.sentryclirc": "[defaults]\norg=home-org\n" });
    w.write({ "home/work/x.txt": "" });
    const c = w.resolve({ cwd: "home/work" });
    expect(c.filesLoaded).toEqual([w.path("home/.sentryclirc")]);
    expect(c.loginTarget).toEqual({ global: w.path("home/.sentryclirc") });
  });

  it("merges SENTRY_PROPERTIES over the INI files, splitting keys at the last dot", () => {
    const w = makeWorld({
      "home/.sentryclirc": "[defaults]\norg=home-org\nproject=home-proj\n",
      "repo/.sentryclirc": "[defaults]\norg=proj-org\n",
      "repo/sentry.properties": "# comment\ndefaults.org=props-org\nhttp.max_retries : 2\n",
    });
    const c = w.resolve({ env: { SENTRY_PROPERTIES: "sentry.properties" } });
    const props = w.path("repo/sentry.properties");
    expect(c.org).toEqual({
      value: "props-org",
      source: { kind: "file", label: `${props} (defaults.org)`, file: props, group: props },
    });
    expect(c.projects?.value).toEqual(["home-proj"]);
    expect(c.maxRetries.value).toBe(2);
    expect(c.filesLoaded).toEqual([w.path("home/.sentryclirc"), w.path("repo/.sentryclirc"), props]);
  });

  it("warns when SENTRY_PROPERTIES names a missing file", () => {
    const w = makeWorld();
    const c = w.resolve({ env: { SENTRY_PROPERTIES: "/nonexistent/sentry.properties" } });
    expect(c.warnings).toEqual([
      "SENTRY_PROPERTIES names /nonexistent/sentry.properties, which does not exist; ignoring it",
    ]);
  });

  it("reports a malformed INI file with its path and line number", () => {
    const w = makeWorld({ "repo/.sentryclirc": "; comment\n[defaults]\norg acme\n" });
    expect(() => w.resolve()).toThrow(ConfigError);
    expect(() => w.resolve()).toThrow(
      `${w.path("repo/.sentryclirc")}:3: expected 'key = value' or '[section]', found 'org acme'`,
    );
  });

  it("does not quote a malformed line that looks like a token", () => {
    const w = makeWorld({ "home/.sentryclirc": `[auth]\n${USER_TOKEN}\n` });
    expect(() => w.resolve()).toThrow(
      `${w.path("home/.sentryclirc")}:2: expected 'key = value' or '[section]', found <a line that looks like a token>`,
    );
  });
});

describe("resolveConfig: precedence and provenance", () => {
  const files = {
    "home/.sentryclirc": [
      "[defaults]",
      "org=file-org",
      "project=file-proj",
      "environment=file-env",
      "vcs_remote=upstream",
      "pipeline=file-pipe/1",
      "custom_header=X-File: f",
      "[log]",
      "level=error",
      "[http]",
      "max_retries=7",
      "[auth]",
      "dsn=https://k@o1.ingest.example/1",
    ].join("\n"),
  };
  const env = {
    SENTRY_ORG: "env-org",
    SENTRY_PROJECT: "env-proj",
    SENTRY_ENVIRONMENT: "env-env",
    SENTRY_VCS_REMOTE: "env-remote",
    SENTRY_PIPELINE: "env-pipe/2",
    CUSTOM_HEADER: "X-Env: e",
    SENTRY_LOG_LEVEL: "info",
    SENTRY_HTTP_MAX_RETRIES: "1",
    SENTRY_DSN: "https://a@o1.ingest.example/1, https://b@o1.ingest.example/2",
    SENTRY_RELEASE: "env-rel",
  };
  const flags = {
    org: "flag-org",
    project: ["p1", "p2"],
    environment: "flag-env",
    header: ["X-A: 1", "X-B:2"],
    logLevel: "debug",
    dsn: ["https://f@o1.ingest.example/3"],
    release: "flag-rel",
  };

  it("takes file values when only files are configured", () => {
    const w = makeWorld(files);
    const c = w.resolve();
    expect(c.org?.value).toBe("file-org");
    expect(c.projects?.value).toEqual(["file-proj"]);
    expect(c.environment?.value).toBe("file-env");
    expect(c.vcsRemote.value).toBe("upstream");
    expect(c.pipeline?.value).toBe("file-pipe/1");
    expect(c.headers.value).toEqual([["X-File", "f"]]);
    expect(c.logLevel?.value).toBe("error");
    expect(c.maxRetries.value).toBe(7);
    expect(c.dsn?.value).toEqual(["https://k@o1.ingest.example/1"]);
    expect(c.release).toBeUndefined();
  });

  it("lets environment variables override files and names them as the source", () => {
    const w = makeWorld(files);
    const c = w.resolve({ env });
    expect(c.org).toEqual({ value: "env-org", source: { kind: "env", label: "SENTRY_ORG", group: "cli" } });
    expect(c.projects).toEqual({ value: ["env-proj"], source: { kind: "env", label: "SENTRY_PROJECT", group: "cli" } });
    expect(c.environment?.value).toBe("env-env");
    expect(c.vcsRemote.value).toBe("env-remote");
    expect(c.pipeline?.source.label).toBe("SENTRY_PIPELINE");
    expect(c.headers).toEqual({
      value: [["X-Env", "e"]],
      source: { kind: "env", label: "CUSTOM_HEADER", group: "cli" },
    });
    expect(c.logLevel?.value).toBe("info");
    expect(c.maxRetries).toEqual({ value: 1, source: { kind: "env", label: "SENTRY_HTTP_MAX_RETRIES", group: "cli" } });
    expect(c.dsn?.value).toEqual(["https://a@o1.ingest.example/1", "https://b@o1.ingest.example/2"]);
    expect(c.release).toEqual({ value: "env-rel", source: { kind: "env", label: "SENTRY_RELEASE", group: "cli" } });
  });

  it("lets flags override environment variables and files", () => {
    const w = makeWorld(files);
    const c = w.resolve({ env, flags });
    expect(c.org).toEqual({ value: "flag-org", source: { kind: "flag", label: "--org", group: "cli" } });
    expect(c.projects).toEqual({ value: ["p1", "p2"], source: { kind: "flag", label: "--project", group: "cli" } });
    expect(c.environment?.source.label).toBe("--env");
    expect(c.headers.value).toEqual([
      ["X-A", "1"],
      ["X-B", "2"],
    ]);
    expect(c.logLevel?.source.label).toBe("--log-level");
    expect(c.dsn).toEqual({
      value: ["https://f@o1.ingest.example/3"],
      source: { kind: "flag", label: "--dsn", group: "cli" },
    });
    expect(c.release?.value).toBe("flag-rel");
  });

  it("treats empty environment variables as unset", () => {
    const w = makeWorld(files);
    expect(w.resolve({ env: { SENTRY_ORG: "", SENTRY_PROJECT: "  " } }).org?.value).toBe("file-org");
  });

  it("labels variables that came from a .env file with that file", () => {
    const w = makeWorld({ "repo/.env": "SENTRY_ORG=dotenv-org\n" });
    const { env: loaded } = loadDotenvWithKeys({ SENTRY_PROJECT: "real" }, w.path("repo"));
    const c = resolveConfig({ flags: {}, env: loaded, cwd: w.path("repo"), homeDir: w.home });
    const file = w.path("repo/.env");
    expect(c.org).toEqual({
      value: "dotenv-org",
      source: { kind: "dotenv", label: `SENTRY_ORG (from ${file})`, file, group: "cli" },
    });
    expect(c.projects?.source).toEqual({ kind: "env", label: "SENTRY_PROJECT", group: "cli" });
    const explicit = resolveConfig({
      flags: {},
      env: { SENTRY_ORG: "x" },
      dotenvKeys: new Set(["SENTRY_ORG"]),
      cwd: w.path("repo"),
      homeDir: w.home,
    });
    expect(explicit.org?.source.label).toBe("SENTRY_ORG (from .env)");
  });

  it("ignores an invalid SENTRY_RELEASE with a warning and rejects an invalid --release", () => {
    const w = makeWorld();
    const c = w.resolve({ env: { SENTRY_RELEASE: "a/b" } });
    expect(c.release).toBeUndefined();
    expect(c.warnings).toEqual(["ignoring SENTRY_RELEASE='a/b': not a valid release version (it contains '/')"]);
    expect(() => w.resolve({ flags: { release: "latest" } })).toThrow(UsageError);
    expect(() => w.resolve({ flags: { release: "1.0 " } })).toThrow(
      "invalid value '1.0 ' for '--release': it has leading or trailing whitespace",
    );
    expect(() => w.resolve({ flags: { release: "latest" } })).toThrow(
      "invalid value 'latest' for '--release': 'latest' is reserved",
    );
  });

  it("refuses a token with a line break or control character inside, naming its source but not the token", () => {
    const w = makeWorld({ "home/.sentryclirc": "[auth]\ntoken=sntryu_SECRET1\u0001abc\n" });
    expect(() => w.resolve({ env: { SENTRY_AUTH_TOKEN: "sntryu_SECRET2\nabc" } })).toThrow(
      new ConfigError(
        "the auth token from SENTRY_AUTH_TOKEN has a line break or another control character inside: set it again, copied whole",
      ),
    );
    expect(() => w.resolve()).toThrow(ConfigError);
    expect(() => w.resolve()).not.toThrow(/SECRET/);
    expect(w.resolve({ env: { SENTRY_AUTH_TOKEN: "sntryu_abc\r\n" } }).authToken?.value).toBe("sntryu_abc");
  });

  it("warns about an invalid retry count and uses 5", () => {
    const w = makeWorld({ "home/.sentryclirc": "[http]\nmax_retries=lots\n" });
    const fromEnv = w.resolve({ env: { SENTRY_HTTP_MAX_RETRIES: "x" } });
    expect(fromEnv.maxRetries).toEqual({ value: 5, source: { kind: "default", label: "default", group: "default" } });
    expect(fromEnv.warnings).toEqual(["ignoring SENTRY_HTTP_MAX_RETRIES='x': not a whole number; using 5 retries"]);
    const fromFile = w.resolve();
    expect(fromFile.maxRetries.value).toBe(5);
    expect(fromFile.warnings).toEqual([
      `ignoring ${w.path("home/.sentryclirc")} ([http] max_retries)='lots': not a whole number; using 5 retries`,
    ]);
    expect(w.resolve({ env: { SENTRY_HTTP_MAX_RETRIES: "0" } }).maxRetries.value).toBe(0);
  });

  it("reads allow-failure from the flag or SENTRY_ALLOW_FAILURE=1/true only", () => {
    const w = makeWorld();
    expect(w.resolve({ flags: { allowFailure: true } }).allowFailure).toEqual({
      value: true,
      source: { kind: "flag", label: "--allow-failure", group: "cli" },
    });
    expect(w.resolve({ env: { SENTRY_ALLOW_FAILURE: "1" } }).allowFailure.value).toBe(true);
    expect(w.resolve({ env: { SENTRY_ALLOW_FAILURE: "true" } }).allowFailure.value).toBe(true);
    expect(w.resolve({ env: { SENTRY_ALLOW_FAILURE: "0" } }).allowFailure.value).toBe(false);
    expect(w.resolve({ env: { SENTRY_ALLOW_FAILURE: "yes" } }).allowFailure.value).toBe(false);
  });

  it("takes the proxy from the environment before [http] proxy_url and records NO_PROXY", () => {
    const w = makeWorld({
      "home/.sentryclirc": "[http]\nproxy_url=http://fileproxy:3128\nproxy_username=u\nproxy_password=p\n",
    });
    const file = w.resolve();
    expect(file.proxy?.value).toEqual({ url: "http://fileproxy:3128", username: "u", password: "p" });
    expect(file.proxy?.source.label).toBe(`${w.path("home/.sentryclirc")} ([http] proxy_url)`);
    expect(w.resolve({ env: { http_proxy: "http://lower:1", HTTPS_PROXY: "http://upper:2" } }).proxy).toEqual({
      value: { url: "http://upper:2" },
      source: { kind: "env", label: "HTTPS_PROXY", group: "cli" },
    });
    expect(w.resolve({ env: { http_proxy: "http://lower:1" } }).proxy?.value).toEqual({ url: "http://lower:1" });
    const np = w.resolve({ env: { no_proxy: "localhost,.internal" } });
    expect(np.noProxy).toEqual({
      value: "localhost,.internal",
      source: { kind: "env", label: "no_proxy", group: "cli" },
    });
  });

  it("collects CA files from the flag, [http] ca_file and the usual variables", () => {
    const w = makeWorld({ "home/.sentryclirc": "[http]\nca_file=certs/corp.pem\n" });
    const c = w.resolve({
      flags: { caFile: "ca.pem" },
      env: { SSL_CERT_FILE: "/etc/ssl/cert.pem", NODE_EXTRA_CA_CERTS: "/etc/ssl/cert.pem" },
    });
    expect(c.caFiles.value).toEqual([w.path("repo/ca.pem"), w.path("home/certs/corp.pem"), "/etc/ssl/cert.pem"]);
    expect(c.caFiles.source.label).toBe(
      `--ca-file, ${w.path("home/.sentryclirc")} ([http] ca_file), NODE_EXTRA_CA_CERTS, SSL_CERT_FILE`,
    );
    expect(w.resolve({ env: { CURL_CA_BUNDLE: "/b.pem" } }).caFiles.value).toEqual([
      w.path("home/certs/corp.pem"),
      "/b.pem",
    ]);
  });

  it("turns off TLS verification only with a warning, and reads keepalive", () => {
    const w = makeWorld({ "home/.sentryclirc": "[http]\nverify_ssl=false\nkeepalive = true\n" });
    const c = w.resolve();
    expect(c.verifySsl.value).toBe(false);
    expect(c.keepalive?.value).toBe(true);
    expect(c.warnings).toEqual([
      `TLS certificate verification is off (${w.path("home/.sentryclirc")} ([http] verify_ssl) = false): anyone on the network path can read or change what is sent to Sentry`,
    ]);
  });
});

describe("resolveConfig: URL", () => {
  it("strips the trailing slash and keeps the source", () => {
    const w = makeWorld();
    expect(w.resolve({ env: { SENTRY_URL: "http://127.0.0.1:8899/" } }).url).toEqual({
      value: "http://127.0.0.1:8899",
      source: { kind: "env", label: "SENTRY_URL", group: "cli" },
    });
    expect(w.resolve({ env: { SENTRY_URL: "http://a.example" }, flags: { url: "https://b.example/" } }).url.value).toBe(
      "https://b.example",
    );
  });

  it("rejects a URL without a scheme, naming the value and its source", () => {
    const w = makeWorld({ "repo/.sentryclirc": "[defaults]\nurl=localhost:9000\n" });
    expect(() => w.resolve({ env: { SENTRY_URL: "127.0.0.1:8899" } })).toThrow(
      "bad Sentry URL '127.0.0.1:8899' (from SENTRY_URL): it has no http:// or https:// scheme",
    );
    expect(() => w.resolve()).toThrow(
      `bad Sentry URL 'localhost:9000' (from ${w.path("repo/.sentryclirc")} ([defaults] url)): it has no http:// or https:// scheme`,
    );
  });

  it("rejects a URL that is not the server root", () => {
    const w = makeWorld();
    expect(() => w.resolve({ flags: { url: "http://127.0.0.1:8899/sentry" } })).toThrow(
      "bad Sentry URL 'http://127.0.0.1:8899/sentry' (from --url): it is not the server's root URL (remove the path '/sentry'; try 'http://127.0.0.1:8899')",
    );
    expect(() => w.resolve({ flags: { url: "ftp://x.example" } })).toThrow("its scheme is ftp, not http or https");
  });
});

describe("resolveConfig: the 3.8 same-source rule between URL and token", () => {
  const IGNORE_URL = (urlFrom: string, tokenFrom: string) =>
    `ignoring the URL from ${urlFrom} because the auth token comes from a different configuration source (${tokenFrom}); using https://sentry.io. ${SAME_SOURCE_HINT}`;
  const IGNORE_TOKEN = (tokenFrom: string, urlFrom: string) =>
    `ignoring the auth token from ${tokenFrom} because the URL comes from a different configuration source (${urlFrom}). ${SAME_SOURCE_HINT}`;

  it("accepts token and URL from the same home rc", () => {
    const w = makeWorld({ "home/.sentryclirc": "[auth]\ntoken=home_token\n[defaults]\nurl=http://home.example/\n" });
    const c = w.resolve();
    expect(c.authToken?.value).toBe("home_token");
    expect(c.url.value).toBe("http://home.example");
    expect(c.warnings).toEqual([]);
  });

  it("accepts env+env, flag+flag and flag+env (one group)", () => {
    const w = makeWorld();
    for (const [flags, env] of [
      [{}, { SENTRY_AUTH_TOKEN: USER_TOKEN, SENTRY_URL: "http://e.example" }],
      [{ authToken: USER_TOKEN, url: "http://e.example" }, {}],
      [{ authToken: USER_TOKEN }, { SENTRY_URL: "http://e.example" }],
      [{ url: "http://e.example" }, { SENTRY_AUTH_TOKEN: USER_TOKEN }],
    ] as const) {
      const c = w.resolve({ flags, env });
      expect(c.authToken?.value).toBe(USER_TOKEN);
      expect(c.url.value).toBe("http://e.example");
      expect(c.warnings).toEqual([]);
    }
  });

  it("ignores a home-rc URL when the token comes from the environment", () => {
    const w = makeWorld({ "home/.sentryclirc": "[auth]\ntoken=home_token\n[defaults]\nurl=http://home.example\n" });
    const c = w.resolve({ env: { SENTRY_AUTH_TOKEN: "env_tok" } });
    expect(c.authToken?.value).toBe("env_tok");
    expect(c.url).toEqual({
      value: "https://sentry.io",
      source: { kind: "default", label: "default", group: "default" },
    });
    expect(c.warnings).toEqual([IGNORE_URL(`${w.path("home/.sentryclirc")} ([defaults] url)`, "SENTRY_AUTH_TOKEN")]);
  });

  it("ignores a home-rc token when the URL comes from the environment or --url", () => {
    const w = makeWorld({ "home/.sentryclirc": "[auth]\ntoken=home_token\n" });
    const c = w.resolve({ env: { SENTRY_URL: "http://env.example" } });
    expect(c.authToken).toBeUndefined();
    expect(c.url.value).toBe("http://env.example");
    expect(c.warnings).toEqual([IGNORE_TOKEN(`${w.path("home/.sentryclirc")} ([auth] token)`, "SENTRY_URL")]);
    expect(w.resolve({ flags: { url: "http://flag.example" } }).authToken).toBeUndefined();
  });

  it("keeps a home-rc token when the URL from the environment or --url is the one stored beside it", () => {
    const w = makeWorld({ "home/.sentryclirc": "[auth]\ntoken=home_token\n[defaults]\nurl=http://env.example/\n" });
    for (const c of [
      w.resolve({ env: { SENTRY_URL: "http://env.example" } }),
      w.resolve({ flags: { url: "http://env.example/" } }),
    ]) {
      expect(c.authToken?.value).toBe("home_token");
      expect(c.url.value).toBe("http://env.example");
      expect(c.warnings).toEqual([]);
    }
    // Another URL is still a conflict: the token was stored for env.example.
    const other = w.resolve({ env: { SENTRY_URL: "http://other.example" } });
    expect(other.authToken).toBeUndefined();
    expect(other.warnings).toEqual([IGNORE_TOKEN(`${w.path("home/.sentryclirc")} ([auth] token)`, "SENTRY_URL")]);
  });

  it("ignores a home-rc token when the URL comes from the project rc", () => {
    const w = makeWorld({
      "home/.sentryclirc": "[auth]\ntoken=home_token\n",
      "repo/.sentryclirc": "[defaults]\nurl=http://proj.example\n",
    });
    const c = w.resolve();
    expect(c.authToken).toBeUndefined();
    expect(c.url.value).toBe("http://proj.example");
    expect(c.warnings).toEqual([
      IGNORE_TOKEN(`${w.path("home/.sentryclirc")} ([auth] token)`, `${w.path("repo/.sentryclirc")} ([defaults] url)`),
    ]);
  });

  it("ignores a home-rc URL when the token comes from the project rc", () => {
    const w = makeWorld({
      "home/.sentryclirc": "[defaults]\nurl=http://home.example\n",
      "repo/.sentryclirc": "[auth]\ntoken=proj_token\n",
    });
    const c = w.resolve();
    expect(c.authToken?.value).toBe("proj_token");
    expect(c.url.value).toBe("https://sentry.io");
    expect(c.warnings).toHaveLength(1);
  });

  it("uses token and URL from the project rc when the home rc has another URL", () => {
    const w = makeWorld({
      "home/.sentryclirc": "[auth]\ntoken=home_token\n[defaults]\nurl=http://home.example\n",
      "repo/.sentryclirc": "[auth]\ntoken=proj_token\n[defaults]\nurl=http://proj.example\n",
    });
    const c = w.resolve();
    expect(c.authToken?.value).toBe("proj_token");
    expect(c.url.value).toBe("http://proj.example");
    expect(c.warnings).toEqual([]);
  });

  it("accepts token and URL that both come from SENTRY_PROPERTIES", () => {
    const w = makeWorld({
      "home/.sentryclirc": "[auth]\ntoken=home_token\n",
      "p.properties": "auth.token=props_tok\ndefaults.url=http://props.example\n",
    });
    const c = w.resolve({ env: { SENTRY_PROPERTIES: w.path("p.properties") } });
    expect(c.authToken?.value).toBe("props_tok");
    expect(c.url.value).toBe("http://props.example");
    expect(c.warnings).toEqual([]);
  });

  it("ignores a home-rc token when only the URL comes from SENTRY_PROPERTIES", () => {
    const w = makeWorld({
      "home/.sentryclirc": "[auth]\ntoken=home_token\n",
      "p.properties": "defaults.url=http://props.example\n",
    });
    const c = w.resolve({ env: { SENTRY_PROPERTIES: w.path("p.properties") } });
    expect(c.authToken).toBeUndefined();
    expect(c.url.value).toBe("http://props.example");
  });

  it("does not apply when the URL is the default", () => {
    const w = makeWorld({ "home/.sentryclirc": "[auth]\ntoken=home_token\n" });
    const c = w.resolve();
    expect(c.authToken?.value).toBe("home_token");
    expect(c.warnings).toEqual([]);
  });
});

describe("resolveConfig: auth tokens", () => {
  const orgToken = makeOrgToken({ org: "tok-org", url: "http://127.0.0.1:8899" });
  const noUrlToken = makeOrgToken({ org: "tok-org" });

  it("takes the URL and org from an org auth token", () => {
    const w = makeWorld();
    const c = w.resolve({ env: { SENTRY_AUTH_TOKEN: orgToken } });
    expect(c.url).toEqual({
      value: "http://127.0.0.1:8899",
      source: { kind: "token", label: "the org auth token", group: "token" },
    });
    expect(c.org).toEqual({ value: "tok-org", source: { kind: "token", label: "the org auth token", group: "token" } });
    expect(c.orgToken).toEqual({ org: "tok-org", url: "http://127.0.0.1:8899", regionUrl: "http://127.0.0.1:8899" });
    expect(c.warnings).toEqual([]);
  });

  it("decodes the org token captured from sentry-cli's traffic", () => {
    const w = makeWorld();
    const captured =
      "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";
    expect(w.resolve({ flags: { authToken: captured } }).orgToken?.org).toBe("tok-org");
  });

  it("overrides a configured URL and a flag/env org with warnings", () => {
    const w = makeWorld({ "home/.sentryclirc": "[defaults]\nurl=http://home.example/\n" });
    const c = w.resolve({ env: { SENTRY_AUTH_TOKEN: orgToken, SENTRY_ORG: "other" } });
    expect(c.url.value).toBe("http://127.0.0.1:8899");
    expect(c.org?.value).toBe("tok-org");
    expect(c.warnings).toEqual([
      `using http://127.0.0.1:8899 (embedded in the org auth token) rather than the configured URL http://home.example (from ${w.path("home/.sentryclirc")} ([defaults] url)); to use http://home.example, provide an auth token for http://home.example`,
      "using organization `tok-org` (embedded in the org auth token) rather than `other` (from SENTRY_ORG); to use `other`, provide an auth token for that organization",
    ]);
  });

  it("overrides a file org silently, as sentry-cli does, and says nothing when values agree", () => {
    const w = makeWorld({ "home/.sentryclirc": "[defaults]\norg=home-org\n" });
    const c = w.resolve({ flags: { authToken: orgToken, url: "http://127.0.0.1:8899/", org: "tok-org" } });
    expect(c.org?.value).toBe("tok-org");
    expect(c.warnings).toEqual([]);
    expect(w.resolve({ env: { SENTRY_AUTH_TOKEN: orgToken } }).org?.value).toBe("tok-org");
    expect(w.resolve({ env: { SENTRY_AUTH_TOKEN: orgToken } }).warnings).toEqual([]);
  });

  it("keeps the URL embedded in an org token even when the token comes from another source", () => {
    const w = makeWorld({ "home/.sentryclirc": `[auth]\ntoken=${orgToken}\n` });
    const c = w.resolve({ env: { SENTRY_URL: "http://env.example" } });
    expect(c.authToken?.value).toBe(orgToken);
    expect(c.url.value).toBe("http://127.0.0.1:8899");
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatch(
      /^using http:\/\/127\.0\.0\.1:8899 \(embedded in the org auth token\) rather than the configured URL http:\/\/env\.example \(from SENTRY_URL\)/,
    );
  });

  it("applies the same-source rule to an org token without a URL, dropping its org too", () => {
    const w = makeWorld({ "home/.sentryclirc": `[auth]\ntoken=${noUrlToken}\n` });
    const c = w.resolve({ env: { SENTRY_URL: "http://env.example" } });
    expect(c.authToken).toBeUndefined();
    expect(c.org).toBeUndefined();
    expect(c.orgToken).toBeUndefined();
    expect(w.resolve().org?.value).toBe("tok-org");
  });

  it("warns about an unrecognized --auth-token format but still uses it", () => {
    const w = makeWorld();
    const c = w.resolve({ flags: { authToken: "abc" } });
    expect(c.authToken?.value).toBe("abc");
    expect(c.warnings).toEqual([
      "unrecognized auth token format (from --auth-token): make sure you copied the whole token",
    ]);
    expect(w.resolve({ flags: { authToken: USER_TOKEN } }).warnings).toEqual([]);
    expect(w.resolve({ flags: { authToken: "ab".repeat(32) } }).warnings).toEqual([]);
    expect(
      w.resolve({ flags: { authToken: "sntrys_bm90IGpzb24=_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } }).warnings,
    ).toHaveLength(1);
    // sentry-cli checks the format of the flag only.
    expect(w.resolve({ env: { SENTRY_AUTH_TOKEN: "abc" } }).warnings).toEqual([]);
  });

  it("rejects an org token whose embedded URL is bad", () => {
    const w = makeWorld();
    expect(() => w.resolve({ flags: { authToken: makeOrgToken({ org: "o", url: "sentry.example" }) } })).toThrow(
      "bad Sentry URL 'sentry.example' (from the org auth token): it has no http:// or https:// scheme",
    );
  });
});

describe("parseHeader", () => {
  it("splits at the first colon and trims", () => {
    expect(parseHeader("X-Custom:  a:b ", "--header")).toEqual(["X-Custom", "a:b"]);
  });

  it("rejects malformed headers without echoing the value", () => {
    expect(() => parseHeader("Authorization Bearer secret", "--header")).toThrow(
      "bad custom header from --header: it has no ':'; expected 'Name: value', e.g. 'X-Forwarded-Proto: https'",
    );
    expect(() => parseHeader(": v", "CUSTOM_HEADER")).toThrow(
      "bad custom header from CUSTOM_HEADER: the header name is empty",
    );
    expect(() => parseHeader("Bad Name: v", "--header")).toThrow("'Bad Name' is not a valid header name");
  });

  it("reports which of several --header flags is malformed", () => {
    const w = makeWorld();
    expect(() => w.resolve({ flags: { header: ["X-A: 1", "nope"] } })).toThrow(ConfigError);
    expect(() => w.resolve({ flags: { header: ["X-A: 1", "nope"] } })).toThrow(
      "bad custom header from --header #2: it has no ':'",
    );
  });
});
