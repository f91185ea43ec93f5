/** The inject report: sentry-cli's human text (plus the files left unchanged) and the `--json` document. */
import type { InjectReport, ReportEntry } from "./inject.js";
import { comparePaths } from "./order.js";

function section(title: string, entries: ReportEntry[]): string[] {
  if (entries.length === 0) return [];
  const lines = [`  ${title}`];
  for (const e of entries) {
    lines.push(`    ${e.debugId} - ${e.path}`);
    for (const w of e.warnings) lines.push(`        - warning: ${w}`);
  }
  return lines;
}

/** The human report, as sentry-cli prints it (plus a section for files left unchanged). */
export function renderInjectReport(r: InjectReport): string[] {
  const lines = [
    "",
    "Source Map Debug ID Injection Report",
    ...section("Modified: The following source files have been modified to have debug ids", r.modifiedSources),
    ...section("Modified: The following sourcemap files have been modified to have debug ids", r.modifiedMaps),
    ...section("Ignored: The following source files already have debug ids", r.ignoredSources),
    ...section("Ignored: The following sourcemap files already have debug ids", r.ignoredMaps),
  ];
  if (r.untouched.length > 0) {
    lines.push("  Ignored: The following source files were left unchanged");
    for (const u of [...r.untouched].sort((a, b) => comparePaths(a.path, b.path)))
      lines.push(`    ${u.path} - ${u.reason}`);
  }
  lines.push("");
  return lines;
}

/** The `--json` document. */
export function injectJson(r: InjectReport) {
  return {
    dryRun: r.dryRun,
    found: r.found,
    modified: [
      ...r.modifiedSources.map((e) => ({ path: e.path, type: "source", debugId: e.debugId })),
      ...r.modifiedMaps.map((e) => ({ path: e.path, type: "sourcemap", debugId: e.debugId })),
    ],
    ignored: [
      ...r.ignoredSources.map((e) => ({
        path: e.path,
        type: "source",
        debugId: e.debugId,
        reason: "already has a debug id",
      })),
      ...r.ignoredMaps.map((e) => ({
        path: e.path,
        type: "sourcemap",
        debugId: e.debugId,
        reason: "already has a debug id",
      })),
      ...r.untouched.map((u) => ({ path: u.path, type: "source", reason: u.reason })),
    ],
    warnings: r.warnings,
  };
}
