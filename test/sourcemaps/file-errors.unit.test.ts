import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRegularFile } from "../../src/sourcemaps/file-errors.js";
import { tempDir } from "../support/runCli.js";

describe("readRegularFile with reused memory", () => {
  it("reads each file whole, whatever the order of sizes, as a plain read does", () => {
    const dir = tempDir("read-");
    const sizes = [0, 1, 70_000, 10, 300_000, 65_536, 0, 5];
    const files = sizes.map((n, i) => {
      const p = join(dir, `f${i}.js`);
      writeFileSync(p, Buffer.from(Array.from({ length: n }, (_, k) => (k * 7 + i) & 0xff)));
      return p;
    });
    for (const p of files) {
      const reused = readRegularFile(p, p, true);
      expect(reused.equals(readRegularFile(p, p))).toBe(true);
    }
  });

  it("refuses a FIFO instead of waiting on it, naming the file", () => {
    const dir = tempDir("read-");
    const fifo = join(dir, "pipe.js");
    execFileSync("mkfifo", [fifo]);
    expect(() => readRegularFile(fifo, "dist/pipe.js", true)).toThrow(/dist\/pipe\.js/);
  });
});
