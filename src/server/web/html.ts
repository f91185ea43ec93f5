/**
 * HTML built from tagged templates that escape every interpolated value: whatever a client sent
 * (event messages, file names, source code, release versions) reaches the page as text. Only
 * values already made by `html` (or `raw`, for markup this module's callers wrote themselves)
 * pass through unescaped.
 */

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for an element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

type Part = SafeHtml | string | number | boolean | null | undefined | readonly Part[];

function render(v: Part): string {
  if (v === null || v === undefined || v === false || v === true) return "";
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join("");
  return escapeHtml(String(v));
}

/** `html\`<td>${value}</td>\``: strings and numbers are escaped, arrays joined, null/undefined/booleans dropped. */
export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Markup written by this code, never by a client. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** A link to one of our own pages: each path segment is percent-encoded here. */
export function href(
  segments: readonly (string | number)[],
  query?: Record<string, string | number | undefined>,
): string {
  const path = `/${segments.map((s) => encodeURIComponent(String(s))).join("/")}`;
  const q = Object.entries(query ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined);
  return q.length
    ? `${path}?${new URLSearchParams(q.map(([k, v]): [string, string] => [k, String(v)])).toString()}`
    : path;
}

/** `2026-12-05T00:12:03.000Z` → a `<time>` element (the script shows it relative, e.g. "3 min ago"). */
export function time(iso: string | null | undefined): SafeHtml {
  if (!iso) return html`<span class="muted">—</span>`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return html`${iso}`;
  const shown = d
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
  return html`<time datetime="${d.toISOString()}">${shown}</time>`;
}

/** At most `max` characters, with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
