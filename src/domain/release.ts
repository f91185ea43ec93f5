/**
 * Release-version and environment rules shared by the client (checked before any request) and
 * the embedded server (enforced as real Sentry does, sentry-api.md §1.2 and §3).
 */

export const MAX_VERSION_LENGTH = 200;
export const MAX_ENVIRONMENT_LENGTH = 64;
const BAD_RELEASE_CHARS = ["\r", "\n", "\f", "\t", "/", "\\"];
const CHAR_NAMES: Record<string, string> = {
  "\r": "a carriage return",
  "\n": "a newline",
  "\f": "a form feed",
  "\t": "a tab",
  "/": "'/'",
  "\\": "'\\'",
};

/** Why `version` is not a valid release version, or undefined when it is valid. */
export function versionProblem(version: string): string | undefined {
  if (version.length === 0) return "it is empty";
  if (version.length > MAX_VERSION_LENGTH)
    return `it is ${version.length} characters long (at most ${MAX_VERSION_LENGTH})`;
  for (const c of BAD_RELEASE_CHARS) if (version.includes(c)) return `it contains ${CHAR_NAMES[c]}`;
  const stripped = version.trim();
  if (stripped === "") return "it is only whitespace";
  if (stripped === "." || stripped === "..") return `'${stripped}' is reserved`;
  if (stripped.toLowerCase() === "latest") return "'latest' is reserved";
  return undefined;
}

/** Why `env` is not a valid environment name, or undefined when it is valid. */
export function environmentProblem(env: string): string | undefined {
  if (env.length === 0) return "it is empty";
  if (env.length > MAX_ENVIRONMENT_LENGTH)
    return `it is ${env.length} characters long (at most ${MAX_ENVIRONMENT_LENGTH})`;
  for (const c of ["\n", "\r", "\f", "/"]) if (env.includes(c)) return `it contains ${CHAR_NAMES[c]}`;
  return undefined;
}
