/**
 * The one source-map JSON reader inject and upload share, with one set of acceptance rules: a
 * UTF-8 byte-order mark is skipped, and so is a first line starting with `)]}` (the XSSI guard
 * some servers prepend); what remains must be a JSON object.
 */

/** Parse a source map's JSON; throws an Error saying what is wrong (not naming the file). */
export function parseSourceMapJson(text: string): Record<string, unknown> {
  let t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (t.startsWith(")]}")) {
    const nl = t.indexOf("\n");
    t = nl === -1 ? "" : t.slice(nl + 1);
  }
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch (e) {
    throw new Error(`not valid JSON (${jsonErrorText(e)})`);
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("not a JSON object");
  return v as Record<string, unknown>;
}

/**
 * A JSON.parse error's message on one line: V8 quotes the start of the text it could not parse,
 * line breaks included, and an error is one line (they are shown escaped, as in a JSON string).
 */
export function jsonErrorText(e: unknown): string {
  return (e as Error).message.replace(/[\p{Cc}\u2028\u2029]/gu, (c) =>
    c === "\n"
      ? "\\n"
      : c === "\r"
        ? "\\r"
        : c === "\t"
          ? "\\t"
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
