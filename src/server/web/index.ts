/**
 * The pages `serve` shows at its root URL, read-only: releases, artifact bundles, events (with
 * their stack traces as processed), release health and monitors. Registered through
 * routes/index.ts like every other route; served by the same pipeline. Every page goes through
 * one access check (see access.ts); the style sheet, script and icon carry no data and are public.
 */
import type { ServerCore } from "../core.js";
import { json, type Reply, type RouteRequest, type Router } from "../http.js";
import { checkAccess } from "./access.js";
import { asset } from "./assets.js";
import { bundlePage, bundlesPage, filePage, sourcePage } from "./bundles.js";
import { eventPage } from "./event.js";
import { eventsPage } from "./events.js";
import { healthPage, monitorsPage } from "./health.js";
import { html } from "./html.js";
import { notice, PAGE_HEADERS } from "./layout.js";
import { changeStamp } from "./model.js";
import { overviewPage } from "./overview.js";
import { releasePage, releasesPage } from "./releases.js";

function refused(core: ServerCore): () => Reply {
  return () => ({
    ...notice(
      401,
      "This server needs its token",
      html`<p><code>serve</code> listens on <code>${core.options.host ?? ""}</code>, reachable from other machines, so its pages need the server's token.</p>
<p>Open the address <code>serve</code> printed after <strong>pages:</strong> (it ends in <code>?token=…</code>), or send the token as <code>Authorization: Bearer …</code>.</p>`,
    ),
  });
}

export function register(router: Router, core: ServerCore): void {
  const guarded = (render: (req: RouteRequest) => Reply) => (req: RouteRequest) => {
    const a = checkAccess(core, req, refused(core));
    return a.ok ? render(req) : a.reply;
  };
  const get = (pattern: string, render: (req: RouteRequest) => Reply) =>
    router.on("GET", pattern, guarded(render), { maxBody: () => 0 });

  get("/", () => overviewPage(core));
  get("/events", (req) => eventsPage(core, req));
  get("/events/:id", (req) => eventPage(core, req));
  get("/releases", () => releasesPage(core));
  get("/releases/:org/:version", (req) => releasePage(core, req));
  get("/bundles", () => bundlesPage(core));
  get("/bundles/:id", (req) => bundlePage(core, req));
  get("/bundles/:id/files/:n", (req) => filePage(core, req));
  get("/bundles/:id/files/:n/source", (req) => sourcePage(core, req));
  get("/health", () => healthPage(core));
  get("/monitors", () => monitorsPage(core));
  get("/_web/changes", () => json(200, { stamp: changeStamp(core.state) }, { ...PAGE_HEADERS }));
  router.on(
    "GET",
    "/_web/:asset",
    (req) =>
      asset(req.params.asset!) ?? {
        status: 404,
        body: "not found",
        headers: { ...PAGE_HEADERS, "Content-Type": "text/plain; charset=utf-8" },
      },
    { maxBody: () => 0 },
  );
}
