/**
 * Releases, newest first: version, projects, finalized or not, commits, deploys and the artifact
 * files uploaded for them; and one release with its commits (author, message, files), deploys,
 * bundles, health and events.
 */
import type { ServerCore } from "../core.js";
import type { Reply, RouteRequest } from "../http.js";
import type { Release } from "../state.js";
import { healthTable } from "./health.js";
import { clip, href, html, type SafeHtml, time } from "./html.js";
import { notice, page } from "./layout.js";
import { bundleFileCount, changeStamp, orgSlug } from "./model.js";

function newestFirst(a: Release, b: Release): number {
  return Date.parse(b.dateCreated) - Date.parse(a.dateCreated) || b.seq - a.seq;
}

function projectSlugs(core: ServerCore, ids: number[]): string {
  return ids.map((id) => core.state.projects.find((p) => p.id === id)?.slug ?? String(id)).join(", ");
}

function finalized(r: Release): SafeHtml {
  return r.dateReleased
    ? html`<span class="badge ok">finalized</span> ${time(r.dateReleased)}`
    : html`<span class="badge">not finalized</span>`;
}

export function releasesPage(core: ServerCore): Reply {
  const { state } = core;
  const releases = [...state.releases].sort(newestFirst);
  const rows = releases.map((r) => {
    const deploys = state.deploys.filter((d) => d.releaseId === r.id);
    const envs = [...new Set(deploys.map((d) => d.environment))];
    return html`<tr>
<td><a class="mono" href="${href(["releases", orgSlug(state, r.orgId), r.version])}">${clip(r.version, 120)}</a></td>
<td>${projectSlugs(core, r.projects) || html`<span class="muted">—</span>`}</td>
<td>${finalized(r)}</td>
<td class="num">${r.commits.length}</td>
<td>${deploys.length ? html`${deploys.length} <span class="muted">(${clip(envs.join(", "), 120)})</span>` : html`<span class="muted">0</span>`}</td>
<td class="num">${bundleFileCount(state, r.orgId, r.version)}</td>
<td>${time(r.dateCreated)}</td>
</tr>`;
  });
  return page(
    { title: "Releases", section: "releases", live: changeStamp(core.state) },
    html`<h1>Releases</h1>
${
  releases.length
    ? html`<table>
<caption>${releases.length} release${releases.length === 1 ? "" : "s"}, newest first</caption>
<thead><tr><th scope="col">Version</th><th scope="col">Projects</th><th scope="col">Finalized</th><th scope="col">Commits</th><th scope="col">Deploys</th><th scope="col">Artifacts</th><th scope="col">Created</th></tr></thead>
<tbody>${rows}</tbody></table>`
    : html`<p class="empty">No releases yet. Create one with <code>sentry-ship releases new VERSION</code>.</p>`
}`,
  );
}

export function releasePage(core: ServerCore, req: RouteRequest): Reply {
  const { state } = core;
  const org = state.org(req.params.org!);
  const r = org && state.release(org, req.params.version!);
  if (!org || !r)
    return notice(
      404,
      "Release not found",
      html`<p>No release <code>${clip(req.params.version!, 200)}</code> here. <a href="/releases">All releases</a></p>`,
    );
  const deploys = state.deploys.filter((d) => d.releaseId === r.id);
  const bundles = state.bundles.filter((b) => b.orgId === org.id && b.release === r.version);
  const commits = r.commits.map(
    (c) => html`<li class="commit">
<div><code class="sha" title="${c.id}">${c.id.slice(0, 12)}</code> ${c.repository ? html`<span class="muted">${clip(c.repository, 200)}</span>` : ""}</div>
<div class="author">${c.authorName ?? html`<span class="muted">unknown author</span>`}${c.authorEmail ? html` <span class="muted">&lt;${clip(c.authorEmail, 200)}&gt;</span>` : ""} ${time(c.timestamp)}</div>
${c.message ? html`<pre class="commit-msg">${clip(c.message, 4000)}</pre>` : ""}
${c.patchSet.length ? html`<ul class="files">${c.patchSet.slice(0, 500).map((f) => html`<li><span class="change change-${f.type}" title="${f.type === "A" ? "added" : f.type === "D" ? "deleted" : "modified"}">${f.type}</span> <code>${clip(f.path, 500)}</code></li>`)}</ul>` : ""}
</li>`,
  );
  const body = html`<h1>Release <span class="mono">${clip(r.version, 200)}</span></h1>
<dl class="facts">
<dt>Organization</dt><dd>${org.slug}</dd>
<dt>Projects</dt><dd>${projectSlugs(core, r.projects) || "—"}</dd>
<dt>Finalized</dt><dd>${finalized(r)}</dd>
<dt>Created</dt><dd>${time(r.dateCreated)}</dd>
${r.ref ? html`<dt>Ref</dt><dd><code>${clip(r.ref, 200)}</code></dd>` : ""}
${r.url ? html`<dt>URL</dt><dd><code>${clip(r.url, 500)}</code></dd>` : ""}
<dt>Events</dt><dd><a href="${href(["events"], { release: r.version })}">Events of this release</a></dd>
</dl>
<section aria-labelledby="h-commits"><h2 id="h-commits">Commits (${r.commits.length})</h2>
${commits.length ? html`<ol class="commits">${commits}</ol>` : html`<p class="muted">No commits. Associate them with <code>sentry-ship releases set-commits ${clip(r.version, 80)} --auto</code>.</p>`}
</section>
<section aria-labelledby="h-deploys"><h2 id="h-deploys">Deploys (${deploys.length})</h2>
${
  deploys.length
    ? html`<table><thead><tr><th scope="col">Environment</th><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Started</th><th scope="col">Finished</th></tr></thead><tbody>${deploys.map(
        (d) =>
          html`<tr><td>${d.environment}</td><td>${d.name ?? html`<span class="muted">—</span>`}</td><td>${d.url ? html`<code>${clip(d.url, 300)}</code>` : html`<span class="muted">—</span>`}</td><td>${time(d.dateStarted)}</td><td>${time(d.dateFinished)}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="muted">No deploys.</p>`
}
</section>
<section aria-labelledby="h-artifacts"><h2 id="h-artifacts">Artifact bundles (${bundles.length})</h2>
${
  bundles.length
    ? html`<ul>${bundles.map((b) => html`<li><a class="mono" href="${href(["bundles", b.id])}">${b.id}</a> — ${b.files.length} file${b.files.length === 1 ? "" : "s"}${b.dist ? html`, dist <code>${b.dist}</code>` : ""}</li>`)}</ul>`
    : html`<p class="muted">No artifacts uploaded for this release.</p>`
}
</section>
<section aria-labelledby="h-health"><h2 id="h-health">Release health</h2>${healthTable(core, r.version)}</section>`;
  return page(
    {
      title: `Release ${clip(r.version, 60)}`,
      section: "releases",
      live: changeStamp(core.state),
      crumbs: [["Releases", "/releases"], [clip(r.version, 60)]],
    },
    body,
  );
}
