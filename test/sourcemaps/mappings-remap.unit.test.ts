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
