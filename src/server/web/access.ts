/**
 * Who may see the pages. Bound to a loopback address, `serve` is reachable from this machine only
 * and the pages need no login. Bound elsewhere (`--host 0.0.0.0`), every page and its data need
 * one of the server's user tokens: as `Authorization: Bearer …` (curl), or once in the address
 * (`/?token=…`, as `serve` prints it), which sets an HttpOnly, SameSite=Strict cookie and
 * redirects to the same address without the token. The cookie holds a digest of the token, never
 * the token itself.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { ServerCore } from "../core.js";
import type { Reply, RouteRequest } from "../http.js";

export const COOKIE = "ship_web";

/** Whether the server listens on a loopback address only. */
export function isLoopbackHost(host: string | undefined): boolean {
  const h = (host ?? "127.0.0.1").toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h) || h === "::ffff:127.0.0.1";
}

export function tokenRequired(core: ServerCore): boolean {
  return !isLoopbackHost(core.options.host);
}

function digest(token: string): string {
  return createHash("sha256").update(`sentry-ship web session\0${token}`).digest("hex");
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The user tokens that open the pages (the same ones that read through the API). */
function userTokens(core: ServerCore): string[] {
  return core.state.tokens.filter((t) => t.kind === "user").map((t) => t.token);
}

function cookieValue(req: RouteRequest): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === COOKIE) return part.slice(i + 1).trim();
  }
  return undefined;
}

export type Access = { ok: true } | { ok: false; reply: Reply };

/**
 * Whether this request may see the pages; when it brings the token in `?token=`, the answer is a
 * redirect that sets the cookie.
 */
export function checkAccess(core: ServerCore, req: RouteRequest, refused: () => Reply): Access {
  if (!tokenRequired(core)) return { ok: true };
  const tokens = userTokens(core);
  const given = req.query.token;
  if (given !== undefined) {
    if (!tokens.some((t) => same(t, given))) return { ok: false, reply: refused() };
    const rest = new URLSearchParams(req.queryAll);
    rest.delete("token");
    const qs = rest.toString();
    return {
      ok: false,
      reply: {
        status: 303,
        body: "",
        headers: {
          Location: `${req.path}${qs ? `?${qs}` : ""}`,
          "Set-Cookie": `${COOKIE}=${digest(given)}; HttpOnly; SameSite=Strict; Path=/`,
          "Cache-Control": "no-store",
          "Referrer-Policy": "no-referrer",
        },
      },
    };
  }
  const auth = req.headers.authorization?.trim().split(/\s+/);
  if (auth?.length === 2 && auth[0]!.toLowerCase() === "bearer" && tokens.some((t) => same(t, auth[1]!)))
    return { ok: true };
  const cookie = cookieValue(req);
  if (cookie && tokens.some((t) => same(digest(t), cookie))) return { ok: true };
  return { ok: false, reply: refused() };
}
