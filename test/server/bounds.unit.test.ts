/** Pure bounds of the server: JSON nesting and the bounded zip reader. */
import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { jsonTextTooDeep, valueTooDeep } from "../../src/server/json-depth.js";
import { ZipReader } from "../../src/server/zip-reader.js";
import { rawZip } from "../support/hostile.js";

describe("JSON depth", () => {
  it("measures nesting without counting brackets inside strings", () => {
    expect(jsonTextTooDeep('{"a":"[[[[[[[["}', 2)).toBe(false);
    expect(jsonTextTooDeep('{"a":[[[1]]]}', 3)).toBe(true);
    expect(jsonTextTooDeep('{"a\\"[[[":[1]}', 2)).toBe(false);
    expect(valueTooDeep(JSON.parse("[".repeat(50) + "]".repeat(50)), 49)).toBe(true);
    expect(valueTooDeep({ a: [{ b: 1 }] }, 3)).toBe(false);
  });
});

describe("the zip reader", () => {
  it("reads stored and deflated entries behind a prefix, and refuses a size that lies", () => {
    const text = Buffer.from("hello hello hello hello");
    const zip = rawZip([
      { name: "a.txt", data: text },
      { name: "b.txt", data: deflateRawSync(text), method: 8, size: text.length },
      { name: "c.txt", data: deflateRawSync(Buffer.alloc(100_000)), method: 8, size: 10 },
    ]);
    const r = new ZipReader(Buffer.concat([Buffer.from("SYSB\x02\x00\x00\x00"), zip]), 10);
    expect(r.read(r.get("a.txt")!).toString()).toBe(text.toString());
    expect(r.read(r.get("b.txt")!).toString()).toBe(text.toString());
    expect(() => r.read(r.get("c.txt")!)).toThrow(/c\.txt/);
    expect(() => new ZipReader(zip, 2)).toThrow(/too many files/);
    expect(() => new ZipReader(Buffer.from("not a zip"), 2)).toThrow(/not a zip/);
  });
});
