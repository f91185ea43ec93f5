/**
 * A local build as the artifacts an upload of it would make: every JS file and map under the
 * given folders, named as `sourcemaps upload` names them (`--url-prefix`/`--url-suffix`, default
 * `~/`), with its debug id, in the release and dist it would be uploaded to. `explain --event`
 * checks an event against it with the same rules `serve` applies to uploaded bundles.
 */
import { readFileSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import { glob } from "tinyglobby";
import { fileUrl } from "../bundle.js";
import { debugIdFromMap, findDebugId } from "../debug-id.js";
import { readSourceMapReference } from "../map-reference.js";
import type { Artifact, ArtifactStore } from "./artifacts.js";

export interface LocalStoreOptions {
  dirs: string[];
  cwd: string;
  release: string | null;
  dist: string | null;
  urlPrefix?: string;
  urlSuffix?: string;
}

export interface LocalFile {
  /** Path as the user named it (relative to the working directory). */
  display: string;
  url: string;
  debugId: string | undefined;
  kind: "js" | "map";
}

const EXT = /\.(m|c)?js$|\.map$/;

export class LocalStore implements ArtifactStore {
  readonly files: LocalFile[] = [];
  private readonly artifacts: Artifact[] = [];

  private constructor(private readonly opts: LocalStoreOptions) {}

  static async open(opts: LocalStoreOptions): Promise<LocalStore> {
    const store = new LocalStore(opts);
    for (const dir of opts.dirs) {
      const root = resolve(opts.cwd, dir);
      let isDir: boolean;
      try {
        isDir = statSync(root).isDirectory();
      } catch {
        continue;
      }
      const rels = isDir
        ? (await glob(["**/*"], { cwd: root, dot: false, ignore: ["**/node_modules/**"] })).sort()
        : [root.slice(root.lastIndexOf("/") + 1)];
      const base = isDir ? root : root.slice(0, root.lastIndexOf("/"));
      for (const rel of rels) {
        if (!EXT.test(rel)) continue;
        store.add(resolve(base, rel), rel, relative(opts.cwd, resolve(base, rel)) || rel);
      }
    }
    return store;
  }

  private add(abs: string, rel: string, display: string): void {
    let text: string;
    try {
      text = readFileSync(abs, "utf8");
    } catch {
      return;
    }
    const isMap = rel.endsWith(".map");
    const debugId = isMap ? debugIdFromMap(text) : findDebugId(text);
    const url = fileUrl(rel, this.opts.urlPrefix, this.opts.urlSuffix);
    const type = isMap ? "source_map" : readSourceMapReference(text) ? "minified_source" : "source";
    this.files.push({ display, url, debugId, kind: isMap ? "map" : "js" });
    this.artifacts.push({
      url,
      type,
      headers: debugId ? { "debug-id": debugId } : {},
      debugId,
      release: this.opts.release,
      dist: this.opts.dist,
      origin: display,
      text: () => text,
    });
  }

  byDebugId(debugId: string): Artifact[] {
    return this.artifacts.filter((a) => a.debugId === debugId);
  }

  byName(release: string, name: string): Artifact[] {
    if (release !== this.opts.release) return [];
    return this.artifacts.filter((a) => a.url === name);
  }

  namesIn(release: string): string[] {
    return release === this.opts.release ? this.artifacts.map((a) => a.url) : [];
  }

  hasAnyBundle(): boolean {
    return this.artifacts.length > 0;
  }

  hasAnyDebugIdArtifact(): boolean {
    return this.artifacts.some((a) => a.debugId);
  }

  releaseHasArtifact(release: string): boolean {
    return release === this.opts.release && this.artifacts.length > 0;
  }

  describeDebugId(debugId: string): string | undefined {
    return this.files.find((f) => f.debugId === debugId)?.display;
  }
}
