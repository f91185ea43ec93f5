/** Validation and normalisation of the Sentry base URL (sentry-cli-wire.md §1, "Base URL validation"). */
import { ConfigError } from "../errors.js";

export const DEFAULT_URL = "https://sentry.io";

/** Why `raw` is not a usable Sentry base URL, or undefined when it is. */
export function sentryUrlProblem(raw: string): string | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? "it is not a valid URL" : "it has no http:// or https:// scheme";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(raw)
      ? `its scheme is ${u.protocol.slice(0, -1)}, not http or https`
      : "it has no http:// or https:// scheme";
  }
  if (u.hostname === "") return "it has no host";
  // Trailing slashes are no path: sentry-cli strips them all (`https://sentry.example.com//`).
  if (!/^\/*$/.test(u.pathname)) {
    return `it is not the server's root URL (remove the path '${u.pathname}'; try '${u.origin}')`;
  }
  if (u.search !== "" || u.hash !== "") return "it must not have a query string or fragment";
  return undefined;
}

/** Strip trailing slashes: `https://sentry.io/` -> `https://sentry.io`. */
export function normalizeUrl(raw: string): string {
  return raw.trim().replace(/\/+$/, "");
}

/** Validate and normalise, or throw a ConfigError naming the value and where it came from. */
export function checkSentryUrl(raw: string, sourceLabel: string): string {
  const value = raw.trim();
  const problem = sentryUrlProblem(value);
  if (problem) throw new ConfigError(`bad Sentry URL '${value}' (from ${sourceLabel}): ${problem}`);
  return normalizeUrl(value);
}
