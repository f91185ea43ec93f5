/**
 * One event as `serve` processed it on arrival: its stack traces with original file, line,
 * function and source context for resolved frames, the raw (minified) frame one click away in a
 * disclosure, and for an in-app frame that did not resolve the reason and the fix that `explain`
 * gives; then tags, contexts, breadcrumbs and processing errors.
 *
 * Reasons are not stored with the event: for a frame that did not resolve, the event's raw payload
 * is processed again against today's artifacts (the same rules as on arrival). When the frame
 * resolves now, the page says so: the maps came after the event.
 */

import {
  type FrameOutcome,
  isJavaScriptEvent,
  processEvent,
  type StacktraceOutcome,
} from "../../sourcemaps/symbolicate/event.js";
import { describeReason } from "../../sourcemaps/symbolicate/explain.js";
import type { ServerCore } from "../core.js";
import type { Reply, RouteRequest } from "../http.js";
import type { StoredEvent } from "../state.js";
import { apiEventSummary } from "../symbolicate/api-shape.js";
import { eventPayload, storeFor } from "../symbolicate/index.js";
import { clip, href, html, type SafeHtml, time } from "./html.js";
import { notice, page } from "./layout.js";
import { findMapFile, type Json, num, obj, projectOf, str } from "./model.js";

interface Container {
  path: string;
  label: string;
  stacktrace: Json;
  rawStacktrace: Json | undefined;
  /** For exceptions: type and value. */
  heading?: { type: string; value: string | undefined };
}

function containers(ev: Json): Container[] {
  const out: Container[] = [];
  const values = obj(ev.exception)?.values;
  if (Array.isArray(values)) {
    // The exception that was thrown last comes last in `values`; it is shown first.
    for (let i = values.length - 1; i >= 0; i--) {
      const v = obj(values[i]) ?? {};
      const st = obj(v.stacktrace);
      out.push({
        path: `exception.values.${i}`,
        label: "Exception",
        stacktrace: st ?? {},
        rawStacktrace: obj(v.raw_stacktrace),
        heading: { type: str(v.type) ?? "Error", value: str(v.value) },
      });
    }
  }
  const threads = obj(ev.threads)?.values;
  if (Array.isArray(threads)) {
    threads.forEach((t, i) => {
      const th = obj(t) ?? {};
      const st = obj(th.stacktrace);
      if (st)
        out.push({
          path: `threads.values.${i}`,
          label: `Thread ${str(th.name) ?? String(th.id ?? i)}${th.crashed === true ? " (crashed)" : ""}`,
          stacktrace: st,
          rawStacktrace: obj(th.raw_stacktrace),
        });
    });
  }
  const top = obj(ev.stacktrace);
  if (top)
    out.push({ path: "stacktrace", label: "Stack trace", stacktrace: top, rawStacktrace: obj(ev.raw_stacktrace) });
  return out;
}

function frames(st: Json | undefined): Json[] {
  return Array.isArray(st?.frames) ? (st.frames as unknown[]).map((f) => obj(f) ?? {}) : [];
}

/** `file:line:column`, as far as the frame has them. */
function position(f: Json): string {
  const file = str(f.abs_path) ?? str(f.filename) ?? "?";
  const line = num(f.lineno);
  const col = num(f.colno);
  return `${file}${line !== undefined ? `:${line}${col !== undefined ? `:${col}` : ""}` : ""}`;
}

function context(f: Json): SafeHtml {
  const line = num(f.lineno);
  const current = str(f.context_line) ?? (typeof f.context_line === "string" ? "" : undefined);
  if (line === undefined || current === undefined) return html``;
  const pre = Array.isArray(f.pre_context) ? (f.pre_context as unknown[]).map(String) : [];
  const post = Array.isArray(f.post_context) ? (f.post_context as unknown[]).map(String) : [];
  const rows: [number, string, boolean][] = [
    ...pre.map((t, i): [number, string, boolean] => [line - pre.length + i, t, false]),
    [line, current, true],
    ...post.map((t, i): [number, string, boolean] => [line + 1 + i, t, false]),
  ];
  return html`<pre class="code context"><code>${rows.map(
    ([n, t, hit]) =>
      html`<span class="line${hit ? " hit" : ""}"><span class="ln" aria-hidden="true">${n}</span>${clip(t, 400)}
</span>`,
  )}</code></pre>`;
}

interface RenderCtx {
  core: ServerCore;
  stored: StoredEvent;
  ev: Json;
  /** The raw payload processed again (lazily), for reasons. */
  outcomes(): StacktraceOutcome[] | undefined;
  images: Map<string, string>;
}

function reasonView(outcome: FrameOutcome | undefined, missing: string | undefined): SafeHtml {
  if (outcome && (outcome.status === "resolved" || (outcome.status === "partial" && missing === undefined)))
    return html`<div class="reason now" role="note"><p><strong>Resolves now.</strong> The source maps for this frame arrived after the event did; <code>serve</code> processes an event once, when it arrives. Send the event again to see it resolved.</p></div>`;
  const reason = outcome?.reason;
  if (!reason)
    return html`<div class="reason" role="note"><p><strong>Not resolved.</strong> ${missing ?? "No reason is known for this frame."}</p></div>`;
  const d = describeReason(reason);
  return html`<div class="reason" role="note">
<p><strong>Not resolved</strong> <code class="code-name">${reason.code}</code>: ${d.why}.</p>
<p><strong>Fix:</strong> ${d.fix}.</p>
</div>`;
}

function sourceLink(rc: RenderCtx, f: Json, rawFrame: Json | undefined): SafeHtml {
  const data = obj(f.data) ?? {};
  const mapName = str(data.sourcemap);
  const abs = str(f.abs_path);
  const loc = projectOf(rc.core.state, rc.stored);
  if (!mapName || !abs || !loc) return html``;
  const rawFile = rawFrame ? (str(rawFrame.abs_path) ?? str(rawFrame.filename)) : undefined;
  const debugId = data.resolved_with === "debug-id" && rawFile ? rc.images.get(rawFile) : undefined;
  const found = findMapFile(rc.core.state, loc.org, loc.project, mapName, debugId);
  if (!found) return html``;
  const line = num(f.lineno);
  const to = `${href(["bundles", found.bundle.id, "files", found.index, "source"], { abs, line })}${line ? `#L${line}` : ""}`;
  return html`<a class="open-source" href="${to}">Open source</a>`;
}

function frameView(rc: RenderCtx, c: Container, i: number, f: Json, rawFrame: Json | undefined): SafeHtml {
  const inApp = f.in_app !== false;
  const data = obj(f.data) ?? {};
  const fn = str(f.function);
  const file = str(f.filename) ?? str(f.abs_path) ?? "<unknown>";
  const line = num(f.lineno);
  const col = num(f.colno);
  const symbolicated = data.symbolicated;
  const missingError = (Array.isArray(rc.ev.errors) ? (rc.ev.errors as unknown[]) : [])
    .map((e) => obj(e) ?? {})
    .find((e) => e.type === "js_missing_source_content" && e.source === f.abs_path);
  const missing = missingError ? "The source map has no source text for this file." : undefined;
  const status =
    symbolicated === true ? (missing ? "partial" : "resolved") : symbolicated === false ? "unresolved" : "raw";
  const badges = [
    inApp ? html`<span class="badge in-app">in app</span>` : html`<span class="badge">system</span>`,
    status === "resolved" || status === "partial"
      ? html`<span class="badge ok">resolved${str(data.resolved_with) ? ` by ${data.resolved_with}` : ""}</span>`
      : status === "unresolved"
        ? html`<span class="badge bad">not resolved</span>`
        : "",
  ];
  const where = html`<code class="file" title="${str(f.abs_path) ?? ""}">${clip(file, 300)}</code>${fn ? html` in <code class="fn">${clip(fn, 200)}</code>` : ""}${line !== undefined ? html` at line <span class="lineno">${line}</span>${col !== undefined ? html`:${col}` : ""}` : ""}`;
  if (!inApp && status === "raw") {
    return html`<li class="frame system"><div class="where"><span class="loc">${where}</span> ${badges}</div></li>`;
  }
  let reason: SafeHtml | string = "";
  if (inApp && (status === "unresolved" || status === "partial")) {
    const outcome = rc.outcomes()?.find((s) => s.path === c.path)?.frames[i];
    reason = reasonView(outcome, missing);
  }
  const rawView =
    rawFrame && status !== "raw"
      ? html`<details class="raw"><summary>Raw frame</summary><p><code>${clip(position(rawFrame), 500)}</code>${str(rawFrame.function) ? html` in <code>${clip(String(rawFrame.function), 200)}</code>` : ""}</p>${context(rawFrame)}</details>`
      : "";
  return html`<li class="frame ${inApp ? "in-app" : "system"} ${status}" id="${`frame-${c.path.replace(/\./g, "-")}-${i}`}">
<div class="where"><span class="loc">${where}</span> ${badges} ${status === "resolved" ? sourceLink(rc, f, rawFrame) : ""}</div>
${context(f)}
${reason}
${rawView}
</li>`;
}

function stackView(rc: RenderCtx, c: Container): SafeHtml {
  const list = frames(c.stacktrace);
  const rawList = c.rawStacktrace ? frames(c.rawStacktrace) : undefined;
  // Newest frame first, as Sentry shows them.
  const items: SafeHtml[] = [];
  for (let i = list.length - 1; i >= 0; i--) items.push(frameView(rc, c, i, list[i]!, rawList?.[i]));
  const heading = c.heading
    ? html`<h3 class="exc"><span class="exc-type">${clip(c.heading.type, 200)}</span>${c.heading.value ? html`: <span class="exc-value">${clip(c.heading.value, 2000)}</span>` : ""}</h3>`
    : html`<h3>${c.label}</h3>`;
  return html`<section class="stack" aria-label="${c.label}">
${heading}
${list.length ? html`<ol class="frames">${items}</ol>` : html`<p class="muted">No stack trace.</p>`}
</section>`;
}

function value(v: unknown): SafeHtml {
  if (typeof v === "string") return html`${clip(v, 2000)}`;
  if (typeof v === "number" || typeof v === "boolean" || v === null) return html`<code>${String(v)}</code>`;
  let text: string;
  try {
    text = JSON.stringify(v, null, 2) ?? String(v);
  } catch {
    text = String(v);
  }
  return html`<pre class="json">${clip(text, 4000)}</pre>`;
}

function keyValues(o: Json, label: string): SafeHtml {
  const entries = Object.entries(o).slice(0, 200);
  if (entries.length === 0) return html`<p class="muted">Empty.</p>`;
  return html`<dl class="kv" aria-label="${label}">${entries.map(([k, v]) => html`<dt>${clip(k, 200)}</dt><dd>${value(v)}</dd>`)}</dl>`;
}

function breadcrumbs(ev: Json): SafeHtml {
  const list = Array.isArray(ev.breadcrumbs) ? ev.breadcrumbs : obj(ev.breadcrumbs)?.values;
  if (!Array.isArray(list) || list.length === 0) return html`<p class="muted">No breadcrumbs.</p>`;
  const rows = (list as unknown[]).slice(-200).map((b) => {
    const c = obj(b) ?? {};
    const ts = c.timestamp;
    // A number past any date (99999999999999 seconds) is shown as it came.
    const when =
      typeof ts === "number"
        ? Number.isNaN(new Date(ts * 1000).getTime())
          ? html`${String(ts)}`
          : time(new Date(ts * 1000).toISOString())
        : typeof ts === "string"
          ? time(ts)
          : html`<span class="muted">—</span>`;
    const data = obj(c.data);
    return html`<tr><td>${when}</td><td>${str(c.category) ?? str(c.type) ?? ""}</td><td>${str(c.level) ?? "info"}</td><td>${str(c.message) ? clip(String(c.message), 1000) : ""}${data ? value(data) : ""}</td></tr>`;
  });
  return html`<table class="crumbs-table"><caption class="sr-only">Breadcrumbs, oldest first</caption><thead><tr><th scope="col">Time</th><th scope="col">Category</th><th scope="col">Level</th><th scope="col">Message</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function processingErrors(ev: Json): SafeHtml {
  const errors = Array.isArray(ev.errors) ? (ev.errors as unknown[]).map((e) => obj(e) ?? {}) : [];
  if (errors.length === 0) return html``;
  return html`<section aria-labelledby="h-errors"><h2 id="h-errors">Processing errors</h2><ul class="errors">${errors
    .slice(0, 100)
    .map((e) => {
      const { type, ...rest } = e;
      return html`<li><code>${String(type)}</code> ${Object.entries(rest).map(([k, v]) => html`<span class="muted">${k}</span> <code>${clip(String(typeof v === "object" ? JSON.stringify(v) : v), 500)}</code> `)}</li>`;
    })}</ul></section>`;
}

export function eventPage(core: ServerCore, req: RouteRequest): Reply {
  const id = req.params.id!.replace(/-/g, "").toLowerCase();
  const stored = core.state.events.find((e) => e.id === id && e.event !== undefined);
  if (!stored)
    return notice(
      404,
      "Event not found",
      html`<p>No event with id <code>${clip(req.params.id!, 100)}</code> is held by this server. <a href="/events">All events</a></p>`,
    );
  const ev = stored.event!;
  const summary = apiEventSummary(stored);
  const loc = projectOf(core.state, stored);
  let outcomes: StacktraceOutcome[] | undefined | null = null;
  const images = new Map<string, string>();
  const metaImages = obj(ev.debug_meta)?.images;
  if (Array.isArray(metaImages))
    for (const im of metaImages) {
      const m = obj(im);
      if (m && typeof m.code_file === "string" && typeof m.debug_id === "string")
        images.set(m.code_file, m.debug_id.toLowerCase());
    }
  const rc: RenderCtx = {
    core,
    stored,
    ev,
    images,
    outcomes() {
      if (outcomes === null) {
        const payload = eventPayload(stored);
        outcomes =
          payload && loc && isJavaScriptEvent(payload)
            ? processEvent({ ...payload, event_id: stored.id }, storeFor(core, loc.org, loc.project)).stacktraces
            : undefined;
      }
      return outcomes;
    },
  };
  const level = str(ev.level) ?? "error";
  const release = str(ev.release);
  const tags = (summary.tags as { key: string; value: string }[]).slice(0, 200);
  const sdk = obj(ev.sdk);
  const stacks = containers(ev);
  const contexts = obj(ev.contexts) ?? {};
  const message = str(obj(ev.logentry)?.formatted) ?? str(obj(ev.logentry)?.message) ?? str(ev.message);
  const extra: [string, Json | undefined][] = [
    ["User", obj(ev.user)],
    ["Request", obj(ev.request)],
    ["Extra", obj(ev.extra)],
  ];
  const body = html`<h1 class="event-title"><span class="level level-${level.replace(/[^a-z]/g, "")}">${level}</span> ${clip(String(summary.title), 500)}</h1>
<dl class="facts">
<dt>Event id</dt><dd><code>${stored.id}</code></dd>
<dt>Project</dt><dd>${loc?.project.slug ?? String(stored.projectId)}</dd>
<dt>Release</dt><dd>${release && loc ? html`<a href="${href(["releases", loc.org.slug, release])}">${clip(release, 200)}</a>` : html`<span class="muted">none</span>`}</dd>
<dt>Environment</dt><dd>${str(ev.environment) ?? html`<span class="muted">none</span>`}</dd>
${str(ev.dist) ? html`<dt>Dist</dt><dd>${String(ev.dist)}</dd>` : ""}
<dt>Platform</dt><dd>${str(ev.platform) ?? "?"}</dd>
<dt>Time</dt><dd>${time(String(summary.dateCreated))}</dd>
<dt>Received</dt><dd>${time(stored.receivedAt)}</dd>
${sdk ? html`<dt>SDK</dt><dd>${str(sdk.name) ?? "?"} ${str(sdk.version) ?? ""}</dd>` : ""}
</dl>
${message && stacks.length > 0 ? html`<p class="message">${clip(message, 5000)}</p>` : ""}
${message && stacks.length === 0 ? html`<section aria-labelledby="h-message"><h2 id="h-message">Message</h2><pre class="message">${clip(message, 20000)}</pre></section>` : ""}
${stacks.length ? html`<section aria-labelledby="h-stack"><h2 id="h-stack">Stack trace</h2><p class="hint">Newest frame first. Resolved frames show the original source; <strong>Raw frame</strong> shows the frame as the SDK sent it.</p>${stacks.map((c) => stackView(rc, c))}</section>` : ""}
${processingErrors(ev)}
<section aria-labelledby="h-tags"><h2 id="h-tags">Tags</h2>${tags.length ? html`<ul class="tags">${tags.map((t) => html`<li><span class="k">${clip(t.key, 200)}</span><span class="v">${clip(t.value, 500)}</span></li>`)}</ul>` : html`<p class="muted">No tags.</p>`}</section>
<section aria-labelledby="h-contexts"><h2 id="h-contexts">Contexts</h2>${
    Object.keys(contexts).length
      ? Object.entries(contexts)
          .slice(0, 50)
          .map(([name, c]) => html`<h3>${clip(name, 200)}</h3>${obj(c) ? keyValues(obj(c)!, name) : value(c)}`)
      : html`<p class="muted">No contexts.</p>`
  }</section>
${extra.filter(([, o]) => o && Object.keys(o).length > 0).map(([name, o]) => html`<section><h2>${name}</h2>${keyValues(o!, name)}</section>`)}
<section aria-labelledby="h-breadcrumbs"><h2 id="h-breadcrumbs">Breadcrumbs</h2>${breadcrumbs(ev)}</section>`;
  return page(
    {
      title: clip(String(summary.title), 80),
      section: "events",
      crumbs: [["Events", "/events"], [clip(String(summary.title), 60)]],
    },
    body,
  );
}
