/**
 * How Sentry names artifacts when it looks a JavaScript frame up by release: the candidate names
 * for a frame's `abs_path`, the source file's map reference (its `Sourcemap` header or trailing
 * `sourceMappingURL`), and how that reference is joined to the file's name.
 */
import { readSourceMapReference } from "../map-reference.js";

interface SplitUrl {
  scheme: string;
  netloc: string;
  path: string;
  query: string;
}

/** A URL split as Python's `urlsplit` splits it (the fragment dropped). */
export function splitUrl(url: string): SplitUrl {
  let rest = url.split("#")[0]!;
  let scheme = "";
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = rest.slice(m[0].length);
  }
  let netloc = "";
  if (rest.startsWith("//")) {
    const end = rest.slice(2).search(/[/?]/);
    netloc = end === -1 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end === -1 ? "" : rest.slice(2 + end);
  }
  const q = rest.indexOf("?");
  return q === -1
    ? { scheme, netloc, path: rest, query: "" }
    : { scheme, netloc, path: rest.slice(0, q), query: rest.slice(q + 1) };
}

/**
 * The artifact names Sentry tries for a frame's `abs_path`, in order: the URL as is, without its
 * query string, then `~` + the path with and without the query string.
 */
export function candidateNames(absPath: string): string[] {
  const u = splitUrl(absPath);
  const names = [absPath];
  if (u.query) names.push(absPath.split("#")[0]!.split("?")[0]!);
  names.push(`~${u.path}${u.query ? `?${u.query}` : ""}`);
  if (u.query) names.push(`~${u.path}`);
  return [...new Set(names)];
}

function headerValue(headers: Record<string, string>, key: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === key) return v;
  return undefined;
}

/** The file's map reference: its `Sourcemap` (or `X-SourceMap`) header, else its last `sourceMappingURL`. */
export function sourceMapReference(headers: Record<string, string>, content: string): string | undefined {
  const h = headerValue(headers, "sourcemap") ?? headerValue(headers, "x-sourcemap");
  if (h) return h.trim();
  return readSourceMapReference(content)?.url;
}

function normalizeSegments(path: string): string {
  const out: string[] = [];
  const parts = path.split("/");
  for (const [i, p] of parts.entries()) {
    if (p === "..") {
      if (out.length > 1) out.pop();
    } else if (p !== "." || i === parts.length - 1) {
      if (p !== ".") out.push(p);
    }
  }
  return out.join("/");
}

/**
 * Join a reference (a map URL, or a source path from a map) to the name of the file it was found
 * in, also for Sentry's `~/` names: `~/static/app.js` + `app.js.map` → `~/static/app.js.map`.
 */
export function joinUrl(base: string, ref: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(ref)) return ref;
  let prefix: string;
  let path: string;
  if (base.startsWith("~/")) {
    prefix = "~";
    path = base.slice(1);
  } else {
    const u = splitUrl(base);
    if (ref.startsWith("//")) return u.scheme ? `${u.scheme}:${ref}` : ref;
    prefix = u.scheme ? `${u.scheme}://${u.netloc}` : u.netloc ? `//${u.netloc}` : "";
    path = u.path;
  }
  const dir = path.slice(0, path.lastIndexOf("/") + 1) || "/";
  const joined = ref.startsWith("/") ? ref : dir + ref;
  const abs = normalizeSegments(joined.startsWith("/") ? joined : `/${joined}`);
  return prefix + (abs.startsWith("/") ? abs : `/${abs}`);
}

/** The `filename` Sentry shows for a resolved `abs_path`: its path, without scheme and host. */
export function displayFilename(absPath: string): string {
  if (absPath.startsWith("~/")) return absPath.slice(1);
  const u = splitUrl(absPath);
  if (!u.scheme) return absPath;
  const path = u.path.replace(/^\/(\.\.?\/)/, "$1");
  return u.scheme === "webpack" && !path.startsWith(".") ? `.${path.startsWith("/") ? "" : "/"}${path}` : path;
}
