/**
 * Where JavaScript processing finds files: the artifacts a server holds for a project (uploaded
 * artifact bundles) or, offline, the files of a local build laid out as an upload would name them.
 * Both sides answer the same questions, so one set of rules serves `serve` and `explain`.
 */

export type ArtifactType = "source" | "minified_source" | "source_map" | "indexed_ram_bundle" | string;

export interface Artifact {
  /** The name it is looked up by, e.g. `~/static/app.min.js`. */
  url: string;
  type: ArtifactType | undefined;
  /** Headers as uploaded (`debug-id`, `Sourcemap`, …); keys compared case-insensitively. */
  headers: Record<string, string>;
  debugId: string | undefined;
  release: string | null;
  dist: string | null;
  /** Where it lives, for messages: `bundle <id>` or a local path. */
  origin: string;
  /** Its bytes as text. */
  text(): string;
  /** The stored file this artifact reads, when it outlives one event: parsed maps are kept per file. */
  cacheKey?: object;
}

export interface ArtifactStore {
  /** Every artifact carrying this (normalised) debug id. */
  byDebugId(debugId: string): Artifact[];
  /** Every artifact of `release` named `name`, whatever its dist. */
  byName(release: string, name: string): Artifact[];
  /** The names of every artifact of `release` (for suggestions). */
  namesIn(release: string): string[];
  /** Any artifact bundle at all for the project. */
  hasAnyBundle(): boolean;
  /** Any uploaded artifact with a debug id. */
  hasAnyDebugIdArtifact(): boolean;
  /** Any artifact for `release`. */
  releaseHasArtifact(release: string): boolean;
  /** Where a debug id nobody uploaded can be found (offline: the local file carrying it). */
  describeDebugId?(debugId: string): string | undefined;
}

export const SOURCE_TYPES = new Set(["source", "minified_source"]);

/** A lowercase dashed UUID, or undefined (symbolic's rule: an appendix after the UUID is ignored). */
export function normalizeId(raw: unknown): string | undefined {
  if (typeof raw !== "string") return undefined;
  const m = /^([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})(?:[-.]?[0-9a-f]*)?$/.exec(
    raw.trim().toLowerCase(),
  );
  return m ? `${m[1]}-${m[2]}-${m[3]}-${m[4]}-${m[5]}` : undefined;
}

export function header(headers: Record<string, string>, key: string): string | undefined {
  const k = key.toLowerCase();
  for (const [name, v] of Object.entries(headers)) if (name.toLowerCase() === k) return v;
  return undefined;
}
