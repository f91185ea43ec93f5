import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { makeWorkspace, readOutput, repoRoot } from "../support/action.js";
import { tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";

const run = promisify(execFile);
const s = useServer();

describe("action/index.mjs", () => {
  it("is what `npm run build:action` builds from the committed sources", async () => {
    // --from-head builds from `git archive HEAD`, so other people's uncommitted work does not count.
    const r = await run(process.execPath, [join(repoRoot, "action/build.mjs"), "--check", "--from-head"], {
      cwd: repoRoot,
    }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("action/index.mjs is up to date\n");
  });

  it("runs on its own, with no node_modules, as the runner runs it", async () => {
    // The runner checks out the repository and runs `node action/index.mjs`: only the bundle and
    // package.json (for the version) are there.
    const checkout = tempDir("ship-action-checkout-");
    mkdirSync(join(checkout, "action"));
    copyFileSync(join(repoRoot, "action/index.mjs"), join(checkout, "action/index.mjs"));
    copyFileSync(join(repoRoot, "package.json"), join(checkout, "package.json"));
    const ws = makeWorkspace(2);
    const files = tempDir("ship-action-files-");
    const output = join(files, "output");
    const summary = join(files, "summary");
    writeFileSync(output, "");
    writeFileSync(summary, "");
    const r = await run(process.execPath, [join(checkout, "action/index.mjs")], {
      cwd: ws,
      env: {
        PATH: process.env.PATH,
        HOME: files,
        GITHUB_ACTIONS: "true",
        GITHUB_WORKSPACE: ws,
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
        SENTRY_LOAD_DOTENV: "0",
        INPUT_VERSION: "bundle-1",
        INPUT_SOURCEMAPS: "dist",
        INPUT_WORKING_DIRECTORY: "app",
        INPUT_ENVIRONMENT: "ci",
        INPUT_PROJECTS: "frontend",
        INPUT_IGNORE_MISSING: "true",
        INPUT_URL: `${s.server.url}/`,
        INPUT_ORG: "acme",
        INPUT_AUTH_TOKEN: s.server.token,
      },
    }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    expect(r.stderr).toBe("");
    // (toMatch on the whole log, so a failure shows it.)
    expect(r.stdout).toMatch(
      /\nSentry release bundle-1: all 5 steps succeeded \(release, commits, sourcemaps, deploy, finalize\)\.\n$/,
    );
    expect(readOutput(readFileSync(output, "utf8"), "version")).toBe("bundle-1");
    expect(readFileSync(summary, "utf8")).toContain("| ✅ | Commits | 2 commits associated from the local git history");
    const rel = s.server.state.releases.find((x) => x.version === "bundle-1")!;
    expect(rel.dateReleased).not.toBeNull();
    expect(s.server.state.bundles.filter((b) => b.release === "bundle-1")).toHaveLength(1);
    expect(s.server.state.deploys.filter((d) => d.releaseId === rel.id).map((d) => d.environment)).toEqual(["ci"]);
  });
});
