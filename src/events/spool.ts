/**
 * The spool: when no DSN accepts an envelope, it is written here so nothing is lost, and
 * `send-envelope <file>` sends it again byte for byte. Writes are atomic (temp file + rename), so a
 * half-written file never looks like an envelope.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";

/** `<XDG_CACHE_HOME or ~/.cache>/sentry-ship/spool`. */
export function defaultSpoolDir(env: NodeJS.ProcessEnv, homeDir: string): string {
  const cache = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(homeDir, ".cache");
  return join(cache, "sentry-ship", "spool");
}

/** Write `body` to a new file in `dir`; returns its path. */
export function writeSpoolFile(dir: string, body: Buffer, opts: { now: Date; eventId?: string }): string {
  mkdirSync(dir, { recursive: true });
  const stamp = opts.now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const id = (opts.eventId ?? randomBytes(16).toString("hex")).replace(/-/g, "");
  const file = join(dir, `${stamp}-${id}.envelope`);
  const tmp = join(dirname(file), `.${id}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    writeFileSync(tmp, body, { mode: 0o600 });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return file;
}

/** The path with symbolic links resolved, or as given when it does not exist (yet). */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Is `file` inside the spool directory `dir`? Compared by real path: a spool folder under a
 * symlinked `~/.cache` is reached as the link's path or as the real one (the working directory
 * is always the real one).
 */
export function isInSpool(file: string, dir: string): boolean {
  const inside = (f: string, d: string) => {
    const rel = relative(d, f);
    return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
  };
  return inside(resolve(file), resolve(dir)) || inside(realPath(file), realPath(dir));
}

/**
 * Claim a spool file for sending by renaming it to a hidden name of this process: only one of
 * several concurrent runs can win the rename. Returns the claimed path, or undefined when another
 * run has taken the file already.
 */
export function claimSpoolFile(file: string): string | undefined {
  const claimed = join(dirname(file), `.${basename(file)}.sending-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    renameSync(file, claimed);
    return claimed;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/** Give a claimed file back to the spool (its send failed). */
export function releaseSpoolClaim(claimed: string, file: string): void {
  try {
    renameSync(claimed, file);
  } catch {
    /* it stays under its claimed name; nothing is lost */
  }
}

const CLAIM = /^\.(.+)\.sending-(\d+)-[0-9a-f]+$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Give back to the spool the files claimed by runs that no longer exist (killed mid-send), so they
 * are sent again. Returns the names given back.
 */
export function reclaimAbandoned(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const back: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = CLAIM.exec(name);
    if (!m || alive(Number(m[2]))) continue;
    try {
      renameSync(join(dir, name), join(dir, m[1]!));
      back.push(m[1]!);
    } catch {
      /* another run gave it back first */
    }
  }
  return back;
}
