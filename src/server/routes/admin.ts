import type { ServerCore } from "../core.js";
import type { FaultRule } from "../faults.js";
import { json, type Reply, type RouteRequest, type Router } from "../http.js";

/**
 * `/_ship/…`: read what the server recorded and inject faults from another process (the demo,
 * a workflow rehearsal). Guarded by the main token like the real API.
 */
export function register(router: Router, core: ServerCore): void {
  const guard = (req: RouteRequest): Reply | undefined => {
    const auth = req.headers.authorization ?? "";
    const tok = auth.replace(/^Bearer\s+/i, "");
    const rec = core.state.tokens.find((t) => t.token === tok);
    if (!rec?.scopes.includes("project:admin")) return json(401, { detail: "Invalid token" });
    return undefined;
  };
  router.on("GET", "/_ship/state", (req) => {
    const g = guard(req);
    if (g) return g;
    const s = core.state;
    return json(200, {
      releases: s.releases,
      deploys: s.deploys,
      repos: s.repos,
      bundles: s.bundles.map((b) => ({
        ...b,
        files: b.files.map((f) => ({ ...f, content: f.content.toString("utf8") })),
      })),
      events: s.events,
    });
  });
  router.on("GET", "/_ship/requests", (req) => guard(req) ?? json(200, core.state.requests));
  router.on("POST", "/_ship/faults", (req) => {
    const g = guard(req);
    if (g) return g;
    const rule = JSON.parse(req.body.toString("utf8")) as FaultRule & { pathRegex?: string };
    if (rule.pathRegex) rule.path = new RegExp(rule.pathRegex);
    core.faults.add(rule);
    return json(201, { ok: true });
  });
  router.on("DELETE", "/_ship/faults", (req) => {
    const g = guard(req);
    if (g) return g;
    core.faults.clear();
    return { status: 204 };
  });
}
