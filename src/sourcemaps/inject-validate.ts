/**
 * Inject's first phase, as a job (./work/jobs.ts): read and check every JS file and its map and
 * decide what to do with each (a Plan), writing nothing. Reads go through two reused buffers,
 * never wait on a FIFO or device, and refuse files too large to read as text.
 */
import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { sep } from "node:path";
import { exists, pendingPath } from "./atomic-write.js";
import { debugIdFromBytes, debugIdFromMap, findDebugId } from "./debug-id.js";
import { type DiscoveredFile, mapLocation } from "./discover.js";
import { describeCause, MAX_TEXT_BYTES, NOT_REGULAR, refusal, TOO_LARGE } from "./file-errors.js";
import { decodeUtf8, describeJsonError, mapProblem, parseMapJson } from "./inject-plan.js";
import { isDataUrl, isServerMapUrl, parseDataUrl, readSourceMapReference } from "./map-reference.js";

/** What validation saw of a file: its size, modification time, device and inode, and permission bits. */
export interface Stamp {
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
  mode: number;
}

export type Plan =
  | {
      kind: "done";
      js: DiscoveredFile;
      id: string;
      noReference: boolean;
      /** The map it was injected with, when that is a file here: its path and `dev:ino`. */
      map?: { abs: string; file: string };
    }
  | { kind: "nomap"; js: DiscoveredFile; id: string; noReference: boolean; jsStamp: Stamp; jsText?: string }
  | { kind: "inline"; js: DiscoveredFile; id: string; mapHadId: boolean; jsStamp: Stamp; jsText?: string }
  | {
      kind: "pair";
      js: DiscoveredFile;
      map: DiscoveredFile;
      id: string;
      mapHadId: boolean;
      resume: boolean;
      jsPending: boolean;
      jsStamp: Stamp;
      mapStamp: Stamp;
      /** The texts validation read, kept for applying when small (see Keep). */
      jsText?: string;
      mapText?: string;
    }
  | { kind: "missing"; js: DiscoveredFile; map: string }
  | { kind: "outside"; js: DiscoveredFile; map: string }
  | { kind: "shared"; js: DiscoveredFile; map: string; owner: string };

export interface Invalid {
  path: string;
  reason: string;
}

/**
 * Read buffers, reused file after file (one for JS files, one for maps): a new buffer per file
 * is memory outside the JS heap that only a garbage collection gives back.
 */
const scratch = [Buffer.alloc(0), Buffer.alloc(0)];
export const JS = 0;
export const MAP = 1;

/**
 * A file's bytes and what validation records of it, in one open. The bytes are a view of the
 * `slot`'s read buffer, valid until the next read into that slot.
 */
export function readStamped(path: string, slot: typeof JS | typeof MAP): { buf: Buffer; stamp: Stamp } {
  // Non-blocking, so a FIFO is refused rather than waited on (no effect on regular files).
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    if (!st.isFile()) throw refusal(NOT_REGULAR, path);
    if (st.size > MAX_TEXT_BYTES) throw refusal(TOO_LARGE, path);
    let buf = scratch[slot]!;
    if (buf.length < st.size) buf = scratch[slot] = Buffer.allocUnsafeSlow(Math.max(st.size, 2 * buf.length, 1 << 16));
    let n = 0;
    // Until the size fstat gave (a file that grows meanwhile is caught by the second read's
    // check), or the end for a file whose size is not known (0).
    while (st.size === 0 || n < st.size) {
      if (n === buf.length) {
        const bigger = Buffer.allocUnsafeSlow(2 * buf.length);
        buf.copy(bigger, 0, 0, n);
        buf = scratch[slot] = bigger;
      }
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n > MAX_TEXT_BYTES) throw refusal(TOO_LARGE, path);
    }
    return {
      buf: buf.subarray(0, n),
      stamp: { size: n, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino, mode: st.mode & 0o7777 },
    };
  } finally {
    closeSync(fd);
  }
}

/**
 * How much text validation keeps for applying (./work/tuning.ts): a kept file is not read a
 * second time, only its stamp checked. `left` counts down as texts are kept.
 */
export interface Keep {
  /** Bytes of text still to keep. */
  left: number;
  /** Keep no file larger than this. */
  fileBytes: number;
}

/** `text` (of a file of `size` bytes), when it is small enough and the budget has room. */
function kept(keep: Keep, size: number, text: string): string | undefined {
  if (size > keep.fileBytes || size > keep.left) return undefined;
  keep.left -= size;
  return text;
}

/** Read and check one JS file (and its map) and decide what to do with it. Writes nothing. */
function analyze(js: DiscoveredFile, roots: string[], invalid: Invalid[], keep: Keep): Plan | undefined {
  let buf: Buffer;
  let jsStamp: Stamp;
  try {
    ({ buf, stamp: jsStamp } = readStamped(js.abs, JS));
  } catch (e) {
    invalid.push({ path: js.display, reason: `cannot read it: ${describeCause(e)}` });
    return undefined;
  }
  const text = decodeUtf8(buf);
  if (text === undefined) {
    invalid.push({ path: js.display, reason: "it is not valid UTF-8" });
    return undefined;
  }
  // The text as applying would read it: the decoder drops a leading byte-order mark.
  const whole = () => (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? `\ufeff${text}` : text);
  const ref = readSourceMapReference(text);
  const existing = findDebugId(text);
  if (existing) {
    const done: Plan = { kind: "done", js, id: existing, noReference: ref === undefined };
    // Its map stays its own on a re-run: another file naming it must not shift it again.
    const mapAbs =
      ref && isDataUrl(ref.url)
        ? undefined
        : ref && !isServerMapUrl(ref.url, exists)
          ? mapLocation(js, ref.url)?.abs
          : `${js.abs}.map`;
    const st = mapAbs === undefined ? undefined : statSync(mapAbs, { throwIfNoEntry: false });
    if (mapAbs !== undefined && st?.isFile()) done.map = { abs: mapAbs, file: `${st.dev}:${st.ino}` };
    return done;
  }

  if (ref && isDataUrl(ref.url)) {
    // Every form browsers accept (sentry-cli 3.8.0 reads only `data:application/json;base64,`
    // and leaves any other with a JS that has an id and a map that lacks it).
    const data = parseDataUrl(ref.url);
    if (!data) {
      const id = debugIdFromBytes(buf);
      return { kind: "nomap", js, id, noReference: false, jsStamp, jsText: kept(keep, jsStamp.size, whole()) };
    }
    let map: Record<string, unknown>;
    try {
      map = parseMapJson(data.json);
    } catch (e) {
      invalid.push({ path: `${js.display} (inline source map)`, reason: describeJsonError(e) });
      return undefined;
    }
    const p = mapProblem(map);
    if (p) {
      invalid.push({ path: `${js.display} (inline source map)`, reason: p });
      return undefined;
    }
    const mapId = debugIdFromMap(map);
    return {
      kind: "inline",
      js,
      id: mapId ?? debugIdFromBytes(buf),
      mapHadId: mapId !== undefined,
      jsStamp,
      jsText: kept(keep, jsStamp.size, whole()),
    };
  }
  let map: DiscoveredFile | undefined;
  // A map on a server (`https://…/app.js.map`) is in the build, if at all, beside the script.
  const local = ref && !isServerMapUrl(ref.url, exists) ? ref : undefined;
  if (local) {
    map = mapLocation(js, local.url);
    if (!map) return { kind: "missing", js, map: local.url };
    if (!roots.some((r) => isInside(map!.abs, r))) return { kind: "outside", js, map: map.display };
  } else if (exists(js.abs + ".map")) {
    map = { abs: js.abs + ".map", display: js.display + ".map" };
  } else if (ref) {
    return { kind: "missing", js, map: ref.url };
  }
  if (!map) {
    const id = debugIdFromBytes(buf);
    return { kind: "nomap", js, id, noReference: true, jsStamp, jsText: kept(keep, jsStamp.size, whole()) };
  }

  let mapBuf: Buffer;
  let mapStamp: Stamp;
  try {
    ({ buf: mapBuf, stamp: mapStamp } = readStamped(map.abs, MAP));
  } catch (e) {
    // Reading is how we learn that a referenced map does not exist.
    if (local && !existsSync(map.abs)) return { kind: "missing", js, map: map.display };
    invalid.push({ path: map.display, reason: `cannot read it: ${describeCause(e)}` });
    return undefined;
  }
  let mapObj: Record<string, unknown>;
  const mapText = mapBuf.toString("utf8");
  try {
    mapObj = parseMapJson(mapText);
  } catch (e) {
    invalid.push({ path: map.display, reason: describeJsonError(e) });
    return undefined;
  }
  const p = mapProblem(mapObj);
  if (p) {
    invalid.push({ path: map.display, reason: p });
    return undefined;
  }
  // An interrupted run that already committed the map left only the JS pending: finish it.
  const jsPending = js.pending ?? exists(pendingPath(js.abs));
  if (jsPending && !exists(pendingPath(map.abs))) {
    const pending = decodeUtf8(readFileSync(pendingPath(js.abs)));
    const pid = pending === undefined ? undefined : findDebugId(pending);
    const mid = debugIdFromMap(mapObj);
    if (pid && pid === mid)
      return { kind: "pair", js, map, id: pid, mapHadId: false, resume: true, jsPending, jsStamp, mapStamp };
  }
  const mapId = debugIdFromMap(mapObj);
  return {
    kind: "pair",
    js,
    map,
    id: mapId ?? debugIdFromBytes(buf, "\0", mapBuf),
    mapHadId: mapId !== undefined,
    resume: false,
    jsPending,
    jsStamp,
    mapStamp,
    jsText: kept(keep, jsStamp.size, whole()),
    mapText: kept(keep, mapStamp.size, mapText),
  };
}

export interface Validated {
  /** Per JS file, in the order given: its plan, or undefined when it is invalid. */
  plans: (Plan | undefined)[];
  invalid: Invalid[];
}

/**
 * Validate `sources`: what to do with each, and what is wrong. Writes nothing. Texts are kept
 * in the plans for applying within `keep` (none by default).
 */
export function validate(
  sources: DiscoveredFile[],
  roots: string[],
  keep: Keep = { left: 0, fileBytes: 0 },
): Validated {
  const invalid: Invalid[] = [];
  return { plans: sources.map((js) => analyze(js, roots, invalid, keep)), invalid };
}

/** Whether `abs` is `root` or below it (both absolute and normalised). */
function isInside(abs: string, root: string): boolean {
  return abs === root || abs.startsWith(root.endsWith(sep) ? root : root + sep);
}
