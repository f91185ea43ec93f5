/**
 * The pages' one script and one style sheet, plain files in the package's `web/` folder (no
 * build step): the same path from `src/server/web/` and from `dist/server/web/`. Read on first
 * use and kept.
 */
import { readFileSync } from "node:fs";
import type { Reply } from "../http.js";
import { PAGE_HEADERS } from "./layout.js";

const FOLDER = new URL("../../../web/", import.meta.url);

export const ASSETS: Record<string, string> = {
  "serve.css": "text/css; charset=utf-8",
  "serve.js": "text/javascript; charset=utf-8",
  "icon.svg": "image/svg+xml",
};

const cache = new Map<string, Buffer>();

export function asset(name: string): Reply | undefined {
  // Own names only: `__proto__`, `constructor`, … are not files.
  const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!type) return undefined;
  let body = cache.get(name);
  if (!body) {
    body = readFileSync(new URL(name, FOLDER));
    cache.set(name, body);
  }
  return {
    status: 200,
    body,
    headers: { ...PAGE_HEADERS, "Content-Type": type, "Cache-Control": "no-cache" },
  };
}
