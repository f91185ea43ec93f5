import { describe, expect, it } from "vitest";
import {
  authHeader,
  DsnError,
  describeDsn,
  envelopeUrl,
  formatDsn,
  isValidPublicKey,
  parseAuthHeader,
  parseDsn,
  parseProtocolVersion,
  storeUrl,
} from "../../src/domain/dsn.js";

describe("parseDsn", () => {
  it("reads key, host, port and project id", () => {
    expect(parseDsn("http://publickey123@127.0.0.1:8899/42")).toEqual({
      scheme: "http",
      publicKey: "publickey123",
      host: "127.0.0.1",
      port: 8899,
      pathPrefix: "/",
      projectId: "42",
    });
  });

  it("keeps a secret key and a path prefix", () => {
    const d = parseDsn("https://abc:def@example.com/sentry/prefix/7");
    expect(d).toMatchObject({ secretKey: "def", pathPrefix: "/sentry/prefix/", projectId: "7" });
    expect(envelopeUrl(d)).toBe("https://example.com/sentry/prefix/api/7/envelope/");
    expect(storeUrl(d)).toBe("https://example.com/sentry/prefix/api/7/store/");
  });

  it("treats `key:@` as having no secret", () => {
    expect(parseDsn("https://abc:@o1.ingest.sentry.io/5").secretKey).toBeUndefined();
  });

  it.each([
    ["", "the DSN is empty"],
    ["not a url", "it is not a URL (a DSN names a scheme, a public key, a host and a project id)"],
    ["ftp://k@h/1", "the scheme 'ftp' is not supported (use http or https)"],
    ["https://host/1", "the public key is missing (it goes before the @)"],
    ["https://k@host/", "the project id is missing (it is the last part of the path)"],
    ["https://k@host/abc", "the project id 'abc' is not a number"],
    ["https://k@host/1?x=1", "it must not have a query string or fragment"],
  ])("rejects %j: %s", (input, message) => {
    expect(() => parseDsn(input)).toThrow(new DsnError(message));
  });

  it("never puts the key in an error message", () => {
    try {
      parseDsn("https://supersecretkey@host/abc");
    } catch (e) {
      expect((e as Error).message).not.toContain("supersecretkey");
    }
  });

  it("formats the DSN back, with sentry-cli's `key:@` form on request, and masks it for display", () => {
    const d = parseDsn("http://k1@127.0.0.1:8899/42");
    expect(formatDsn(d)).toBe("http://k1@127.0.0.1:8899/42");
    expect(formatDsn(d, { secretColon: true })).toBe("http://k1:@127.0.0.1:8899/42");
    expect(describeDsn(d)).toBe("http://***@127.0.0.1:8899/42");
  });
});

describe("ingestion auth", () => {
  it("builds and parses X-Sentry-Auth", () => {
    const d = parseDsn("https://abc:sec@host/1");
    const h = authHeader(d, "sentry-ship/1.0.0", 1700000000);
    expect(h).toBe(
      "Sentry sentry_key=abc, sentry_version=7, sentry_timestamp=1700000000, sentry_client=sentry-ship/1.0.0, sentry_secret=sec",
    );
    expect(parseAuthHeader(h)).toEqual({
      sentryKey: "abc",
      sentryVersion: "7",
      sentryTimestamp: "1700000000",
      sentryClient: "sentry-ship/1.0.0",
      sentrySecret: "sec",
    });
    expect(parseAuthHeader("sentry sentry_key=x")).toEqual({ sentryKey: "x" });
    expect(parseAuthHeader("Bearer x")).toBeUndefined();
  });

  it("parses protocol versions as Relay does", () => {
    expect(parseProtocolVersion("7")).toBe(7);
    expect(parseProtocolVersion("7.0")).toBe(7);
    expect(parseProtocolVersion("x")).toBeUndefined();
  });

  it("requires 32-character public keys, allowing a .flag suffix", () => {
    expect(isValidPublicKey("a".repeat(32))).toBe(true);
    expect(isValidPublicKey(`${"a".repeat(32)}.no-cache`)).toBe(true);
    expect(isValidPublicKey("publickey123")).toBe(false);
  });
});
