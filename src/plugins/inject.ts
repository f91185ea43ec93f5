/**
 * The build-time half of the bundler plugins: debug ids (and optionally the release) written into
 * chunks while the bundler renders them, with inject's own planning (../sourcemaps/inject-plan.ts,
 * ../sourcemaps/snippet.ts). Pure text in, text out; nothing here touches the network.
 *
 * Two shapes, because bundlers hand over different things before they hash:
 * - Rollup and Vite (`renderChunk`): the chunk's code, but not yet its map. The snippet goes where
 *   inject puts it in a file with a map, the id is inject's id for those bytes alone, and the map
 *   is fixed once it exists (`finishChunkMap`), with the same shift inject applies.
 * - webpack and esbuild: code and map together — `injectCode`, exactly as inject does on disk.
 */
import { debugIdFromBytes, debugIdFromMap, findDebugId, isDebugId } from "../sourcemaps/debug-id.js";
import {
  type InjectedCode,
  injectCode,
  injectParsedPair,
  parseMapJson,
  rewriteMap,
} from "../sourcemaps/inject-plan.js";
import { encodeDataUrl, isDataUrl, parseDataUrl, readSourceMapReference } from "../sourcemaps/map-reference.js";
import {
  type Directive,
  debugIdComment,
  directivePrologue,
  injectWithMap,
  insertionPoint,
  snippet,
} from "../sourcemaps/snippet.js";
import { type InjectedBytes, injectBytes, releaseSnippet, utf8, withRelease } from "./inject-bytes.js";
import { editMap, editMapText } from "./map-text.js";

export { debugIdComment, debugIdFromBytes, findDebugId, type InjectedBytes, releaseSnippet };

/** Where the snippet went: the 0-based line and column, in the code before injection. */
export interface InsertedAt {
  line: number;
  column: number;
}

export interface RenderedInjection {
  debugId: string;
  code: string;
  at: InsertedAt;
}

/**
 * The line Rolldown puts first in a chunk after its own minifier ran (`output.postBanner`): the
 * chunk's directive prologue (`directives`, as `chunkDirectives` predicts it), then the release
 * statement and the debug-id snippet. Rolldown writes the chunk's own directives after this line,
 * where they are plain strings: the copy in front keeps the chunk in the mode they set.
 */
export function bannerLine(debugId: string, release: string | undefined, directives: string): string {
  return directives + (release === undefined ? "" : releaseSnippet(release)) + snippet(debugId);
}

/** Directives as one line of statements: `"use strict";'use client';`. */
function directiveText(directives: Directive[]): string {
  return directives.map((d) => `${d.quote}${d.text}${d.quote};`).join("");
}

const isUseStrict = (d: Directive) => d.text === "use strict";

/**
 * The directives Rolldown opens a chunk with, as `bannerLine` repeats them, predicted before the
 * chunk exists (Rolldown asks for `postBanner` first): the directive prologue of the module the
 * chunk stands for (`facadeCode`: a user-defined entry's, or under `preserveModules` its module's;
 * other chunks have none), then `output.strict` — true adds `"use strict"` where none is, false
 * drops it — and ES module output drops `"use strict"` as well (a module is strict anyway).
 */
export function chunkDirectives(
  facadeCode: string | null | undefined,
  format: string,
  strict: boolean | "auto" | undefined,
): string {
  let directives = facadeCode ? directivePrologue(facadeCode).directives : [];
  const esm = format === "es" || format === "esm" || format === "module";
  if (strict === true && !esm && !directives.some(isUseStrict))
    directives = [{ quote: '"', text: "use strict" }, ...directives];
  if (strict === false || esm) directives = directives.filter((d) => !isUseStrict(d));
  return directiveText(directives);
}

/** The directives a rendered chunk opens with, written as `chunkDirectives` writes them. */
export function openingDirectives(code: string): string {
  return directiveText(directivePrologue(code).directives);
}

/**
 * Inject a chunk as the bundler renders it, before its map exists: the snippet after the
 * directive prologue (where inject puts it next to a map), the `//# debugId=` line at the end, the
 * id derived from the bytes. Undefined when the chunk already carries an id.
 */
export function injectRendered(code: string, release?: string): RenderedInjection | undefined {
  if (findDebugId(code)) return undefined;
  const debugId = debugIdFromBytes(code);
  const at = insertionPoint(code);
  const out = injectWithMap(code, debugId, at);
  return { debugId, code: withRelease(out, debugId, release), at: { line: at.line, column: at.column } };
}

/** A chunk's map once finished: its JSON text, and the `mappings` it holds when they moved. */
export interface FinishedMap {
  text: string;
  /** Undefined when no snippet position was given (the mappings stayed as they were). */
  mappings: string | undefined;
}

/**
 * The chunk's map (JSON text) once the bundler made it from the code as it was before injection:
 * mappings shifted as inject shifts them, `debugId` added. The bundler made the map in this same
 * process, so it is not validated first as inject validates a map found on disk (that check was
 * most of the plugin's time); one that cannot be shifted still throws.
 */
export function finishChunkMap(mapText: string, debugId: string, at: InsertedAt | undefined): FinishedMap {
  // Without `at` the bundler placed the lines itself and shifted its map (Rolldown's postBanner):
  // only the id is added.
  const edited = editMap(mapText, debugId, at);
  if (edited !== undefined) return { text: edited.text, mappings: at === undefined ? undefined : edited.mappings };
  const map = parseMapJson(mapText);
  if (at !== undefined) {
    const text = rewriteMap(map, debugId, at);
    return { text, mappings: typeof map.mappings === "string" ? map.mappings : undefined };
  }
  if (!isDebugId(map.debugId)) {
    delete map.debug_id;
    map.debugId = debugId;
  }
  return { text: JSON.stringify(map), mappings: undefined };
}

/**
 * `finishChunkMap` for a chunk that carries its map inline as a `data:` URL: the code with the
 * finished map in its URL, and that map; undefined when the chunk has no inline map.
 */
export function finishInlineMap(
  code: string,
  debugId: string,
  at: InsertedAt | undefined,
): { code: string; map: FinishedMap } | undefined {
  const ref = readSourceMapReference(code);
  if (!ref || !isDataUrl(ref.url)) return undefined;
  const data = parseDataUrl(ref.url);
  if (!data) return undefined;
  const map = finishChunkMap(data.json, debugId, at);
  return {
    code: code.slice(0, ref.start) + encodeDataUrl(data.prefix, data.base64, map.text) + code.slice(ref.end),
    map,
  };
}

/**
 * Inject an emitted JS file and its map (if any) as `sourcemaps inject` does on disk — the same
 * id, the same code, the same mappings — plus the release statement. Undefined when the file
 * already has an id. As in `finishChunkMap`, a map the bundler just made is not validated first,
 * and a plain regular map is edited as text (./map-text.ts), keeping its formatting.
 */
export function injectAsset(code: string, map: string | undefined, release?: string): InjectedCode | undefined {
  if (findDebugId(code)) return undefined;
  const out = map === undefined ? injectCode(code) : injectWithMapText(code, map);
  if (!out) return undefined;
  return { ...out, code: withRelease(out.code, out.debugId, release) };
}

/**
 * `injectBytes` (./inject-bytes.ts), with a map its edit does not take parsed as the text way does
 * (`injectAsset`): the same id, code and map. Undefined when the script already has an id.
 */
export function injectAssetBytes(
  codeBytes: Uint8Array,
  mapBytes: Uint8Array,
  release?: string,
): InjectedBytes | undefined {
  const fast = injectBytes(codeBytes, mapBytes, release);
  return fast === null ? injectBytesParsingMap(codeBytes, mapBytes, release) : fast;
}

/** `injectAssetBytes` for a map `injectBytes` did not take (it returned null): the map parsed. */
export function injectBytesParsingMap(codeBytes: Uint8Array, mapBytes: Uint8Array, release?: string): InjectedBytes {
  const id = debugIdFromBytes(codeBytes, "\0", mapBytes);
  const out = injectParsingMap(utf8(codeBytes), utf8(mapBytes), id);
  return {
    debugId: out.debugId,
    code: withRelease(out.code, out.debugId, release),
    map: [Buffer.from(out.map, "utf8")],
  };
}

function injectWithMapText(code: string, map: string): InjectedCode {
  const at = insertionPoint(code);
  const id = debugIdFromBytes(code, "\0", map);
  const edited = editMapText(map, id, at);
  if (edited !== undefined) return { debugId: id, code: injectWithMap(code, id, at), map: edited };
  return injectParsingMap(code, map, id);
}

/** Inject a script and a map the text edit does not take, parsing the map (its own id wins). */
function injectParsingMap(code: string, mapText: string, id: string): { debugId: string; code: string; map: string } {
  const parsed = parseMapJson(mapText);
  const debugId = debugIdFromMap(parsed) ?? id;
  const pair = injectParsedPair(code, parsed, debugId);
  return { debugId, code: pair.js, map: pair.map };
}
