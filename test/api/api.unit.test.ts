import { describe, expect, it } from "vitest";
import { matchesNoProxy, noProxyList } from "../../src/api/dispatcher.js";
import { appendQuery, encodePathSegment } from "../../src/api/encoding.js";
import {
  apiErrorMessage,
  describeError,
  describeToken,
  flattenFieldErrors,
  networkPhrase,
  notFoundMessage,
} from "../../src/api/errors.js";
import { nextCursor, parseLinkHeader } from "../../src/api/pagination.js";
import { backoffDelay, parseRateLimits, parseRetryAfter, rateLimitWait } from "../../src/api/retry.js";
import { routes } from "../../src/api/routes.js";
import { ConfigError } from "../../src/errors.js";
import { makeConfig, TOKEN } from "../support/api.js";

describe("encodePathSegment", () => {
  it("leaves ordinary slugs and versions alone", () => {
    expect(encodePathSegment("acme")).toBe("acme");
    expect(encodePathSegment("my-app@1.0.0-beta.1_x~y")).toBe("my-app@1.0.0-beta.1_x~y");
  });

  it("percent-encodes the characters sentry-cli encodes", () => {
    expect(encodePathSegment('a b"c#d<e>f+g`h?i{j}k%l')).toBe("a%20b%22c%23d%3Ce%3Ef%2Bg%60h%3Fi%7Bj%7Dk%25l");
  });

  it("encodes control characters and non-ASCII as UTF-8 bytes", () => {
    expect(encodePathSegment("é\t")).toBe("%C3%A9%09");
  });

  it("replaces slashes and dot segments with U+FFFD", () => {
    expect(encodePathSegment("a/b")).toBe("a%EF%BF%BDb");
    expect(encodePathSegment(".")).toBe("%EF%BF%BD");
    expect(encodePathSegment("..")).toBe("%EF%BF%BD");
    expect(encodePathSegment("...")).toBe("...");
  });
});

describe("routes", () => {
  it("builds every route with encoded segments", () => {
    expect(routes.authInfo()).toBe("");
    expect(routes.organizations()).toBe("organizations/");
    expect(routes.orgProjects("acme")).toBe("organizations/acme/projects/");
    expect(routes.releases("acme")).toBe("organizations/acme/releases/");
    expect(routes.projectReleases("acme", "web app")).toBe("projects/acme/web%20app/releases/");
    expect(routes.release("acme", "1.0+build")).toBe("organizations/acme/releases/1.0%2Bbuild/");
    expect(routes.projectRelease("acme", "frontend", "1.0")).toBe("projects/acme/frontend/releases/1.0/");
    expect(routes.releaseCommits("acme", "1.0")).toBe("organizations/acme/releases/1.0/commits/");
    expect(routes.previousWithCommits("acme", "1.0")).toBe("organizations/acme/releases/1.0/previous-with-commits/");
    expect(routes.repos("acme")).toBe("organizations/acme/repos/");
    expect(routes.deploys("acme", "a/b")).toBe("organizations/acme/releases/a%EF%BF%BDb/deploys/");
    expect(routes.chunkUpload("acme")).toBe("organizations/acme/chunk-upload/");
    expect(routes.artifactBundleAssemble("acme")).toBe("organizations/acme/artifactbundle/assemble/");
  });
});

describe("appendQuery", () => {
  it("repeats array keys, skips undefined and encodes spaces as %20", () => {
    const u = new URL("http://h/api/0/x/?a=1");
    appendQuery(u, { project: [1, 2], q: "a b", skip: undefined, flag: true });
    expect(u.search).toBe("?a=1&project=1&project=2&q=a%20b&flag=true");
  });
});

describe("pagination", () => {
  const link =
    '<http://h/api/0/x/?&cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", ' +
    '<http://h/api/0/x/?&cursor=0:100:0>; rel="next"; results="true"; cursor="0:100:0"';

  it("parses both entries of a Link header", () => {
    const e = parseLinkHeader(link);
    expect(e).toHaveLength(2);
    expect(e[1]).toEqual({
      url: "http://h/api/0/x/?&cursor=0:100:0",
      params: { rel: "next", results: "true", cursor: "0:100:0" },
    });
  });

  it("follows next only while results is true", () => {
    expect(nextCursor(link)).toBe("0:100:0");
    expect(nextCursor(link.replace('results="true"', 'results="false"'))).toBeUndefined();
    expect(nextCursor(undefined)).toBeUndefined();
  });
});

describe("retry policy", () => {
  it("grows from 1 s by a factor of 1.5 up to 5 s, with jitter of at most a quarter", () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, () => 0))).toEqual([1000, 1500, 2250, 3375, 5000, 5000]);
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, () => 0.999))).toEqual([1250, 1875, 2812, 4218, 5000]);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:07 GMT", now)).toBe(7000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });

  it("takes the longest limit of X-Sentry-Rate-Limits and skips unparsable ones", () => {
    expect(parseRateLimits("60:error;transaction:key:daily_quota, 2700:default:organization")).toBe(2_700_000);
    expect(parseRateLimits("x:error:key, 3::organization")).toBe(3000);
    expect(rateLimitWait({ "retry-after": "2", "x-sentry-rate-limits": "4::org" }, 0)).toBe(4000);
  });
});

describe("error messages", () => {
  const config = makeConfig("http://h");

  it("uses the detail string, the detail object's message, or the error string", () => {
    expect(apiErrorMessage(400, "/api/0/x/", { detail: "Release with version already exists" })).toBe(
      "Release with version already exists (http status: 400)",
    );
    expect(
      apiErrorMessage(400, "/api/0/x/", { detail: { code: "parameter-validation-error", message: "bad param" } }),
    ).toBe("bad param (http status: 400)");
    expect(apiErrorMessage(400, "/api/0/x/", { error: "Invalid chunk" })).toBe("Invalid chunk (http status: 400)");
  });

  it("flattens DRF field errors", () => {
    expect(
      apiErrorMessage(400, "/api/0/x/", {
        version: ["This field is required."],
        projects: ["Invalid project ids or slugs"],
      }),
    ).toBe("version: This field is required.; projects: Invalid project ids or slugs (http status: 400)");
    expect(flattenFieldErrors({ refs: [{}, { commit: ["Not valid."] }], non_field_errors: ["Oops."] })).toBe(
      "refs[1].commit: Not valid.; Oops.",
    );
  });

  it("uses the generic phrase for bodies that are not JSON", () => {
    expect(apiErrorMessage(400, "/api/0/x/", "plain text body")).toBe("bad request (http status: 400)");
    expect(apiErrorMessage(413, "/api/0/x/", "<html>too big</html>")).toBe("request too large (http status: 413)");
    expect(apiErrorMessage(418, "/api/0/x/", undefined)).toBe("unknown error (http status: 418)");
  });

  it("names the token and where it came from on 401 and 403, never the token itself", () => {
    const m401 = apiErrorMessage(401, "/api/0/", { detail: "Invalid token" }, { config });
    expect(m401).toBe("Invalid token (http status: 401) — check the auth token from SENTRY_AUTH_TOKEN (sntryu_…cdef)");
    expect(m401).not.toContain(TOKEN.slice(7, 20));
    expect(
      apiErrorMessage(403, "/api/0/", { detail: "You do not have permission to perform this action." }, { config }),
    ).toBe(
      "You do not have permission to perform this action. (http status: 403) — check the permissions (scopes) of the auth token from SENTRY_AUTH_TOKEN (sntryu_…cdef)",
    );
    expect(describeToken("short_tok")).toBe("…");
    expect(describeToken("0123456789abcdef0123")).toBe("…0123");
  });

  it("says how to configure a token when none was sent", () => {
    const noTok = makeConfig("http://h", { authToken: undefined });
    expect(
      apiErrorMessage(401, "/api/0/", { detail: "Authentication credentials were not provided." }, { config: noTok }),
    ).toBe(
      "Authentication credentials were not provided. (http status: 401) — no auth token is configured: pass --auth-token, set SENTRY_AUTH_TOKEN, or run `sentry-ship login`",
    );
  });

  it("names the release, organization and project of a 404 and where they came from", () => {
    const detail = { detail: "The requested resource does not exist" };
    expect(apiErrorMessage(404, "/api/0/organizations/acme/releases/", detail, { config })).toBe(
      "The requested resource does not exist (http status: 404) — check organization acme (from SENTRY_ORG)",
    );
    expect(apiErrorMessage(404, "/api/0/projects/acme/frontend/releases/1.0%2B2/", detail, { config })).toBe(
      "The requested resource does not exist (http status: 404) — check release 1.0+2, organization acme (from SENTRY_ORG) and project frontend (from --project)",
    );
    expect(apiErrorMessage(404, "/api/0/organizations/other/repos/", detail, { config })).toBe(
      "The requested resource does not exist (http status: 404) — check organization other",
    );
    expect(
      apiErrorMessage(404, "/api/0/x/", detail, { config, notFound: "release 1.0 was not found in organization acme" }),
    ).toBe("release 1.0 was not found in organization acme");
    expect(apiErrorMessage(404, "/api/0/x/", detail, { config, notFound: "release 1.0 in organization acme" })).toBe(
      "release 1.0 was not found in organization acme",
    );
    expect(notFoundMessage("organization acme")).toBe("organization acme was not found");
    expect(notFoundMessage("release 2 in organization acme (check the release, project and organization)")).toBe(
      "release 2 was not found in organization acme (check the release, project and organization)",
    );
  });

  it("describes connection failures in a few words", () => {
    expect(networkPhrase(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe("connection refused");
    expect(networkPhrase(Object.assign(new Error("x"), { cause: { code: "UND_ERR_SOCKET" } }))).toBe(
      "the server closed the connection",
    );
    expect(networkPhrase(Object.assign(new Error("x"), { code: "ENOTFOUND" }), "sentry.invalid")).toBe(
      "could not resolve host sentry.invalid",
    );
    expect(describeError(new ConfigError("no org"))).toBe("no org");
    expect(describeError(Object.assign(new Error("x"), { code: "ECONNRESET" }))).toBe("connection reset");
  });
});

describe("NO_PROXY matching", () => {
  const u = (s: string) => new URL(s);

  it("matches hosts, subdomains, ports and the wildcard", () => {
    expect(matchesNoProxy(u("http://sentry.example.com/"), ["example.com"])).toBe(true);
    expect(matchesNoProxy(u("http://sentry.example.com/"), [".example.com"])).toBe(true);
    expect(matchesNoProxy(u("http://example.com/"), ["*.example.com"])).toBe(true);
    expect(matchesNoProxy(u("http://notexample.com/"), ["example.com"])).toBe(false);
    expect(matchesNoProxy(u("http://127.0.0.1:9000/"), ["127.0.0.1:9000"])).toBe(true);
    expect(matchesNoProxy(u("http://127.0.0.1:9001/"), ["127.0.0.1:9000"])).toBe(false);
    expect(matchesNoProxy(u("http://[::1]:80/"), ["::1"])).toBe(true);
    expect(matchesNoProxy(u("https://anything/"), ["*"])).toBe(true);
  });

  it("reads the list from a setting, a string or an array", () => {
    const c = (noProxy: unknown) => ({ ...makeConfig("http://h"), noProxy }) as never;
    expect(noProxyList(c({ value: "a, b", source: {} }))).toEqual(["a", "b"]);
    expect(noProxyList(c(["a", "b,c"]))).toEqual(["a", "b", "c"]);
    expect(noProxyList(c(undefined))).toEqual([]);
  });
});
