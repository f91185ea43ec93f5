import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoWithCommits } from "../../support/git.js";
import { runCli, tempDir } from "../../support/runCli.js";
import { runSentryCli } from "../../support/sentryCli.js";

const A = "a1".repeat(20);
const B = "b2".repeat(20);

async function both(env: Record<string, string>, cwd: string, flags: string[] = []) {
  const base = {
    PATH: process.env.PATH ?? "",
    HOME: tempDir("ship-home-"),
    SENTRY_DISABLE_UPDATE_CHECK: "1",
    SENTRY_INTEGRATION_TEST: "1",
    SENTRY_LOAD_DOTENV: "0",
  };
  const cli = await runSentryCli(["releases", "propose-version", ...flags], { env: { ...base, ...env }, cwd });
  const ship = await runCli(["releases", "propose-version", ...flags], {
    env: { ...env, SENTRY_LOAD_DOTENV: "0" },
    cwd,
  });
  return { cli, ship };
}

describe("releases propose-version against sentry-cli 3.8.0", () => {
  const { repo } = repoWithCommits(2);

  it.each<[string, Record<string, string>]>([
    ["the git HEAD SHA", {}],
    ["SENTRY_RELEASE", { SENTRY_RELEASE: "my-app@1.2.3" }],
    ["SENTRY_RELEASE over a CI variable", { SENTRY_RELEASE: "x1", CIRCLE_SHA1: A }],
    ["CircleCI", { CIRCLE_SHA1: A }],
    ["Heroku's SOURCE_VERSION over HEROKU_SLUG_COMMIT", { SOURCE_VERSION: A, HEROKU_SLUG_COMMIT: B }],
    ["HEROKU_BUILD_COMMIT", { HEROKU_BUILD_COMMIT: B }],
    ["CodeBuild", { CODEBUILD_RESOLVED_SOURCE_VERSION: A }],
    ["Cloudflare Pages", { CF_PAGES_COMMIT_SHA: B }],
    [
      "CodeBuild beside GitHub Actions",
      { CODEBUILD_RESOLVED_SOURCE_VERSION: A, GITHUB_ACTIONS: "true", GITHUB_SHA: B },
    ],
    ["GAE_DEPLOYMENT_ID", { GAE_DEPLOYMENT_ID: "20240501t120000" }],
  ])("gives the same answer for %s", async (_name, env) => {
    const { cli, ship } = await both(env, repo.dir);
    expect(cli.exitCode, cli.stderr).toBe(0);
    expect(ship).toMatchObject({ exitCode: 0, stdout: cli.stdout });
  });

  it("gives the same answer for an invalid SENTRY_RELEASE and for a Gradle project", async () => {
    const bad = await both({ SENTRY_RELEASE: "a/b" }, repo.dir);
    expect(bad.ship).toMatchObject({ exitCode: 0, stdout: bad.cli.stdout });
    const root = tempDir("ship-gradle-");
    mkdirSync(join(root, "app"));
    writeFileSync(join(root, "build.gradle"), "");
    writeFileSync(join(root, "app", "build.gradle"), 'applicationId "com.example.app"\nversionName "1.2.3"\n');
    const g = await both({ GITHUB_ACTIONS: "true", GITHUB_SHA: A }, root);
    expect(g.cli.stdout).toBe("com.example.app@1.2.3\n");
    expect(g.ship).toMatchObject({ exitCode: 0, stdout: g.cli.stdout });
  });

  it("answers with the pull request's head where sentry-cli, ignoring GITHUB_*, answers with the checkout", async () => {
    const { cli, ship } = await both({ GITHUB_ACTIONS: "true", GITHUB_SHA: A }, repo.dir);
    expect(cli.stdout).toBe(repo.head() + "\n");
    expect(ship.stdout).toBe(A + "\n");
  });

  it("takes --allow-xcode-infoplist-preprocessing and, as sentry-cli off macOS, reads no Info.plist of an Xcode build", async () => {
    writeFileSync(
      join(repo.dir, "Info.plist"),
      '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict>' +
        "<key>CFBundleName</key><string>App</string><key>CFBundleIdentifier</key><string>com.example.ios</string>" +
        "<key>CFBundleShortVersionString</key><string>2.0</string><key>CFBundleVersion</key><string>7</string>" +
        "</dict></plist>\n",
    );
    const xcode = {
      XCODE_VERSION_ACTUAL: "1600",
      PROJECT_DIR: repo.dir,
      INFOPLIST_FILE: "Info.plist",
      INFOPLIST_PREPROCESS: "YES",
      PRODUCT_NAME: "App",
      PRODUCT_BUNDLE_IDENTIFIER: "com.example.ios",
      MARKETING_VERSION: "2.0",
      CURRENT_PROJECT_VERSION: "7",
    };
    const { cli, ship } = await both(xcode, repo.dir, ["--allow-xcode-infoplist-preprocessing"]);
    expect(cli).toMatchObject({ exitCode: 0, stdout: `${repo.head()}\n` });
    expect(ship).toMatchObject({ exitCode: 0, stdout: cli.stdout });
  });

  it("fails like sentry-cli outside a repository with no variable", async () => {
    const { cli, ship } = await both({}, tempDir("ship-nogit-"));
    expect(cli.exitCode).toBe(1);
    expect(ship.exitCode).toBe(1);
    expect(ship.stdout).toBe("");
  });
});
