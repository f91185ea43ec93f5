/**
 * The esbuild plugin's injection of a script and its map handed over as bytes, with only the code
 * that path needs (it loads while esbuild builds, on the cores esbuild is using): the id, the
 * snippet, the map edit (./map-text.ts) and the release statement. What the edit does not take
 * — a map it leaves to the parser, a script without a map — goes to ./inject.ts, loaded then.
 */
import { createHash } from "node:crypto";
import { debugIdFromBytes, findDebugId } from "../sourcemaps/debug-id.js";
import { injectWithMap, insertionPoint, snippet } from "../sourcemaps/snippet.js";
import { editMapPieces } from "./map-text.js";

/**
 * The statement that hands the release to the SDK: `@sentry/browser` and `@sentry/node` read
 * `SENTRY_RELEASE.id` on the global object when `init` is given no release. Guarded like the
 * debug-id snippet, so it never throws.
 */
export function releaseSnippet(release: string): string {
  return (
    '!function(){try{var e="undefined"!=typeof window?window:"undefined"!=typeof global?global:' +
    '"undefined"!=typeof globalThis?globalThis:"undefined"!=typeof self?self:{};' +
    `e.SENTRY_RELEASE={id:${JSON.stringify(release).replace(/</g, "\\u003c")}}}catch(e){}}();`
  );
}

/** Put the release statement on the snippet's own line (no line moves, so the map shift holds). */
export function withRelease(code: string, debugId: string, release: string | undefined): string {
  if (release === undefined) return code;
  const s = snippet(debugId);
  const i = code.indexOf(s);
  return i === -1 ? code : code.slice(0, i) + releaseSnippet(release) + code.slice(i);
}

/**
 * What `injectBytes` returns: the code as text, the map as the bytes to write, in pieces (in
 * order; most are views of the map handed in), so writing it copies nothing.
 */
export interface InjectedBytes {
  debugId: string;
  code: string;
  map: Uint8Array[];
}

/**
 * Inject a script and its map handed over as bytes (esbuild's output files) as `sourcemaps
 * inject` does on disk: the id is the SHA-1 of the same bytes (the UTF-8 the text would encode
 * to), the code and map the same. The map is edited as one-byte (latin1) text, a character per
 * byte: the keys and the mappings the edit touches are ASCII, and every other byte, multi-byte
 * UTF-8 included, passes through unchanged, so most of the map is never decoded or encoded.
 * Undefined when the script already has an id; null when the edit does not take the map
 * (./inject.ts `injectAssetBytes` parses it).
 */
export function injectBytes(
  codeBytes: Uint8Array,
  mapBytes: Uint8Array,
  release?: string,
): InjectedBytes | null | undefined {
  const code = utf8(codeBytes);
  if (findDebugId(code)) return undefined;
  const at = insertionPoint(code);
  const id = debugIdFromBytes(codeBytes, "\0", mapBytes);
  const map = editMapPieces(mapBytes, id, at);
  if (map === undefined) return null;
  return { debugId: id, code: withRelease(injectWithMap(code, id, at), id, release), map };
}

export function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

/**
 * The `hash` esbuild gives an output file (which watchers and dev servers compare to tell a changed
 * file), for one whose contents the plugin replaced: 11 characters, as esbuild's own, here the first
 * 64 bits of the contents' SHA-1 in base64url.
 */
export function outputFileHash(contents: Uint8Array): string {
  return createHash("sha1").update(contents).digest().subarray(0, 8).toString("base64url");
}
