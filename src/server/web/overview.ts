/**
 * The root page: what the server holds, the latest events, and the commands that point a shell at
 * this server, exactly as `serve` printed them.
 */
import { exportLines } from "../announce.js";
import type { ServerCore } from "../core.js";
import type { Reply } from "../http.js";
import { eventTable } from "./events.js";
import { html } from "./html.js";
import { page } from "./layout.js";
import { changeStamp, eventRow, listedEvents } from "./model.js";

export function overviewPage(core: ServerCore): Reply {
  const { state } = core;
  const events = listedEvents(state);
  const counts: [string, string, number][] = [
    ["Events", "/events", events.length],
    ["Releases", "/releases", state.releases.length],
    ["Artifact bundles", "/bundles", state.bundles.length],
    ["Deploys", "/releases", state.deploys.length],
    ["Monitors", "/monitors", state.monitors.length],
    ["Sessions counted", "/health", state.sessionBuckets.reduce((n, b) => n + b.sessions, 0)],
  ];
  const printed = core.printed();
  return page(
    { title: "Overview", section: "overview", live: changeStamp(core.state) },
    html`<h1>A local Sentry, for rehearsing a pipeline</h1>
<ul class="counts">${counts.map(([label, to, n]) => html`<li><a href="${to}"><span class="n">${n}</span> ${label}</a></li>`)}</ul>
<section aria-labelledby="h-latest"><h2 id="h-latest">Latest events</h2>
${eventTable(
  events.slice(0, 10).map((e) => eventRow(state, e)),
  "The ten newest events",
)}
${events.length > 10 ? html`<p><a href="/events">All ${events.length} events</a></p>` : ""}
</section>
<section aria-labelledby="h-use"><h2 id="h-use">Point a shell at this server</h2>
<p>The same commands <code>serve</code> printed when it started:</p>
<pre class="shell" tabindex="0"><code>${exportLines(printed).join("\n")}</code></pre>
<p class="muted">Organization <code>acme</code>, projects <code>frontend</code> and <code>backend</code>. New data shows on these pages without a reload.</p>
</section>`,
  );
}
