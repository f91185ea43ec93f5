import { describe, expect, it } from "vitest";
import type { UploadSummary } from "../../src/sourcemaps/upload.js";
import { formatBytes, renderUploadReport } from "../../src/sourcemaps/upload-render.js";

const base: UploadSummary = {
  organization: "acme",
  projects: ["frontend"],
  release: null,
  dist: null,
  dryRun: false,
  sourcemapReferences: true,
  files: [
    { url: "~/a.js", type: "minified_source", debugId: "fd56bef4-4c39-5193-a54f-0509ad3d612c", sourcemap: "a.js.map" },
    { url: "~/a.js.map", type: "source_map", debugId: "fd56bef4-4c39-5193-a54f-0509ad3d612c", sourcemap: null },
    { url: "~/b.js", type: "minified_source", debugId: null, sourcemap: null },
  ],
  bundles: [{ bundleId: "x", checksum: "y", files: 3, size: 3000, chunks: 1, missingChunks: 1, state: "created" }],
  bytesSent: 2048,
  bytesSkipped: 0,
  skipped: [{ path: "readme.txt", reason: "extension not one of js, map" }],
  unmapped: ["b.js"],
  problems: [],
  processing: "pending",
};

describe("renderUploadReport", () => {
  it("prints sentry-cli's report followed by the summary, what was not uploaded and what cannot be mapped", () => {
    expect(renderUploadReport(base).join("\n")).toBe(
      [
        "> Organization: acme",
        "> Projects: frontend",
        "> Release: None",
        "> Dist: None",
        "> Upload type: artifact bundle",
        "",
        "Source Map Upload Report",
        "  Scripts",
        "    ~/a.js (sourcemap at a.js.map, debug id fd56bef4-4c39-5193-a54f-0509ad3d612c)",
        "    ~/b.js (no sourcemap found)",
        "      - warning: could not determine a source map reference (Could not auto-detect referenced sourcemap for ~/b.js)",
        "  Source Maps",
        "    ~/a.js.map (debug id fd56bef4-4c39-5193-a54f-0509ad3d612c)",
        "",
        "Summary: uploaded 3 files in 1 bundle; 2.0 KiB sent, 0 B skipped (already on the server); 1 file not uploaded",
        "Not uploaded:",
        "  readme.txt: extension not one of js, map",
        "Uploaded without a source map or debug id (Sentry cannot map their stack frames):",
        "  b.js",
      ].join("\n"),
    );
  });

  it("says nothing was sent on a dry run", () => {
    const lines = renderUploadReport({ ...base, dryRun: true, skipped: [], unmapped: [], release: "1.0", dist: "web" });
    expect(lines).toContain("Source Map Upload Report (dry run: nothing was sent)");
    expect(lines).toContain("> Release: 1.0");
    expect(lines.at(-1)).toBe(
      "Summary: would upload 3 files in 1 bundle; 2.0 KiB sent, 0 B skipped (already on the server)",
    );
  });

  it("says no reference was sent, and does not warn about one, with --no-sourcemap-reference", () => {
    const files = base.files.map((f) => ({ ...f, sourcemap: null }));
    const lines = renderUploadReport({ ...base, files, sourcemapReferences: false });
    expect(lines).toContain(
      "    ~/a.js (no sourcemap reference (--no-sourcemap-reference), debug id fd56bef4-4c39-5193-a54f-0509ad3d612c)",
    );
    expect(lines).toContain("    ~/b.js (no sourcemap reference (--no-sourcemap-reference))");
    expect(lines.join("\n")).not.toContain("could not determine");
  });

  it("formats byte counts", () => {
    expect([formatBytes(0), formatBytes(1023), formatBytes(1536), formatBytes(5 * 1024 * 1024)]).toEqual([
      "0 B",
      "1023 B",
      "1.5 KiB",
      "5.0 MiB",
    ]);
  });
});
