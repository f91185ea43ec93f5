/**
 * Release health (sessions counted per release and environment: crash-free rates, errored,
 * crashed and abnormal sessions, users) and cron monitors (each monitor's environments with their
 * status and last check-in, then the latest check-ins).
 */
import type { ServerCore } from "../core.js";
import type { Reply } from "../http.js";
import { clip, html, type SafeHtml, time } from "./html.js";
import { page } from "./layout.js";
import { changeStamp } from "./model.js";

interface Row {
  project: string;
  release: string;
  environment: string | null;
  sessions: number;
  errored: number;
  crashed: number;
  abnormal: number;
  users: Set<string>;
  crashedUsers: Set<string>;
  last: string;
}

function percent(part: number, whole: number): string {
  if (whole === 0) return "—";
  const p = (100 * (whole - part)) / whole;
  return `${p === 100 ? "100" : p.toFixed(2)} %`;
}

export function healthTable(core: ServerCore, release?: string): SafeHtml {
  const rows = new Map<string, Row>();
  for (const b of core.state.sessionBuckets) {
    if (release !== undefined && b.release !== release) continue;
    const project = core.state.projects.find((p) => p.id === b.projectId)?.slug ?? String(b.projectId);
    const key = JSON.stringify([project, b.release, b.environment]);
    let r = rows.get(key);
    if (!r) {
      r = {
        project,
        release: b.release,
        environment: b.environment,
        sessions: 0,
        errored: 0,
        crashed: 0,
        abnormal: 0,
        users: new Set(),
        crashedUsers: new Set(),
        last: b.started,
      };
      rows.set(key, r);
    }
    r.sessions += b.sessions;
    r.errored += b.errored;
    r.crashed += b.crashed;
    r.abnormal += b.abnormal;
    for (const u of b.users) r.users.add(u);
    for (const u of b.crashedUsers) r.crashedUsers.add(u);
    if (b.started > r.last) r.last = b.started;
  }
  const list = [...rows.values()].sort((a, b) => b.last.localeCompare(a.last));
  if (list.length === 0)
    return html`<p class="muted">No sessions${release !== undefined ? " for this release" : ""}. SDKs send them with release health on; <code>sentry-ship releases health</code> reads them.</p>`;
  return html`<table>
<caption class="sr-only">Sessions per project, release and environment</caption>
<thead><tr><th scope="col">Project</th><th scope="col">Release</th><th scope="col">Environment</th><th scope="col">Sessions</th><th scope="col">Crash-free sessions</th><th scope="col">Crash-free users</th><th scope="col">Errored</th><th scope="col">Crashed</th><th scope="col">Abnormal</th><th scope="col">Users</th><th scope="col">Last</th></tr></thead>
<tbody>${list.map(
    (
      r,
    ) => html`<tr><td>${r.project}</td><td><span class="mono">${clip(r.release, 80)}</span></td><td>${r.environment ?? html`<span class="muted">none</span>`}</td>
<td class="num">${r.sessions}</td><td class="num">${percent(r.crashed, r.sessions)}</td><td class="num">${percent(r.crashedUsers.size, r.users.size)}</td>
<td class="num">${r.errored}</td><td class="num">${r.crashed}</td><td class="num">${r.abnormal}</td><td class="num">${r.users.size}</td><td>${time(r.last)}</td></tr>`,
  )}</tbody></table>`;
}

export function healthPage(core: ServerCore): Reply {
  return page(
    { title: "Release health", section: "health", live: changeStamp(core.state) },
    html`<h1>Release health</h1>
<p class="lead">Sessions counted as Sentry counts them (Relay's rules), per project, release and environment.</p>
${healthTable(core)}`,
  );
}

function statusBadge(s: string): SafeHtml {
  const cls = s === "ok" ? "ok" : s === "error" ? "bad" : "";
  return html`<span class="badge ${cls}">${s}</span>`;
}

function schedule(config: unknown): string {
  const c = config as { schedule?: { type?: string; value?: unknown; unit?: string } } | undefined;
  const s = c?.schedule;
  if (!s) return "—";
  if (s.type === "interval") return `every ${String(s.value)} ${s.unit ?? ""}`.trim();
  return String(s.value ?? "—");
}

export function monitorsPage(core: ServerCore): Reply {
  const { state } = core;
  const monitors = [...state.monitors].sort((a, b) => a.slug.localeCompare(b.slug));
  const recent = state.checkIns.slice(-50).reverse();
  const bySlug = new Map(state.monitors.map((m) => [m.id, m.slug]));
  const body = html`<h1>Cron monitors</h1>
${
  monitors.length
    ? html`<table><caption>${monitors.length} monitor${monitors.length === 1 ? "" : "s"}</caption>
<thead><tr><th scope="col">Monitor</th><th scope="col">Project</th><th scope="col">Schedule</th><th scope="col">Environments</th><th scope="col">Created</th></tr></thead>
<tbody>${monitors.map(
        (
          m,
        ) => html`<tr><td><span class="mono">${clip(m.slug, 100)}</span>${m.name !== m.slug ? html` <span class="muted">${clip(m.name, 100)}</span>` : ""}</td>
<td>${state.projects.find((p) => p.id === m.projectId)?.slug ?? String(m.projectId)}</td>
<td><code>${clip(schedule(m.config), 100)}</code></td>
<td><ul class="plain">${m.environments.map((e) => html`<li>${e.name} ${statusBadge(e.status)} <span class="muted">last check-in</span> ${time(e.lastCheckIn)}</li>`)}</ul></td>
<td>${time(m.dateCreated)}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="empty">No monitors yet. Wrap a job in <code>sentry-ship monitors run SLUG -- COMMAND</code>.</p>`
}
${
  recent.length
    ? html`<section aria-labelledby="h-checkins"><h2 id="h-checkins">Latest check-ins</h2><table>
<thead><tr><th scope="col">Monitor</th><th scope="col">Environment</th><th scope="col">Status</th><th scope="col">Duration</th><th scope="col">Started</th><th scope="col">Updated</th></tr></thead>
<tbody>${recent.map(
        (
          c,
        ) => html`<tr><td class="mono">${bySlug.get(c.monitorId) ?? c.monitorId}</td><td>${c.environment}</td><td>${statusBadge(c.status)}</td>
<td class="num">${c.duration === null ? "—" : `${c.duration} ms`}</td><td>${time(c.dateCreated)}</td><td>${time(c.dateUpdated)}</td></tr>`,
      )}</tbody></table></section>`
    : ""
}`;
  return page({ title: "Monitors", section: "monitors", live: changeStamp(core.state) }, body);
}
