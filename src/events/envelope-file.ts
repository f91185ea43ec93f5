/**
 * Envelopes for send-event and send-envelope: building the one-event envelope, and re-serialising a
 * stored envelope the way sentry-cli does (hyphenated header event id, `dsn` written as `key:@`,
 * event payloads completed with an event id and timestamp, attachments typed
 * `event.attachment`).
 */
import { type Dsn, formatDsn, parseDsn } from "../domain/dsn.js";
import {
  type Envelope,
  type EnvelopeItem,
  hyphenateEventId,
  type ItemHeader,
  itemCategory,
  newEventId,
  normalizeEventId,
  serializeEnvelope,
} from "../domain/envelope.js";
import { EventInputError, orderEvent } from "./event.js";

/** The envelope sentry-cli sends for one event: `{"event_id": "<hyphenated>"}` + one event item. */
export function eventEnvelope(event: Record<string, unknown>): Buffer {
  return eventEnvelopeRaw(Buffer.from(JSON.stringify(event), "utf8"), hyphenateEventId(String(event.event_id)));
}

/** An envelope around an event payload sent as-is (`send-event --raw`). */
export function eventEnvelopeRaw(payload: Buffer, headerEventId = "00000000-0000-0000-0000-000000000000"): Buffer {
  return serializeEnvelope({ header: { event_id: headerEventId }, items: [{ header: { type: "event" }, payload }] });
}

const HEADER_ORDER = ["event_id", "dsn", "sdk", "sent_at", "trace"];
const ATTACHMENT_HEADER_ORDER = ["type", "length", "filename", "attachment_type", "content_type"];

function ordered(obj: Record<string, unknown>, order: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (obj[k] !== undefined) out[k] = obj[k];
  for (const k of Object.keys(obj)) if (!(k in out) && obj[k] !== undefined) out[k] = obj[k];
  return out;
}

/**
 * Re-serialise a parsed envelope for sending to `target`. Throws EventInputError when an event
 * item is not a JSON object.
 */
export function reserializeEnvelope(env: Envelope, opts: { now: number; target?: Dsn }): Buffer {
  const header: Record<string, unknown> = { ...env.header };
  const headerId = normalizeEventId(header.event_id);
  if (headerId) header.event_id = hyphenateEventId(headerId);
  if (typeof header.dsn === "string") {
    header.dsn = formatDsn(opts.target ?? parseDsn(header.dsn), { secretColon: true });
  }
  const items: EnvelopeItem[] = env.items.map((item, i) => {
    if (item.header.type === "event") {
      let value: unknown;
      try {
        value = JSON.parse(item.payload.toString("utf8"));
      } catch (e) {
        throw new EventInputError(`item ${i + 1} (event) is not valid JSON: ${(e as Error).message}`);
      }
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new EventInputError(`item ${i + 1} (event) is not a JSON object`);
      }
      const ev = { ...(value as Record<string, unknown>) };
      ev.event_id = normalizeEventId(ev.event_id) ?? headerId ?? newEventId();
      ev.timestamp ??= opts.now;
      return { header: item.header, payload: Buffer.from(JSON.stringify(orderEvent(ev)), "utf8") };
    }
    if (item.header.type === "attachment") {
      const h = { ...item.header, attachment_type: item.header.attachment_type ?? "event.attachment" };
      return { header: ordered(h, ATTACHMENT_HEADER_ORDER) as ItemHeader, payload: item.payload };
    }
    return item;
  });
  return serializeEnvelope({ header: ordered(header, HEADER_ORDER), items });
}

/** The rate-limit category of an envelope: its first item's, `default` when empty. */
export function envelopeCategory(env: Envelope): string {
  return env.items.length ? itemCategory(env.items[0]!.header.type) : "default";
}
