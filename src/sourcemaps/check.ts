/**
 * `sourcemaps check`: the preflight a CI step runs between inject and deploy. Every JS file has a
 * debug id and its map the same one; every referenced map exists and parses; maps carry their
 * sources (sourcesContent, or the files beside them); no two different files share a debug id.
 * Warnings for JS without a map and maps that name sources that are nowhere.
 */
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { FlattenMap, originalPositionFor } from "@jridgewell/trace-mapping";
import { glob } from "tinyglobby";
import { parseMapJson } from "./bundle-rewrite.js";
import { debugIdFromMap, findDebugId } from "./debug-id.js";
import { isServerMapUrl, parseDataUrl, readSourceMapReference } from "./map-reference.js";

export type CheckCode =
  | "no_debug_id"
  | "map_without_debug_id"
  | "debug_id_mismatch"
  | "map_missing"
  | "map_unreadable"
  | "no_sources_content"
  | "duplicate_debug_id"
  | "no_source_map"
  | "map_not_checked"
  | "missing_sources"
  | "not_on_server";

export interface CheckIssue {
  level: "error" | "warning";
  code: CheckCode;
  /** The file it is about, as the user named it (relative to the working directory). */
  file: string;
  message: string;
}

export interface CheckedFile {
  file: string;
  debugId: string | null;
  map: string | null;
}

export interface CheckReport {
  files: CheckedFile[];
  maps: number;
  issues: CheckIssue[];
  errors: number;
  warnings: number;
  /** With --against-server: debug ids asked for, and those the server has no artifact for. */
  server?: { checked: number; missing: string[] };
}

const JS = /\.(m|c)?js$/;

async function exists(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

interface MapInfo {
  display: string;
  debugId: string | undefined;
}

/** Check a parsed map's sources: embedded, or present on disk. */
async function checkSources(
  map: Record<string, unknown>,
  mapDir: string | undefined,
  display: string,
  add: (i: CheckIssue) => void,
): Promise<void> {
  if (Array.isArray(map.sections)) {
    // An index map: each section's map carries its own sources.
    for (const section of map.sections as unknown[]) {
      const inner = (section as { map?: unknown } | null)?.map;
      if (inner && typeof inner === "object" && !Array.isArray(inner))
        await checkSources(inner as Record<string, unknown>, mapDir, display, add);
    }
    return;
  }
  const sources = Array.isArray(map.sources) ? (map.sources as unknown[]) : [];
  const contents = Array.isArray(map.sourcesContent) ? (map.sourcesContent as unknown[]) : undefined;
  const root = typeof map.sourceRoot === "string" ? map.sourceRoot : "";
  const missing: string[] = [];
  for (const [i, src] of sources.entries()) {
    if (typeof contents?.[i] === "string") continue;
    if (typeof src !== "string") continue;
    const name = root ? `${root.replace(/\/?$/, "/")}${src}` : src;
    const local = name.replace(/^file:\/\//, "");
    const onDisk =
      mapDir !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(local)
        ? await exists(isAbsolute(local) ? local : resolve(mapDir, local))
        : false;
    if (!onDisk) missing.push(src);
  }
  if (missing.length === 0) return;
  const list = missing.slice(0, 3).join(", ") + (missing.length > 3 ? ` and ${missing.length - 3} more` : "");
  if (contents === undefined) {
    add({
      level: "error",
      code: "no_sources_content",
      file: display,
      message: `has no sourcesContent and its sources are not present (${list}): frames will resolve without code lines`,
    });
  } else {
    add({
      level: "warning",
      code: "missing_sources",
      file: display,
      message: `references sources that are nowhere (${list})`,
    });
  }
}

function parseMap(text: string, display: string): { map: Record<string, unknown> } | { error: string } {
  try {
    const map = parseMapJson(text, display);
    originalPositionFor(new FlattenMap(map as never), { line: 1, column: 0 });
    return { map };
  } catch (e) {
    return { error: (e as Error).message.replace(`${display} is not a valid source map: `, "") };
  }
}

export async function checkBuild(dirs: string[], cwd: string): Promise<CheckReport> {
  const issues: CheckIssue[] = [];
  const add = (i: CheckIssue) => issues.push(i);
  const files: CheckedFile[] = [];
  const mapsSeen = new Map<string, MapInfo>();
  const byId = new Map<string, { display: string; text: string }[]>();
  const show = (abs: string) => relative(cwd, abs) || abs;

  const jsFiles: string[] = [];
  for (const dir of dirs) {
    const root = resolve(cwd, dir);
    let isDir = false;
    try {
      isDir = (await stat(root)).isDirectory();
    } catch {
      throw new Error(`${dir}: no such file or folder`);
    }
    if (!isDir) {
      if (JS.test(root)) jsFiles.push(root);
      continue;
    }
    const rels = await glob(["**/*.{js,cjs,mjs}"], { cwd: root, ignore: ["**/node_modules/**"] });
    jsFiles.push(...rels.sort().map((r) => join(root, r)));
  }

  for (const abs of jsFiles) {
    const display = show(abs);
    const text = await readFile(abs, "utf8");
    const id = findDebugId(text) ?? null;
    const entry: CheckedFile = { file: display, debugId: id, map: null };
    files.push(entry);
    if (!id)
      add({
        level: "error",
        code: "no_debug_id",
        file: display,
        message: "has no debug id (run `sentry-ship sourcemaps inject` on the build)",
      });
    else {
      const list = byId.get(id) ?? [];
      list.push({ display, text });
      byId.set(id, list);
    }

    const ref = readSourceMapReference(text)?.url;
    let mapText: string | undefined;
    let mapDisplay: string;
    let mapDir: string | undefined;
    if (ref?.startsWith("data:")) {
      mapText = parseDataUrl(ref)?.json ?? "";
      mapDisplay = `${display} (inline map)`;
      mapDir = dirname(abs);
    } else {
      let mapAbs: string | undefined;
      // A map on a server is checked as the `FILE.map` beside the script, as inject and upload
      // pair it, when there is one.
      const onServer = ref !== undefined && isServerMapUrl(ref, existsSync);
      if (onServer && (await exists(`${abs}.map`))) {
        mapAbs = `${abs}.map`;
      } else if (ref !== undefined) {
        if (onServer) {
          add({
            level: "warning",
            code: "map_not_checked",
            file: display,
            message: `its map is at ${ref}, which is not checked`,
          });
          continue;
        }
        let clean = ref.replace(/^file:\/\//, "").replace(/[?#].*$/, "");
        try {
          clean = decodeURIComponent(clean);
        } catch {
          /* as written */
        }
        mapAbs = isAbsolute(clean) ? clean : resolve(dirname(abs), clean);
        if (!(await exists(mapAbs))) {
          add({
            level: "error",
            code: "map_missing",
            file: display,
            message: `references ${ref}, which does not exist (${show(mapAbs)})`,
          });
          continue;
        }
      } else if (await exists(`${abs}.map`)) {
        mapAbs = `${abs}.map`;
      } else {
        add({
          level: "warning",
          code: "no_source_map",
          file: display,
          message: "has no source map (its frames will stay minified)",
        });
        continue;
      }
      mapDisplay = show(mapAbs);
      mapDir = dirname(mapAbs);
      entry.map = mapDisplay;
      const seen = mapsSeen.get(mapAbs);
      if (seen) {
        if (id && seen.debugId && seen.debugId !== id)
          add({
            level: "error",
            code: "debug_id_mismatch",
            file: display,
            message: `has debug id ${id} but its map ${seen.display} has ${seen.debugId}`,
          });
        continue;
      }
      try {
        mapText = await readFile(mapAbs, "utf8");
      } catch (e) {
        add({
          level: "error",
          code: "map_unreadable",
          file: mapDisplay,
          message: `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        });
        continue;
      }
      mapsSeen.set(mapAbs, { display: mapDisplay, debugId: undefined });
    }
    entry.map ??= mapDisplay;
    const parsed = parseMap(mapText, mapDisplay);
    if ("error" in parsed) {
      add({
        level: "error",
        code: "map_unreadable",
        file: mapDisplay,
        message: `is not a valid source map: ${parsed.error}`,
      });
      continue;
    }
    const mapId = debugIdFromMap(parsed.map);
    for (const info of mapsSeen.values()) if (info.display === mapDisplay) info.debugId = mapId;
    if (!ref?.startsWith("data:")) {
      if (!mapId)
        add({
          level: "error",
          code: "map_without_debug_id",
          file: mapDisplay,
          message: `has no debug id while ${display} ${id ? `has ${id}` : "has none either"}`,
        });
      else if (id && mapId !== id)
        add({
          level: "error",
          code: "debug_id_mismatch",
          file: display,
          message: `has debug id ${id} but its map ${mapDisplay} has ${mapId}`,
        });
    }
    await checkSources(parsed.map, mapDir, mapDisplay, add);
  }

  for (const [id, list] of byId) {
    const distinct = new Map(list.map((f) => [f.text, f.display]));
    if (distinct.size > 1) {
      const names = [...distinct.values()];
      add({
        level: "error",
        code: "duplicate_debug_id",
        file: names[0]!,
        message: `shares debug id ${id} with ${names.slice(1).join(", ")}, a different file: one of them will be resolved with the other's map`,
      });
    }
  }

  const order = { error: 0, warning: 1 };
  issues.sort((a, b) => order[a.level] - order[b.level] || a.file.localeCompare(b.file));
  return {
    files,
    maps: mapsSeen.size,
    issues,
    errors: issues.filter((i) => i.level === "error").length,
    warnings: issues.filter((i) => i.level === "warning").length,
  };
}

export function renderCheck(r: CheckReport): string[] {
  const out = [
    `Checked ${r.files.length} JavaScript file${r.files.length === 1 ? "" : "s"} and ${r.maps} source map${r.maps === 1 ? "" : "s"}`,
  ];
  if (r.server)
    out.push(
      `Asked the server for ${r.server.checked} debug id${r.server.checked === 1 ? "" : "s"}: ${r.server.missing.length} missing`,
    );
  for (const i of r.issues) out.push(`  ${i.level === "error" ? "error  " : "warning"} ${i.file}: ${i.message}`);
  out.push(`${r.errors} error${r.errors === 1 ? "" : "s"}, ${r.warnings} warning${r.warnings === 1 ? "" : "s"}`);
  return out;
}
