/**
 * `//# sourceMappingURL=` references and the `data:` URLs inline maps travel in: pure text
 * functions, shared by inject, upload, check, symbolication and the bundler plugins (which load
 * this without the file-system half of discovery).
 */

export interface SourceMapReference {
  /** The URL as written after `sourceMappingURL=`. */
  url: string;
  /** UTF-16 offsets of the URL in the text. */
  start: number;
  end: number;
}

const REF_RE = /(?:^|\n)[ \t]*\/\/[#@][ \t]*sourceMappingURL=([^\s'"]+)[ \t]*\r?(?=\n|$)/g;

/** The file's last `//# sourceMappingURL=` (or `//@`) reference, or undefined. */
export function readSourceMapReference(jsText: string): SourceMapReference | undefined {
  let last: SourceMapReference | undefined;
  REF_RE.lastIndex = 0;
  for (const m of jsText.matchAll(REF_RE)) {
    const url = m[1]!;
    const start = m.index! + m[0].indexOf("sourceMappingURL=") + "sourceMappingURL=".length;
    last = { url, start, end: start + url.length };
  }
  return last;
}

export interface DataUrl {
  /** Everything up to and including the comma (`data:application/json;charset=utf-8;base64,`). */
  prefix: string;
  base64: boolean;
  json: string;
}

/**
 * Decode a `data:` URL as browsers do (any media type and parameters; base64 when the last
 * parameter is `base64`, else percent-encoded text); undefined when `url` is not a data URL or
 * has no comma (browsers reject it).
 */
export function parseDataUrl(url: string): DataUrl | undefined {
  if (!isDataUrl(url)) return undefined;
  const comma = url.indexOf(",");
  if (comma === -1) return undefined;
  const prefix = url.slice(0, comma + 1);
  const params = url.slice(5, comma).split(";");
  const base64 = params.length > 1 && params[params.length - 1]!.trim().toLowerCase() === "base64";
  const bytes = percentDecode(url.slice(comma + 1));
  const json = base64 ? Buffer.from(bytes.toString("latin1"), "base64").toString("utf8") : bytes.toString("utf8");
  return { prefix, base64, json };
}

export function isDataUrl(url: string): boolean {
  return url.length >= 5 && url.slice(0, 5).toLowerCase() === "data:";
}

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** The URL standard's percent-decoding: `%XX` becomes the byte, anything else stays. */
function percentDecode(s: string): Buffer {
  const src = Buffer.from(s, "utf8");
  if (!s.includes("%")) return src;
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 37 /* % */ && i + 2 < src.length && isHex(src[i + 1]!) && isHex(src[i + 2]!)) {
      out[n++] = Number.parseInt(String.fromCharCode(src[i + 1]!, src[i + 2]!), 16);
      i += 2;
    } else out[n++] = c;
  }
  return out.subarray(0, n);
}

/** The data URL for `json`, in the form `prefix` says (apostrophes escaped: they end a reference). */
export function encodeDataUrl(prefix: string, base64: boolean, json: string): string {
  return (
    prefix + (base64 ? Buffer.from(json, "utf8").toString("base64") : encodeURIComponent(json).replace(/'/g, "%27"))
  );
}

/**
 * Whether a `sourceMappingURL` names a map on a server rather than a file: a URL with a scheme
 * other than `file:` and `data:` (`https://maps.example.com/app.js.map`), a protocol-relative
 * URL (`//cdn.example.com/app.js.map`), or a root-relative path (`/static/app.js.map`) when
 * `fileExists` says no such file is on disk. The map of such a script, when it is in the build,
 * is the `FILE.map` beside it — as for a script without a reference (sentry-cli 3.8.0 does the
 * same in inject and upload).
 */
export function isServerMapUrl(url: string, fileExists: (path: string) => boolean): boolean {
  if (url.startsWith("//")) return true;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return !/^(file|data):/i.test(url);
  if (!url.startsWith("/")) return false;
  let path = url.replace(/[?#].*$/, "");
  try {
    path = decodeURIComponent(path);
  } catch {
    /* as written */
  }
  return !fileExists(path);
}
