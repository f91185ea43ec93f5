/** The one classifier: environment failures are input errors naming the file, never bugs. */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifyError, InputError, InternalError, InterruptedError } from "../src/errors.js";
import { tempDir } from "./support/runCli.js";

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("did not throw");
}

describe("classifyError", () => {
  it("names the file and the cause of a real ENAMETOOLONG and ENOTDIR", () => {
    const long = join(tempDir(), "n".repeat(300));
    const e = classifyError(thrown(() => readFileSync(long)));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(/^cannot use .*n{20}.*\(\d+ characters\): the file name is too long \(ENAMETOOLONG\)/);
    expect(e.message.length).toBeLessThan(300);
    const f = join(tempDir(), "file");
    writeFileSync(f, "x");
    const d = classifyError(thrown(() => writeFileSync(join(f, "below"), "y")));
    expect(d.toJSON()).toMatchObject({ kind: "input" });
    expect(d.message).toContain("a part of its path is not a directory (ENOTDIR)");
  });

  it.each([
    ["ENOSPC", "no space left on the device"],
    ["EROFS", "the file system is read-only"],
    ["EACCES", "permission denied"],
    ["ENAMETOOLONG", "the file name is too long"],
    ["EDQUOT", "the disk quota is exceeded"],
  ])("makes %s an input error, not a bug", (code, words) => {
    const err = Object.assign(new Error(`${code}: x`), { code, path: "/data/out.zip", syscall: "write" });
    const e = classifyError(err);
    expect(e.kind).toBe("input");
    expect(e.message).toBe(`cannot use /data/out.zip: ${words} (${code}) (write)`);
  });

  it("makes input too large to hold an input error", () => {
    const e = classifyError(
      Object.assign(new Error("Cannot create a string longer than 0x1fffffe8"), { code: "ERR_STRING_TOO_LONG" }),
    );
    expect(e.kind).toBe("input");
    expect(e.message).toMatch(/too large to handle/);
    expect(classifyError(new RangeError("Invalid string length")).kind).toBe("input");
  });

  it("keeps ShipErrors and calls anything else a bug, quoting at most a short excerpt", () => {
    const i = new InterruptedError("stopped", "SIGTERM");
    expect(classifyError(i)).toBe(i);
    expect(i.exitCode).toBe(143);
    const bug = classifyError(new TypeError("x".repeat(5000)));
    expect(bug).toBeInstanceOf(InternalError);
    expect(bug.message.length).toBeLessThan(500);
  });

  it("is the only path to the internal kind: no source maps an environment code to InternalError", () => {
    const src = join(import.meta.dirname, "..", "src");
    const files: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith(".ts")) files.push(p);
      }
    };
    walk(src);
    const offenders = files.filter((f) => {
      const text = readFileSync(f, "utf8");
      return (
        /new (errors\.)?InternalError\(/.test(text) &&
        /ENOSPC|EROFS|EACCES|ENAMETOOLONG/.test(text) &&
        !f.endsWith("errors.ts")
      );
    });
    expect(offenders).toEqual([]);
    // In errors.ts itself, InternalError is made in one place, after every environment code is handled.
    const own = readFileSync(join(src, "errors.ts"), "utf8");
    expect(own.match(/new InternalError\(/g)).toHaveLength(1);
  });
});
