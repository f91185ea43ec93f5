/**
 * `sourcemaps resolve`: the original position of a minified (line, column), read with
 * @jridgewell/trace-mapping. Positions are 1-based in and out, as sentry-cli prints them.
 * Like sentry-cli, the nearest token at or before the position is used (an earlier line's last
 * token when the line has none).
 */
import { readFile } from "node:fs/promises";
import {
  decodedMappings,
  FlattenMap,
  originalPositionFor,
  sourceContentFor,
  type TraceMap,
} from "@jridgewell/trace-mapping";
import { InputError } from "../errors.js";
import { parseSourceMapJson } from "./map-json.js";

export interface ResolveResult {
  path: string;
  type: "regular" | "indexed";
  line: number;
  column: number;
  token?: {
    /** Generated position of the token found (1-based). */
    line: number;
    column: number;
    name: string | null;
    source: string | null;
    originalLine: number | null;
    originalColumn: number | null;
  };
  /** Lines of the original source around the position, when the map embeds it. */
  context?: { line: number; text: string; current: boolean }[];
}

export async function resolveSourceMap(
  path: string,
  display: string,
  line: number,
  column: number,
  contextLines = 2,
): Promise<ResolveResult> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new InputError(
      `cannot read source map ${display}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let json: Record<string, unknown>;
  try {
    json = parseSourceMapJson(text);
  } catch (e) {
    throw new InputError(`${display} is not a valid source map: ${(e as Error).message}`);
  }
  const type = Array.isArray(json.sections) ? "indexed" : "regular";
  let map: TraceMap;
  try {
    map = new FlattenMap(json as never);
    decodedMappings(map);
  } catch (e) {
    throw new InputError(`${display} is not a valid source map: ${(e as Error).message}`);
  }
  const result: ResolveResult = { path: display, type, line, column };
  const lines = decodedMappings(map);
  // Nearest segment at or before (line-1, column-1).
  let l = Math.min(line - 1, lines.length - 1);
  let col = line - 1 > lines.length - 1 ? Infinity : column - 1;
  let found: { line: number; column: number } | undefined;
  for (; l >= 0 && !found; l--, col = Infinity) {
    const segs = lines[l] ?? [];
    for (let i = segs.length - 1; i >= 0; i--) {
      if (segs[i]![0] <= col) {
        found = { line: l, column: segs[i]![0] };
        break;
      }
    }
  }
  if (!found) return result;
  const pos = originalPositionFor(map, { line: found.line + 1, column: found.column });
  result.token = {
    line: found.line + 1,
    column: found.column + 1,
    name: pos.name,
    source: pos.source,
    originalLine: pos.line,
    originalColumn: pos.column === null ? null : pos.column + 1,
  };
  if (pos.source !== null && pos.line !== null) {
    const content = sourceContentFor(map, pos.source);
    if (content != null) {
      const src = content.split(/\r?\n/);
      const from = Math.max(1, pos.line - contextLines);
      const to = Math.min(src.length, pos.line + contextLines);
      result.context = [];
      for (let n = from; n <= to; n++) result.context.push({ line: n, text: src[n - 1]!, current: n === pos.line });
    }
  }
  return result;
}

export function renderResolve(r: ResolveResult): string[] {
  const out = [
    `source map path: ${JSON.stringify(r.path)}`,
    `source map type: ${r.type}`,
    "",
    `Searching for token nearest to line ${r.line}, column ${r.column} in the minified file:`,
    "",
  ];
  const t = r.token;
  if (!t) {
    out.push("  - no token found!");
    return out;
  }
  const name = t.name === null ? "(unnamed)" : JSON.stringify(t.name);
  out.push(`  Found the nearest token ${name} at line ${t.line}, column ${t.column} in the minified file.`, "");
  if (t.source === null) {
    out.push("  - The token has no original source.");
    return out;
  }
  out.push(
    `  - The same token is located at line ${t.originalLine}, column ${t.originalColumn} in source file ${t.source}.`,
    "",
  );
  if (!r.context) {
    out.push("  Cannot find source");
    return out;
  }
  out.push("  Source code:");
  const width = String(r.context[r.context.length - 1]?.line ?? 0).length;
  for (const c of r.context) out.push(`  ${c.current ? ">" : " "} ${String(c.line).padStart(width)} | ${c.text}`);
  return out;
}
