/**
 * Cron-monitor check-ins (`check_in` envelope items), as `sentry-cli monitors run` sends them and
 * as Relay normalizes them: the client builds them here, the embedded server validates them here.
 *
 * Relay's rules: `check_in_id` a UUID (sent as 32 hex), `monitor_slug` non-empty and cut to 50
 * characters, `status` one of ok/error/in_progress (anything else, and `missed`, which only the
 * server computes, becomes `unknown`), optional `environment`, `duration` in seconds, and an
 * optional `monitor_config` whose schedule is a crontab or an interval.
 */
import { randomUUID } from "node:crypto";

export const MONITOR_SLUG_MAX = 50;

export type CheckInStatus = "ok" | "error" | "in_progress" | "unknown";

export interface MonitorSchedule {
  type: "crontab" | "interval";
  value: string | number;
  unit?: "year" | "month" | "week" | "day" | "hour" | "minute";
}

export interface MonitorConfig {
  schedule: MonitorSchedule;
  checkin_margin?: number;
  max_runtime?: number;
  timezone?: string;
  failure_issue_threshold?: number;
  recovery_threshold?: number;
}

/** A check-in payload; key order is sentry-cli's. */
export interface CheckInPayload {
  check_in_id: string;
  monitor_slug: string;
  status: CheckInStatus;
  environment?: string;
  duration?: number;
  monitor_config?: MonitorConfig;
}

export function newCheckInId(): string {
  return randomUUID().replace(/-/g, "");
}

/** One envelope with one `check_in` item, byte for byte as sentry-cli 3.8 writes it (empty envelope header). */
export function checkInEnvelope(c: CheckInPayload): Buffer {
  const payload = Buffer.from(JSON.stringify(c), "utf8");
  return Buffer.concat([
    Buffer.from(`{}\n${JSON.stringify({ type: "check_in", length: payload.length })}\n`, "utf8"),
    payload,
    Buffer.from("\n"),
  ]);
}

const INTERVAL_UNITS = new Set(["year", "month", "week", "day", "hour", "minute"]);
const CRON_FIELD = /^[\d*/,\-A-Za-z?LW#]+$/;
const CRON_ALIASES = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@hourly", "@midnight"]);

/** Why a crontab is not one Sentry accepts (five fields or an alias), or undefined. */
export function crontabProblem(value: string): string | undefined {
  const v = value.trim();
  if (CRON_ALIASES.has(v.toLowerCase())) return undefined;
  const fields = v.split(/\s+/);
  if (fields.length !== 5) return `'${value}' is not a crontab: expected 5 fields, got ${fields.length}`;
  if (fields.some((f) => !CRON_FIELD.test(f))) return `'${value}' is not a crontab`;
  return undefined;
}

function nonNegativeInt(v: unknown): boolean {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}

/** Relay's parse of a monitor_config; a string saying what is wrong when it fails. */
function parseMonitorConfig(v: unknown): MonitorConfig | string {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "monitor_config: expected an object";
  const o = v as Record<string, unknown>;
  const s = o.schedule as Record<string, unknown> | undefined;
  if (typeof s !== "object" || s === null) return "monitor_config.schedule: missing";
  let schedule: MonitorSchedule;
  if (s.type === "crontab") {
    if (typeof s.value !== "string") return "monitor_config.schedule.value: expected a string";
    const p = crontabProblem(s.value);
    if (p) return `monitor_config.schedule: ${p}`;
    schedule = { type: "crontab", value: s.value };
  } else if (s.type === "interval") {
    if (!nonNegativeInt(s.value) || (s.value as number) < 1)
      return "monitor_config.schedule.value: expected a positive integer";
    if (typeof s.unit !== "string" || !INTERVAL_UNITS.has(s.unit)) return "monitor_config.schedule.unit: unknown unit";
    schedule = { type: "interval", value: s.value as number, unit: s.unit as MonitorSchedule["unit"] };
  } else {
    return "monitor_config.schedule.type: expected crontab or interval";
  }
  const out: MonitorConfig = { schedule };
  for (const k of ["checkin_margin", "max_runtime", "failure_issue_threshold", "recovery_threshold"] as const) {
    if (o[k] === undefined || o[k] === null) continue;
    if (!nonNegativeInt(o[k])) return `monitor_config.${k}: expected a non-negative integer`;
    out[k] = o[k] as number;
  }
  if (o.timezone !== undefined && o.timezone !== null) {
    if (typeof o.timezone !== "string") return "monitor_config.timezone: expected a string";
    out.timezone = o.timezone;
  }
  return out;
}

/** Parse and normalize a check-in payload as Relay does; a string says why it is dropped. */
export function parseCheckIn(payload: Buffer | string): CheckInPayload | string {
  let v: unknown;
  try {
    v = JSON.parse(typeof payload === "string" ? payload : payload.toString("utf8"));
  } catch {
    return "failed to deserialize check in";
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "failed to deserialize check in";
  const o = v as Record<string, unknown>;
  const id = typeof o.check_in_id === "string" ? o.check_in_id.replace(/-/g, "").toLowerCase() : "";
  if (!/^[0-9a-f]{32}$/.test(id)) return "failed to deserialize check in: check_in_id is not a UUID";
  if (typeof o.monitor_slug !== "string") return "failed to deserialize check in: monitor_slug is missing";
  const slug = [...o.monitor_slug].slice(0, MONITOR_SLUG_MAX).join("");
  if (slug === "") return "the monitor slug is empty or invalid";
  if (typeof o.status !== "string") return "failed to deserialize check in: status is missing";
  const status: CheckInStatus = ["ok", "error", "in_progress"].includes(o.status)
    ? (o.status as CheckInStatus)
    : "unknown";
  const out: CheckInPayload = { check_in_id: id, monitor_slug: slug, status };
  if (o.environment !== undefined && o.environment !== null) {
    if (typeof o.environment !== "string") return "failed to deserialize check in: environment is not a string";
    out.environment = o.environment;
  }
  if (o.duration !== undefined && o.duration !== null) {
    if (typeof o.duration !== "number" || !Number.isFinite(o.duration) || o.duration < 0)
      return "failed to deserialize check in: duration is not a number of seconds";
    out.duration = o.duration;
  }
  if (o.monitor_config !== undefined && o.monitor_config !== null) {
    const c = parseMonitorConfig(o.monitor_config);
    if (typeof c === "string") return `failed to deserialize check in: ${c}`;
    out.monitor_config = c;
  }
  return out;
}
