/**
 * Oracle: the real sentry-cli 3.8.0 resolves the same temp trees. `info --config-status-json`
 * prints the org/project/URL it settled on and whether it has a token, without any request.
 */
import { describe, expect, it } from "vitest";
import { makeOrgToken } from "../../src/config/token.js";
import type { ConfigFlags } from "../../src/config/types.js";
import { runSentryCli } from "../support/sentryCli.js";
import { makeWorld, USER_TOKEN } from "../support/world.js";

interface Case {
  name: string;
  files: Record<string, string>;
  env?: Record<string, string>;
  flags?: ConfigFlags;
  cwd?: string;
  /** sentry-cli's status shows the configured org, before an org token overrides it. */
  skipOrg?: boolean;
}

const ORG_TOKEN = makeOrgToken({ org: "tok-org", url: "http://127.0.0.1:8899" });
const ORG_TOKEN_NO_URL = makeOrgToken({ org: "tok-org" });

const cases: Case[] = [
  {
    name: "home token + home url",
    files: { "home/.sentryclirc": `[auth]\ntoken=${USER_TOKEN}\n[defaults]\nurl=http://home.example/\norg=h\n` },
  },
  {
    name: "env token + home url",
    files: { "home/.sentryclirc": "[defaults]\nurl=http://home.example\n" },
    env: { SENTRY_AUTH_TOKEN: USER_TOKEN },
  },
  {
    name: "flag token + env url",
    files: {},
    env: { SENTRY_URL: "http://env.example" },
    flags: { authToken: USER_TOKEN },
  },
  {
    name: "home token + env url",
    files: { "home/.sentryclirc": `[auth]\ntoken=${USER_TOKEN}\n` },
    env: { SENTRY_URL: "http://env.example" },
  },
  {
    name: "home token + --url",
    files: { "home/.sentryclirc": `[auth]\ntoken=${USER_TOKEN}\n` },
    flags: { url: "http://flag.example" },
  },
  {
    name: "home token + project url",
    files: {
      "home/.sentryclirc": `[auth]\ntoken=${USER_TOKEN}\n`,
      "repo/.sentryclirc": "[defaults]\nurl=http://proj.example\n",
    },
  },
  {
    name: "project token + home url",
    files: {
      "home/.sentryclirc": "[defaults]\nurl=http://home.example\n",
      "repo/.sentryclirc": `[auth]\ntoken=${USER_TOKEN}\n`,
    },
  },
  {
    name: "project token+url over home token+url",
    files: {
      "home/.sentryclirc": "[auth]\ntoken=home_token\n[defaults]\nurl=http://home.example\n",
      "repo/.sentryclirc": `[auth]\ntoken=${USER_TOKEN}\n[defaults]\nurl=http://proj.example\n`,
    },
  },
  {
    name: "properties token+url",
    files: {
      "home/.sentryclirc": "[auth]\ntoken=home_token\n",
      "p.properties": `auth.token=${USER_TOKEN}\ndefaults.url=http://props.example\n`,
    },
    env: { SENTRY_PROPERTIES: "../p.properties" },
  },
  {
    name: "home token + properties url",
    files: {
      "home/.sentryclirc": `[auth]\ntoken=${USER_TOKEN}\n`,
      "p.properties": "defaults.url=http://props.example\n",
    },
    env: { SENTRY_PROPERTIES: "../p.properties" },
  },
  {
    name: "properties over project over home for org and project",
    files: {
      "home/.sentryclirc": "[defaults]\norg=home-org\nproject=home-proj\n",
      "repo/.sentryclirc": "[defaults]\norg=proj-org\n",
      "p.properties": "defaults.project=props-proj\n",
    },
    env: { SENTRY_PROPERTIES: "../p.properties" },
    cwd: "repo/sub/deeper",
  },
  {
    name: "nearest project file only",
    files: {
      "home/.sentryclirc": "[defaults]\nproject=home-proj\n",
      "repo/.sentryclirc": "[defaults]\norg=outer\n",
      "repo/sub/sentrycli.ini": "[defaults]\nurl=http://sub.example\n",
    },
    cwd: "repo/sub/deeper",
  },
  {
    name: "org token in env + home url",
    files: { "home/.sentryclirc": "[defaults]\nurl=http://home.example\n" },
    env: { SENTRY_AUTH_TOKEN: ORG_TOKEN },
    skipOrg: true,
  },
  {
    name: "org token in home + env url",
    files: { "home/.sentryclirc": `[auth]\ntoken=${ORG_TOKEN}\n` },
    env: { SENTRY_URL: "http://env.example" },
    skipOrg: true,
  },
  {
    name: "env url with several trailing slashes",
    files: {},
    env: { SENTRY_AUTH_TOKEN: "sntryu_" + "a".repeat(64), SENTRY_URL: "http://env.example///" },
  },
  {
    name: "url-less org token in home + env url",
    files: { "home/.sentryclirc": `[auth]\ntoken=${ORG_TOKEN_NO_URL}\n` },
    env: { SENTRY_URL: "http://env.example" },
  },
];

describe("resolveConfig against sentry-cli 3.8.0", () => {
  for (const c of cases) {
    it(`agrees with sentry-cli: ${c.name}`, async () => {
      const w = makeWorld(c.files);
      const cwd = w.path(c.cwd ?? "repo");
      const ours = w.resolve({ env: c.env ?? {}, flags: c.flags ?? {}, cwd: c.cwd ?? "repo" });

      const args: string[] = [];
      if (c.flags?.url) args.push("--url", c.flags.url);
      if (c.flags?.authToken) args.push("--auth-token", c.flags.authToken);
      args.push("info", "--config-status-json");
      const res = await runSentryCli(args, {
        cwd,
        env: {
          PATH: process.env.PATH,
          HOME: w.home,
          SENTRY_DISABLE_UPDATE_CHECK: "1",
          SENTRY_LOAD_DOTENV: "0",
          // `info` tries to authenticate against whatever URL it settled on: send that through a
          // dead loopback proxy so nothing leaves the machine (and nothing waits for DNS).
          http_proxy: "http://127.0.0.1:1",
          https_proxy: "http://127.0.0.1:1",
          SENTRY_HTTP_MAX_RETRIES: "0",
          ...c.env,
        },
      });
      const theirs = JSON.parse(res.stdout) as {
        config: { org: string | null; project: string | null; url: string };
        auth: { type: string | null };
      };
      const theirWarnings = res.stderr.split("\n").filter((l) => l.includes(" WARN "));

      expect(ours.url.value).toBe(theirs.config.url.replace(/\/+$/, ""));
      expect(ours.authToken !== undefined).toBe(theirs.auth.type === "token");
      if (!c.skipOrg) expect(ours.org?.value ?? null).toBe(theirs.config.org);
      expect(ours.projects?.value[0] ?? null).toBe(theirs.config.project);
      expect(ours.warnings.length).toBe(theirWarnings.length);
    });
  }
});
