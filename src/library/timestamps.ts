/** Timestamps the API accepts (a Date, unix seconds, or the strings the CLI flags take). */
import { parseTimestamp, rfc3339 } from "../commands/timestamps.js";

export type Timestamp = Date | number | string;

/** RFC 3339, as the CLI sends a timestamp given by flag; `name` names the option in errors. */
export function timestamp(value: Timestamp | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) return rfc3339(new Date(Math.round(value.getTime() / 1000) * 1000));
  return parseTimestamp(String(value), name);
}
