import { encode } from "@jridgewell/sourcemap-codec";
import { describe, expect, it } from "vitest";
import { describeMappingsProblem, mappingsProblem } from "../../src/sourcemaps/mappings-shift.js";

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("mappingsProblem", () => {
  it("agrees with the reference check on valid, mutated and random mappings", () => {
    const rand = rng(7);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/,;;,,gggg//$";
    let invalid = 0;
    for (let k = 0; k < 4000; k++) {
      let m: string;
      if (k % 2 === 0) {
        const lines: number[][][] = [];
        for (let l = 0; l < 1 + rand() * 4; l++) {
          const segs: number[][] = [];
          for (let s = 0; s < rand() * 5; s++) {
            const f = [Math.floor(rand() * 40) - 3];
            if (rand() < 0.8)
              f.push(Math.floor(rand() * 4) - 1, Math.floor(rand() * 30) - 2, Math.floor(rand() * 50) - 2);
            if (f.length === 4 && rand() < 0.5) f.push(Math.floor(rand() * 5) - 1);
            segs.push(f);
          }
          lines.push(segs);
        }
        m = encode(lines as never);
        if (rand() < 0.5) {
          const i = Math.floor(rand() * (m.length + 1));
          m = m.slice(0, i) + alphabet[Math.floor(rand() * alphabet.length)] + m.slice(i + (rand() < 0.5 ? 1 : 0));
        }
      } else {
        m = Array.from({ length: Math.floor(rand() * 12) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join(
          "",
        );
      }
      const sources = rand() < 0.2 ? undefined : 3;
      const names = rand() < 0.2 ? undefined : 4;
      const want = describeMappingsProblem(m, sources, names);
      if (want !== undefined) invalid++;
      expect(mappingsProblem(m, sources, names), m).toBe(want);
    }
    expect(invalid).toBeGreaterThan(500);
    expect(invalid).toBeLessThan(3800); // and some valid ones
  });

  it("agrees with the reference check on values of five, six and seven digits, either sign", () => {
    // Digits with the continuation bit (g…/), then a last digit (A…f).
    const cont = ["g", "h", "v", "w", "/"];
    const last = ["A", "B", "C", "P", "e", "f"];
    let n = 0;
    for (let len = 1; len <= 7; len++) {
      for (const c of cont) {
        for (const l of last) {
          const value = c.repeat(len - 1) + l;
          for (const m of [value, `${value},A`, `A${value}AA`, `AAAA${value}`, `AAAAA${value};AAAA`, `${value}AAAA`]) {
            expect(mappingsProblem(m, 1 << 30, 1 << 30), m).toBe(describeMappingsProblem(m, 1 << 30, 1 << 30));
            n++;
          }
        }
      }
    }
    expect(n).toBe(7 * 5 * 6 * 6);
  });
});
