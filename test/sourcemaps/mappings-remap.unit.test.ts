import { decode, encode, type SourceMapSegment } from "@jridgewell/sourcemap-codec";
import { describe, expect, it } from "vitest";
import { remapMappings } from "../../src/sourcemaps/mappings-remap.js";

/** The reference: decode everything, renumber in order of first use, encode. */
function reference(mappings: string): { mappings: string; sources: number[]; names: number[] } {
  const sources: number[] = [];
  const names: number[] = [];
  const idx = (list: number[], i: number) => {
    let k = list.indexOf(i);
    if (k < 0) k = list.push(i) - 1;
    return k;
  };
  const lines = decode(mappings).map((line) =>
    line.map((seg): SourceMapSegment => {
      if (seg.length === 1) return seg;
      const s = idx(sources, seg[1]);
      return seg.length === 5 ? [seg[0], s, seg[2], seg[3], idx(names, seg[4])] : [seg[0], s, seg[2], seg[3]];
    }),
  );
  return { mappings: encode(lines), sources, names };
}

function ours(mappings: string) {
  const sources: number[] = [];
  const names: number[] = [];
  const idx = (list: number[]) => (i: number) => {
    let k = list.indexOf(i);
    if (k < 0) k = list.push(i) - 1;
    return k;
  };
  return { mappings: remapMappings(mappings, idx(sources), idx(names)), sources, names };
}

describe("remapMappings", () => {
  it("equals decoding, renumbering and encoding again, on random maps with unsorted lines", () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let t = 0; t < 200; t++) {
      const lines: SourceMapSegment[][] = [];
      for (let l = 0; l < rnd(6); l++) {
        const line: SourceMapSegment[] = [];
        for (let k = 0; k < rnd(8); k++) {
          const kind = rnd(3);
          const col = rnd(200);
          if (kind === 0) line.push([col]);
          else if (kind === 1) line.push([col, rnd(5), rnd(50), rnd(80)]);
          else line.push([col, rnd(5), rnd(50), rnd(80), rnd(7)]);
        }
        lines.push(line);
      }
      // encode keeps the given order, so lines may be unsorted, as in real maps now and then.
      const m = encode(lines);
      expect(ours(m), m).toEqual(reference(m));
    }
  });

  it("keeps empty lines, leading and trailing, and an empty string", () => {
    for (const m of ["", ";", ";;AAAA;;", "AAAA,CAAC;", "AAAAA,CAACC;ACAA"]) expect(ours(m)).toEqual(reference(m));
  });

  it("returns a map numbered in order of first use as it came, and rewrites one written in any other form", () => {
    let seed = 11;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor(seed / 65536) % n;
    };
    let rewritten = 0;
    for (let t = 0; t < 200; t++) {
      // Sources and names numbered in order of first use, lines sorted: the encoder's own form.
      const lines: SourceMapSegment[][] = [];
      let sources = 0;
      let names = 0;
      const lineCount = 1 + rnd(6);
      for (let l = 0; l < lineCount; l++) {
        const line: SourceMapSegment[] = [];
        let col = 0;
        const segments = rnd(8);
        for (let k = 0; k < segments; k++) {
          col += rnd(40);
          const kind = rnd(3);
          const s = rnd(sources + 1);
          if (kind !== 0) sources = Math.max(sources, s + 1);
          if (kind === 0) line.push([col]);
          else if (kind === 1) line.push([col, s, rnd(50), rnd(80)]);
          else {
            const nm = rnd(names + 1);
            names = Math.max(names, nm + 1);
            line.push([col, s, rnd(50), rnd(80), nm]);
          }
        }
        lines.push(line);
      }
      const m = encode(lines);
      expect(ours(m).mappings).toBe(m);
      expect(ours(m)).toEqual(reference(m));
      // Written another way: a value with a trailing zero digit, lines whose indices are
      // renumbered (an unused index first, a new one last) — as decoding and encoding again.
      for (const other of [m.replace(/^A/, "gA"), `${m};ACAA`, `ACAA;${m}`, `${m};AEAAA`]) {
        if (other !== m) rewritten++;
        expect(ours(other), other).toEqual(reference(other));
      }
      // Empty segments (commas around or between segments) are dropped, as before.
      if (m.includes(",")) {
        for (const other of [m.replace(/,/, ",,"), m.replace(/([A-Za-z0-9+/])(;|$)/, "$1,$2")]) {
          rewritten++;
          expect(ours(other).mappings, other).toBe(m);
        }
      }
    }
    expect(rewritten).toBeGreaterThan(600);
  });

  it("writes a negative zero as zero, as before", () => {
    expect(ours("AAAB,CAAC").mappings).toBe("AAAA,CAAC");
  });

  it("gives up on what is not plainly decodable, so the caller falls back", () => {
    for (const m of ["AA", "AAA", "AA!A", "AAAg"])
      expect(
        remapMappings(
          m,
          (i) => i,
          (i) => i,
        ),
      ).toBeUndefined();
  });
});
