/**
 * One request, start to finish, inside one error boundary: parse the request target, match the
 * route, check auth from the headers, read the body up to the route's limit, decode it with an
 * output limit, apply faults, run the handler, serialise the reply. Whatever a client sends, the
 * outcome is an HTTP answer (or, for a connection already half-answered, a closed socket) — never
 * an exception that reaches the process.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticate } from "./auth.js";
import { contentEncoding, declaredLength, decodeBody, readBody, tooLargeMessage } from "./body.js";
import type { ServerCore } from "./core.js";
import { json, type Reply, type RouteOptions, type RouteRequest, type Router, serializeReply } from "./http.js";
import { LINGER_BYTES, LINGER_MS } from "./limits.js";
import type { RequestLog } from "./request-log.js";
import type { RecordedRequest } from "./state.js";
import { isWebPath } from "./web/paths.js";

const MAX_LOGGED_PATH = 2048;

function flatHeaders(h: IncomingMessage["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

/** The request target as a URL, or undefined when it is not a valid origin-form target. */
function parseTarget(raw: string | undefined): URL | undefined {
  const target = raw ?? "/";
  if (!target.startsWith("/")) return undefined;
  try {
    // Concatenated, not resolved: `//host/x` stays a path, never a host.
    return new URL(`http://placeholder${target}`);
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, reply: Reply, close = false): number {
  let s: ReturnType<typeof serializeReply>;
  try {
    s = serializeReply(reply);
  } catch {
    s = serializeReply(json(500, { detail: "Internal Error", errorId: randomBytes(16).toString("hex") }));
  }
  if (close) s.headers.Connection = "close";
  if (res.headersSent || res.destroyed) return s.status;
  res.writeHead(s.status, s.headers);
  res.end(s.payload);
  return s.status;
}

/**
 * Answer a request whose body is refused while the client may still be sending it: the answer goes
 * out, the rest of the body is read and dropped (within LINGER_MS / LINGER_BYTES), then the
 * connection is closed cleanly.
 */
function refuseStreamingBody(req: IncomingMessage, res: ServerResponse, reply: Reply): number {
  const status = send(res, reply);
  const socket = req.socket;
  let dropped = 0;
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
  const closeWhenAnswered = () => {
    clearTimeout(timer);
    if (res.writableFinished) socket.end();
    else res.once("finish", () => socket.end());
  };
  req.once("end", closeWhenAnswered);
  req.on("data", (c: Buffer) => {
    dropped += c.length;
    if (dropped > LINGER_BYTES) socket.destroy();
  });
  req.resume();
  return status;
}

/** A body that does not fit the in-flight budget: 503, as Relay answers when overloaded; clients retry it. */
function overloaded(opts: RouteOptions): Reply {
  return json(503, { detail: opts.overloaded ?? "the service is overloaded" }, { "Retry-After": "1" });
}

/** Requests with a body that is authenticated by a Bearer token are refused before it is read. */
function webApiPreflight(core: ServerCore, req: RouteRequest): Reply | undefined {
  if (!req.path.startsWith("/api/0/") || req.method === "GET" || req.method === "HEAD") return undefined;
  const a = authenticate(core.state, req);
  return "reply" in a ? a.reply : undefined;
}

export async function handleRequest(
  core: ServerCore,
  router: Router,
  log: RequestLog,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  // A client that goes away mid-request must not raise an unhandled 'error'.
  req.on("error", () => {});
  res.on("error", () => {});
  let record: RecordedRequest | undefined;
  const lease = core.bodies.lease();
  try {
    const method = (req.method ?? "GET").toUpperCase();
    const url = parseTarget(req.url);
    if (!url) {
      send(res, json(400, { detail: "invalid request target" }), true);
      return;
    }
    const path = url.pathname;
    // The admin API and the pages are not part of what a client sent: not logged, never faulted.
    const admin = path.startsWith("/_ship/") || isWebPath(path);
    record = {
      seq: log.nextSeq(),
      time: core.now().toISOString(),
      method,
      path: path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…` : path,
      query: Object.fromEntries(url.searchParams),
      headers: flatHeaders(req.headers),
      bodyBytes: 0,
      status: 0,
    };
    if (!admin) log.add(record);
    const rec = record;

    const fault = admin ? undefined : core.faults.take(method, path);
    if (fault?.kind === "drop") {
      rec.fault = "drop";
      rec.status = -1;
      req.socket.destroy();
      return;
    }

    const m = router.match(method, path);
    if (m === undefined || m === "method") {
      // No route: the body is never read (Node discards it), nor logged.
      const reply =
        m === undefined
          ? { status: 404, body: "<h1>Not Found</h1>", headers: { "Content-Type": "text/html" } }
          : json(405, { detail: `Method "${method}" not allowed.` });
      if (!fault) {
        rec.status = send(res, reply);
        return;
      }
    }
    const route = m === undefined || m === "method" ? undefined : m;
    const host = req.headers.host ?? new URL(core.url()).host;
    const rr: RouteRequest = {
      method,
      path,
      params: route?.params ?? {},
      query: Object.fromEntries(url.searchParams),
      queryAll: url.searchParams,
      headers: req.headers,
      body: Buffer.alloc(0),
      origin: `http://${host}`,
      raw: req,
    };

    if (route) {
      const opts = route.route.options;
      for (const [k, v] of Object.entries(opts.headers ?? {})) res.setHeader(k, v);
      const early = opts.preflight ? opts.preflight(rr) : webApiPreflight(core, rr);
      if (early) {
        rec.status = send(res, early);
        if (early.json !== undefined) rec.response = early.json;
        return;
      }
      const limit = opts.maxBody ? opts.maxBody(core.limits) : core.limits.apiBodyBytes;
      // The body's bytes come out of the in-flight budget: a declared length before reading, else
      // as they arrive.
      const declared = declaredLength(req);
      if (declared !== undefined && declared <= limit && !lease.take(declared)) {
        rec.status = refuseStreamingBody(req, res, overloaded(opts));
        return;
      }
      const got = await readBody(req, limit, declared === undefined ? lease.take : undefined);
      if (!got.ok) {
        if (got.reason === "aborted") {
          rec.status = -1;
          return;
        }
        if (got.reason === "busy") {
          rec.status = refuseStreamingBody(req, res, overloaded(opts));
          return;
        }
        rec.status = refuseStreamingBody(req, res, json(413, { detail: tooLargeMessage(got.limit) }));
        return;
      }
      let body = got.body;
      log.attachBody(rec, body, String(req.headers["content-type"] ?? ""));
      if (opts.decode) {
        const enc = contentEncoding(req);
        if (enc) {
          const d = await decodeBody(body, enc, limit);
          if (!d.ok) {
            const reply =
              d.reason === "too-large"
                ? json(413, { detail: tooLargeMessage(d.limit) })
                : d.reason === "unsupported"
                  ? json(415, { detail: `unsupported content encoding '${d.encoding.slice(0, 40)}'` })
                  : json(400, { detail: "failed to decompress request body", causes: [d.message] });
            rec.status = send(res, reply, d.reason === "too-large");
            rec.response = reply.json;
            return;
          }
          if (!lease.take(d.body.length)) {
            rec.status = send(res, overloaded(opts));
            return;
          }
          body = d.body;
        }
      }
      rr.body = body;
    }

    if (fault?.kind === "delay") {
      rec.fault = `delay ${fault.ms}ms`;
      await new Promise((r) => setTimeout(r, fault.ms));
    }
    let reply: Reply;
    if (fault?.kind === "status") {
      rec.fault = `status ${fault.status}`;
      reply =
        fault.body === undefined
          ? json(fault.status, { detail: `injected fault (${fault.status})` }, fault.headers)
          : typeof fault.body === "string"
            ? { status: fault.status, body: fault.body, headers: { "Content-Type": "text/html", ...fault.headers } }
            : json(fault.status, fault.body, fault.headers);
    } else if (!route) {
      reply =
        m === "method"
          ? json(405, { detail: `Method "${method}" not allowed.` })
          : { status: 404, body: "<h1>Not Found</h1>", headers: { "Content-Type": "text/html" } };
    } else {
      try {
        reply = await route.route.handler(rr);
      } catch (e) {
        reply = json(500, { detail: "Internal Error", errorId: randomBytes(16).toString("hex") });
        if (core.options.debug) console.error(e);
      }
    }
    rec.status = send(res, reply);
    if (reply.json !== undefined && !admin) rec.response = reply.json;
  } catch (e) {
    // The boundary: anything unexpected (including a reply that cannot be serialised) is a 500.
    if (core.options.debug) console.error(e);
    if (!res.headersSent && !res.destroyed) {
      const status = send(res, json(500, { detail: "Internal Error", errorId: randomBytes(16).toString("hex") }), true);
      if (record) record.status = status;
    } else {
      res.destroy();
    }
  } finally {
    lease.release();
  }
}
