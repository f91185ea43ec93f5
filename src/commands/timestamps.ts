/**
 * Timestamps as sentry-cli takes them from flags and re-serialises them in requests.
 */
import { UsageError } from "../errors.js";

/**
 * A user timestamp (`--released`, `--started`, `--finished`): unix seconds (integer or fractional),
 * RFC 3339 or RFC 2822. Returned as RFC 3339 UTC, whole seconds without a fraction
 * (`2023-11-14T22:13:20Z`), as sentry-cli re-serialises them.
 */
export function parseTimestamp(value: string, flag: string): string {
  const v = value.trim();
  let d: Date;
  if (/^-?\d+(\.\d+)?$/.test(v)) d = new Date(Math.round(Number(v) * 1000));
  else if (/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/i.test(v))
    d = new Date(v.replace(" ", "T"));
  else if (
    /^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d\d:\d\d(:\d\d)?\s+([+-]\d{4}|GMT|UT|UTC|[A-Z]{3})$/.test(v)
  )
    d = new Date(v);
  else d = new Date(NaN);
  if (Number.isNaN(d.getTime())) {
    throw new UsageError(
      `invalid value '${value}' for ${flag}: expected a unix timestamp, an RFC 3339 date (2024-01-02T03:04:05Z) or an RFC 2822 date`,
    );
  }
  return rfc3339(d);
}

export function rfc3339(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith(".000Z") ? iso.slice(0, -5) + "Z" : iso;
}

/** A timestamp as the Node API takes one: a Date, unix seconds, or any string the flags take. */
export type Timestamp = Date | number | string;

/** A timestamp flag's value (a string from the CLI, any Timestamp from the API) as RFC 3339, or undefined. */
export function timestampArg(value: Timestamp | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) return rfc3339(new Date(Math.round(value.getTime() / 1000) * 1000));
  return parseTimestamp(String(value), flag);
}
