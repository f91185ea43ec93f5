/**
 * Event ingestion as Relay does it (sentry-api.md §5): `POST /api/{project_id}/envelope/` and
 * `POST /api/{project_id}/store/`, authenticated with the DSN's public key (never a Bearer token).
 * Enforces Relay's auth-source, envelope-format, size-limit and rate-limit rules with Relay's
 * error bodies (`{"detail", "causes"}`), and records every accepted event.
 */
import {
  authFromQuery,
  type IngestAuth,
  isValidPublicKey,
  PROTOCOL_VERSION,
  parseAuthHeader,
  parseDsn,
  parseProtocolVersion,
} from "../../domain/dsn.js";
import {
  type Envelope,
  EnvelopeError,
  EVENT_BOUND_TYPES,
  EVENT_SIZED_TYPES,
  formatRateLimits,
  INTERNAL_TYPES,
  itemCategory,
  limitCovers,
  newEventId,
  normalizeEventId,
  parseEnvelope,
  type RateLimit,
} from "../../domain/envelope.js";
import type { ServerCore } from "../core.js";
import { json, parseJsonBody, type Reply, type RouteRequest, type Router } from "../http.js";
import { processItems } from "../items.js";
import { jsonTextTooDeep, valueTooDeep } from "../json-depth.js";
import { keepNewest } from "../limits.js";
import { drop } from "../monitors.js";
import type { Project, ServerState, StoredEvent } from "../state.js";
import { processIncoming } from "../symbolicate/index.js";
import { INGEST_CORS_HEADERS, registerPreflights } from "./cors.js";

/** Relay's default limits (`relay-config` Limits). */
export const LIMITS = {
  maxEventSize: 1024 * 1024,
  maxAttachmentSize: 100 * 1024 * 1024,
  maxAttachmentsSize: 100 * 1024 * 1024,
  maxSessionCount: 100,
};

export const RATE_LIMITED_DETAIL =
  "Sentry dropped data due to a quota or internal rate limit being reached. This will not affect your application. See https://docs.sentry.io/product/accounts/quotas/ for more information.";

/** An active quota on the server, set by tests (`setRateLimit`) or through `/_ship/rate-limits`. */
export interface ActiveRateLimit {
  /** Project the limit applies to; undefined = every project. */
  projectId?: number;
  /** Data categories (`error`, `default`, `attachment`, …); empty = all. */
  categories: string[];
  scope: string;
  reasonCode?: string;
  /** Epoch milliseconds when the limit lifts. */
  until: number;
}

const limitsByState = new WeakMap<ServerState, ActiveRateLimit[]>();

function activeLimits(core: ServerCore): ActiveRateLimit[] {
  const now = core.now().getTime();
  const list = (limitsByState.get(core.state) ?? []).filter((l) => l.until > now);
  limitsByState.set(core.state, list);
  return list;
}

/**
 * Make the server rate-limit ingestion: every item of a matching category for `projectId` (or
 * every project) is refused for `seconds`, with Relay's 429, `Retry-After` and
 * `X-Sentry-Rate-Limits`.
 */
export function setRateLimit(
  core: ServerCore,
  limit: { projectId?: number; categories?: string[]; seconds: number; scope?: string; reasonCode?: string },
): void {
  const list = limitsByState.get(core.state) ?? [];
  list.push({
    ...(limit.projectId !== undefined ? { projectId: limit.projectId } : {}),
    categories: limit.categories ?? [],
    scope: limit.scope ?? "project",
    ...(limit.reasonCode ? { reasonCode: limit.reasonCode } : {}),
    until: core.now().getTime() + limit.seconds * 1000,
  });
  limitsByState.set(core.state, list);
}

export function clearRateLimits(core: ServerCore): void {
  limitsByState.set(core.state, []);
}

/** Relay's error body: `{"detail": "...", "causes": [...]}` (causes omitted when empty). */
function relayError(status: number, detail: string, causes: string[] = [], headers?: Record<string, string>): Reply {
  return json(status, causes.length ? { detail, causes } : { detail }, headers);
}

type AuthResult = { auth: IngestAuth; from: "header" | "query" | "envelope" } | { reply: Reply } | { none: true };

/** Find exactly one auth source (§5.2). */
function extractAuth(req: RouteRequest): AuthResult {
  const sources: Array<() => AuthResult> = [];
  const xsa = req.headers["x-sentry-auth"];
  const authz = req.headers.authorization;
  if (typeof xsa === "string") {
    sources.push(() => {
      const a = parseAuthHeader(xsa);
      return a ? { auth: a, from: "header" } : { reply: relayError(401, "bad x-sentry-auth header") };
    });
  }
  if (typeof authz === "string" && /^\s*sentry\s/i.test(authz)) {
    sources.push(() => ({ auth: parseAuthHeader(authz)!, from: "header" }));
  } else if (typeof authz === "string" && /^\s*basic\s/i.test(authz)) {
    sources.push(() => {
      const decoded = Buffer.from(authz.trim().slice(5).trim(), "base64").toString("utf8");
      return { auth: { sentryKey: decoded.split(":")[0] }, from: "header" };
    });
  }
  if ([...req.queryAll.keys()].some((k) => k.startsWith("sentry_"))) {
    sources.push(() => ({ auth: authFromQuery(req.queryAll), from: "query" }));
  }
  if (sources.length > 1) return { reply: relayError(401, "multiple authorization payloads detected") };
  if (sources.length === 0) return { none: true };
  return sources[0]!();
}

/** Validate the auth fields; returns a reply when they are unacceptable. */
function checkAuth(auth: IngestAuth): Reply | undefined {
  if (!auth.sentryKey) return relayError(401, "bad x-sentry-auth header", ["missing public key in auth header"]);
  if (auth.sentryVersion !== undefined) {
    const v = parseProtocolVersion(auth.sentryVersion);
    if (v === undefined) return relayError(401, "bad x-sentry-auth header", ["invalid value for version"]);
    if (v > PROTOCOL_VERSION) return relayError(400, `unsupported protocol version (${v})`);
  }
  if (!isValidPublicKey(auth.sentryKey)) return relayError(400, "bad sentry DSN public key");
  return undefined;
}

function findProject(core: ServerCore, projectId: number, key: string): Project | undefined {
  const base = key.split(".")[0];
  return core.state.projects.find((p) => p.id === projectId && p.publicKey === base);
}

function sizeLimitReply(type: string): Reply {
  return relayError(
    413,
    `envelope exceeded size limits for type '${type}' (https://develop.sentry.dev/sdk/envelopes/#size-limits)`,
  );
}

function checkSizes(env: Envelope): Reply | undefined {
  let eventBytes = 0;
  let attachmentBytes = 0;
  let sessions = 0;
  for (const item of env.items) {
    const t = item.header.type;
    if (EVENT_SIZED_TYPES.has(t)) {
      eventBytes += item.payload.length;
      if (eventBytes > LIMITS.maxEventSize) return sizeLimitReply(t);
    } else if (t === "attachment") {
      if (item.payload.length > LIMITS.maxAttachmentSize) return sizeLimitReply(t);
      attachmentBytes += item.payload.length;
      if (attachmentBytes > LIMITS.maxAttachmentsSize) return sizeLimitReply(t);
    } else if (t === "session" || t === "sessions") {
      sessions += 1;
      if (sessions > LIMITS.maxSessionCount) return sizeLimitReply(t);
    }
  }
  return undefined;
}

/** Relay's synchronous minimal event parse: valid JSON and a UUID event_id when present. */
function minimalEventCheck(payload: Buffer): { eventId?: string } | Reply {
  let value: unknown;
  if (jsonTextTooDeep(payload, MAX_JSON_DEPTH)) return relayError(400, "invalid JSON data: recursion limit exceeded");
  try {
    value = JSON.parse(payload.toString("utf8"));
  } catch (e) {
    return relayError(400, `invalid JSON data: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return relayError(400, "invalid JSON data: expected an object");
  }
  const id = (value as Record<string, unknown>).event_id;
  if (id === undefined || id === null) return {};
  const norm = normalizeEventId(id);
  if (norm === undefined) return relayError(400, "invalid event id");
  return { eventId: norm };
}

function isReply(x: unknown): x is Reply {
  return typeof x === "object" && x !== null && "status" in x && typeof (x as Reply).status === "number";
}

function rateLimitHeaders(limits: ActiveRateLimit[], now: number): Record<string, string> {
  const rl: RateLimit[] = limits.map((l) => ({
    retryAfter: Math.ceil((l.until - now) / 1000),
    categories: l.categories,
    scope: l.scope,
    ...(l.reasonCode ? { reasonCode: l.reasonCode } : {}),
  }));
  const longest = Math.max(...rl.map((l) => l.retryAfter));
  return { "Retry-After": String(longest), "X-Sentry-Rate-Limits": formatRateLimits(rl) };
}

function payloadForRecord(core: ServerCore, payload: Buffer): unknown {
  if (payload.length > core.limits.recordedPayloadBytes) {
    // Too large to keep in memory: with --data it is kept on disk, by content.
    const file = core.persist.savePayload(payload);
    return { omitted: true, size: payload.length, ...(file ? { file } : {}) };
  }
  if (!jsonTextTooDeep(payload, MAX_JSON_DEPTH)) {
    try {
      return JSON.parse(payload.toString("utf8"));
    } catch {
      /* not JSON */
    }
  }
  return { base64: payload.toString("base64") };
}

function interestingHeaders(req: RouteRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ["user-agent", "content-encoding", "content-type"]) {
    const v = req.headers[k];
    if (typeof v === "string") out[k] = v;
  }
  return out;
}

const eventBytes = new WeakMap<ServerState, number>();

const hasEvent = (e: StoredEvent) => e.items.some((i) => i.header.type === "event" || i.header.type === "transaction");

/**
 * How long Sentry remembers an event id to drop the same event sent again: its ingest consumer
 * keeps `ev:<project>:<event id>` in a cache for an hour (`CACHE_TIMEOUT`); the SDK was still
 * answered 200 by Relay.
 */
export const DUPLICATE_EVENT_WINDOW_MS = 3600 * 1000;

/**
 * Whether an event id of a project was already received within the window; if not, it is
 * remembered from now. At most `recordedEventIds` ids are kept, the oldest forgotten first.
 */
function seenRecently(core: ServerCore, projectId: number, eventId: string, at: number): boolean {
  const seen = core.state.eventIdsSeen;
  const key = `${projectId}:${eventId}`;
  const first = seen.get(key);
  if (first !== undefined && at - first < DUPLICATE_EVENT_WINDOW_MS) return true;
  seen.delete(key);
  seen.set(key, at);
  // Insertion order is time order: forget from the oldest end.
  for (const [k, t] of seen) {
    if (seen.size <= core.limits.recordedEventIds && at - t < DUPLICATE_EVENT_WINDOW_MS) break;
    seen.delete(k);
  }
  return false;
}

/** Remember the ids of events an earlier run received within the window (loaded from --data). */
export function rememberLoadedEvents(core: ServerCore): void {
  for (const e of core.state.events) {
    const at = Date.parse(e.receivedAt);
    if (hasEvent(e) && Number.isFinite(at)) seenRecently(core, e.projectId, e.id, at);
  }
}

function recordEvent(core: ServerCore, project: Project, ev: StoredEvent): void {
  // A second event with an id its project sent within the hour is dropped, as Sentry does; its
  // first copy stays.
  if (hasEvent(ev) && seenRecently(core, ev.projectId, ev.id, core.now().getTime())) {
    drop(core, "event", project, `duplicate event id ${ev.id}: an event with this id was received within the hour`);
    return;
  }
  processIncoming(core, ev);
  const events = core.state.events;
  const kept = (e: StoredEvent) =>
    e.items.reduce((n, i) => n + (i.size <= core.limits.recordedPayloadBytes ? i.size : 0), 0);
  let bytes = (eventBytes.get(core.state) ?? 0) + kept(ev);
  // An envelope without an event that names an event already received (its attachments or a user
  // report, sent on their own) belongs to that event, as on Sentry: its items join the event's
  // record, which is saved again, rather than a second record under the same id replacing it on disk.
  const owner = hasEvent(ev)
    ? undefined
    : events.findLast((e) => e.projectId === ev.projectId && e.id === ev.id && hasEvent(e));
  if (owner) owner.items.push(...ev.items);
  else {
    // The same event sent again after the window replaces the earlier one, as its file does.
    const earlier = hasEvent(ev)
      ? events.findIndex((e) => e.projectId === ev.projectId && e.id === ev.id && hasEvent(e))
      : -1;
    if (earlier >= 0) bytes -= kept(events.splice(earlier, 1)[0]!);
    events.push(ev);
  }
  // Memory keeps the newest events within a count and a byte budget; --data keeps them all on disk.
  bytes = keepNewest(events, core.limits.recordedEvents, core.limits.recordedEventBytes, kept, bytes);
  eventBytes.set(core.state, bytes);
  core.persist.saveEvent(owner ?? ev);
}

/** Relay's serde_json stops at this nesting depth; deeper events and headers are invalid JSON to it. */
const MAX_JSON_DEPTH = 128;

export function register(router: Router, core: ServerCore): void {
  // Relay's HTTP body limit, applied before and after Content-Encoding is decoded; header
  // credentials are checked before the body is read.
  const ingestion = {
    maxBody: (l: ServerCore["limits"]) => l.envelopeBodyBytes,
    decode: true,
    // Relay's answer when it cannot queue an envelope (overloaded), 503.
    overloaded: "failed to queue envelope",
    preflight: (req: RouteRequest) => ingestPreflight(core, req),
    headers: INGEST_CORS_HEADERS,
  };
  registerPreflights(router, ["/api/:project_id/envelope/", "/api/:project_id/store/"]);
  router.on("POST", "/api/:project_id/envelope/", (req) => handleEnvelope(core, req), ingestion);
  router.on("POST", "/api/:project_id/store/", (req) => handleStore(core, req), ingestion);
  const admin = { preflight: (req: RouteRequest) => adminGuard(core, req) };
  router.on(
    "POST",
    "/_ship/rate-limits",
    (req) => {
      const parsed = parseJsonBody(req);
      if ("reply" in parsed) return parsed.reply;
      const body = parsed.value as Parameters<typeof setRateLimit>[1];
      if (typeof body?.seconds !== "number") return json(400, { detail: "seconds is required" });
      setRateLimit(core, body);
      return json(201, { ok: true });
    },
    admin,
  );
  router.on(
    "DELETE",
    "/_ship/rate-limits",
    () => {
      clearRateLimits(core);
      return { status: 204 };
    },
    admin,
  );
}

/** What Relay refuses from the request line and headers alone, before reading the body. */
function ingestPreflight(core: ServerCore, req: RouteRequest): Reply | undefined {
  const projectId = projectIdParam(req);
  if (isReply(projectId)) return projectId;
  const found = extractAuth(req);
  if ("reply" in found) return found.reply;
  if ("none" in found) return undefined; // the envelope header's DSN may authenticate it
  const bad = checkAuth(found.auth);
  if (bad) return bad;
  // A key no project of that id has is refused before its body is read.
  if (!findProject(core, projectId, found.auth.sentryKey!))
    return relayError(403, "event submission rejected with_reason: ProjectId");
  return undefined;
}

function adminGuard(core: ServerCore, req: RouteRequest): Reply | undefined {
  const tok = String(req.headers.authorization ?? "").replace(/^Bearer\s+/i, "");
  const rec = core.state.tokens.find((t) => t.token === tok);
  return rec?.scopes.includes("project:admin") ? undefined : json(401, { detail: "Invalid token" });
}

function projectIdParam(req: RouteRequest): number | Reply {
  const raw = req.params.project_id ?? "";
  if (!/^\d+$/.test(raw)) return relayError(400, "bad project path parameter");
  return Number(raw);
}

function handleEnvelope(core: ServerCore, req: RouteRequest): Reply {
  const projectId = projectIdParam(req);
  if (isReply(projectId)) return projectId;

  const found = extractAuth(req);
  if ("reply" in found) return found.reply;

  // The HTTP layer has decoded Content-Encoding already.
  const body = req.body;
  if (body.length === 0) return relayError(400, "empty request body");

  let env: Envelope;
  try {
    env = parseEnvelope(body);
  } catch (e) {
    if (e instanceof EnvelopeError) {
      // Without another auth source, the envelope header's DSN is the credential.
      if ("none" in found) return relayError(401, "bad envelope authentication header");
      return relayError(400, "invalid event envelope", [e.message]);
    }
    throw e;
  }

  if (valueTooDeep(env.header, MAX_JSON_DEPTH))
    return relayError(400, "invalid event envelope", ["invalid envelope header"]);
  if (env.items.some((i) => valueTooDeep(i.header, MAX_JSON_DEPTH)))
    return relayError(400, "invalid event envelope", ["invalid item header"]);

  let auth: IngestAuth;
  if ("none" in found) {
    const dsnText = env.header.dsn;
    if (typeof dsnText !== "string") return relayError(401, "missing authorization information");
    const d = parseDsn(dsnText);
    auth = { sentryKey: d.publicKey, ...(d.secretKey ? { sentrySecret: d.secretKey } : {}) };
  } else {
    auth = found.auth;
  }
  const bad = checkAuth(auth);
  if (bad) return bad;

  if (typeof env.header.dsn === "string") {
    const d = parseDsn(env.header.dsn);
    if (d.projectId !== String(projectId)) {
      return relayError(400, "invalid event envelope", ["project id header mismatch between envelope and request"]);
    }
    if (d.publicKey !== auth.sentryKey) {
      return relayError(400, "invalid event envelope", ["public key header mismatch between envelope and request"]);
    }
  }
  if (env.items.some((i) => INTERNAL_TYPES.has(i.header.type)))
    return relayError(400, "envelope contains internal items");
  const tooBig = checkSizes(env);
  if (tooBig) return tooBig;

  let eventId = normalizeEventId(env.header.event_id);
  for (const item of env.items) {
    if (item.header.type !== "event" && item.header.type !== "transaction") continue;
    const check = minimalEventCheck(item.payload);
    if (isReply(check)) return check;
    eventId ??= check.eventId;
  }
  if (eventId === undefined && env.items.some((i) => EVENT_BOUND_TYPES.has(i.header.type))) eventId = newEventId();

  const project = findProject(core, projectId, auth.sentryKey!);
  if (!project) return relayError(403, "event submission rejected with_reason: ProjectId");

  const now = core.now().getTime();
  const limits = activeLimits(core).filter((l) => l.projectId === undefined || l.projectId === project.id);
  const accepted = env.items.filter(
    (i) => !limits.some((l) => l.categories.length === 0 || l.categories.includes(itemCategory(i.header.type))),
  );
  const applicable = limits.filter((l) =>
    env.items.some((i) =>
      limitCovers({ retryAfter: 0, categories: l.categories, scope: l.scope }, itemCategory(i.header.type)),
    ),
  );
  if (env.items.length > 0 && accepted.length === 0) {
    return relayError(429, RATE_LIMITED_DETAIL, [], rateLimitHeaders(applicable, now));
  }

  processItems(core, project, accepted);
  recordEvent(core, project, {
    id: eventId ?? newEventId(),
    projectId: project.id,
    endpoint: "envelope",
    receivedAt: core.now().toISOString(),
    envelopeHeader: env.header,
    items: accepted.map((i) => ({
      header: { ...i.header },
      payload: payloadForRecord(core, i.payload),
      size: i.payload.length,
    })),
    auth: {
      sentryKey: auth.sentryKey!,
      ...(auth.sentryVersion ? { sentryVersion: auth.sentryVersion } : {}),
      ...(auth.sentryClient ? { sentryClient: auth.sentryClient } : {}),
    },
    headers: interestingHeaders(req),
  });
  const headers = applicable.length
    ? { "X-Sentry-Rate-Limits": rateLimitHeaders(applicable, now)["X-Sentry-Rate-Limits"]! }
    : undefined;
  return json(200, eventId ? { id: eventId } : {}, headers);
}

function handleStore(core: ServerCore, req: RouteRequest): Reply {
  const ctype = String(req.headers["content-type"] ?? "").toLowerCase();
  if (ctype.startsWith("application/x-sentry-envelope")) return handleEnvelope(core, req);
  const projectId = projectIdParam(req);
  if (isReply(projectId)) return projectId;
  const found = extractAuth(req);
  if ("reply" in found) return found.reply;
  if ("none" in found) return relayError(401, "missing authorization information");
  const bad = checkAuth(found.auth);
  if (bad) return bad;
  const body = req.body;
  if (body.length === 0) return relayError(400, "empty request body");
  if (body.length > LIMITS.maxEventSize) return sizeLimitReply("event");
  const check = minimalEventCheck(body);
  if (isReply(check)) return check;
  const project = findProject(core, projectId, found.auth.sentryKey!);
  if (!project) return relayError(403, "event submission rejected with_reason: ProjectId");
  const now = core.now().getTime();
  const limits = activeLimits(core).filter(
    (l) =>
      (l.projectId === undefined || l.projectId === project.id) &&
      (l.categories.length === 0 || l.categories.includes("error")),
  );
  if (limits.length) return relayError(429, RATE_LIMITED_DETAIL, [], rateLimitHeaders(limits, now));
  const eventId = check.eventId ?? newEventId();
  recordEvent(core, project, {
    id: eventId,
    projectId: project.id,
    endpoint: "store",
    receivedAt: core.now().toISOString(),
    envelopeHeader: {},
    items: [{ header: { type: "event" }, payload: payloadForRecord(core, body), size: body.length }],
    auth: {
      sentryKey: found.auth.sentryKey!,
      ...(found.auth.sentryVersion ? { sentryVersion: found.auth.sentryVersion } : {}),
      ...(found.auth.sentryClient ? { sentryClient: found.auth.sentryClient } : {}),
    },
    headers: interestingHeaders(req),
  });
  return json(200, { id: eventId });
}
