/**
 * What the upload scan learns by reading each file (the `inspect` job, ./work/jobs.ts): its debug
 * id, a script's map reference and whether that map exists, a map's sources without content.
 */
import { isUtf8 } from "node:buffer";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseMapJson } from "./bundle-rewrite.js";
import { decompressed, isGzip, isHermesBytecode } from "./content.js";
import { debugIdFromMap, findDebugId } from "./debug-id.js";
import { readRegularFile } from "./file-errors.js";
import { isServerMapUrl, readSourceMapReference } from "./map-reference.js";

/** A reference's path as written, percent-decoding undone where it is valid. */
export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * A copy of `s` that owns its characters. A regular-expression match is a slice that keeps the
 * whole text it was found in alive, and the scan keeps what it learns for every file until the
 * upload ends: on real builds, a reference or id kept that way held ~38 MB of script text.
 */
function detached(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

/** What reading one file tells the upload (plain data: it crosses from a worker thread). */
export interface Inspection {
  kind: "script" | "map";
  size: number;
  /** Debug id from `//# debugId=` (scripts) or `debugId`/`debug_id` (maps). */
  debugId?: string;
  /** For scripts: the `sourceMappingURL` as written. */
  sourceMapRef?: string;
  /** For scripts: the map the reference names (or the `FILE.map` sibling) exists on disk. */
  mapFound?: boolean;
  /** For scripts without a reference, or whose map is on a server: the map is the `FILE.map` sibling. */
  mapGuessed?: boolean;
  /** For scripts: the reference names a map on a server (./map-reference.ts, isServerMapUrl). */
  mapOnServer?: boolean;
  /** For maps: sources without content (--validate reports them), when there are any. */
  missingContent?: string[];
  /** For a map that does not parse: the message naming it. */
  badMap?: string;
  /** For scripts: Hermes bytecode, uploaded empty (./content.ts). */
  hermes?: boolean;
  /** With --decompress: the file starts like gzip but does not uncompress (uploaded as it is). */
  notDecompressed?: boolean;
  /** Why the file is not text (not valid UTF-8): it is left out of the bundle, as sentry-cli leaves it. */
  notText?: string;
}

export interface InspectOptions {
  /** `--decompress`: read gzip files uncompressed. */
  decompress?: boolean;
  /** What the file is, when the user said so (`--bundle`, `--bundle-sourcemap`); else by its name. */
  kind?: "script" | "map";
}

/**
 * Read one file and learn what the upload needs: its debug id, for a script its sourcemap
 * reference and whether its map exists, for a map its sources (and whether it parses). A job
 * (./work/jobs.ts).
 */
export function inspectFile(abs: string, rel: string, opts: InspectOptions = {}): Inspection {
  // Synchronous reads: for many small files they cost far less than thread-pool round trips.
  // Read into reused memory: nothing read is kept once the file is inspected.
  let bytes = readRegularFile(abs, rel, true);
  let notDecompressed = false;
  if (opts.decompress) ({ bytes, failed: notDecompressed } = decompressed(bytes));
  const size = bytes.length;
  const found = (info: Inspection): Inspection => {
    if (notDecompressed) info.notDecompressed = true;
    if (!info.hermes && !isUtf8(bytes))
      info.notText =
        isGzip(bytes) && !opts.decompress
          ? "not valid UTF-8: gzip data (--decompress uploads it uncompressed)"
          : "not valid UTF-8";
    return info;
  };
  if ((opts.kind ?? (abs.endsWith(".map") ? "map" : "script")) === "map") {
    // Not text (gzip data, say): not read as a map; it is left out of the bundle.
    if (!isUtf8(bytes)) return found({ kind: "map", size });
    let map: Record<string, unknown>;
    try {
      map = parseMapJson(bytes.toString("utf8"), rel);
    } catch (e) {
      return found({ kind: "map", size, badMap: (e as Error).message });
    }
    const sources: unknown[] = Array.isArray(map.sources) ? map.sources : [];
    const content: unknown[] = Array.isArray(map.sourcesContent) ? map.sourcesContent : [];
    const missingContent: string[] = [];
    sources.forEach((s, j) => {
      if (typeof content[j] !== "string") missingContent.push(String(s ?? ""));
    });
    const info: Inspection = { kind: "map", size, debugId: debugIdFromMap(map) };
    if (missingContent.length > 0) info.missingContent = missingContent;
    return found(info);
  }
  if (isHermesBytecode(bytes)) {
    // No text to read an id or a reference from: the map is its `FILE.map` sibling.
    const info: Inspection = { kind: "script", size: 0, hermes: true };
    if (existsSync(`${abs}.map`)) info.mapGuessed = true;
    return found(info);
  }
  const text = bytes.toString("utf8");
  const id = findDebugId(text);
  const info: Inspection = { kind: "script", size, debugId: id === undefined ? undefined : detached(id) };
  const written = readSourceMapReference(text)?.url;
  const ref = written === undefined ? undefined : detached(written);
  // A map on a server (`https://…/app.js.map`) is paired as for a script without a reference:
  // with the `FILE.map` beside it, when there is one.
  const onServer = ref !== undefined && isServerMapUrl(ref, existsSync);
  if (ref !== undefined) {
    info.sourceMapRef = ref;
    if (onServer) info.mapOnServer = true;
    else if (!ref.startsWith("data:") && existsSync(resolve(dirname(abs), safeDecode(ref.split(/[?#]/)[0]!))))
      info.mapFound = true;
  }
  if ((ref === undefined || onServer) && existsSync(`${abs}.map`)) info.mapGuessed = true;
  // Scripts are not kept: reading one again costs less than holding it.
  return found(info);
}
