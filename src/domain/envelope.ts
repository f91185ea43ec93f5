/**
 * Sentry envelopes with Relay's parsing rules (sentry-api.md §5.3), event ids, data categories and
 * rate-limit headers (§5.6). Shared by the client (send-event / send-envelope) and the embedded
 * server's ingestion endpoints.
 *
 * ```
 * <envelope header JSON>\n
 * <item header JSON>\n
 * <payload bytes>\n
 * ...
 * ```
 */
import { randomUUID } from "node:crypto";
import { parseDsn } from "./dsn.js";

export interface ItemHeader {
  type: string;
  length?: number;
  [key: string]: unknown;
}

export interface EnvelopeItem {
  header: ItemHeader;
  payload: Buffer;
}

export interface Envelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

/** A parse failure; `message` is Relay's own wording (e.g. `missing newline after header or payload`). */
export class EnvelopeError extends Error {
  override name = "EnvelopeError";
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Find the end of the JSON object starting at `start` (which must be `{`), honouring strings.
 * Returns the offset just past the closing brace, or -1 when the object is not closed.
 */
function scanObject(buf: Buffer, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < buf.length; i++) {
    const c = buf[i]!;
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * Read one JSON value as serde's stream deserializer does: skip whitespace, parse one value.
 * Returns undefined at EOF (only whitespace left), else the value and the offset after it.
 */
function readJsonValue(buf: Buffer, offset: number, errorMessage: string): { value: unknown; end: number } | undefined {
  let i = offset;
  while (i < buf.length && WS.has(buf[i]!)) i++;
  if (i >= buf.length) return undefined;
  if (buf[i] !== 0x7b) {
    // Headers are objects; anything else cannot be deserialised into one.
    throw new EnvelopeError(errorMessage);
  }
  const end = scanObject(buf, i);
  if (end < 0) throw new EnvelopeError(errorMessage);
  let value: unknown;
  try {
    value = JSON.parse(buf.subarray(i, end).toString("utf8"));
  } catch {
    throw new EnvelopeError(errorMessage);
  }
  return { value, end };
}

function requireTermination(buf: Buffer, offset: number): void {
  if (offset < buf.length && buf[offset] !== 0x0a) throw new EnvelopeError("missing newline after header or payload");
}

const UUID_RE =
  /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}|urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** An event id in Relay's normalised form (32 lowercase hex), or undefined when it is not a UUID. */
export function normalizeEventId(value: unknown): string | undefined {
  if (typeof value !== "string" || !UUID_RE.test(value)) return undefined;
  return value
    .toLowerCase()
    .replace(/^urn:uuid:/, "")
    .replace(/[{}-]/g, "");
}

/** `801eaf2484e1…` → `801eaf24-84e1-4ab1-…`. */
export function hyphenateEventId(hex32: string): string {
  const h = hex32.replace(/-/g, "").toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A new random event id (32 hex). */
export function newEventId(): string {
  return randomUUID().replace(/-/g, "");
}

const RFC3339_RE = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function validateEnvelopeHeader(h: unknown): Record<string, unknown> {
  if (h === null || typeof h !== "object" || Array.isArray(h)) throw new EnvelopeError("invalid envelope header");
  const header = h as Record<string, unknown>;
  if (header.event_id !== undefined && header.event_id !== null && normalizeEventId(header.event_id) === undefined) {
    throw new EnvelopeError("invalid envelope header");
  }
  if (header.dsn !== undefined && header.dsn !== null) {
    if (typeof header.dsn !== "string") throw new EnvelopeError("invalid envelope header");
    try {
      parseDsn(header.dsn);
    } catch {
      throw new EnvelopeError("invalid envelope header");
    }
  }
  if (header.sent_at !== undefined && header.sent_at !== null) {
    if (
      typeof header.sent_at !== "string" ||
      !RFC3339_RE.test(header.sent_at) ||
      Number.isNaN(Date.parse(header.sent_at))
    ) {
      throw new EnvelopeError("invalid envelope header");
    }
  }
  return header;
}

function validateItemHeader(h: unknown): ItemHeader {
  if (h === null || typeof h !== "object" || Array.isArray(h)) throw new EnvelopeError("invalid item header");
  const header = h as Record<string, unknown>;
  if (typeof header.type !== "string") throw new EnvelopeError("invalid item header");
  if (header.length !== undefined && header.length !== null) {
    const n = header.length;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 0xffffffff)
      throw new EnvelopeError("invalid item header");
  }
  return header as ItemHeader;
}

/** Parse an envelope with Relay's rules. Throws EnvelopeError with Relay's message. */
export function parseEnvelope(buf: Buffer): Envelope {
  const first = readJsonValue(buf, 0, "invalid envelope header");
  if (!first) throw new EnvelopeError("missing envelope header");
  requireTermination(buf, first.end);
  const header = validateEnvelopeHeader(first.value);
  let offset = first.end + 1;
  const items: EnvelopeItem[] = [];
  while (offset < buf.length) {
    const h = readJsonValue(buf, offset, "invalid item header");
    if (!h) throw new EnvelopeError("unexpected end of file");
    requireTermination(buf, h.end);
    const itemHeader = validateItemHeader(h.value);
    const payloadStart = Math.min(h.end + 1, buf.length);
    let payloadEnd: number;
    if (typeof itemHeader.length === "number") {
      payloadEnd = payloadStart + itemHeader.length;
      if (payloadEnd > buf.length) throw new EnvelopeError("unexpected end of file");
      requireTermination(buf, payloadEnd);
    } else {
      const nl = buf.indexOf(0x0a, payloadStart);
      payloadEnd = nl < 0 ? buf.length : nl;
    }
    items.push({ header: itemHeader, payload: buf.subarray(payloadStart, payloadEnd) });
    offset = payloadEnd + 1;
  }
  return { header, items };
}

/**
 * Serialise an envelope. Every item gets an explicit `length` (placed right after `type`, as
 * sentry-cli writes it); no newline after the last payload.
 */
export function serializeEnvelope(env: Envelope): Buffer {
  const parts: Buffer[] = [Buffer.from(JSON.stringify(env.header), "utf8")];
  for (const item of env.items) {
    const { type, length: _ignored, ...rest } = item.header;
    const header = { type, length: item.payload.length, ...rest };
    parts.push(Buffer.from("\n" + JSON.stringify(header) + "\n", "utf8"), item.payload);
  }
  return Buffer.concat(parts);
}

/** Item types that carry or belong to an event (Relay generates an event id for these). */
export const EVENT_BOUND_TYPES = new Set([
  "event",
  "transaction",
  "security",
  "raw_security",
  "nel",
  "attachment",
  "form_data",
  "user_report",
  "user_report_v2",
  "unreal_report",
]);

/** Item types counted against the event size limit (`max_event_size`, 1 MiB). */
export const EVENT_SIZED_TYPES = new Set(["event", "transaction", "security", "raw_security", "form_data", "nel"]);

/** Relay-internal item types that clients must not send. */
export const INTERNAL_TYPES = new Set(["metric_meta"]);

/** The data category an item counts against for rate limits. */
export function itemCategory(type: string): string {
  switch (type) {
    case "event":
      return "error";
    case "transaction":
      return "transaction";
    case "attachment":
      return "attachment";
    case "session":
    case "sessions":
      return "session";
    case "security":
    case "raw_security":
    case "nel":
      return "security";
    case "profile":
      return "profile";
    case "replay_event":
    case "replay_recording":
    case "replay_video":
      return "replay";
    case "check_in":
      return "monitor";
    case "span":
      return "span";
    case "log":
      return "log_item";
    default:
      return "default";
  }
}

export interface RateLimit {
  /** Seconds until the limit lifts. */
  retryAfter: number;
  /** Data categories; empty = all categories. */
  categories: string[];
  scope: string;
  reasonCode?: string;
  namespaces?: string[];
}

/** Parse `X-Sentry-Rate-Limits` (`60:error;transaction:key:daily_quota, 2700:default:organization`). */
export function parseRateLimits(header: string | undefined | null): RateLimit[] {
  if (!header) return [];
  const out: RateLimit[] = [];
  for (const raw of header.split(",")) {
    const limit = raw.trim();
    if (limit === "") continue;
    const [secs, cats = "", scope = "unknown", reason, namespaces] = limit.split(":");
    const retryAfter = Number(secs);
    if (secs === undefined || secs.trim() === "" || !Number.isFinite(retryAfter) || retryAfter < 0) continue;
    out.push({
      retryAfter,
      categories: cats
        .split(";")
        .map((c) => c.trim())
        .filter((c) => c !== ""),
      scope: scope || "unknown",
      ...(reason ? { reasonCode: reason } : {}),
      ...(namespaces ? { namespaces: namespaces.split(";").filter((n) => n !== "") } : {}),
    });
  }
  return out;
}

export function formatRateLimits(limits: RateLimit[]): string {
  return limits
    .map((l) => {
      const fields = [String(Math.max(0, Math.ceil(l.retryAfter))), l.categories.join(";"), l.scope];
      if (l.reasonCode !== undefined || l.namespaces) fields.push(l.reasonCode ?? "");
      if (l.namespaces) fields.push(l.namespaces.join(";"));
      return fields.join(":");
    })
    .join(", ");
}

/** Does this limit apply to `category`? (empty category list = all categories) */
export function limitCovers(limit: RateLimit, category: string): boolean {
  return limit.categories.length === 0 || limit.categories.includes(category);
}
