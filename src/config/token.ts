/**
 * Auth token formats (sentry-api.md §6.2): org auth tokens `sntrys_<base64 JSON>_<secret>` carry
 * their org and server URL; user tokens are `sntryu_` + 64 hex, or a legacy bare 64 hex.
 */

export type TokenInfo =
  | { kind: "org"; org: string; url?: string; regionUrl?: string }
  | { kind: "user" }
  | { kind: "unknown" };

const B64_PADDED = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const B64_32_BYTES_NOPAD = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]$/;

function decodeOrgPayload(payload: string): { org: string; url?: string; regionUrl?: string } | undefined {
  if (payload === "" || !B64_PADDED.test(payload)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, "base64").toString("utf8"));
  } catch {
    return undefined;
  }
  if (!json || typeof json !== "object") return undefined;
  const o = json as Record<string, unknown>;
  if (typeof o.org !== "string" || o.org === "") return undefined;
  const url = typeof o.url === "string" && o.url !== "" ? o.url : undefined;
  const regionUrl = typeof o.region_url === "string" && o.region_url !== "" ? o.region_url : undefined;
  return { org: o.org, ...(url ? { url } : {}), ...(regionUrl ? { regionUrl } : {}) };
}

/** Classify a token the way sentry-cli does; the token itself is never echoed. */
export function parseAuthToken(token: string): TokenInfo {
  if (token.startsWith("sntrys_")) {
    const parts = token.split("_");
    if (parts.length === 3 && B64_32_BYTES_NOPAD.test(parts[2]!)) {
      const payload = decodeOrgPayload(parts[1]!);
      if (payload) return { kind: "org", ...payload };
    }
    return { kind: "unknown" };
  }
  if (/^(?:sntryu_)?[0-9a-fA-F]{64}$/.test(token)) return { kind: "user" };
  return { kind: "unknown" };
}

/** Build an org auth token (for tests and the embedded server's fixtures). */
export function makeOrgToken(
  payload: { org: string; url?: string; regionUrl?: string; iat?: number },
  secret?: Uint8Array,
): string {
  const json = JSON.stringify({
    iat: payload.iat ?? 1700000000,
    url: payload.url ?? "",
    region_url: payload.regionUrl ?? payload.url ?? "",
    org: payload.org,
  });
  const sec = Buffer.from(secret ?? new Uint8Array(32))
    .toString("base64")
    .replace(/=+$/, "");
  return `sntrys_${Buffer.from(json, "utf8").toString("base64")}_${sec}`;
}
