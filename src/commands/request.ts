/**
 * A command's request: what the user asked for, keyed by the command's flag names (commander's
 * attribute names). The CLI's parsed flags and the Node API's option object are both requests of
 * the same type, and the command's run function turns one into its core options — the one place
 * where flags become behaviour, so a flag cannot reach the CLI and miss the API.
 */
import { Option } from "commander";
import { UsageError } from "../errors.js";

/**
 * The keys of a request type as a list, for tests that compare them with a command's flags. The
 * compiler checks the record: it must name every key of `R` and no other.
 */
export function requestKeys<R>(keys: { [K in keyof Required<R>]: true }): Array<keyof R & string> {
  return Object.keys(keys) as Array<keyof R & string>;
}

/** The paths of a request, checked: JavaScript callers get a usage error, not a search for "d", "i", "s", "t". */
export function pathList(paths: unknown, { allowEmpty = false } = {}): string[] {
  if (!Array.isArray(paths) || (!allowEmpty && paths.length === 0) || paths.some((p) => typeof p !== "string")) {
    throw new UsageError("paths must be a non-empty array of strings (files or folders)");
  }
  return paths as string[];
}

/** A value given once or as a list (`--flag a --flag b` collects a list), as a list. */
export function list<T>(value: T | T[] | undefined): T[] | undefined {
  return value === undefined ? undefined : Array.isArray(value) ? value : [value];
}

/** An option stored under `attribute` (the request's key) instead of the name commander derives from its flag. */
export function optionAs(flags: string, description: string, attribute: string): Option {
  const o = new Option(flags, description);
  o.attributeName = () => attribute;
  return o;
}
