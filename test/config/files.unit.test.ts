import { describe, expect, it } from "vitest";
import { parseIniText, parsePropertiesText } from "../../src/config/files.js";
import { makeOrgToken, parseAuthToken } from "../../src/config/token.js";
import { sentryUrlProblem } from "../../src/config/url.js";
import { makeOrgToken as serverOrgToken } from "../../src/server/index.js";

const asObject = (s: Map<string, Map<string, string>>) =>
  Object.fromEntries([...s].map(([k, v]) => [k, Object.fromEntries(v)]));

describe("parseIniText", () => {
  it("reads sections, keeps every value a string and drops inline comments", () => {
    const s = parseIniText(
      "/x/.sentryclirc",
      "top=1\n[defaults]\norg = acme ; the org\n# note\n[http]\nverify_ssl=false\nmax_retries=3\n[a.b]\nc=d\n",
    );
    expect(asObject(s)).toEqual({
      "": { top: "1" },
      defaults: { org: "acme" },
      http: { verify_ssl: "false", max_retries: "3" },
      "a.b": { c: "d" },
    });
  });

  it("reports the first bad line with the file and line number", () => {
    expect(() => parseIniText("/x/rc", "[auth]\ntoken=abc\n[defaults\n")).toThrow(
      "/x/rc:3: expected 'key = value' or '[section]', found '[defaults'",
    );
    expect(() => parseIniText("/x/rc", "\n\n = v\n")).toThrow(
      "/x/rc:3: expected 'key = value' or '[section]', found '= v'",
    );
    expect(() => parseIniText("/x/rc", "[]\n")).toThrow("/x/rc:1: empty section name '[]'");
  });
});

describe("parsePropertiesText", () => {
  it("splits keys at the last dot and understands the Java separators and escapes", () => {
    const s = parsePropertiesText(
      "# comment\n! also comment\ndefaults.org=acme\ndefaults.project : web\nauth.token tok\nhttp.proxy_url=http\\://p\\:1\\\n  /x\nplain=1\nunicode.v=\\u00e9\n",
    );
    expect(asObject(s)).toEqual({
      defaults: { org: "acme", project: "web" },
      auth: { token: "tok" },
      http: { proxy_url: "http://p:1/x" },
      "": { plain: "1" },
      unicode: { v: "é" },
    });
  });
});

describe("parseAuthToken", () => {
  it("recognises org, user and legacy tokens", () => {
    expect(parseAuthToken(makeOrgToken({ org: "o", url: "https://s.example" }))).toEqual({
      kind: "org",
      org: "o",
      url: "https://s.example",
      regionUrl: "https://s.example",
    });
    expect(parseAuthToken(makeOrgToken({ org: "o" }))).toEqual({ kind: "org", org: "o" });
    expect(parseAuthToken(`sntryu_${"0f".repeat(32)}`)).toEqual({ kind: "user" });
    expect(parseAuthToken("0f".repeat(32))).toEqual({ kind: "user" });
  });

  it("decodes the org tokens the embedded server issues", () => {
    for (let i = 0; i < 20; i++) {
      expect(parseAuthToken(serverOrgToken("http://127.0.0.1:4000", "acme"))).toEqual({
        kind: "org",
        org: "acme",
        url: "http://127.0.0.1:4000",
        regionUrl: "http://127.0.0.1:4000",
      });
    }
  });

  it("calls anything else unknown", () => {
    const good = makeOrgToken({ org: "o" });
    const [, payload, secret] = good.split("_");
    for (const t of [
      "abc",
      `sntryu_${"0f".repeat(31)}`,
      `sntrys_${payload}_${secret}_extra`,
      `sntrys_${payload}_${secret!.slice(1)}`,
      `sntrys_${Buffer.from('{"url":"x"}').toString("base64")}_${secret}`,
      `sntrys_not-base64_${secret}`,
    ]) {
      expect(parseAuthToken(t), t).toEqual({ kind: "unknown" });
    }
  });
});

describe("sentryUrlProblem", () => {
  it("accepts root URLs and explains the others", () => {
    expect(sentryUrlProblem("https://sentry.io")).toBeUndefined();
    expect(sentryUrlProblem("http://127.0.0.1:8899/")).toBeUndefined();
    expect(sentryUrlProblem("http://127.0.0.1:8899//")).toBeUndefined();
    expect(sentryUrlProblem("http://127.0.0.1:8899//sentry/")).toBe(
      "it is not the server's root URL (remove the path '//sentry/'; try 'http://127.0.0.1:8899')",
    );
    expect(sentryUrlProblem("127.0.0.1:8899")).toBe("it has no http:// or https:// scheme");
    expect(sentryUrlProblem("localhost:8899")).toBe("it has no http:// or https:// scheme");
    expect(sentryUrlProblem("https://sentry.example/?x=1")).toBe("it must not have a query string or fragment");
  });
});
