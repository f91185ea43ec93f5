import { describe, expect, it } from "vitest";
import { ENV_ONLY_SETTINGS, FLAG_SETTINGS, flagSetting } from "../../src/config/settings.js";
import type { ResolvedConfig } from "../../src/config/types.js";
import { makeWorld, USER_TOKEN } from "../support/world.js";

/** A value resolveConfig accepts for each setting, and where it puts it. */
const PROBES: Record<string, { value: string; read: (c: ResolvedConfig) => unknown; expected?: unknown }> = {
  url: { value: "https://sentry.example.com/", read: (c) => c.url, expected: "https://sentry.example.com" },
  authToken: { value: USER_TOKEN, read: (c) => c.authToken },
  org: { value: "acme", read: (c) => c.org },
  project: { value: "frontend", read: (c) => c.projects, expected: ["frontend"] },
  release: { value: "1.2.3", read: (c) => c.release },
  environment: { value: "staging", read: (c) => c.environment },
  dsn: { value: "https://k@o1.example.com/1", read: (c) => c.dsn, expected: ["https://k@o1.example.com/1"] },
  logLevel: { value: "debug", read: (c) => c.logLevel },
  header: { value: "X-A: b", read: (c) => c.headers, expected: [["X-A", "b"]] },
  caFile: { value: "/etc/ca.pem", read: (c) => c.caFiles, expected: ["/etc/ca.pem"] },
  allowFailure: { value: "1", read: (c) => c.allowFailure, expected: true },
};

/** Settings `serve` reads itself, not through resolveConfig (tested with serve). */
const NOT_RESOLVED = new Set(["token"]);

describe("FLAG_SETTINGS (what the command reference says stands behind a flag)", () => {
  it("has a probe for every setting resolveConfig reads", () => {
    const rows = Object.keys(FLAG_SETTINGS).filter((k) => !NOT_RESOLVED.has(k));
    expect(rows.sort()).toEqual(Object.keys(PROBES).sort());
  });

  for (const [attr, probe] of Object.entries(PROBES)) {
    const row = FLAG_SETTINGS[attr]!;
    for (const name of row.env) {
      it(`${attr}: resolveConfig reads the environment variable ${name}`, () => {
        const c = makeWorld().resolve({ env: { [name]: probe.value } });
        const s = probe.read(c) as { value: unknown; source: { label: string } } | undefined;
        expect(s?.value).toEqual(probe.expected ?? probe.value);
        expect(s?.source.label).toBe(name);
      });
    }
    const rc = row.rc;
    if (rc) {
      it(`${attr}: resolveConfig reads [${rc.section}] ${rc.key} from .sentryclirc`, () => {
        const w = makeWorld({ "repo/.sentryclirc": `[${rc.section}]\n${rc.key} = ${probe.value}\n` });
        const s = probe.read(w.resolve()) as { value: unknown; source: { label: string } } | undefined;
        const expected = attr === "caFile" ? [probe.value] : (probe.expected ?? probe.value);
        expect(s?.value).toEqual(expected);
        expect(s?.source.label).toBe(`${w.path("repo/.sentryclirc")} ([${rc.section}] ${rc.key})`);
      });
    }
  }

  it("limits a setting to the commands that read it", () => {
    expect(flagSetting("send-event", "environment")?.env).toEqual(["SENTRY_ENVIRONMENT"]);
    expect(flagSetting("deploys new", "environment")).toBeUndefined();
    expect(flagSetting("deploys new", "project")).toBeUndefined();
    expect(flagSetting("releases new", "org")?.env).toEqual(["SENTRY_ORG"]);
    expect(flagSetting("releases new", "constructor")).toBeUndefined();
  });
});

describe("ENV_ONLY_SETTINGS (the reference's settings without a flag)", () => {
  const read: Record<string, { value: string; get: (c: ResolvedConfig) => unknown; expected: unknown }> = {
    SENTRY_HTTP_MAX_RETRIES: { value: "3", get: (c) => c.maxRetries, expected: 3 },
    SENTRY_VCS_REMOTE: { value: "upstream", get: (c) => c.vcsRemote, expected: "upstream" },
    SENTRY_PIPELINE: { value: "ci/1", get: (c) => c.pipeline, expected: "ci/1" },
    HTTPS_PROXY: { value: "http://proxy:3128", get: (c) => c.proxy, expected: { url: "http://proxy:3128" } },
    NO_PROXY: { value: "internal.example.com", get: (c) => c.noProxy, expected: "internal.example.com" },
  };
  for (const s of ENV_ONLY_SETTINGS) {
    for (const name of s.env) {
      it(`reads ${name} (${s.what})`, () => {
        const probe = read[name] ?? read[name.toUpperCase()] ?? read.HTTPS_PROXY!;
        const got = probe.get(makeWorld().resolve({ env: { [name]: probe.value } })) as {
          value: unknown;
          source: { label: string };
        };
        expect(got?.value).toEqual(probe.expected);
        expect(got?.source.label).toBe(name);
      });
    }
    for (const rc of s.rc ?? []) {
      it(`reads [${rc.section}] ${rc.key} (${s.what})`, () => {
        const v =
          rc.key === "verify_ssl"
            ? "false"
            : rc.key === "max_retries"
              ? "2"
              : rc.key === "proxy_url"
                ? "http://p:1"
                : "x";
        const extra = rc.key.startsWith("proxy_") && rc.key !== "proxy_url" ? "proxy_url = http://p:1\n" : "";
        const w = makeWorld({ "repo/.sentryclirc": `[${rc.section}]\n${extra}${rc.key} = ${v}\n` });
        const c = w.resolve();
        const got =
          rc.key === "verify_ssl"
            ? c.verifySsl.value
            : rc.key === "max_retries"
              ? c.maxRetries.value
              : rc.key === "vcs_remote"
                ? c.vcsRemote.value
                : rc.key === "pipeline"
                  ? c.pipeline?.value
                  : ((c.proxy?.value ?? {}) as unknown as Record<string, string>)[
                      rc.key === "proxy_url" ? "url" : rc.key.slice(6)
                    ];
        expect(got).toEqual(rc.key === "verify_ssl" ? false : rc.key === "max_retries" ? 2 : v === "x" ? "x" : v);
      });
    }
  }
});
