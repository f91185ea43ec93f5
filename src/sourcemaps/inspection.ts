/**
 * The record scan.ts makes of each file it reads, in a module of its own because it crosses from
 * the bundle workers (bundle.ts) to the scan and both modules use it.
 */

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
  /** For scripts without a reference: the map is the `FILE.map` sibling. */
  mapGuessed?: boolean;
  /** For maps: sources without content (--validate reports them), when there are any. */
  missingContent?: string[];
  /** For a map that does not parse: the message naming it. */
  badMap?: string;
}
