/**
 * `serve --data DIR`: what the server received, as files a person can read. Every write is atomic
 * (temp file + rename). Releases, deploys and repositories are reloaded on the next start.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, normalize, sep } from "node:path";
import type { Bundle, Deploy, Release, Repo, ServerState, StoredEvent } from "./state.js";

function writeAtomic(file: string, data: string | Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

export class Persistence {
  constructor(readonly dir: string | undefined) {}

  load(state: ServerState): void {
    if (!this.dir) return;
    const read = <T>(name: string): T[] | undefined => {
      const f = join(this.dir!, name);
      if (!existsSync(f)) return undefined;
      return JSON.parse(readFileSync(f, "utf8")) as T[];
    };
    const releases = read<Release>("releases.json");
    if (releases) {
      state.releases = releases;
      for (const r of releases) while (state.nextId("release") < r.id);
    }
    const deploys = read<Deploy>("deploys.json");
    if (deploys) {
      state.deploys = deploys;
      for (const d of deploys) while (state.nextId("deploy") < Number(d.id));
    }
    const repos = read<Repo>("repos.json");
    if (repos) state.repos = repos;
  }

  saveReleases(state: ServerState): void {
    if (this.dir) writeAtomic(join(this.dir, "releases.json"), JSON.stringify(state.releases, null, 2) + "\n");
  }

  saveDeploys(state: ServerState): void {
    if (this.dir) writeAtomic(join(this.dir, "deploys.json"), JSON.stringify(state.deploys, null, 2) + "\n");
  }

  saveRepos(state: ServerState): void {
    if (this.dir) writeAtomic(join(this.dir, "repos.json"), JSON.stringify(state.repos, null, 2) + "\n");
  }

  /** bundles/<id>/manifest.json plus every file of the bundle under its zip path. */
  saveBundle(bundle: Bundle): void {
    if (!this.dir) return;
    const root = join(this.dir, "bundles", bundle.id);
    writeAtomic(join(root, "manifest.json"), JSON.stringify(bundle.manifest, null, 2) + "\n");
    for (const f of bundle.files) {
      const target = normalize(join(root, f.path));
      if (!target.startsWith(root + sep)) continue; // never write outside the bundle folder
      writeAtomic(target, f.content);
    }
  }

  saveEvent(event: StoredEvent): void {
    if (this.dir) writeAtomic(join(this.dir, "events", `${event.id}.json`), JSON.stringify(event, null, 2) + "\n");
  }
}
