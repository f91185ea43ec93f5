/**
 * The artifacts `serve` holds for one project, answering JavaScript processing's questions: every
 * uploaded artifact bundle of the project's organization that names the project, indexed by
 * debug id and by release + name, as real Sentry indexes them.
 */
import { type Artifact, type ArtifactStore, header, normalizeId } from "../../sourcemaps/symbolicate/artifacts.js";
import type { Bundle, Org, Project, ServerState } from "../state.js";

export class BundleStore implements ArtifactStore {
  private readonly byId = new Map<string, Artifact[]>();
  private readonly byRelease = new Map<string, Map<string, Artifact[]>>();
  private readonly bundles: Bundle[];

  constructor(state: ServerState, org: Org, project: Project) {
    this.bundles = state.bundles.filter((b) => b.orgId === org.id && b.projects.includes(project.slug));
    for (const b of this.bundles) {
      for (const f of b.files) {
        if (f.url === undefined) continue;
        const debugId = normalizeId(header(f.headers, "debug-id"));
        const a: Artifact = {
          url: f.url,
          type: f.type,
          headers: f.headers,
          debugId,
          release: b.release,
          dist: b.dist,
          origin: `bundle ${b.id}`,
          text: () => f.content.toString("utf8"),
          cacheKey: f,
        };
        if (debugId) {
          const list = this.byId.get(debugId) ?? [];
          list.push(a);
          this.byId.set(debugId, list);
        }
        if (b.release) {
          const names = this.byRelease.get(b.release) ?? new Map<string, Artifact[]>();
          const list = names.get(f.url) ?? [];
          list.push(a);
          names.set(f.url, list);
          this.byRelease.set(b.release, names);
        }
      }
    }
  }

  byDebugId(debugId: string): Artifact[] {
    // Newest upload first, as a re-upload replaces what an older bundle had.
    return [...(this.byId.get(debugId) ?? [])].reverse();
  }

  byName(release: string, name: string): Artifact[] {
    return [...(this.byRelease.get(release)?.get(name) ?? [])].reverse();
  }

  namesIn(release: string): string[] {
    return [...(this.byRelease.get(release)?.keys() ?? [])];
  }

  hasAnyBundle(): boolean {
    return this.bundles.length > 0;
  }

  hasAnyDebugIdArtifact(): boolean {
    return this.byId.size > 0;
  }

  releaseHasArtifact(release: string): boolean {
    return (this.byRelease.get(release)?.size ?? 0) > 0;
  }
}
