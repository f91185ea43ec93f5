/**
 * The error classifier: turns a non-success answer or a failed connection into one line that says
 * what went wrong and which setting, from where, to check (conventions.md "Errors and exit codes").
 */
import { STATUS_CODES } from "node:http";
import { settingName } from "../config/settings.js";
import type { ResolvedConfig } from "../config/types.js";
import { ApiError, NetworkError, ShipError } from "../errors.js";
import { decodePathSegment } from "./encoding.js";
import { errorCode } from "./retry.js";

/** Longest server text we put into a message. */
const MAX_DETAIL = 300;

const GENERIC: Record<number, string> = {
  400: "bad request",
  401: "unauthorized",
  403: "forbidden",
  404: "not found",
  405: "method not allowed",
  409: "conflict",
  413: "request too large",
  429: "rate limited",
  500: "internal server error",
  502: "bad gateway",
  503: "service unavailable",
  504: "gateway timeout",
};

/** The short phrase for a status when the server sent no usable detail. */
export function genericPhrase(status: number): string {
  return GENERIC[status] ?? "unknown error";
}

/** Whitespace (line breaks included) collapsed and the text cut at `max` characters: for a one-line error. */
export function oneLine(s: string, max = MAX_DETAIL): string {
  const t = s.replace(/\s+/g, " ").trim();
  return t.length > max ? t.slice(0, max - 1) + "…" : t;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * DRF serializer errors (`{"field": ["msg"]}`, nested lists/objects, `non_field_errors`) as
 * `field: msg; other.nested[1].key: msg`.
 */
export function flattenFieldErrors(body: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown, prefix: string): void => {
    if (v === null || v === undefined) return;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
      out.push(prefix ? `${prefix}: ${String(v)}` : String(v));
    } else if (Array.isArray(v)) {
      if (v.every((x) => typeof x === "string" || typeof x === "number")) {
        if (v.length > 0) out.push(prefix ? `${prefix}: ${v.join(" ")}` : v.join(" "));
      } else {
        for (const [i, x] of v.entries()) walk(x, `${prefix}[${i}]`);
      }
    } else if (isPlainObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        const key = k === "non_field_errors" || k === "__all__" ? prefix : prefix ? `${prefix}.${k}` : k;
        walk(x, key);
      }
    }
  };
  walk(body, "");
  return out.join("; ");
}

/** What the server said, from any of Sentry's error shapes; undefined when it said nothing usable. */
export function serverDetail(body: unknown): string | undefined {
  if (isPlainObject(body)) {
    const d = body.detail;
    if (typeof d === "string" && d.trim()) return oneLine(d);
    if (isPlainObject(d) && typeof d.message === "string" && d.message.trim()) return oneLine(d.message);
    if (typeof body.error === "string" && body.error.trim()) return oneLine(body.error);
    if (isPlainObject(body.error) && typeof body.error.message === "string") return oneLine(body.error.message);
    const flat = flattenFieldErrors(body);
    return flat ? oneLine(flat) : undefined;
  }
  if (Array.isArray(body)) {
    const flat = flattenFieldErrors(body);
    return flat ? oneLine(flat) : undefined;
  }
  return undefined;
}

/** `sntryu_…abcd`: enough to recognise a token, never enough to use it. */
export function describeToken(token: string): string {
  const prefix = /^(sntry[a-z]_)/.exec(token)?.[1] ?? "";
  if (token.length < 16) return prefix ? `${prefix}…` : "…";
  return `${prefix}…${token.slice(-4)}`;
}

function authHint(status: 401 | 403, config: ResolvedConfig | undefined, tokenSent: boolean): string {
  const tok = config?.authToken;
  if (!tok || !tokenSent) {
    return tok
      ? "— the auth token is only sent to the configured Sentry URL; check the URL"
      : `— no auth token is configured: pass ${settingName("authToken", config?.surface)}, set SENTRY_AUTH_TOKEN, or run \`sentry-ship login\``;
  }
  const which = `the auth token from ${tok.source.label} (${describeToken(tok.value)})`;
  return status === 401 ? `— check ${which}` : `— check the permissions (scopes) of ${which}`;
}

/** The org/project/release a `/api/0/…` path names, decoded for display. */
export function pathSubjects(pathname: string): { org?: string; project?: string; release?: string } {
  const parts = pathname
    .replace(/^\/api\/0\//, "")
    .split("/")
    .filter(Boolean)
    .map(decodePathSegment);
  const r: { org?: string; project?: string; release?: string } = {};
  if (parts[0] === "organizations" && parts[1]) r.org = parts[1];
  if (parts[0] === "projects" && parts[1]) {
    r.org = parts[1];
    if (parts[2]) r.project = parts[2];
  }
  const i = parts.indexOf("releases");
  if (i > 0 && parts[i + 1]) r.release = parts[i + 1];
  return r;
}

function notFoundHint(pathname: string, config: ResolvedConfig | undefined): string {
  const s = pathSubjects(pathname);
  const items: string[] = [];
  const from = (value: string, setting: { value: unknown; source: { label: string } } | undefined): string => {
    if (!setting) return "";
    const v = setting.value;
    const matches = Array.isArray(v) ? v.includes(value) : v === value;
    return matches ? ` (from ${setting.source.label})` : "";
  };
  if (s.release) items.push(`release ${s.release}${from(s.release, config?.release)}`);
  if (s.org) items.push(`organization ${s.org}${from(s.org, config?.org)}`);
  if (s.project) items.push(`project ${s.project}${from(s.project, config?.projects)}`);
  if (items.length === 0) return "";
  const list = items.length === 1 ? items[0]! : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
  return ` — check ${list}`;
}

/**
 * A request's 404 text: a full sentence is used as is; a subject (`release 1.0 in organization
 * acme`, `organization acme`) becomes `release 1.0 was not found in organization acme`.
 */
export function notFoundMessage(notFound: string): string {
  if (/\bnot found\b|\bdoes not exist\b|\bdoesn't exist\b/i.test(notFound)) return notFound;
  const i = notFound.indexOf(" in ");
  if (i > 0) return `${notFound.slice(0, i)} was not found${notFound.slice(i)}`;
  const paren = notFound.indexOf(" (");
  if (paren > 0) return `${notFound.slice(0, paren)} was not found${notFound.slice(paren)}`;
  return `${notFound} was not found`;
}

export interface ApiErrorContext {
  config?: ResolvedConfig;
  /** The request's own 404 message (RequestOptions.notFound). */
  notFound?: string;
  /** Whether the Authorization header was sent. */
  tokenSent?: boolean;
  /** How many attempts were made (shown when more than one). */
  attempts?: number;
  /** Extra text appended (e.g. when to retry after a 429). */
  suffix?: string;
}

/** The one-line message for a non-success answer. */
export function apiErrorMessage(status: number, pathname: string, body: unknown, c: ApiErrorContext = {}): string {
  if (status === 404 && c.notFound) return notFoundMessage(c.notFound);
  const detail = serverDetail(body) ?? genericPhrase(status);
  const attempts = c.attempts && c.attempts > 1 ? `, after ${c.attempts} attempts` : "";
  let msg = `${detail} (http status: ${status}${attempts})`;
  if (status === 401 || status === 403) msg += " " + authHint(status, c.config, c.tokenSent ?? true);
  else if (status === 404) msg += notFoundHint(pathname, c.config);
  if (c.suffix) msg += " " + c.suffix;
  return msg;
}

export function buildApiError(
  status: number,
  method: string,
  pathname: string,
  body: unknown,
  c: ApiErrorContext = {},
): ApiError {
  return new ApiError(apiErrorMessage(status, pathname, body, c), status, method, pathname, body);
}

const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_UNTRUSTED",
]);

/** What went wrong with a connection, in a few words (`connection refused`). */
export function networkPhrase(e: unknown, host?: string): string {
  const code = errorCode(e);
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return "connection reset";
    case "ECONNABORTED":
      return "connection aborted";
    case "EPIPE":
    case "UND_ERR_SOCKET":
    case "UND_ERR_CLOSED":
      return "the server closed the connection";
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return "connection timed out";
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
      return "timed out waiting for the response";
    case "ENOTFOUND":
      return `could not resolve host${host ? " " + host : ""}`;
    case "EAI_AGAIN":
      return `temporary failure resolving${host ? " " + host : " the host"}`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "ENETDOWN":
      return "network unreachable";
  }
  if (code && TLS_CODES.has(code)) {
    return `TLS certificate not trusted (${code}) — pass its CA with --ca-file, or set [http] verify_ssl=false`;
  }
  if (code && /^ERR_SSL|^ERR_TLS/.test(code)) return `TLS error (${code})`;
  const m = e instanceof Error ? e.message : String(e);
  return oneLine(m || code || "unknown network error");
}

export function buildNetworkError(e: unknown, url: URL, attempts: number, via?: string): NetworkError {
  const phrase = networkPhrase(e, url.hostname);
  const tail = attempts > 1 ? ` (after ${attempts} attempts)` : "";
  const proxy = via ? ` via proxy ${via}` : "";
  return new NetworkError(`could not reach ${url.origin}${proxy}: ${phrase}${tail}`, url.href, { cause: e });
}

/** One line for any error, for cli.ts or commands that report failures they continue past. */
export function describeError(e: unknown): string {
  if (e instanceof ShipError) return e.message;
  if (errorCode(e)) return networkPhrase(e);
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

/** `201 Created` */
export function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? ""}`.trim();
}
