/**
 * Debug ids: the UUIDs that tie a minified file to its source map. Deterministic (a hash of the
 * content), shaped like a version-5 UUID with the RFC 4122 variant, as sentry-cli writes them.
 */
import { createHash } from "node:crypto";

const DEBUG_ID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** A UUID built from the SHA-1 of `parts` (in order): version nibble 5, RFC variant. */
export function debugIdFromBytes(...parts: (Uint8Array | string)[]): string {
  const h = createHash("sha1");
  for (const p of parts) h.update(p);
  const b = h.digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whether `value` is a debug id (a UUID, with or without dashes). */
export function isDebugId(value: unknown): value is string {
  return typeof value === "string" && DEBUG_ID_RE.test(value.trim());
}

/** Lower-case, dashed form of a debug id. */
export function normalizeDebugId(value: string): string {
  const hex = value.trim().replace(/-/g, "").toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const DEBUG_ID_COMMENT_RE = /(?:^|\n)\/\/# debugId=([0-9a-fA-F-]{32,36})[ \t]*\r?(?=\n|$)/g;

/** The debug id a JS file already carries: its last `//# debugId=<uuid>` line, or undefined. */
export function findDebugId(jsText: string): string | undefined {
  let found: string | undefined;
  DEBUG_ID_COMMENT_RE.lastIndex = 0;
  for (const m of jsText.matchAll(DEBUG_ID_COMMENT_RE)) {
    if (isDebugId(m[1])) found = m[1];
  }
  return found === undefined ? undefined : normalizeDebugId(found);
}

/**
 * The debug id recorded in a parsed source map (`debugId`, or the older `debug_id`), or
 * undefined. Accepts the map as parsed JSON or as JSON text.
 */
export function debugIdFromMap(mapJson: unknown): string | undefined {
  let map = mapJson;
  if (typeof map === "string" || map instanceof Uint8Array) {
    try {
      map = JSON.parse(typeof map === "string" ? map : Buffer.from(map).toString("utf8"));
    } catch {
      return undefined;
    }
  }
  if (map === null || typeof map !== "object" || Array.isArray(map)) return undefined;
  const o = map as Record<string, unknown>;
  for (const key of ["debugId", "debug_id"]) {
    if (isDebugId(o[key])) return normalizeDebugId(o[key] as string);
  }
  return undefined;
}
