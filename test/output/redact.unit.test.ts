import { describe, expect, it } from "vitest";
import { Redactor } from "../../src/output/redact.js";

describe("Redactor", () => {
  it("masks a registered secret wherever it appears", () => {
    const r = new Redactor();
    r.add("supersecretvalue");
    expect(r.redact("token=supersecretvalue and again supersecretvalue")).toBe("token=[redacted] and again [redacted]");
  });

  it("masks user and org auth tokens by pattern even when not registered", () => {
    const r = new Redactor();
    const user = "sntryu_" + "ab".repeat(32);
    const org = "sntrys_eyJpYXQiOjE3MDAwMDAwMDB9_c2VjcmV0c2VjcmV0c2VjcmV0";
    expect(r.redact(`a ${user} b ${org} c`)).toBe("a [redacted] b [redacted] c");
  });

  it("masks Bearer credentials, sentry_key fields and DSN userinfo", () => {
    const r = new Redactor();
    expect(r.redact("Authorization: Bearer abc.def")).toBe("Authorization: Bearer [redacted]");
    expect(r.redact("X-Sentry-Auth: Sentry sentry_key=0123456789abcdef, sentry_version=7")).toBe(
      "X-Sentry-Auth: Sentry sentry_key=[redacted], sentry_version=7",
    );
    expect(r.redact("dsn https://pubkey:secret@o1.ingest.example.com/42")).toBe(
      "dsn https://[redacted]@o1.ingest.example.com/42",
    );
  });

  it("leaves ordinary text alone", () => {
    const r = new Redactor();
    const text = "Created release 1.0.0 for https://sentry.io/ (org acme)";
    expect(r.redact(text)).toBe(text);
  });

  it("masks legacy 64-hex tokens", () => {
    const r = new Redactor();
    expect(r.redact("tok " + "0f".repeat(32))).toBe("tok [redacted]");
  });
});
