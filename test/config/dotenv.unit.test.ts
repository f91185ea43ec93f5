import { describe, expect, it } from "vitest";
import { dotenvInfo, firstBadDotenvLine, loadDotenv, loadDotenvWithKeys } from "../../src/config/dotenv.js";
import { ConfigError } from "../../src/errors.js";
import { makeWorld } from "../support/world.js";

describe("loadDotenv", () => {
  it("loads .env from cwd without overriding variables that are already set", () => {
    const w = makeWorld({
      "repo/.env":
        "SENTRY_ORG=dotenv-org\nSENTRY_PROJECT=dotenv-proj\n# comment\n\nexport SENTRY_URL='http://x.example'\n",
    });
    const input = { SENTRY_PROJECT: "real" };
    const r = loadDotenvWithKeys(input, w.path("repo"));
    expect({ ...r.env }).toEqual({ SENTRY_ORG: "dotenv-org", SENTRY_PROJECT: "real", SENTRY_URL: "http://x.example" });
    expect([...r.dotenvKeys].sort()).toEqual(["SENTRY_ORG", "SENTRY_URL"]);
    expect(r.dotenvFiles.get("SENTRY_ORG")).toBe(w.path("repo/.env"));
    expect(r.files).toEqual([w.path("repo/.env")]);
    expect(input).toEqual({ SENTRY_PROJECT: "real" });
  });

  it("finds .env in a parent directory, as sentry-cli (dotenvy) does", () => {
    const w = makeWorld({ "repo/.env": "SENTRY_ORG=parent\n" });
    expect(loadDotenv({}, w.path("repo/sub/deeper")).SENTRY_ORG).toBe("parent");
  });

  it("keeps the provenance on the returned env, hidden from enumeration", () => {
    const w = makeWorld({ "repo/.env": "SENTRY_ORG=o\n" });
    const env = loadDotenv({}, w.path("repo"));
    expect(Object.keys(env)).toEqual(["SENTRY_ORG"]);
    expect(JSON.stringify(env)).toBe('{"SENTRY_ORG":"o"}');
    expect([...(dotenvInfo(env)?.dotenvKeys ?? [])]).toEqual(["SENTRY_ORG"]);
    expect(dotenvInfo({ ...env })).toBeUndefined();
  });

  it("is disabled by SENTRY_LOAD_DOTENV set to anything but 1", () => {
    const w = makeWorld({ "repo/.env": "SENTRY_ORG=o\n", "a.env": "SENTRY_ORG=a\n" });
    expect(loadDotenv({ SENTRY_LOAD_DOTENV: "0" }, w.path("repo")).SENTRY_ORG).toBeUndefined();
    expect(loadDotenv({ SENTRY_LOAD_DOTENV: "true" }, w.path("repo")).SENTRY_ORG).toBeUndefined();
    expect(
      loadDotenv({ SENTRY_LOAD_DOTENV: "0", SENTRY_DOTENV_PATH: w.path("a.env") }, w.path("repo")).SENTRY_ORG,
    ).toBeUndefined();
    expect(loadDotenv({ SENTRY_LOAD_DOTENV: "1" }, w.path("repo")).SENTRY_ORG).toBe("o");
  });

  it("loads SENTRY_DOTENV_PATH instead of .env, overriding existing variables", () => {
    const w = makeWorld({ "repo/.env": "SENTRY_PROJECT=from-dot-env\n", "a.env": "SENTRY_ORG=a-org\n" });
    const env = loadDotenv({ SENTRY_ORG: "real", SENTRY_DOTENV_PATH: "../a.env" }, w.path("repo"));
    expect(env.SENTRY_ORG).toBe("a-org");
    expect(env.SENTRY_PROJECT).toBeUndefined();
  });

  it("loads SENTRY_DOTENV_PATHS in order, later files winning", () => {
    const w = makeWorld({
      "a.env": "SENTRY_ORG=a-org\nSENTRY_PROJECT=a-proj\n",
      "b.env": "SENTRY_PROJECT=b-proj\nSENTRY_URL=http://b.example\n",
    });
    const r = loadDotenvWithKeys(
      { SENTRY_URL: "http://real", SENTRY_DOTENV_PATHS: `${w.path("a.env")}, ${w.path("b.env")}` },
      w.path("repo"),
    );
    expect(r.env.SENTRY_ORG).toBe("a-org");
    expect(r.env.SENTRY_PROJECT).toBe("b-proj");
    expect(r.env.SENTRY_URL).toBe("http://b.example");
    expect(r.dotenvFiles.get("SENTRY_PROJECT")).toBe(w.path("b.env"));
    expect(r.files).toEqual([w.path("a.env"), w.path("b.env")]);
  });

  it("fails clearly when SENTRY_DOTENV_PATH names a missing file", () => {
    const w = makeWorld();
    const missing = w.path("nope.env");
    expect(() => loadDotenv({ SENTRY_DOTENV_PATH: missing }, w.path("repo"))).toThrow(ConfigError);
    expect(() => loadDotenv({ SENTRY_DOTENV_PATH: missing }, w.path("repo"))).toThrow(
      `cannot load the .env file ${missing}: the file does not exist`,
    );
  });

  it("fails with file:line when SENTRY_DOTENV_PATH names a malformed file", () => {
    const w = makeWorld({ "bad.env": "A=1\nthis is bad\nB=2\n" });
    expect(() => loadDotenv({ SENTRY_DOTENV_PATH: w.path("bad.env") }, w.path("repo"))).toThrow(
      `${w.path("bad.env")}:2: expected KEY=value, found 'this is bad' (fix the .env file named by SENTRY_DOTENV_PATH/SENTRY_DOTENV_PATHS)`,
    );
  });

  it("skips a malformed automatic .env with a warning that resolveConfig passes on", () => {
    const w = makeWorld({ "repo/.env": "A=1\nthis is bad\n" });
    const r = loadDotenvWithKeys({}, w.path("repo"));
    expect(r.env.A).toBeUndefined();
    expect(r.warnings).toEqual([`ignoring ${w.path("repo/.env")}: line 2: expected KEY=value, found 'this is bad'`]);
    expect(w.resolve({ env: r.env }).warnings).toEqual(r.warnings);
  });
});

describe("firstBadDotenvLine", () => {
  it("accepts comments, export, quotes and multi-line quoted values", () => {
    expect(firstBadDotenvLine("# c\n\nexport A=1\nB=\"x\ny\nz\"\nC='q'\nD=\nE = spaced\n")).toBeUndefined();
  });

  it("points at the first line that is not an assignment", () => {
    expect(firstBadDotenvLine("A=1\n\n=novalue\n")).toEqual({ line: 3, text: "=novalue" });
    expect(firstBadDotenvLine('A="open\nB=2\nnot ok\n')).toEqual({ line: 3, text: "not ok" });
  });
});
