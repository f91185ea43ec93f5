/**
 * Artifact bundles: the list; one bundle's files with their debug ids, types and release/dist; a
 * file (a source map opens to its sources; a script shows as code); and one source of a map, as
 * code with line numbers (`#L12` links to a line, `?line=12` marks it).
 */
import { FlattenMap, type TraceMap } from "@jridgewell/trace-mapping";
import { parseMapJson } from "../../sourcemaps/bundle-rewrite.js";
import { header } from "../../sourcemaps/symbolicate/artifacts.js";
import { joinUrl } from "../../sourcemaps/symbolicate/names.js";
import type { ServerCore } from "../core.js";
import type { Reply, RouteRequest } from "../http.js";
import { formatBytes } from "../limits.js";
import type { Bundle, BundleFile } from "../state.js";
import { clip, href, html, type SafeHtml, time } from "./html.js";
import { notice, page } from "./layout.js";
import { changeStamp, debugIdOf, fileKind, orgSlug } from "./model.js";

/** A code view shows at most this many lines, each cut at MAX_LINE_CHARS (minified files are one long line). */
const MAX_LINES = 20_000;
const MAX_LINE_CHARS = 4_000;

export function codeView(text: string, mark?: number): SafeHtml {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines.at(-1) === "") lines.pop();
  const shown = lines.slice(0, MAX_LINES);
  const out = shown.map((l, i) => {
    const n = i + 1;
    const cut =
      l.length > MAX_LINE_CHARS
        ? html`${l.slice(0, MAX_LINE_CHARS)}<span class="muted"> … ${l.length - MAX_LINE_CHARS} more characters</span>`
        : l;
    return html`<span class="line${n === mark ? " hit" : ""}" id="L${n}"><span class="ln" aria-hidden="true">${n}</span>${cut}
</span>`;
  });
  return html`<pre class="code source" tabindex="0" aria-label="Source code, ${lines.length} lines"><code>${out}</code></pre>${
    lines.length > MAX_LINES
      ? html`<p class="muted">The first ${MAX_LINES} of ${lines.length} lines are shown.</p>`
      : ""
  }`;
}

function bundleById(core: ServerCore, id: string): Bundle | undefined {
  return core.state.bundles.find((b) => b.id === id);
}

function fileOf(core: ServerCore, req: RouteRequest): { bundle: Bundle; file: BundleFile; index: number } | Reply {
  const bundle = bundleById(core, req.params.id!);
  const index = /^\d+$/.test(req.params.n ?? "") ? Number(req.params.n) : -1;
  const file = bundle?.files[index];
  if (!bundle || !file)
    return notice(404, "File not found", html`<p>No such bundle file. <a href="/bundles">All bundles</a></p>`);
  return { bundle, file, index };
}

function releaseLink(core: ServerCore, b: Bundle): SafeHtml {
  return b.release
    ? html`<a class="mono" href="${href(["releases", orgSlug(core.state, b.orgId), b.release])}">${clip(b.release, 80)}</a>`
    : html`<span class="muted">—</span>`;
}

export function bundlesPage(core: ServerCore): Reply {
  const bundles = [...core.state.bundles].reverse();
  return page(
    { title: "Artifact bundles", section: "bundles", live: changeStamp(core.state) },
    html`<h1>Artifact bundles</h1>
${
  bundles.length
    ? html`<table><caption>${bundles.length} bundle${bundles.length === 1 ? "" : "s"}, newest first</caption>
<thead><tr><th scope="col">Bundle</th><th scope="col">Release</th><th scope="col">Dist</th><th scope="col">Projects</th><th scope="col">Files</th><th scope="col">Debug ids</th><th scope="col">Uploaded</th></tr></thead>
<tbody>${bundles.map(
        (
          b,
        ) => html`<tr><td><a class="mono" href="${href(["bundles", b.id])}">${b.id.slice(0, 13)}…</a></td><td>${releaseLink(core, b)}</td>
<td>${b.dist ?? html`<span class="muted">—</span>`}</td><td>${b.projects.join(", ")}</td><td class="num">${b.files.length}</td>
<td class="num">${b.files.filter((f) => debugIdOf(f)).length}</td><td>${time(b.dateCreated)}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="empty">No bundles yet. Upload a build with <code>sentry-ship sourcemaps upload DIR</code>.</p>`
}`,
  );
}

export function bundlePage(core: ServerCore, req: RouteRequest): Reply {
  const b = bundleById(core, req.params.id!);
  if (!b)
    return notice(
      404,
      "Bundle not found",
      html`<p>No bundle <code>${clip(req.params.id!, 100)}</code>. <a href="/bundles">All bundles</a></p>`,
    );
  const rows = b.files.map(
    (
      f,
      i,
    ) => html`<tr><td><a href="${href(["bundles", b.id, "files", i])}"><code>${clip(f.url ?? f.path, 300)}</code></a></td>
<td>${fileKind(f)}</td><td>${debugIdOf(f) ? html`<code>${debugIdOf(f)}</code>` : html`<span class="muted">—</span>`}</td>
<td>${header(f.headers, "sourcemap") ? html`<code>${clip(header(f.headers, "sourcemap")!, 200)}</code>` : html`<span class="muted">—</span>`}</td>
<td class="num">${formatBytes(f.content.length)}</td></tr>`,
  );
  return page(
    { title: `Bundle ${b.id.slice(0, 8)}`, section: "bundles", crumbs: [["Artifact bundles", "/bundles"], [b.id]] },
    html`<h1>Bundle <span class="mono">${b.id}</span></h1>
<dl class="facts"><dt>Organization</dt><dd>${orgSlug(core.state, b.orgId)}</dd><dt>Projects</dt><dd>${b.projects.join(", ") || "—"}</dd>
<dt>Release</dt><dd>${releaseLink(core, b)}</dd><dt>Dist</dt><dd>${b.dist ?? html`<span class="muted">none</span>`}</dd>
<dt>Checksum</dt><dd><code>${b.checksum}</code></dd><dt>Uploaded</dt><dd>${time(b.dateCreated)}</dd></dl>
<table><caption>${b.files.length} file${b.files.length === 1 ? "" : "s"}</caption>
<thead><tr><th scope="col">File</th><th scope="col">Type</th><th scope="col">Debug id</th><th scope="col">Source map</th><th scope="col">Size</th></tr></thead>
<tbody>${rows}</tbody></table>`,
  );
}

function parseMap(file: BundleFile): TraceMap | Error {
  try {
    return new FlattenMap(parseMapJson(file.content.toString("utf8"), file.url ?? file.path) as never) as TraceMap;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** The bundle's map for a script: the one with its debug id, else the one its Sourcemap header names. */
function mapFor(b: Bundle, f: BundleFile): number {
  const id = debugIdOf(f);
  const byId = id ? b.files.findIndex((x) => x !== f && fileKind(x) === "source_map" && debugIdOf(x) === id) : -1;
  if (byId >= 0 || !f.url) return byId;
  const ref = header(f.headers, "sourcemap");
  return ref ? b.files.findIndex((x) => x.url === joinUrl(f.url!, ref)) : -1;
}

export function filePage(core: ServerCore, req: RouteRequest): Reply {
  const found = fileOf(core, req);
  if (!("bundle" in found)) return found;
  const { bundle: b, file: f, index } = found;
  const name = f.url ?? f.path;
  const headers = Object.entries(f.headers);
  let content: SafeHtml;
  if (fileKind(f) === "source_map") {
    const map = parseMap(f);
    if (map instanceof Error) content = html`<p class="reason">This map cannot be read: ${clip(map.message, 500)}</p>`;
    else {
      const sources = map.resolvedSources;
      content = html`<section aria-labelledby="h-sources"><h2 id="h-sources">Sources (${sources.length})</h2>
<ol class="sources">${sources.map((s, i) => {
        const has = map.sourcesContent?.[i] != null;
        return html`<li>${has ? html`<a href="${href(["bundles", b.id, "files", index, "source"], { i })}"><code>${clip(joinUrl(name, s ?? ""), 400)}</code></a>` : html`<code>${clip(joinUrl(name, s ?? ""), 400)}</code> <span class="muted">(no source text in the map)</span>`}</li>`;
      })}</ol></section>`;
    }
  } else {
    const m = mapFor(b, f);
    content = html`${m >= 0 ? html`<p><a href="${href(["bundles", b.id, "files", m])}">Its source map</a></p>` : ""}
<h2>Content</h2>${codeView(f.content.toString("utf8"))}`;
  }
  return page(
    {
      title: name,
      section: "bundles",
      crumbs: [["Artifact bundles", "/bundles"], [b.id.slice(0, 13), href(["bundles", b.id])], [clip(name, 80)]],
    },
    html`<h1><code>${clip(name, 300)}</code></h1>
<dl class="facts"><dt>Type</dt><dd>${fileKind(f)}</dd><dt>Debug id</dt><dd>${debugIdOf(f) ?? html`<span class="muted">none</span>`}</dd>
<dt>Size</dt><dd>${formatBytes(f.content.length)}</dd><dt>Path in bundle</dt><dd><code>${clip(f.path, 300)}</code></dd>
<dt>Release / dist</dt><dd>${releaseLink(core, b)} / ${b.dist ?? "—"}</dd>
${headers.map(([k, v]) => html`<dt>Header <code>${clip(k, 100)}</code></dt><dd><code>${clip(v, 300)}</code></dd>`)}</dl>
${content}`,
  );
}

/** An original source uploaded as a file (not in the map): in the map's bundle first, then the org's newest. */
function uploadedSource(core: ServerCore, b: Bundle, url: string): BundleFile | undefined {
  const own = (x: Bundle) => x.files.find((f) => f.url === url && fileKind(f) !== "source_map");
  const inSame = own(b);
  if (inSame) return inSame;
  for (let k = core.state.bundles.length - 1; k >= 0; k--) {
    const x = core.state.bundles[k]!;
    if (x.orgId !== b.orgId) continue;
    const f = own(x);
    if (f) return f;
  }
  return undefined;
}

export function sourcePage(core: ServerCore, req: RouteRequest): Reply {
  const found = fileOf(core, req);
  if (!("bundle" in found)) return found;
  const { bundle: b, file: f, index } = found;
  const name = f.url ?? f.path;
  const map = parseMap(f);
  if (map instanceof Error)
    return notice(404, "Source not found", html`<p>The map <code>${clip(name, 300)}</code> cannot be read.</p>`);
  let i = req.query.i !== undefined && /^\d+$/.test(req.query.i) ? Number(req.query.i) : -1;
  if (i < 0 && req.query.abs !== undefined)
    i = map.resolvedSources.findIndex((s) => joinUrl(name, s ?? "") === req.query.abs);
  let text = i >= 0 ? map.sourcesContent?.[i] : undefined;
  const line = req.query.line !== undefined && /^\d+$/.test(req.query.line) ? Number(req.query.line) : undefined;
  if (text == null && i >= 0) {
    // No source text in the map: the original may have been uploaded as a file of its own.
    const wanted = joinUrl(name, map.resolvedSources[i] ?? "");
    const own = uploadedSource(core, b, wanted);
    if (own) text = own.content.toString("utf8");
  }
  if (text == null)
    return notice(
      404,
      "Source not found",
      html`<p>The map <code>${clip(name, 300)}</code> has no source text for that file. <a href="${href(["bundles", b.id, "files", index])}">Its sources</a></p>`,
    );
  const source = joinUrl(name, map.resolvedSources[i] ?? "");
  return page(
    {
      title: source,
      section: "bundles",
      crumbs: [
        ["Artifact bundles", "/bundles"],
        [b.id.slice(0, 13), href(["bundles", b.id])],
        [clip(name, 60), href(["bundles", b.id, "files", index])],
        [clip(source, 80)],
      ],
    },
    html`<h1><code>${clip(source, 300)}</code></h1>
<p class="lead">Source ${i + 1} of the map <a href="${href(["bundles", b.id, "files", index])}"><code>${clip(name, 300)}</code></a>${line ? html`, line ${line} marked` : ""}.</p>
${codeView(text, line)}`,
  );
}
