import { describe, expect, it } from "vitest";
import { parseTimestamp, rfc3339 } from "../../src/commands/timestamps.js";
import { UsageError } from "../../src/errors.js";

describe("parseTimestamp", () => {
  it.each([
    ["1700000000", "2023-11-14T22:13:20Z"],
    ["1700000000.5", "2023-11-14T22:13:20.500Z"],
    ["2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z"],
    ["2024-01-02T05:04:05+02:00", "2024-01-02T03:04:05Z"],
    ["Tue, 14 Nov 2023 22:13:20 +0000", "2023-11-14T22:13:20Z"],
    ["14 Nov 2023 23:13:20 +0100", "2023-11-14T22:13:20Z"],
  ])("reads %s as %s", (input, iso) => {
    expect(parseTimestamp(input, "--released")).toBe(iso);
  });

  it("names the flag when the value is not a time", () => {
    expect(() => parseTimestamp("next tuesday", "--started")).toThrow(UsageError);
    expect(() => parseTimestamp("next tuesday", "--started")).toThrow(/invalid value 'next tuesday' for --started/);
  });

  it("writes whole seconds without a fraction", () => {
    expect(rfc3339(new Date(Date.UTC(2024, 0, 1)))).toBe("2024-01-01T00:00:00Z");
  });
});
