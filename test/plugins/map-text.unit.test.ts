import { describe, expect, it } from "vitest";
import { editMapText } from "../../src/plugins/map-text.js";
import { parseMapJson, rewriteMap } from "../../src/sourcemaps/inject-plan.js";

const ID = "0f1e2d3c-4b5a-5968-8776-a5b4c3d2e1f0";

/** What the parsing path makes of the same map: the reference the text edit must equal. */
function parsed(text: string, at: { line: number; column: number }): unknown {
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
