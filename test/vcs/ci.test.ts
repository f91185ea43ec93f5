import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { proposeVersion, versionFromEnvironment } from "../../src/vcs/ci.js";
import { cordovaReleaseName, gradleReleaseName } from "../../src/vcs/project-version.js";
import { repoWithCommits, tmp } from "../support/git.js";

const A = "a".repeat(40);
const B = "b".repeat(40);

describe("versionFromEnvironment", () => {
  it("prefers SENTRY_RELEASE over every CI variable", () => {
    expect(versionFromEnvironment({ env: { SENTRY_RELEASE: "1.2.3", GITHUB_SHA: A, CIRCLE_SHA1: B } })).toMatchObject({
      version: "1.2.3",
      source: "SENTRY_RELEASE",
    });
  });

  it("proposes an invalid SENTRY_RELEASE as sentry-cli does, with a warning", () => {
    const warnings: string[] = [];
    const v = versionFromEnvironment({ env: { SENTRY_RELEASE: "a/b", GIT_COMMIT: A }, warn: (m) => warnings.push(m) });
    expect(v?.version).toBe("a/b");
    expect(warnings).toEqual(["SENTRY_RELEASE is not a valid release version (it contains '/')"]);
  });

  it("gives sentry-cli's answer when one of its variables is set, even beside another CI's", () => {
    expect(versionFromEnvironment({ env: { GITHUB_ACTIONS: "true", GITHUB_SHA: A, CIRCLE_SHA1: B } })?.version).toBe(B);
    expect(versionFromEnvironment({ env: { SOURCE_VERSION: "s", HEROKU_SLUG_COMMIT: "h" } })?.version).toBe("s");
    expect(
      versionFromEnvironment({ env: { CF_PAGES_COMMIT_SHA: A, CODEBUILD_RESOLVED_SOURCE_VERSION: B } })?.version,
    ).toBe(B);
  });

  it("reads the pull request's head SHA from the GitHub event payload on pull_request events", () => {
    const dir = tmp();
    const path = join(dir, "event.json");
    writeFileSync(path, JSON.stringify({ pull_request: { head: { sha: B } } }));
    const env = { GITHUB_ACTIONS: "true", GITHUB_SHA: A, GITHUB_EVENT_NAME: "pull_request", GITHUB_EVENT_PATH: path };
    expect(versionFromEnvironment({ env })).toMatchObject({ version: B, ci: "GitHub Actions" });
    expect(versionFromEnvironment({ env: { ...env, GITHUB_EVENT_NAME: "push" } })?.version).toBe(A);
    expect(versionFromEnvironment({ env: { ...env, GITHUB_EVENT_PATH: join(dir, "missing.json") } })?.version).toBe(A);
  });

  it.each([
    ["GIT_COMMIT", "Jenkins"],
    ["CI_COMMIT_SHA", "GitLab CI"],
    ["BITBUCKET_COMMIT", "Bitbucket Pipelines"],
    ["BUILD_SOURCEVERSION", "Azure Pipelines"],
    ["BUILDKITE_COMMIT", "Buildkite"],
    ["TRAVIS_COMMIT", "Travis CI"],
    ["VERCEL_GIT_COMMIT_SHA", "Vercel"],
    ["COMMIT_REF", "Netlify"],
    ["HEROKU_BUILD_COMMIT", "Heroku"],
  ])("reads %s (%s)", (name, ci) => {
    expect(versionFromEnvironment({ env: { [name]: A } })).toEqual({ version: A, source: name, ci });
  });

  it("returns nothing when no variable is set", () => {
    expect(versionFromEnvironment({ env: { PATH: "/bin" } })).toBeUndefined();
  });
});

describe("project files", () => {
  it("reads applicationId@versionName from a Gradle project at or above cwd, after sentry-cli's variables", () => {
    const root = tmp();
    mkdirSync(join(root, "app"));
    mkdirSync(join(root, "deep", "er"), { recursive: true });
    writeFileSync(join(root, "build.gradle"), "");
    writeFileSync(
      join(root, "app", "build.gradle"),
      "defaultConfig {\n applicationId 'com.acme.app'\n versionName \"2.1\"\n}\n",
    );
    const cwd = join(root, "deep", "er");
    expect(gradleReleaseName(cwd)).toBe("com.acme.app@2.1");
    expect(versionFromEnvironment({ env: { GITHUB_SHA: A }, cwd })?.version).toBe("com.acme.app@2.1");
    expect(versionFromEnvironment({ env: { CIRCLE_SHA1: B }, cwd })?.version).toBe(B);
  });

  it("reads a Cordova config.xml from a platform folder", () => {
    const root = tmp();
    mkdirSync(join(root, "platforms", "android"), { recursive: true });
    mkdirSync(join(root, "platforms", "ios"), { recursive: true });
    writeFileSync(
      join(root, "config.xml"),
      '<?xml version="1.0"?>\n<widget id="io.acme" version="1.4.0" ios-CFBundleVersion="140" xmlns="http://www.w3.org/ns/widgets">\n</widget>\n',
    );
    expect(cordovaReleaseName(join(root, "platforms", "android"))).toBe("io.acme-1.4.0");
    expect(cordovaReleaseName(join(root, "platforms", "ios"))).toBe("io.acme-140");
    expect(cordovaReleaseName(root)).toBeUndefined();
  });
});

describe("proposeVersion", () => {
  it("falls back to the full SHA of HEAD", async () => {
    const { repo } = repoWithCommits(2);
    await expect(proposeVersion({ env: { PATH: process.env.PATH }, cwd: repo.dir })).resolves.toEqual({
      version: repo.head(),
      source: "git HEAD",
    });
  });

  it("fails with one line when there is neither a variable nor a repository", async () => {
    await expect(proposeVersion({ env: { PATH: process.env.PATH }, cwd: tmp() })).rejects.toThrow(
      /could not determine a release version/,
    );
  });
});
