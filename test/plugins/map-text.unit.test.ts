import { describe, expect, it } from "vitest";
import { finishChunkMap, injectAsset, injectAssetBytes } from "../../src/plugins/inject.js";
import { editMapPieces, editMapText } from "../../src/plugins/map-text.js";

/** The edited map's bytes, joined. */
function editMapBytes(...args: Parameters<typeof editMapPieces>): Uint8Array | undefined {
  const pieces = editMapPieces(...args);
  return pieces && Buffer.concat(pieces);
}

import { parseMapJson, rewriteMap } from "../../src/sourcemaps/inject-plan.js";

const ID = "0f1e2d3c-4b5a-5968-8776-a5b4c3d2e1f0";

/** What the parsing path makes of the same map: the reference the text edit must equal. */
function parsed(text: string, at: { line: number; column: number }): { mappings?: unknown } {
  return JSON.parse(rewriteMap(parseMapJson(text), ID, at));
}

describe("editMapText", () => {
  const maps: Record<string, string> = {
    "esbuild's pretty print": `{\n  "version": 3,\n  "sources": ["../src/a.js"],\n  "sourcesContent": ["const x = \\"mappings\\": 1;\\n"],\n  "mappings": "AAAA,IAAM;AACN",\n  "names": ["x"]\n}\n`,
    "compact, mappings last": '{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA;AACA;;"}',
    "a source named mappings": '{"version":3,"sources":["mappings"],"names":[],"mappings":";;AAAA,CAAC"}',
    "a backslash before a quote in sourcesContent":
      '{"version":3,"sources":["a.js"],"sourcesContent":["a\\\\","\\"mappings\\":\\"x\\""],"mappings":"AAAA","names":[]}',
  };
  for (const [name, text] of Object.entries(maps)) {
    for (const at of [
      { line: 0, column: 0 },
      { line: 1, column: 0 },
      { line: 0, column: 4 },
    ]) {
      it(`gives the parsing path's map, keeping the other bytes: ${name}, at ${at.line}:${at.column}`, () => {
        const out = editMapText(text, ID, at);
        expect(out).toBeDefined();
        expect(JSON.parse(out!)).toEqual(parsed(text, at));
        // Only the mappings and the appended id changed.
        const { mappings: _a, debugId: _b, ...rest } = JSON.parse(out!);
        const { mappings: _c, ...before } = JSON.parse(text);
        expect(rest).toEqual(before);
        expect(Object.keys(JSON.parse(out!)).at(-1)).toBe("debugId");
      });
    }
  }

  it("ends the shifted mappings as the parsing path does, whatever lines and semicolons they have", () => {
    const ats = [0, 1, 2, 3, 6].flatMap((line) => [0, 1, 3].map((column) => ({ line, column })));
    for (const mappings of [
      "",
      ";",
      ";;",
      "AAAA",
      "AAAA;",
      "AAAA;;",
      ";AAAA;;",
      "AAAA,EAAE;;AACA;;;",
      "AAAA;EAAE,CAAC",
    ]) {
      const text = `{"version":3,"sources":["a.js"],"names":[],"mappings":"${mappings}"}`;
      for (const at of ats) {
        const out = editMapText(text, ID, at);
        expect(JSON.parse(out!), `${mappings} at ${at.line}:${at.column}`).toEqual(parsed(text, at));
        expect(Buffer.from(editMapBytes(Buffer.from(text), ID, at)!).toString("utf8")).toBe(out);
      }
    }
  });

  it("without a position, keeps the mappings as they are (trailing `;`s too) and only adds the id", () => {
    const text = '{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA;AACA;;"}\n';
    const out = editMapText(text, ID, undefined);
    expect(out).toBe(`{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA;AACA;;","debugId":"${ID}"}\n`);
    expect(editMapText(`{"mappings":"AAAA","debugId":"${ID}"}`, ID, undefined)).toBeUndefined();
  });

  it("leaves to the parser what it does not take plainly", () => {
    const at = { line: 0, column: 0 };
    for (const text of [
      '{"version":3,"sections":[{"offset":{"line":0,"column":0},"map":{"version":3,"sources":[],"names":[],"mappings":"AAAA"}}]}',
      `{"version":3,"sources":[],"names":[],"mappings":"AAAA","debugId":"${ID}"}`,
      '{"version":3,"sources":[],"names":[],"mappings":"AAAA","debug_id":"nope"}',
      '{"version":3,"sources":[],"names":[],"mappings":"AA\\u0041A"}',
      '{"mappings":"AAAA","x":{"mappings":"AAAA"}}',
      '{"version":3,"sources":[],"names":[],"mappings":null}',
      '\ufeff{"version":3,"sources":[],"names":[],"mappings":"AAAA"}',
      ')]}\'\n{"version":3,"sources":[],"names":[],"mappings":"AAAA"}',
      "[1]",
    ]) {
      expect(editMapText(text, ID, at), text).toBeUndefined();
    }
  });
});

describe("editMapBytes", () => {
  const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));
  const maps = [
    // Multi-byte UTF-8 before, inside and after the edited parts: é (2 bytes), € (3), 🙂 (4).
    `{\n  "version": 3,\n  "sources": ["../src/é.js"],\n  "sourcesContent": ["const s = \\"€ 🙂\\";\\n"],\n  "mappings": "AAAA,IAAM;AACN",\n  "names": ["ß"]\n}\n`,
    '{"version":3,"sources":["a.js"],"names":["€"],"mappings":"AAAA;AACA;;","x":"🙂"}',
    '{"version":3,"sources":["a.js"],"sourcesContent":["a\\\\","\\"mappings\\":\\"é\\""],"mappings":"AAAA","names":[]}',
  ];
  for (const [i, text] of maps.entries()) {
    it(`gives exactly editMapText's bytes for a map with non-ASCII text (${i})`, () => {
      for (const at of [
        { line: 0, column: 0 },
        { line: 1, column: 3 },
      ]) {
        const out = editMapBytes(utf8(text), ID, at);
        expect(out).toBeDefined();
        expect(Buffer.from(out!).toString("utf8")).toBe(editMapText(text, ID, at));
      }
    });
  }

  it("reads a map laid out as esbuild writes it by its lines, with the same result as scanning it whole", () => {
    const member = (k: string, v: unknown) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`;
    const layout = (members: string[], eol = "\n") => `{${eol}${members.join(`,${eol}`)}${eol}}${eol}`;
    const base = [
      member("version", 3),
      member("sources", ["../src/é.js", "mappings"]),
      // A line break inside a string is written escaped: no line starts in the middle of a value.
      member("sourcesContent", ['const s = "€";\n  "debugId": 1,\n']),
      member("mappings", "AAAA,IAAM;AACN;;"),
      member("names", ["debugId", "ß"]),
    ];
    const take = [layout(base), layout(base, "\r\n"), JSON.stringify(JSON.parse(layout(base)), null, 2)];
    for (const text of take) {
      for (const at of [undefined, { line: 0, column: 0 }, { line: 1, column: 3 }]) {
        const out = editMapBytes(utf8(text), ID, at);
        expect(out, text).toBeDefined();
        expect(Buffer.from(out!).toString("utf8")).toBe(editMapText(text, ID, at));
      }
    }
    const leave = [
      layout([...base, member("debugId", ID)]),
      layout([member("version", 3), member("sections", [])]),
      layout([...base, member("mappings", "AAAA")]),
    ];
    for (const text of leave) expect(editMapBytes(utf8(text), ID, { line: 0, column: 0 }), text).toBeUndefined();
    // A `mappings` key inside another member's value is no top-level key: read by its lines, the
    // map is edited as the parser would (the whole-text scan leaves it to the parser).
    const nested = layout([member("version", 3), member("x_ext", { mappings: "AAAA" }), ...base.slice(1)]);
    const at = { line: 0, column: 0 };
    expect(JSON.parse(Buffer.from(editMapBytes(utf8(nested), ID, at)!).toString("utf8"))).toEqual(parsed(nested, at));
  });

  it("takes no map editMapText does not take", () => {
    const at = { line: 0, column: 0 };
    for (const text of [
      `{"version":3,"sources":["é"],"names":[],"mappings":"AAAA","debugId":"${ID}"}`,
      '{"version":3,"sections":[]}',
      '{"mappings":"AAAA","x":{"mappings":"AAAA"}}',
    ]) {
      expect(editMapBytes(utf8(text), ID, at), text).toBeUndefined();
    }
  });
});

describe("injectAssetBytes", () => {
  const code = '"use strict";\nconst s = "€ 🙂";\nconsole.log(s);\n//# sourceMappingURL=a.js.map\n';
  const map =
    '{"version":3,"sources":["é.js"],"sourcesContent":["const s = \\"€ 🙂\\";"],"names":[],"mappings":"AAAA;AACA;AACA"}';

  it("gives injectAsset's id, code and map, with or without a release", () => {
    for (const release of [undefined, "app@1.0.0+ünïcode"]) {
      const text = injectAsset(code, map, release)!;
      const bytes = injectAssetBytes(Buffer.from(code), Buffer.from(map), release)!;
      expect(bytes.debugId).toBe(text.debugId);
      expect(bytes.code).toBe(text.code);
      expect(Buffer.concat(bytes.map).toString("utf8")).toBe(text.map);
    }
  });

  it("takes the parsing way for a map the text edit does not take, with the same result", () => {
    const indexMap = JSON.stringify({
      version: 3,
      sections: [{ offset: { line: 0, column: 0 }, map: JSON.parse(map) }],
    });
    const text = injectAsset(code, indexMap)!;
    const bytes = injectAssetBytes(Buffer.from(code), Buffer.from(indexMap))!;
    expect(bytes.debugId).toBe(text.debugId);
    expect(bytes.code).toBe(text.code);
    expect(Buffer.concat(bytes.map).toString("utf8")).toBe(text.map);
    expect(JSON.parse(text.map!).debugId).toBe(text.debugId);
  });

  it("leaves a script that already has a debug id alone", () => {
    const done = injectAsset(code, map)!;
    expect(injectAssetBytes(Buffer.from(done.code), Buffer.from(done.map!))).toBeUndefined();
  });
});

describe("finishChunkMap", () => {
  const at = { line: 0, column: 0 };
  it("returns the mappings its map text holds, by the text edit and by the parsing way, and none without a position", () => {
    const plain = '{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA;AACA;;"}';
    // A `debug_id` key sends the map the parsing way.
    const parsing = '{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA;AACA;;","debug_id":"x"}';
    for (const text of [plain, parsing]) {
      const out = finishChunkMap(text, ID, at);
      expect(out.mappings).toBe(JSON.parse(out.text).mappings);
      expect(out.mappings).toBe(parsed(plain, at).mappings);
      expect(JSON.parse(out.text).debugId).toBe(ID);
      expect(finishChunkMap(text, ID, undefined).mappings).toBeUndefined();
    }
  });
});
