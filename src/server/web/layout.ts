/**
 * The frame of every page: the document head, the navigation, and the headers that keep the page
 * on this machine. The Content-Security-Policy lets the page load only this server's own script,
 * style sheet and icon and talk only to this server: nothing a page shows can make the browser
 * send a request elsewhere, run inline script, or be framed.
 */
import type { Reply } from "../http.js";
import { html, type SafeHtml } from "./html.js";

export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const PAGE_HEADERS: Record<string, string> = {
  "Content-Security-Policy": CSP,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
};

export type Section = "overview" | "events" | "releases" | "bundles" | "health" | "monitors";

const NAV: [Section, string, string][] = [
  ["overview", "/", "Overview"],
  ["events", "/events", "Events"],
  ["releases", "/releases", "Releases"],
  ["bundles", "/bundles", "Artifact bundles"],
  ["health", "/health", "Release health"],
  ["monitors", "/monitors", "Monitors"],
];

export interface PageOptions {
  title: string;
  section: Section | null;
  /** Where the page sits under its section, e.g. [["Events", "/events"], ["TypeError: …"]]. */
  crumbs?: [string, string?][];
  /**
   * The server's change stamp when the page was made (model.ts): the page polls for a newer one
   * and re-renders in place. Lists only; pages about one fixed thing are not live.
   */
  live?: string;
}

export function page(opts: PageOptions, body: SafeHtml, status = 200): Reply {
  const nav = NAV.map(
    ([id, path, label]) =>
      html`<li><a href="${path}"${id === opts.section ? html` aria-current="page"` : ""}>${label}</a></li>`,
  );
  const crumbs = opts.crumbs?.length
    ? html`<nav aria-label="Breadcrumb" class="crumbs"><ol>${opts.crumbs.map(([label, to]) =>
        to ? html`<li><a href="${to}">${label}</a></li>` : html`<li aria-current="page">${label}</li>`,
      )}</ol></nav>`
    : "";
  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${opts.title} · sentry-ship serve</title>
<link rel="icon" href="/_web/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/_web/serve.css">
<script src="/_web/serve.js" defer></script>
</head>
<body${opts.live !== undefined ? html` data-live="${opts.live}"` : ""}>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<a class="brand" href="/">sentry-ship <span>serve</span></a>
<nav aria-label="Sections"><ul>${nav}</ul></nav>
</header>
<main id="main" tabindex="-1">
${crumbs}
${body}
</main>
<p class="live-status" role="status" aria-live="polite"></p>
</body>
</html>
`;
  return { status, body: doc.value, headers: { ...PAGE_HEADERS, "Content-Type": "text/html; charset=utf-8" } };
}

/** A page that says something is not there (404) or may not be seen (401). */
export function notice(status: number, title: string, text: SafeHtml): Reply {
  return page({ title, section: null }, html`<h1>${title}</h1>${text}`, status);
}
