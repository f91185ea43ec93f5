/**
 * What `serve` tells a user when it starts: the shell commands that point sentry-ship (and
 * sentry-cli, and an SDK) at it, and the address of its pages. The command prints these lines and
 * the pages show the same ones, so the two never differ.
 */
import type { Printed } from "./core.js";

export function exportLines(p: Printed): string[] {
  return [
    `export SENTRY_URL=${p.url}`,
    `export SENTRY_AUTH_TOKEN=${p.token}`,
    "export SENTRY_ORG=acme SENTRY_PROJECT=frontend",
    `export SENTRY_DSN=${p.dsn}`,
  ];
}

/** The pages' address; with the token in it when the server is reachable from other machines. */
export function pagesUrl(p: Printed, tokenRequired: boolean): string {
  return tokenRequired ? `${p.url}?token=${encodeURIComponent(p.token)}` : p.url;
}
