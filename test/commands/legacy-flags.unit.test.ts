import { describe, expect, it } from "vitest";
import { legacyVersionAsRelease } from "../../src/commands/legacy-flags.js";

describe("legacyVersionAsRelease", () => {
  it("reads sentry-cli's --version <release> as --release on deploys new/list and sourcemaps upload", () => {
    expect(legacyVersionAsRelease(["deploys", "new", "--version", "1.0", "-e", "prod"])).toEqual([
      "deploys",
      "new",
      "--release",
      "1.0",
      "-e",
      "prod",
    ]);
    expect(legacyVersionAsRelease(["--url", "u", "deploys", "-o", "x", "list", "--version=2"])).toEqual([
      "--url",
      "u",
      "deploys",
      "-o",
      "x",
      "list",
      "--release=2",
    ]);
    expect(legacyVersionAsRelease(["sourcemaps", "upload", "--version", "3", "dist"])).toEqual([
      "sourcemaps",
      "upload",
      "--release",
      "3",
      "dist",
    ]);
  });

  it("leaves --version alone elsewhere, without a value, and after --", () => {
    for (const argv of [
      ["--version"],
      ["releases", "new", "--version"],
      ["deploys", "--version"],
      ["deploys", "new", "--version"],
      ["deploys", "new", "--version", "-e"],
      ["sourcemaps", "inject", "--version", "1"],
      ["sourcemaps", "upload", "--", "--version", "1"],
      ["constructor", "new", "--version", "1"],
    ])
      expect(legacyVersionAsRelease(argv)).toEqual(argv);
  });
});
