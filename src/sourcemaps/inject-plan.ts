/**
 * Inject's planning, pure: text in, text out — no file system, so a bundler plugin can call it
 * in-process. Where the snippet goes and what it is (./snippet.ts), how the map changes (mappings
 * shifted, `debugId` added last), inline `data:` maps rewritten in their own form, and what makes
 * a map unusable. The bytes are sentry-cli 3.8.0's wherever it is right.
 */
import { debugIdFromBytes, debugIdFromMap, findDebugId, isDebugId } from "./debug-id.js";
import { parseSourceMapJson } from "./map-json.js";
import { encodeDataUrl, isDataUrl, parseDataUrl, readSourceMapReference } from "./map-reference.js";
import { type IndexSection, mappingsProblem, sectionsProblem, shiftMappings, shiftSections } from "./mappings-shift.js";
import { injectWithIndexMap, injectWithMap, injectWithoutMap, insertionPoint } from "./snippet.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function decodeUtf8(buf: Buffer): string | undefined {
  try {
    return utf8.decode(buf);
  } catch {
    return undefined;
  }
}

/** Parse source map JSON (./map-json.ts: the rules upload uses too). */
export const parseMapJson = parseSourceMapJson;

/** Why a parsed map cannot be injected, or undefined. */
export function mapProblem(map: Record<string, unknown>): string | undefined {
  if (map.sections !== undefined) {
    const p = sectionsProblem(map.sections);
    if (p) return p;
    for (const [i, s] of (map.sections as IndexSection[]).entries()) {
      const inner = s.map as Record<string, unknown> | undefined;
      if (inner && typeof inner === "object") {
        const q = regularProblem(inner);
        if (q) return `section ${i}: ${q}`;
      }
    }
    return undefined;
  }
  return regularProblem(map);
}

function regularProblem(map: Record<string, unknown>): string | undefined {
  if (typeof map.mappings !== "string") return "it has no `mappings` string";
  const sources = Array.isArray(map.sources) ? map.sources.length : undefined;
  const names = Array.isArray(map.names) ? map.names.length : undefined;
  try {
    return mappingsProblem(map.mappings, sources, names);
  } catch (e) {
    return `mappings do not decode (${(e as Error).message})`;
  }
}

export function describeJsonError(e: unknown): string {
  return (e as Error).message;
}

function trimSemicolons(mappings: string): string {
  let end = mappings.length;
  while (end > 0 && mappings.charCodeAt(end - 1) === 59 /* ; */) end--;
  return end === mappings.length ? mappings : mappings.slice(0, end);
}

/** The map after injection: mappings (or sections) shifted, `debugId` present (last when added). */
export function rewriteMap(map: Record<string, unknown>, id: string, at: { line: number; column: number }): string {
  if (Array.isArray(map.sections)) map.sections = shiftSections(map.sections as IndexSection[]);
  // Trailing `;`s (lines without segments) carry nothing; sentry-cli drops them, and so do we.
  else map.mappings = trimSemicolons(shiftMappings(map.mappings as string, at.line, at.column));
  if (!isDebugId(map.debugId)) {
    delete map.debugId;
    delete map.debug_id;
    map.debugId = id;
  }
  return JSON.stringify(map);
}

/** The JS and map text after injection, for a file whose map is `mapText`. */
export function injectPair(jsText: string, mapText: string, id: string): { js: string; map: string } {
  return injectParsedPair(jsText, parseMapJson(mapText), id);
}

/** `injectPair` for a map already parsed (which this changes). */
export function injectParsedPair(
  jsText: string,
  map: Record<string, unknown>,
  id: string,
): { js: string; map: string } {
  const isIndex = Array.isArray(map.sections);
  const at = insertionPoint(jsText);
  const newMap = rewriteMap(map, id, at);
  const js = isIndex ? injectWithIndexMap(jsText, id) : injectWithMap(jsText, id, at);
  return { js, map: newMap };
}

/** The JS text after injection for a file carrying its map inline as a `data:` URL. */
export function injectInline(jsText: string, id: string): string {
  const ref = readSourceMapReference(jsText)!;
  const data = parseDataUrl(ref.url)!;
  const map = parseMapJson(data.json);
  const isIndex = Array.isArray(map.sections);
  const newMap = rewriteMap(map, id, insertionPoint(jsText));
  const replaced = jsText.slice(0, ref.start) + encodeDataUrl(data.prefix, data.base64, newMap) + jsText.slice(ref.end);
  return isIndex ? injectWithIndexMap(replaced, id) : injectWithMap(replaced, id);
}

export interface InjectedCode {
  debugId: string;
  /** The JS after injection. */
  code: string;
  /** The map after injection (undefined when none was given and the JS has no inline map). */
  map?: string;
}

/**
 * Inject one JS text and its map text (if any), as inject does on disk: the debug id is the map's
 * own when it has one, else derived from the bytes. Returns undefined when the JS already has an
 * id. Throws an Error saying what is wrong with a map that cannot be injected.
 */
export function injectCode(code: string, map?: string): InjectedCode | undefined {
  if (findDebugId(code)) return undefined;
  const ref = readSourceMapReference(code);
  if (map === undefined && ref && isDataUrl(ref.url) && parseDataUrl(ref.url)) {
    const inline = parseMapJson(parseDataUrl(ref.url)!.json);
    const p = mapProblem(inline);
    if (p) throw new Error(p);
    const debugId = debugIdFromMap(inline) ?? debugIdFromBytes(code);
    return { debugId, code: injectInline(code, debugId) };
  }
  if (map === undefined) {
    const debugId = debugIdFromBytes(code);
    return { debugId, code: injectWithoutMap(code, debugId) };
  }
  const parsed = parseMapJson(map);
  const p = mapProblem(parsed);
  if (p) throw new Error(p);
  const debugId = debugIdFromMap(parsed) ?? debugIdFromBytes(code, "\0", map);
  const out = injectParsedPair(code, parsed, debugId);
  return { debugId, code: out.js, map: out.map };
}
