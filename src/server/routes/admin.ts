import type { ServerCore } from "../core.js";
import type { FaultRule } from "../faults.js";
import { json, parseJsonBody, type Reply, type RouteRequest, type Router } from "../http.js";

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
  // The guard runs before any body is read; handlers only see authenticated requests.
  const admin = { preflight: guard };
  router.on("GET", "/_ship/state", () => json(200, introspectState(core)), admin);
  router.on("GET", "/_ship/requests", () => json(200, core.state.requests), admin);
  router.on(
    "POST",
    "/_ship/faults",
    (req) => {
      const parsed = parseJsonBody(req);
      if ("reply" in parsed) return parsed.reply;
      const rule = parsed.value as FaultRule & { pathRegex?: string };
      if (typeof rule !== "object" || rule === null || Array.isArray(rule))
        return json(400, { detail: "a fault rule is a JSON object" });
      if (rule.pathRegex !== undefined) {
        try {
          rule.path = new RegExp(String(rule.pathRegex));
        } catch (e) {
          return json(400, { detail: `pathRegex: ${(e as Error).message.slice(0, 200)}` });
        }
      }
      core.faults.add(rule);
      return json(201, { ok: true });
    },
    admin,
  );
  router.on(
    "DELETE",
    "/_ship/faults",
    () => {
      core.faults.clear();
      return { status: 204 };
    },
    admin,
  );
}

/** Bundle file contents larger than this are left out of `/_ship/state` (read them from `--data`). */
const STATE_CONTENT_BYTES = 16 * 1024 * 1024;

/** What `GET /_ship/state` answers: everything recorded, with bundle file contents as text up to a bound. */
function introspectState(core: ServerCore): Record<string, unknown> {
  const s = core.state;
  let budget = 4 * STATE_CONTENT_BYTES;
  return {
    releases: s.releases,
    deploys: s.deploys,
    repos: s.repos,
    bundles: s.bundles.map((b) => ({
      ...b,
      files: b.files.map((f) => {
        const size = f.content.length;
        if (size > STATE_CONTENT_BYTES || size > budget) return { ...f, content: null, contentOmitted: size };
        budget -= size;
        return { ...f, content: f.content.toString("utf8") };
      }),
    })),
    events: s.events,
    monitors: s.monitors,
    checkIns: s.checkIns,
    dropped: s.dropped,
  };
}
