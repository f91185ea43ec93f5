/**
 * Text rendering for releases, byte-for-byte as sentry-cli 3.8 prints it: tables (src/output/table.ts),
 * "N hours ago" durations and `2024-05-01 12:00:00 UTC` dates. Pure functions, tested with colour off.
 */
import { humanDuration, renderTable } from "../../output/table.js";

/** `2024-05-01 12:00:00 UTC` (fractional seconds kept when present, as chrono prints them). */
export function formatUtc(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const frac = /\.(\d+)/.exec(iso.replace(/[+-]\d\d:?\d\d$|Z$/i, ""))?.[1]?.replace(/0+$/, "") ?? "";
  let f = "";
  if (frac) f = "." + frac.padEnd(Math.ceil(frac.length / 3) * 3, "0");
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${f} UTC`;
}

export interface ReleaseLike {
  version: string;
  dateCreated?: string | null;
  dateReleased?: string | null;
  lastEvent?: string | null;
  newGroups?: number | null;
  projects?: Array<{ slug: string }> | null;
}

export function renderReleaseList(releases: ReleaseLike[], now: Date, showProjects: boolean): string {
  const ago = (iso: string) => `${humanDuration(now.getTime() - new Date(iso).getTime())} ago`;
  const titles = ["Released", "Version", ...(showProjects ? ["Projects"] : []), "New Events", "Last Event"];
  const rows = releases.map((r) => {
    const slugs = (r.projects ?? []).map((p) => p.slug);
    return [
      r.dateReleased ? ago(r.dateReleased) : "(unreleased)",
      r.version,
      ...(showProjects ? [slugs.length ? slugs.join("\n") : "-"] : []),
      String(r.newGroups ?? 0),
      r.lastEvent ? ago(r.lastEvent) : "-",
    ];
  });
  return renderTable(titles, rows);
}

export function renderReleaseInfo(
  r: ReleaseLike,
  opts: { showProjects: boolean; commits?: string[] | undefined; showCommits: boolean },
): string {
  const titles = ["Version", "Date created"];
  const row = [r.version, r.dateCreated ? formatUtc(r.dateCreated) : "-"];
  if (r.lastEvent) {
    titles.push("Last event");
    row.push(formatUtc(r.lastEvent));
  }
  if (opts.showProjects) {
    titles.push("Projects");
    const slugs = (r.projects ?? []).map((p) => p.slug);
    row.push(slugs.length ? slugs.join("\n") : "-");
  }
  if (opts.showCommits) {
    titles.push("Commits");
    row.push(opts.commits?.length ? opts.commits.join("\n") : "-");
  }
  return renderTable(titles, [row]);
}

/** 40-hex SHAs shortened to 12 characters, anything else verbatim. */
export function shortRev(rev: string): string {
  return /^[0-9a-fA-F]{40}$/.test(rev) ? rev.slice(0, 12) : rev;
}

export function renderRefs(refs: Array<{ repository: string; commit: string; previousCommit: string | null }>): string {
  return renderTable(
    ["Repository", "Revision"],
    refs.map((r) => [
      r.repository,
      r.previousCommit ? `${shortRev(r.previousCommit)} -> ${shortRev(r.commit)}` : shortRev(r.commit),
    ]),
  );
}
