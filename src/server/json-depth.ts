/**
 * JSON nesting bounds. V8 parses any depth, but serialising a value nested thousands of levels
 * deep overflows the stack — so `serve` refuses such input where the real server does (Relay's
 * serde_json stops at 128 levels, Sentry's Python json at about 1000) and never stores it.
 */

/** Does the JSON text nest deeper than `max` (arrays and objects; strings are skipped)? */
export function jsonTextTooDeep(text: Buffer | string, max: number): boolean {
  const buf = typeof text === "string" ? Buffer.from(text) : text;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Does a parsed value nest deeper than `max`? Iterative, so it cannot overflow the stack itself. */
export function valueTooDeep(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (d + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      if (child !== null && typeof child === "object") stack.push([child, d + 1]);
    }
  }
  return false;
}

/** JSON.parse that refuses nesting deeper than `max`; throws a SyntaxError-like Error when it does. */
export function parseJsonBounded(text: Buffer | string, max: number): unknown {
  if (jsonTextTooDeep(text, max)) throw new JsonTooDeepError(max);
  return JSON.parse(typeof text === "string" ? text : text.toString("utf8"));
}

export class JsonTooDeepError extends Error {
  constructor(readonly max: number) {
    super(`recursion limit exceeded (more than ${max} nested levels)`);
  }
}
