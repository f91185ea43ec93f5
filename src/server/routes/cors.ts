/**
 * CORS on the ingestion endpoints, as Relay answers browsers: any origin, POST, the headers
 * SDKs send, and the rate-limit headers exposed so a browser SDK can read them. A preflight
 * (`OPTIONS`) is answered 200 with an empty body, without credentials.
 */
import type { Reply, Router } from "../http.js";

const ALLOWED_HEADERS = [
  "x-sentry-auth",
  "x-requested-with",
  "x-forwarded-for",
  "origin",
  "referer",
  "accept",
  "content-type",
  "authentication",
  "authorization",
  "content-encoding",
  "transfer-encoding",
];

const VARY = "origin, access-control-request-method, access-control-request-headers";

/** Headers on every answer of an ingestion endpoint, errors included. */
export const INGEST_CORS_HEADERS: Record<string, string> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Expose-Headers": "x-sentry-error,x-sentry-rate-limits,retry-after",
  Vary: VARY,
};

function preflightReply(): Reply {
  return {
    status: 200,
    headers: {
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": "POST",
      "Access-Control-Allow-Headers": ALLOWED_HEADERS.join(","),
      "Access-Control-Max-Age": "3600",
      Vary: VARY,
    },
  };
}

/** Answer preflights for `paths`. */
export function registerPreflights(router: Router, paths: string[]): void {
  for (const p of paths) {
    router.on("OPTIONS", p, () => preflightReply(), { preflight: () => undefined, maxBody: () => 0 });
  }
}
