/**
 * `serve --data DIR`: what the server received, as files a person can read. Every write is atomic
 * (temp file + rename). Releases, deploys and repositories are reloaded on the next start.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { jsonTextTooDeep } from "./json-depth.js";
import type { Bundle, BundleFile, Deploy, Release, Repo, ServerState, StoredEvent } from "./state.js";
import { writeAtomic } from "./write-atomic.js";

/** A bundle that cannot be stored; the message names the file and the cause. */
export class BundleWriteError extends Error {}

/** A data file `serve` cannot start with; the message names the file and the cause. */
export class DataFileError extends Error {}

const FS_CAUSES: Record<string, string> = {
  ENAMETOOLONG: "name too long",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EEXIST: "another file of the bundle has the same path",
  ENOTDIR: "another file of the bundle uses a part of this path as a file name",
  EISDIR: "another file of the bundle uses this name as a folder",
  EINVAL: "invalid file name",
  EILSEQ: "invalid file name",
};

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code && FS_CAUSES[code]) return `${FS_CAUSES[code]} (${code})`;
  if (code === "ERR_INVALID_ARG_VALUE" || code === "ERR_INVALID_ARG_TYPE") return "invalid file name";
  return code ?? ((e as Error).message || String(e)).slice(0, 120);
}

function quote(path: string): string {
  const shown = JSON.stringify(path.length > 80 ? `${path.slice(0, 80)}…` : path);
  return path.length > 80 ? `${shown} (${path.length} characters)` : shown;
}

/** Why a zip path cannot be a file name on disk, if it cannot. */
function badBundlePath(path: string): string | undefined {
  if (path.length === 0) return "empty file name";
  if (path.includes("\0")) return "the name contains a NUL character";
  if (path.endsWith("/") || path.endsWith("\\")) return "the name ends with a path separator (a folder, not a file)";
  for (const part of path.split(/[\\/]/)) {
    if (Buffer.byteLength(part) > 255) return "name too long (ENAMETOOLONG)";
  }
  return undefined;
}

/** Replace a file's in-memory content with a read of the stored copy. */
function lazyContent(file: BundleFile, onDisk: string): void {
  Object.defineProperty(file, "content", {
    enumerable: true,
    configurable: true,
    get: () => {
      try {
        return readFileSync(onDisk);
      } catch {
        return Buffer.alloc(0);
      }
    },
  });
}

/** Events read back from --data at start (the newest), and the largest event file read. */
const LOADED_EVENTS = 1000;
const EVENT_FILE_BYTES = 8 * 1024 * 1024;

export class Persistence {
  constructor(readonly dir: string | undefined) {}

  /**
   * Make sure the data folder is a writable folder (creating it if needed) and clear what an
   * interrupted earlier run left half-written. Throws DataFileError with a one-line reason.
   */
  prepare(): void {
    if (!this.dir) return;
    const dir = this.dir;
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new DataFileError(`--data ${dir} cannot be used as a folder: ${describeFsError(e)}`);
    }
    if (!statSync(dir).isDirectory()) throw new DataFileError(`--data ${dir} is not a folder`);
    const probe = join(dir, `.write-test-${process.pid}`);
    try {
      writeFileSync(probe, "");
      rmSync(probe, { force: true });
    } catch (e) {
      throw new DataFileError(`--data ${dir} is not writable: ${describeFsError(e)}`);
    }
    const bundles = join(dir, "bundles");
    if (existsSync(bundles)) {
      for (const name of readdirSync(bundles)) {
        if (name.startsWith(".") && name.includes(".partial-"))
          rmSync(join(bundles, name), { recursive: true, force: true });
      }
    }
    // Chunks are not part of what is kept across runs.
    rmSync(join(dir, "chunks"), { recursive: true, force: true });
  }

  load(state: ServerState): void {
    if (!this.dir) return;
    const read = <T>(name: string): T[] | undefined => {
      const f = join(this.dir!, name);
      if (!existsSync(f)) return undefined;
      let value: unknown;
      try {
        const text = readFileSync(f, "utf8");
        if (jsonTextTooDeep(text, 64)) throw new Error("nested too deeply");
        value = JSON.parse(text);
      } catch (e) {
        const why = (e as NodeJS.ErrnoException).code ? describeFsError(e) : (e as Error).message;
        throw new DataFileError(`${f} is damaged (${why.slice(0, 120)}): fix it or move it away, then start again`);
      }
      if (!Array.isArray(value) || !value.every((x) => typeof x === "object" && x !== null && !Array.isArray(x)))
        throw new DataFileError(
          `${f} is damaged (expected a JSON array of objects): fix it or move it away, then start again`,
        );
      return value as T[];
    };
    const releases = read<Release>("releases.json");
    const deploys = read<Deploy>("deploys.json");
    const repos = read<Repo>("repos.json");
    if (releases) {
      state.releases = releases;
      const top = Math.max(0, ...releases.map((r) => (Number.isSafeInteger(r.id) ? r.id : 0)));
      state.reserveId("release", top);
    }
    if (deploys) {
      state.deploys = deploys;
      const top = Math.max(0, ...deploys.map((d) => (Number.isSafeInteger(Number(d.id)) ? Number(d.id) : 0)));
      state.reserveId("deploy", top);
    }
    if (repos) state.repos = repos;
    const monitors = this.readJson<{ monitors: ServerState["monitors"]; checkIns: ServerState["checkIns"] }>(
      "monitors.json",
    );
    const sessions = this.readJson<ServerState["sessionBuckets"]>("sessions.json");
    if (sessions) state.sessionBuckets = sessions;
    if (monitors) {
      state.monitors = monitors.monitors;
      state.checkIns = monitors.checkIns;
    }
    state.events = this.loadEvents();
  }

  /**
   * The newest events/<project id>/<event id>.json (at most LOADED_EVENTS, each at most
   * EVENT_FILE_BYTES), oldest first, so the event API lists what an earlier run received. Files
   * directly under events/ (written by earlier versions, one per event id) are read too; of two
   * files with the same project and event id the newer is kept. A damaged file is skipped.
   */
  private loadEvents(): StoredEvent[] {
    const dir = join(this.dir!, "events");
    if (!existsSync(dir)) return [];
    const files: { path: string; mtime: number; size: number }[] = [];
    const collect = (folder: string, depth: number) => {
      let names: string[];
      try {
        names = readdirSync(folder);
      } catch {
        return;
      }
      for (const name of names) {
        const path = join(folder, name);
        try {
          const st = statSync(path);
          if (st.isFile() && name.endsWith(".json")) files.push({ path, mtime: st.mtimeMs, size: st.size });
          else if (st.isDirectory() && depth === 0 && /^\d+$/.test(name)) collect(path, 1);
        } catch {
          /* gone meanwhile */
        }
      }
    };
    collect(dir, 0);
    files.sort((a, b) => b.mtime - a.mtime);
    const out: StoredEvent[] = [];
    const seen = new Set<string>();
    for (const f of files.slice(0, 2 * LOADED_EVENTS)) {
      if (out.length >= LOADED_EVENTS) break;
      if (f.size > EVENT_FILE_BYTES) continue;
      try {
        const text = readFileSync(f.path, "utf8");
        if (jsonTextTooDeep(text, 256)) continue;
        const ev = JSON.parse(text) as StoredEvent;
        if (!ev || typeof ev.id !== "string" || typeof ev.receivedAt !== "string" || !Array.isArray(ev.items)) continue;
        const key = `${ev.projectId}:${ev.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(ev);
      } catch {
        /* a file a person edited into something else: skip it */
      }
    }
    return out.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  }

  private readJson<T>(name: string): T | undefined {
    const f = join(this.dir!, name);
    if (!existsSync(f)) return undefined;
    try {
      return JSON.parse(readFileSync(f, "utf8")) as T;
    } catch (e) {
      throw new DataFileError(
        `${f} is damaged (${(e as Error).message.slice(0, 120)}): fix it or move it away, then start again`,
      );
    }
  }

  /** Any JSON document under the data folder (monitors.json, sessions.json). */
  saveJson(name: string, data: unknown): void {
    if (this.dir) writeAtomic(join(this.dir, name), JSON.stringify(data, null, 2) + "\n");
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

  /**
   * bundles/<id>/ with every file of the bundle under its zip path and manifest.json. The folder is
   * written under a temporary name, manifest.json last, and renamed into place when complete: a
   * `bundles/<id>` folder is always whole. With the files on disk, their contents are read from
   * there on demand instead of being kept in memory. Throws BundleWriteError naming the file and
   * the cause when the bundle cannot be stored.
   */
  saveBundle(bundle: Bundle): void {
    if (!this.dir) return;
    const bundles = join(this.dir, "bundles");
    const root = join(bundles, bundle.id);
    const staging = join(bundles, `.${bundle.id}.partial-${process.pid}-${randomBytes(4).toString("hex")}`);
    const stored: Array<{ file: BundleFile; target: string }> = [];
    try {
      mkdirSync(staging, { recursive: true });
      for (const f of bundle.files) {
        const why = badBundlePath(f.path);
        if (why) throw new BundleWriteError(`could not store file ${quote(f.path)}: ${why}`);
        const target = normalize(join(staging, f.path));
        if (!target.startsWith(staging + sep))
          throw new BundleWriteError(`could not store file ${quote(f.path)}: the path leaves the bundle folder`);
        try {
          mkdirSync(dirname(target), { recursive: true });
          writeFileSync(target, f.content, { flag: "wx" });
        } catch (e) {
          throw new BundleWriteError(`could not store file ${quote(f.path)}: ${describeFsError(e)}`);
        }
        stored.push({ file: f, target: relative(staging, target) });
      }
      try {
        writeFileSync(join(staging, "manifest.json"), JSON.stringify(bundle.manifest, null, 2) + "\n");
      } catch (e) {
        throw new BundleWriteError(`could not store manifest.json: ${describeFsError(e)}`);
      }
      try {
        if (existsSync(root)) rmSync(root, { recursive: true, force: true });
        renameSync(staging, root);
      } catch (e) {
        throw new BundleWriteError(`could not store bundle ${bundle.id}: ${describeFsError(e)}`);
      }
    } catch (e) {
      rmSync(staging, { recursive: true, force: true });
      throw e;
    }
    for (const { file, target } of stored) lazyContent(file, join(root, target));
  }

  /**
   * Keep a payload too large for memory as `payloads/<sha1>` (content-addressed); returns that
   * path relative to the data folder, or undefined without `--data` or when it cannot be written.
   */
  savePayload(data: Buffer): string | undefined {
    if (!this.dir) return undefined;
    const rel = `payloads/${createHash("sha1").update(data).digest("hex")}`;
    const file = join(this.dir, rel);
    try {
      if (!existsSync(file)) writeAtomic(file, data);
      return rel;
    } catch {
      return undefined;
    }
  }

  /** events/<project id>/<event id>.json: the same event id in two projects is two events. */
  saveEvent(event: StoredEvent): void {
    if (this.dir)
      writeAtomic(
        join(this.dir, "events", String(event.projectId), `${event.id}.json`),
        JSON.stringify(event, null, 2) + "\n",
      );
  }
}
