/**
 * What every bundler's plugin build must satisfy, checked on the files it wrote (no knowledge of
 * the plugin's code): each JS file carries one debug id, in its snippet, its `//# debugId=` line
 * and its map; apart from the injected lines it is the build without the plugin, byte for byte
 * (content hashes aside); and every mapping of the build without the plugin resolves, through the
 * plugin build's map, to the same original position.
 */
import { eachMapping, originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import { expect } from "vitest";
import { parseDataUrl, readSourceMapReference } from "../../src/sourcemaps/map-reference.js";
import { readTree } from "./plugin-app.js";

const SNIPPET_START = '!function(){try{var e="undefined"!=typeof window?window:';
const RELEASE_FOOTER_RE = /\n\/\* sentry-ship release: "[^\n]*" \*\/(?=\n)/;
const ID_LINE_RE = /\n\/\/# debugId=([0-9a-f-]{36})\n/;
/** `name.HASH.js`: the hash is the last dotted part before the extension. */
const HASHED_RE = /^(.*)\.([A-Za-z0-9_-]{6,})\.(m?js)(\.map)?$/;

export interface BuiltFiles {
  /** JS file name → text. */
  js: Map<string, string>;
  /** Map file name → parsed map. */
  maps: Map<string, Record<string, any>>;
}

export function readBuild(outDir: string): BuiltFiles {
  const js = new Map<string, string>();
  const maps = new Map<string, Record<string, any>>();
  for (const [name, bytes] of readTree(outDir)) {
    if (/\.m?js$/.test(name)) js.set(name, bytes.toString("utf8"));
    else if (/\.m?js\.map$/.test(name)) maps.set(name, JSON.parse(bytes.toString("utf8")));
  }
  return { js, maps };
}

/**
 * `readBuild` for a build whose maps are inline: each JS file's map is the one its
 * `//# sourceMappingURL=data:…` carries, filed under `<name>.map` as a map file would be.
 */
export function readInlineBuild(outDir: string): BuiltFiles {
  const b = readBuild(outDir);
  expect([...b.maps.keys()], "no map files beside an inline build").toEqual([]);
  for (const [name, code] of b.js) {
    const ref = readSourceMapReference(code);
    const data = ref && parseDataUrl(ref.url);
    expect(data, `${name} has an inline map`).toBeTruthy();
    b.maps.set(`${name}.map`, JSON.parse(data!.json));
  }
  return b;
}

/** The name without its content hash: `cart.Ab12Cd34.js` → `cart.js`. */
export function unhashed(name: string): string {
  const m = HASHED_RE.exec(name);
  return m ? `${m[1]}.${m[3]}${m[4] ?? ""}` : name;
}

function hashOf(name: string): string | undefined {
  return HASHED_RE.exec(name)?.[2];
}

/** Each JS file's debug id, checked against its snippet and its map. Returns file → id. */
export function checkDebugIds(b: BuiltFiles): Map<string, string> {
  const ids = new Map<string, string>();
  expect(b.js.size).toBeGreaterThanOrEqual(3);
  for (const [name, code] of b.js) {
    const m = ID_LINE_RE.exec(code);
    expect(m, `${name} has a debugId line`).not.toBeNull();
    const id = m![1]!;
    expect(code.split("//# debugId=").length, name).toBe(2);
    expect(code).toContain(`e._sentryDebugIds[n]="${id}"`);
    const map = b.maps.get(`${name}.map`);
    expect(map, `${name}.map`).toBeDefined();
    expect(map!.debugId, `${name}.map debugId`).toBe(id);
    ids.set(name, id);
  }
  expect(new Set(ids.values()).size).toBe(ids.size);
  return ids;
}

/** The text with every hash from `names` blanked (same length, so offsets hold). */
function blankHashes(text: string, hashes: string[]): string {
  let out = text;
  for (const h of hashes) out = out.split(h).join("#".repeat(h.length));
  return out;
}

interface Removed {
  text: string;
  /** Offset in the plain text where the snippet line went, and how many UTF-16 units it added there. */
  at: number;
  added: number;
}

/** The injected JS without its snippet line and its debugId line. */
function removeInjection(code: string): Removed {
  const s = code.indexOf(SNIPPET_START);
  expect(s, "the snippet is present").toBeGreaterThan(-1);
  // The snippet has a line of its own: after the directive prologue, or first (Rolldown's postBanner).
  const lineStart = code.lastIndexOf("\n", s);
  const lineEnd = code.indexOf("\n", s);
  expect(lineEnd, "the snippet has a line of its own").toBeGreaterThan(-1);
  const at = Math.max(lineStart, 0);
  const added = lineEnd + 1 - at;
  const without = code.slice(0, at) + code.slice(lineEnd + 1);
  // (esbuild's build also ends with the comment that puts the release into its hashes.)
  return { text: without.replace(ID_LINE_RE, "\n").replace(RELEASE_FOOTER_RE, ""), at, added };
}

/** The code without the blank space and sourceMappingURL comment it ends with. */
function body(text: string): string {
  return text.replace(/\s*(?:\/\/# sourceMappingURL=\S*\s*)?$/, "");
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start };
}

function offsetOf(text: string, line: number, column: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) off = text.indexOf("\n", off) + 1;
  return off + column;
}

/**
 * The plugin build is the plain build plus the injected lines; every mapping of the plain build
 * resolves to the same original position through the plugin build's map. Returns the number of
 * mappings compared.
 */
export function checkSameMappings(plain: BuiltFiles, injected: BuiltFiles): number {
  const hashes = [...plain.js.keys(), ...injected.js.keys(), ...plain.maps.keys(), ...injected.maps.keys()]
    .map(hashOf)
    .filter((h): h is string => h !== undefined);
  const byName = (b: BuiltFiles) => new Map([...b.js.keys()].map((n) => [unhashed(n), n]));
  const plainNames = byName(plain);
  const injectedNames = byName(injected);
  expect([...injectedNames.keys()].sort()).toEqual([...plainNames.keys()].sort());
  let compared = 0;
  for (const [key, plainName] of plainNames) {
    const injName = injectedNames.get(key)!;
    const plainCode = blankHashes(plain.js.get(plainName)!, hashes);
    const injCode = blankHashes(injected.js.get(injName)!, hashes);
    const removed = removeInjection(injCode);
    // Nothing but the injected lines changed (the release statement sits on the snippet line).
    // (The end may differ in blank lines: bundlers end code with a line break or not.)
    expect(body(removed.text), `${key}: the plugin build minus its injected lines`).toBe(body(plainCode));
    const plainMap = new TraceMap(plain.maps.get(`${plainName}.map`) as never);
    const injMap = new TraceMap(injected.maps.get(`${injName}.map`) as never);
    // Every segment of the injected map, by position and target: a minifier may map one generated
    // column twice (rspack's SWC maps `throw TypeError(` to both `throw` and `TypeError` once `new`
    // is dropped), and a lookup by position finds only one of the two.
    const segment = (
      line: number,
      column: number,
      m: { source: string | null; originalLine: number | null; originalColumn: number | null; name: string | null },
    ) => `${line}:${column} ${m.source}:${m.originalLine}:${m.originalColumn} ${m.name}`;
    const injSegments = new Set<string>();
    eachMapping(injMap, (m) => {
      injSegments.add(segment(m.generatedLine, m.generatedColumn, m));
    });
    eachMapping(plainMap, (m) => {
      if (m.source === null) return;
      const off = offsetOf(plainCode, m.generatedLine, m.generatedColumn);
      const moved = off >= removed.at ? off + removed.added : off;
      const pos = lineCol(injCode, moved);
      if (!injSegments.has(segment(pos.line, pos.column, m))) {
        const got = originalPositionFor(injMap, pos);
        const want = { source: m.source, line: m.originalLine, column: m.originalColumn, name: m.name };
        expect({ file: key, at: pos, got }).toEqual({ file: key, at: pos, got: want });
      }
      compared++;
    });
  }
  return compared;
}
