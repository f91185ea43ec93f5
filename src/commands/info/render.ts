import type { ChalkInstance } from "chalk";

export interface InfoReport {
  url: { value: string | null; source: string | null };
  org: { value: string | null; source: string | null };
  project: { value: string | null; source: string | null };
  token: { source: string; kind: "org" | "user" } | null;
  auth: {
    successful: boolean;
    user: string | null;
    scopes: string[];
    /** Commands the token's scopes do not allow, with the scopes that would. */
    cannotRun: Array<{ commands: string; needsOneOf: string[] }>;
  } | null;
  showDefaults: boolean;
  haveDsn: boolean;
}

function withSource(style: ChalkInstance, value: string | null, source: string | null): string {
  if (value === null || value === "") return "-";
  return source ? `${value} ${style.dim(`(from ${source})`)}` : value;
}

/** The human `info` text. The first lines keep sentry-cli's labels so scripts that grep them still work. */
export function renderInfo(r: InfoReport, style: ChalkInstance): string {
  const lines: string[] = [];
  lines.push(`Sentry Server: ${withSource(style, r.url.value, r.url.source)}`);
  if (r.showDefaults) {
    lines.push(`Default Organization: ${withSource(style, r.org.value, r.org.source)}`);
    lines.push(`Default Project: ${withSource(style, r.project.value, r.project.source)}`);
  }
  lines.push("");
  lines.push("Authentication Info:");
  if (!r.token) {
    lines.push("  Method: Unauthorized");
    return lines.join("\n");
  }
  lines.push(
    `  Method: ${r.token.kind === "org" ? "Org Auth Token" : "Auth Token"} ${style.dim(`(from ${r.token.source})`)}`,
  );
  if (r.auth?.successful) {
    if (r.auth.user) lines.push(`  User: ${r.auth.user}`);
    lines.push("  Scopes:");
    if (r.auth.scopes.length === 0) lines.push("    (none)");
    for (const s of r.auth.scopes) lines.push(`    - ${s}`);
  }
  return lines.join("\n");
}
