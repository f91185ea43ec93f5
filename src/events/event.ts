/**
 * Building the event `send-event` sends, field for field as sentry-cli 3.8.0 does
 * (sentry-cli-wire.md §7), plus the input validation sentry-cli skips: an unknown level, a bad
 * timestamp or a malformed `key:value` is an error before anything is sent. Pure functions: the
 * command gathers files, environment and host facts and passes them in.
 */
import { hyphenateEventId, newEventId, normalizeEventId } from "../domain/envelope.js";
import { type HostInfo, hostContexts } from "./host.js";

export const LEVELS = ["debug", "info", "warning", "error", "fatal"] as const;
export type Level = (typeof LEVELS)[number];

/** Why a value is bad; the command turns it into an InputError. */
export class EventInputError extends Error {
  override name = "EventInputError";
}

export function parseLevel(value: string): Level {
  const v = value.trim().toLowerCase();
  if ((LEVELS as readonly string[]).includes(v)) return v as Level;
  throw new EventInputError(`invalid level '${value}': use one of ${LEVELS.join(", ")}`);
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const RFC2822 =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?(\d{1,2})\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+([+-]\d{4}|GMT|UT|UTC|Z)$/i;

/**
 * `--timestamp`: unix seconds (integer), RFC 2822 or RFC 3339 → seconds since the epoch (a float
 * when the RFC 3339 value has a fraction), as sentry-cli sends it.
 */
export function parseTimestamp(value: string): number {
  const v = value.trim();
  const bad = () =>
    new EventInputError(
      `invalid timestamp '${value}': use unix seconds (1700000000), RFC 3339 (2023-11-14T22:13:20Z) or RFC 2822 (Tue, 14 Nov 2023 22:13:20 +0000)`,
    );
  if (/^\d+$/.test(v)) {
    // Past ±8.64e15 ms a date cannot be formed: Relay would drop the value, sentry-cli panics.
    if (Number.isNaN(new Date(Number(v) * 1000).getTime())) throw bad();
    return Number(v);
  }
  let m = RFC3339.exec(v);
  if (m) {
    const [, y, mo, d, h, mi, s, frac, tz] = m;
    if (!validDate(+y!, +mo!, +d!, +h!, +mi!, +s!)) throw bad();
    const base = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) / 1000 - tzOffsetSeconds(tz!);
    return frac ? base + Number(`0${frac}`) : base;
  }
  m = RFC2822.exec(v);
  if (m) {
    const [, d, mon, y, h, mi, s, tz] = m;
    const mo = MONTHS.indexOf(mon!.toLowerCase()) + 1;
    if (!validDate(+y!, mo, +d!, +h!, +mi!, +(s ?? 0))) throw bad();
    return Date.UTC(+y!, mo - 1, +d!, +h!, +mi!, +(s ?? 0)) / 1000 - tzOffsetSeconds(tz!);
  }
  throw bad();
}

function validDate(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= days;
}

function tzOffsetSeconds(tz: string): number {
  const t = tz.toUpperCase();
  if (t === "Z" || t === "GMT" || t === "UT" || t === "UTC") return 0;
  const sign = t.startsWith("-") ? -1 : 1;
  const digits = t.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4)) * 60);
}

/** `key:value` (value after the first `:`, may be empty but the colon is required). */
export function parseKeyValue(pair: string, what: "tag" | "extra" | "user"): [string, string] {
  const i = pair.indexOf(":");
  if (i < 0) throw new EventInputError(`invalid ${what} '${pair}': expected KEY:VALUE`);
  const key = pair.slice(0, i);
  if (key === "") throw new EventInputError(`invalid ${what} '${pair}': the key is empty`);
  return [key, pair.slice(i + 1)];
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
function isIp(v: string): boolean {
  if (IPV4.test(v)) return true;
  return v.includes(":") && /^[0-9a-fA-F:.]+$/.test(v);
}

/** Names of environment variables whose values are secrets (matched as substrings, any case). */
export const SECRET_NAME_PARTS = [
  "TOKEN",
  "SECRET",
  "PASSWORD",
  "PASSWD",
  "KEY",
  "DSN",
  "AUTH",
  "COOKIE",
  "CREDENTIAL",
  "SESSION",
];
export const REDACTED_VALUE = "[redacted]";

export function isSecretName(name: string): boolean {
  const n = name.toUpperCase();
  return SECRET_NAME_PARTS.some((p) => n.includes(p));
}

/** The environment for `extra.environ`, sorted by name, secret-looking values redacted. */
export function redactedEnviron(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(env).sort()) {
    const v = env[k];
    if (v === undefined) continue;
    out[k] = isSecretName(k) ? REDACTED_VALUE : v;
  }
  return out;
}

export interface Breadcrumb {
  timestamp: number;
  category: string;
  message: string;
}

/**
 * `--logfile`: the last 100 lines as breadcrumbs, all stamped with the file's mtime (sentry-cli's
 * fallback). With `withCategories`, `CATEGORY: message` lines are split.
 */
export function logfileBreadcrumbs(text: string, mtimeSeconds: number, withCategories: boolean): Breadcrumb[] {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const crumbs = lines.map((raw): Breadcrumb => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (withCategories) {
      const m = /^([^:]+): (.*)$/.exec(line);
      if (m) return { timestamp: mtimeSeconds, category: m[1]!, message: m[2]! };
    }
    return { timestamp: mtimeSeconds, category: "log", message: line };
  });
  return crumbs.slice(-100);
}

export interface EventInput {
  level?: string;
  timestamp?: string;
  release?: string;
  dist?: string;
  environment: string;
  messages?: string[];
  messageArgs?: string[];
  platform?: string;
  tags?: string[];
  extra?: string[];
  user?: string[];
  fingerprint?: string[];
  /** Sorted, redacted environment, or undefined for `--no-environ`. */
  environ?: Record<string, string>;
  breadcrumbs?: Breadcrumb[];
  host: HostInfo;
  sdk: { name: string; version: string };
  /** Seconds since the epoch (float). */
  now: number;
  eventId?: string;
}

/** Sentry's event key order (sentry-types `Event`), which sentry-cli's payloads follow. */
export const EVENT_KEY_ORDER = [
  "event_id",
  "level",
  "fingerprint",
  "culprit",
  "transaction",
  "message",
  "logentry",
  "logger",
  "modules",
  "platform",
  "timestamp",
  "server_name",
  "release",
  "dist",
  "environment",
  "user",
  "request",
  "contexts",
  "breadcrumbs",
  "exception",
  "stacktrace",
  "template",
  "threads",
  "tags",
  "extra",
  "debug_meta",
  "sdk",
];

/** Reorder an event's keys as Sentry's SDKs serialise them; unknown keys go before `sdk`'s tail. */
export function orderEvent(ev: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of EVENT_KEY_ORDER) if (k !== "sdk" && ev[k] !== undefined) out[k] = ev[k];
  for (const k of Object.keys(ev)) if (!(k in out) && k !== "sdk" && ev[k] !== undefined) out[k] = ev[k];
  if (ev.sdk !== undefined) out.sdk = ev.sdk;
  return out;
}

function sortedObject(entries: Array<[string, unknown]>): Record<string, unknown> {
  const m = new Map(entries);
  return Object.fromEntries([...m.keys()].sort().map((k) => [k, m.get(k)]));
}

/** Build the event for `send-event` flags. Throws EventInputError on bad input. */
export function buildEvent(input: EventInput): Record<string, unknown> {
  const level = input.level !== undefined ? parseLevel(input.level) : undefined;
  const timestamp = input.timestamp !== undefined ? parseTimestamp(input.timestamp) : input.now;
  const tags = (input.tags ?? []).map((t) => parseKeyValue(t, "tag"));
  const extra = (input.extra ?? []).map((t) => parseKeyValue(t, "extra"));

  let user: Record<string, unknown> | undefined;
  if (input.user && input.user.length > 0) {
    const known: Record<string, string> = {};
    const other: Array<[string, string]> = [];
    for (const pair of input.user) {
      const [k, v] = parseKeyValue(pair, "user");
      if (k === "ip_address" && !isIp(v))
        throw new EventInputError(`invalid user ip_address '${v}': not an IP address`);
      if (k === "id" || k === "email" || k === "ip_address" || k === "username") known[k] = v;
      else other.push([k, v]);
    }
    user = {
      ...(known.id !== undefined ? { id: known.id } : {}),
      ...(known.email !== undefined ? { email: known.email } : {}),
      ip_address: known.ip_address ?? "{{auto}}",
      ...(known.username !== undefined ? { username: known.username } : {}),
      ...sortedObject(other),
    };
  } else if (input.host.username) {
    user = { ip_address: "{{auto}}", username: input.host.username };
  }

  const extraEntries: Array<[string, unknown]> = [];
  if (input.environ) extraEntries.push(["environ", input.environ]);
  for (const [k, v] of extra) extraEntries.push([k, v]);

  const ev: Record<string, unknown> = {
    event_id: input.eventId ?? newEventId(),
    // "error" is the default level; sentry-cli leaves it out, and so do we.
    level: level === "error" ? undefined : level,
    fingerprint: input.fingerprint?.length ? input.fingerprint : undefined,
    logentry: input.messages?.length
      ? {
          message: input.messages.join("\n"),
          ...(input.messageArgs?.length ? { params: input.messageArgs } : {}),
        }
      : undefined,
    platform: input.platform ?? "native",
    timestamp,
    server_name: input.host.hostname,
    release: input.release,
    dist: input.dist,
    environment: input.environment,
    user,
    contexts: hostContexts(input.host),
    breadcrumbs: input.breadcrumbs?.length ? { values: input.breadcrumbs } : undefined,
    tags: tags.length ? sortedObject(tags) : undefined,
    extra: extraEntries.length ? sortedObject(extraEntries) : undefined,
    sdk: input.sdk,
  };
  return orderEvent(ev);
}

/**
 * An event read from a file: what the SDK fills in (event_id, platform, timestamp, server_name,
 * environment, contexts, sdk) is added when missing; everything in the file is kept.
 * Throws EventInputError when the value is not a JSON object or has a bad event_id.
 */
export function completeFileEvent(
  value: unknown,
  opts: { host: HostInfo; now: number; environment: string; sdk: { name: string; version: string } },
): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new EventInputError("the event must be a JSON object");
  }
  const ev = { ...(value as Record<string, unknown>) };
  if (ev.event_id !== undefined) {
    const id = normalizeEventId(ev.event_id);
    if (!id) throw new EventInputError(`event_id '${String(ev.event_id)}' is not a UUID`);
    ev.event_id = id;
  } else {
    ev.event_id = newEventId();
  }
  if (ev.level === "error") delete ev.level; // the default, omitted as sentry-cli does
  ev.platform ??= "native";
  ev.timestamp ??= opts.now;
  ev.server_name ??= opts.host.hostname;
  ev.environment ??= opts.environment;
  const ctx = (ev.contexts && typeof ev.contexts === "object" ? ev.contexts : {}) as Record<string, unknown>;
  ev.contexts = { ...hostContexts(opts.host), ...ctx };
  ev.sdk ??= { ...opts.sdk, integrations: ["contexts"] };
  return orderEvent(ev);
}

/** The envelope header event id for an event (hyphenated, as sentry-cli writes it). */
export function envelopeEventId(ev: Record<string, unknown>): string {
  return hyphenateEventId(String(ev.event_id));
}
