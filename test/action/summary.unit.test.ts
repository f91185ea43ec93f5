import { describe, expect, it } from "vitest";
import {
  closingLine,
  describeCommits,
  describeSourcemaps,
  renderSummary,
  type StepRecord,
} from "../../src/action/summary.js";

const step = (name: StepRecord["name"], status: StepRecord["status"], detail = ""): StepRecord => ({
  name,
  title: name,
  status,
  detail,
});

describe("closingLine", () => {
  it("says when every requested step succeeded, and which were not requested", () => {
    expect(closingLine("1.0", [step("release", "ok"), step("commits", "ok"), step("deploy", "off")], false)).toBe(
      "Sentry release 1.0: all 2 steps succeeded (release, commits); not requested: deploy.",
    );
  });

  it("names what succeeded, what failed and what did not run", () => {
    const steps = [
      step("release", "ok"),
      step("commits", "failed"),
      step("sourcemaps", "ok"),
      step("finalize", "not-run"),
    ];
    expect(closingLine("1.0", steps, false)).toBe(
      "Sentry release 1.0: 2 of 4 steps succeeded (release, sourcemaps); failed: commits; not run: finalize.",
    );
    expect(closingLine("1.0", steps, true)).toBe(
      "Sentry release 1.0: 2 of 4 steps succeeded (release, sourcemaps); failed: commits; not run: finalize; allow_failure is set, so the action succeeds.",
    );
  });

  it("says nothing was sent when the run stopped before the release", () => {
    expect(closingLine(undefined, [], true, "no version")).toBe(
      "Sentry release: nothing was sent (no version); allow_failure is set, so the action succeeds.",
    );
  });
});

describe("renderSummary", () => {
  it("renders a table with a mark per step and escapes pipes", () => {
    const md = renderSummary({
      version: "1.0",
      steps: [step("release", "ok", "created"), step("commits", "failed", "a | b\nc")],
      closingLine: "done.",
      allowFailure: false,
      notes: ["shallow"],
    });
    expect(md).toBe(
      "### Sentry release `1.0`\n\n| | Step | Result |\n| --- | --- | --- |\n| ✅ | release | created |\n| ❌ | commits | a \\| b c |\n\n> shallow\n\ndone.\n",
    );
  });
});

describe("renderSummary's heading", () => {
  it("keeps a version with backticks in one code span", () => {
    const heading = (version: string) =>
      renderSummary({ version, steps: [], closingLine: "done.", allowFailure: false }).split("\n")[0];
    expect(heading("v`1<b>")).toBe("### Sentry release ``v`1<b>``");
    expect(heading("`a``b`")).toBe("### Sentry release ``` `a``b` ```");
  });
});

describe("describers", () => {
  it("describe refs-mode commits by repository", () => {
    expect(describeCommits({ mode: "refs", refs: [{ repository: "acme/web", commit: "abc" }] }, "auto", false)).toBe(
      "HEAD sent for acme/web; Sentry reads the commits from the repository integration",
    );
  });

  it("describe a local association in a deepened shallow clone", () => {
    expect(describeCommits({ mode: "local", commits: ["a", "b"], deepenedBy: 50 }, "local", true)).toBe(
      "2 commits associated from the local git history (shallow clone; fetched 50 more commits of history)",
    );
  });

  it("describe an upload with dedup and skipped files", () => {
    expect(
      describeSourcemaps(
        {
          modified: [
            { path: "a.js", type: "source" },
            { path: "a.js.map", type: "sourcemap" },
          ],
          ignored: [],
        },
        {
          files: [1, 2, 3],
          bundles: [1],
          bytesSent: 2048,
          bytesSkipped: 512,
          skipped: [{ path: "x", reason: "y" }],
          processing: "complete",
        },
      ),
    ).toBe(
      "3 files uploaded in 1 bundle (2.0 KiB sent, 512 B already on the server); debug ids injected into 1 script; 1 file skipped",
    );
  });
});
