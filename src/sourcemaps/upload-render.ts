/** Text of `sourcemaps upload`'s report and summary (pure, tested with colour off). */
import type { UploadSummary } from "./upload.js";

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The lines sentry-cli prints after an upload (`> Organization: …`) plus the upload report. */
export function renderUploadReport(s: UploadSummary): string[] {
  const lines: string[] = [];
  lines.push(`> Organization: ${s.organization}`);
  lines.push(`> Projects: ${s.projects.join(", ")}`);
  lines.push(`> Release: ${s.release ?? "None"}`);
  lines.push(`> Dist: ${s.dist ?? "None"}`);
  lines.push("> Upload type: artifact bundle");
  lines.push("");
  lines.push(s.dryRun ? "Source Map Upload Report (dry run: nothing was sent)" : "Source Map Upload Report");
  const scripts = s.files.filter((f) => f.type !== "source_map");
  const maps = s.files.filter((f) => f.type === "source_map");
  if (scripts.length > 0) {
    lines.push("  Scripts");
    for (const f of scripts) {
      const parts: string[] = [];
      if (!s.sourcemapReferences) parts.push("no sourcemap reference (--no-sourcemap-reference)");
      else parts.push(f.sourcemap ? `sourcemap at ${f.sourcemap}` : "no sourcemap found");
      if (f.debugId) parts.push(`debug id ${f.debugId}`);
      lines.push(`    ${f.url} (${parts.join(", ")})`);
      if (!f.sourcemap && s.sourcemapReferences) {
        lines.push(
          `      - warning: could not determine a source map reference (Could not auto-detect referenced sourcemap for ${f.url})`,
        );
      }
    }
  }
  if (maps.length > 0) {
    lines.push("  Source Maps");
    for (const f of maps) lines.push(f.debugId ? `    ${f.url} (debug id ${f.debugId})` : `    ${f.url}`);
  }
  lines.push("");
  lines.push(renderUploadSummaryLine(s));
  if (s.skipped.length > 0) {
    lines.push("Not uploaded:");
    for (const k of s.skipped) lines.push(`  ${k.path}: ${k.reason}`);
  }
  if (s.unmapped.length > 0) {
    lines.push("Uploaded without a source map or debug id (Sentry cannot map their stack frames):");
    for (const p of s.unmapped) lines.push(`  ${p}`);
  }
  return lines;
}

export function renderUploadSummaryLine(s: UploadSummary): string {
  const n = s.bundles.length;
  const verb = s.dryRun ? "would upload" : "uploaded";
  return (
    `Summary: ${verb} ${s.files.length} file${s.files.length === 1 ? "" : "s"} in ${n} bundle${n === 1 ? "" : "s"}; ` +
    `${formatBytes(s.bytesSent)} sent, ${formatBytes(s.bytesSkipped)} skipped (already on the server)` +
    (s.skipped.length ? `; ${s.skipped.length} file${s.skipped.length === 1 ? "" : "s"} not uploaded` : "")
  );
}
