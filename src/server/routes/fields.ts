/**
 * Request-body validation the way Django REST framework does it for the release, commit and deploy
 * serializers (sentry-api.md §1–§3): the same messages, the same order of checks, errors collected
 * per field as `{"field": ["msg"]}`, list items as `{"field": {"<index>": …}}` (DRF ListField).
 */
import { fieldErrors, parseJsonBody, type Reply, type RouteRequest } from "../http.js";

/** A field's outcome: absent (not sent, not required), a value, or its error (list or nested). */
export type Field<T> = { kind: "absent" } | { kind: "value"; value: T } | { kind: "error"; error: unknown };

const ABSENT = { kind: "absent" } as const;
const value = <T>(v: T): Field<T> => ({ kind: "value", value: v });
const error = (e: unknown): Field<never> => ({ kind: "error", error: e });
const messages = (...m: string[]): Field<never> => error(m);

export const MSG = {
  required: "This field is required.",
  null: "This field may not be null.",
  blank: "This field may not be blank.",
  string: "Not a valid string.",
  url: "Enter a valid URL.",
  nullChars: "Null characters are not allowed.",
  datetime:
    "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
  emptyList: "This list may not be empty.",
  maxLength: (n: number) => `Ensure this field has no more than ${n} characters.`,
  notAList: (v: unknown) => `Expected a list of items but got type "${pyType(v)}".`,
  notADict: (v: unknown) => `Invalid data. Expected a dictionary, but got ${pyType(v)}.`,
};

/** Python's name for the type of a JSON value, as DRF puts it in messages. */
export function pyType(v: unknown): string {
  if (v === null) return "NoneType";
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (Array.isArray(v)) return "list";
  return "dict";
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Characters as Python counts them (code points). */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export interface CharOptions {
  required?: boolean;
  allowNull?: boolean;
  allowBlank?: boolean;
  maxLength?: number;
  /** DRF default true: surrounding whitespace is stripped. */
  trim?: boolean;
  /** Extra validators, run after the built-in ones (each returns a message or undefined). */
  validate?: (v: string) => string | undefined;
  url?: boolean;
}

export function charField(body: Record<string, unknown>, key: string, o: CharOptions = {}): Field<string | null> {
  if (!(key in body)) return o.required ? messages(MSG.required) : ABSENT;
  const raw = body[key];
  if (raw === null) return o.allowNull ? value(null) : messages(MSG.null);
  const trim = o.trim ?? true;
  if (raw === "" || (trim && typeof raw === "string" && raw.trim() === "")) {
    return o.allowBlank ? value("") : messages(MSG.blank);
  }
  if (typeof raw === "boolean" || !(typeof raw === "string" || typeof raw === "number")) return messages(MSG.string);
  let s = String(raw);
  if (trim) s = s.trim();
  const errs: string[] = [];
  if (o.maxLength !== undefined && charLength(s) > o.maxLength) errs.push(MSG.maxLength(o.maxLength));
  if (s.includes("\u0000")) errs.push(MSG.nullChars);
  if (o.url && !isValidUrl(s)) errs.push(MSG.url);
  if (errs.length) return error(errs);
  if (o.validate) {
    const m = o.validate(s);
    if (m) return messages(m);
  }
  return value(s);
}

/** Django's URLValidator, reduced to what matters: scheme, host (domain with TLD, localhost, IPv4, [IPv6]), port, rest. */
export function isValidUrl(s: string): boolean {
  if (s.length > 2048 || /\s/.test(s)) return false;
  const m =
    /^(https?|ftps?):\/\/(?:[^\s:@/]+(?::[^\s:@/]*)?@)?([^/?#:]+|\[[0-9a-fA-F:.]+\])(?::(\d{1,5}))?(?:[/?#].*)?$/i.exec(
      s,
    );
  if (!m) return false;
  const host = m[2]!;
  if (host.startsWith("[")) return true;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return host.split(".").every((p) => Number(p) <= 255);
  if (host.toLowerCase() === "localhost") return true;
  const labels = host.replace(/\.$/, "").split(".");
  if (labels.length < 2) return false;
  const tld = labels[labels.length - 1]!;
  if (!/^(?:[a-z\u00a1-\uffff-]{2,63}|xn--[a-z0-9]{1,59})$/i.test(tld) || tld.startsWith("-") || tld.endsWith("-"))
    return false;
  return labels
    .slice(0, -1)
    .every((l) => /^[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?$/i.test(l));
}

const DATETIME_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,6})\d{0,6})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** Parse an ISO-8601 datetime as Django's parse_datetime does (naive = UTC); undefined when invalid. */
export function parseDateTime(s: string): Date | undefined {
  const m = DATETIME_RE.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", sec = "0", frac = "", tz] = m;
  const parts = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(sec)] as const;
  if (parts[1] < 1 || parts[1] > 12 || parts[2] < 1 || parts[3] > 23 || parts[4] > 59 || parts[5] > 59)
    return undefined;
  const daysInMonth = new Date(Date.UTC(parts[0], parts[1], 0)).getUTCDate();
  if (parts[2] > daysInMonth) return undefined;
  // Date-only strings are accepted (Python's fromisoformat) but not "date + timezone".
  if (m[4] === undefined && tz !== undefined) return undefined;
  const ms = frac ? Math.floor(Number(frac.padEnd(6, "0")) / 1000) : 0;
  let t = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5], ms);
  if (tz && tz !== "Z") {
    const sign = tz[0] === "-" ? -1 : 1;
    const digits = tz.slice(1).replace(":", "");
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0");
    t -= sign * offset * 60_000;
  }
  return new Date(t);
}

export function dateTimeField(
  body: Record<string, unknown>,
  key: string,
  o: { required?: boolean; allowNull?: boolean } = {},
): Field<Date | null> {
  if (!(key in body)) return o.required ? messages(MSG.required) : ABSENT;
  const raw = body[key];
  if (raw === null) return o.allowNull ? value(null) : messages(MSG.null);
  const d = typeof raw === "string" ? parseDateTime(raw) : undefined;
  return d ? value(d) : messages(MSG.datetime);
}

/** A DRF ListField; `child` validates one item and returns its value or its error. */
export function listField<T>(
  body: Record<string, unknown>,
  key: string,
  o: { required?: boolean; allowNull?: boolean; allowEmpty?: boolean },
  child?: (item: unknown) => Field<T>,
): Field<T[] | null> {
  if (!(key in body)) return o.required ? messages(MSG.required) : ABSENT;
  const raw = body[key];
  if (raw === null) return o.allowNull ? value(null) : messages(MSG.null);
  if (!Array.isArray(raw)) return messages(MSG.notAList(raw));
  if (raw.length === 0 && o.allowEmpty === false) return messages(MSG.emptyList);
  if (!child) return value(raw as T[]);
  const out: T[] = [];
  const errs: Record<string, unknown> = {};
  raw.forEach((item, i) => {
    const r = child(item);
    if (r.kind === "error") errs[String(i)] = r.error;
    else if (r.kind === "value") out.push(r.value);
  });
  return Object.keys(errs).length ? error(errs) : value(out);
}

/**
 * Run a nested serializer over one item: not a dict → non_field_errors; otherwise each field's
 * outcome, errors collected in field order.
 */
export function nested<T>(
  item: unknown,
  fields: (obj: Record<string, unknown>) => Record<string, Field<unknown>>,
  build: (v: Record<string, unknown>) => T | Field<never>,
): Field<T> {
  if (!isObject(item)) return error({ non_field_errors: [MSG.notADict(item)] });
  const results = fields(item);
  const errs = collectErrors(results);
  if (errs) return error(errs);
  const built = build(valuesOf(results));
  if (isField(built)) return built;
  return value(built);
}

function isField(x: unknown): x is Field<never> {
  return isObject(x) && (x as { kind?: unknown }).kind === "error";
}

/** The serializer's error dict, or undefined when every field is valid. */
export function collectErrors(results: Record<string, Field<unknown>>): Record<string, unknown> | undefined {
  const errs: Record<string, unknown> = {};
  for (const [k, r] of Object.entries(results)) if (r.kind === "error") errs[k] = r.error;
  return Object.keys(errs).length ? errs : undefined;
}

/** The validated values (absent fields left out). */
export function valuesOf(results: Record<string, Field<unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, r] of Object.entries(results)) if (r.kind === "value") out[k] = r.value;
  return out;
}

/** The JSON body as a dict, or DRF's reply for a body that is not one. */
export function bodyObject(req: RouteRequest): { body: Record<string, unknown> } | { reply: Reply } {
  const parsed = parseJsonBody(req);
  if ("reply" in parsed) return parsed;
  const v = parsed.value;
  if (v === null) return { reply: fieldErrors({ non_field_errors: ["No data provided"] }) };
  if (!isObject(v)) return { reply: fieldErrors({ non_field_errors: [MSG.notADict(v)] }) };
  return { body: v };
}

export { error as fieldError };
