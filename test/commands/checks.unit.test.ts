import { describe, expect, it } from "vitest";
import { checkEnvironment, checkVersion } from "../../src/commands/checks.js";
import { InputError, UsageError } from "../../src/errors.js";

describe("checkVersion and checkEnvironment", () => {
  it("accepts what the server accepts, spaces included", () => {
    expect(checkVersion("my app@1.0.0+build.5")).toBe("my app@1.0.0+build.5");
    expect(checkEnvironment("production")).toBe("production");
  });

  it("makes characters sentry-cli's parser refuses usage errors, and server-only rules input errors", () => {
    expect(() => checkVersion("a\\b")).toThrow(UsageError);
    expect(() => checkVersion("a\nb")).toThrow("invalid release version 'a\\nb': it contains a newline");
    expect(() => checkVersion("Latest")).toThrow(InputError);
    expect(() => checkVersion(".")).toThrow(UsageError);
    expect(() => checkVersion(" 1.0")).toThrow("invalid release version ' 1.0': it has leading or trailing whitespace");
    expect(() => checkVersion(" 1.0")).toThrow(UsageError);
    expect(() => checkVersion(" ")).toThrow("invalid release version ' ': it is only whitespace");
    expect(() => checkEnvironment("a/b")).toThrow("invalid environment 'a/b': it contains '/'");
  });
});
