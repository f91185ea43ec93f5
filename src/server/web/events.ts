/**
 * The events list: level, title (message or exception), project, release, environment and time,
 * newest first, a page of PAGE_SIZE at a time so that thousands of events cost no more than a
 * hundred. `?release=` and `?project=` narrow it (the release page links there).
 */
import type { ServerCore } from "../core.js";
import type { Reply, RouteRequest } from "../http.js";
import { clip, href, html, type SafeHtml, time } from "./html.js";
import { page } from "./layout.js";
import { changeStamp, type EventRow, eventRow, listedEvents } from "./model.js";

export const PAGE_SIZE = 100;

export function eventTable(rows: EventRow[], caption: string): SafeHtml {
  if (rows.length === 0)
    return html`<p class="empty">No events yet. Send one with <code>sentry-ship send-event -m "hello"</code> or from an SDK with the DSN below.</p>`;
  return html`<table class="events">
<caption>${caption}</caption>
<thead><tr><th scope="col">Level</th><th scope="col">Event</th><th scope="col">Project</th><th scope="col">Release</th><th scope="col">Environment</th><th scope="col">Time</th></tr></thead>
<tbody>${rows.map(
    (r) => html`<tr>
<td><span class="level level-${r.level.replace(/[^a-z]/g, "")}">${r.level}</span></td>
<td class="title"><a href="${href(["events", r.id])}">${clip(r.title, 200)}</a></td>
<td>${r.project}</td>
<td>${r.release ? html`<span class="mono">${clip(r.release, 60)}</span>` : html`<span class="muted">—</span>`}</td>
<td>${r.environment ?? html`<span class="muted">—</span>`}</td>
<td>${time(r.time)}</td>
</tr>`,
  )}</tbody>
</table>`;
}

export function eventsPage(core: ServerCore, req: RouteRequest): Reply {
  const { state } = core;
  const release = req.query.release;
  const project = req.query.project;
  let events = listedEvents(state);
  if (release !== undefined || project !== undefined) {
    events = events.filter((e) => {
      const ev = e.event ?? {};
      if (release !== undefined && ev.release !== release) return false;
      if (project !== undefined && state.projects.find((p) => p.id === e.projectId)?.slug !== project) return false;
      return true;
    });
  }
  const pages = Math.max(1, Math.ceil(events.length / PAGE_SIZE));
  const n = Math.min(pages, Math.max(1, Number.parseInt(req.query.page ?? "1", 10) || 1));
  const rows = events.slice((n - 1) * PAGE_SIZE, n * PAGE_SIZE).map((e) => eventRow(state, e));
  const filter = [release !== undefined ? `release ${release}` : "", project !== undefined ? `project ${project}` : ""]
    .filter(Boolean)
    .join(", ");
  const link = (p: number) => href(["events"], { release, project, page: p });
  const pager =
    pages > 1
      ? html`<nav class="pager" aria-label="Pages of events">
${n > 1 ? html`<a href="${link(n - 1)}" rel="prev">Newer</a>` : ""}
<span>Page ${n} of ${pages}</span>
${n < pages ? html`<a href="${link(n + 1)}" rel="next">Older</a>` : ""}
</nav>`
      : "";
  return page(
    { title: "Events", section: "events", live: changeStamp(core.state) },
    html`<h1>Events${filter ? html` <small>(${filter})</small>` : ""}</h1>
<p class="lead">${events.length} event${events.length === 1 ? "" : "s"}, newest first, each as <code>serve</code> processed it on arrival.${filter ? html` <a href="/events">All events</a>` : ""}</p>
${eventTable(rows, `Events ${(n - 1) * PAGE_SIZE + (rows.length ? 1 : 0)}–${(n - 1) * PAGE_SIZE + rows.length} of ${events.length}`)}
${pager}`,
  );
}
