/**
 * DSNs and ingestion authentication, shared by the client (send-event / send-envelope) and the
 * embedded server's ingestion endpoints (sentry-api.md §5.1–5.2).
 *
 * `{scheme}://{public_key}[:{secret_key}]@{host}[:{port}]/[{path}/]{project_id}`
 */

export interface Dsn {
  scheme: "http" | "https";
  publicKey: string;
  /** The deprecated secret key; undefined when absent (an empty secret, `key:@`, counts as absent). */
  secretKey?: string;
  /** Host name as written (IPv6 in brackets). */
  host: string;
  /** Explicit port, when the DSN has one. */
  port?: number;
  /** Path prefix before the project id, always starting and ending with `/` (usually just `/`). */
  pathPrefix: string;
  projectId: string;
}

/** Why a DSN string is not usable; the message never contains the DSN's keys. */
export class DsnError extends Error {
  override name = "DsnError";
}

/** Parse and validate a DSN. Throws DsnError with a message saying what is wrong. */
export function parseDsn(input: string): Dsn {
  const text = input.trim();
  if (text === "") throw new DsnError("the DSN is empty");
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  if (!schemeMatch) throw new DsnError("it is not a URL (a DSN names a scheme, a public key, a host and a project id)");
  const scheme = schemeMatch[1]!.toLowerCase();
  if (scheme !== "http" && scheme !== "https") {
    throw new DsnError(`the scheme '${scheme}' is not supported (use http or https)`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new DsnError("it is not a valid URL");
  }
  if (url.username === "") throw new DsnError("the public key is missing (it goes before the @)");
  if (url.hostname === "") throw new DsnError("the host is missing");
  if (url.search !== "" || url.hash !== "") throw new DsnError("it must not have a query string or fragment");
  const segments = url.pathname.split("/");
  // pathname always starts with "/": ["", ...segments]; a trailing "/" leaves an empty last segment.
  let last = segments.pop() ?? "";
  if (last === "" && segments.length > 1) last = segments.pop() ?? "";
  if (last === "") throw new DsnError("the project id is missing (it is the last part of the path)");
  if (!/^\d+$/.test(last)) throw new DsnError(`the project id '${last}' is not a number`);
  const prefix = segments.join("/") + "/";
  const port = url.port === "" ? undefined : Number(url.port);
  const secret = decodeURIComponent(url.password);
  return {
    scheme,
    publicKey: decodeURIComponent(url.username),
    ...(secret ? { secretKey: secret } : {}),
    host: url.hostname,
    ...(port !== undefined ? { port } : {}),
    pathPrefix: prefix.startsWith("/") ? prefix : `/${prefix}`,
    projectId: last,
  };
}

/** `host[:port]` of the DSN, for messages ("accepted by 127.0.0.1:8899"). Contains no key. */
export function dsnHost(dsn: Dsn): string {
  return dsn.port === undefined ? dsn.host : `${dsn.host}:${dsn.port}`;
}

/** The DSN's server origin, e.g. `https://o1.ingest.sentry.io`. */
export function dsnOrigin(dsn: Dsn): string {
  return `${dsn.scheme}://${dsnHost(dsn)}`;
}

export function envelopeUrl(dsn: Dsn): string {
  return `${dsnOrigin(dsn)}${dsn.pathPrefix}api/${dsn.projectId}/envelope/`;
}

export function storeUrl(dsn: Dsn): string {
  return `${dsnOrigin(dsn)}${dsn.pathPrefix}api/${dsn.projectId}/store/`;
}

/** The DSN as a string. `secretColon` writes `key:@` as sentry-cli does in envelope headers. */
export function formatDsn(dsn: Dsn, opts: { secretColon?: boolean } = {}): string {
  const auth = dsn.secretKey
    ? `${dsn.publicKey}:${dsn.secretKey}`
    : opts.secretColon
      ? `${dsn.publicKey}:`
      : dsn.publicKey;
  return `${dsn.scheme}://${auth}@${dsnHost(dsn)}${dsn.pathPrefix}${dsn.projectId}`;
}

/** The DSN with its keys masked, safe for any output. */
export function describeDsn(dsn: Dsn): string {
  return `${dsn.scheme}://***@${dsnHost(dsn)}${dsn.pathPrefix}${dsn.projectId}`;
}

export const PROTOCOL_VERSION = 7;

/** The `X-Sentry-Auth` header value a client sends. */
export function authHeader(dsn: Dsn, client: string, timestampSeconds: number): string {
  const parts = [
    `sentry_key=${dsn.publicKey}`,
    `sentry_version=${PROTOCOL_VERSION}`,
    `sentry_timestamp=${timestampSeconds}`,
    `sentry_client=${client}`,
  ];
  if (dsn.secretKey) parts.push(`sentry_secret=${dsn.secretKey}`);
  return `Sentry ${parts.join(", ")}`;
}

export interface IngestAuth {
  sentryKey?: string;
  sentryVersion?: string;
  sentryClient?: string;
  sentrySecret?: string;
  sentryTimestamp?: string;
}

/**
 * Parse a `Sentry k=v, k=v` auth header (the `Sentry ` prefix is matched case-insensitively).
 * Returns undefined when the value is not a Sentry auth header.
 */
export function parseAuthHeader(value: string): IngestAuth | undefined {
  const m = /^\s*sentry\s+(.*)$/is.exec(value);
  if (!m) return undefined;
  const out: IngestAuth = {};
  for (const part of m[1]!.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    assignAuthField(out, k, v);
  }
  return out;
}

/** Auth fields from a query string (`?sentry_key=…&sentry_version=7`). */
export function authFromQuery(query: URLSearchParams): IngestAuth {
  const out: IngestAuth = {};
  for (const [k, v] of query) assignAuthField(out, k, v);
  return out;
}

function assignAuthField(out: IngestAuth, k: string, v: string): void {
  switch (k) {
    case "sentry_key":
      out.sentryKey = v;
      break;
    case "sentry_version":
      out.sentryVersion = v;
      break;
    case "sentry_client":
      out.sentryClient = v;
      break;
    case "sentry_secret":
      out.sentrySecret = v;
      break;
    case "sentry_timestamp":
      out.sentryTimestamp = v;
      break;
  }
}

/** Relay's protocol version parsing: `7` or `7.0` → 7; undefined when not numeric. */
export function parseProtocolVersion(v: string): number | undefined {
  const head = v.split(".")[0]!.trim();
  if (!/^\d+$/.test(head)) return undefined;
  return Number(head);
}

/** Relay's project-key rule: exactly 32 ASCII characters, after splitting off a `.flag` suffix. */
export function isValidPublicKey(key: string): boolean {
  const base = key.split(".")[0]!;
  return base.length === 32 && /^[\x21-\x7e]+$/.test(base);
}
