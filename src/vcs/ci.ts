/**
 * The release version from the environment: SENTRY_RELEASE, the commit SHA a CI system exposes, or
 * `git rev-parse HEAD`. sentry-cli 3.8 reads SOURCE_VERSION, HEROKU_BUILD_COMMIT, HEROKU_SLUG_COMMIT,
 * CODEBUILD_RESOLVED_SOURCE_VERSION, CIRCLE_SHA1, CF_PAGES_COMMIT_SHA and GAE_DEPLOYMENT_ID
 * (sentry-cli-wire.md §4.1), and names from Cordova and Gradle project files; those come first and
 * in its order, so wherever sentry-cli answers from a variable or a project file we give the same
 * answer (Xcode's Info.plist, macOS-only in sentry-cli, is not read). The other CI systems follow (GitHub Actions, Jenkins, GitLab,
 * Bitbucket, Azure, Buildkite, Travis, Vercel, Netlify), where sentry-cli would fall through to the
 * git SHA — which for a GitHub pull_request checkout is the merge commit, not the PR's head.
 */
import { readFileSync } from "node:fs";
import { versionProblem } from "../domain/release.js";
import { cordovaReleaseName, gradleReleaseName } from "./project-version.js";

export interface VersionSource {
  version: string;
  /** Where it came from: `SENTRY_RELEASE`, `GitHub Actions (pull request head from GITHUB_EVENT_PATH)`, `git HEAD`… */
  source: string;
  ci?: string;
}

type Reader = (path: string) => string;

const nonEmpty = (v: string | undefined): string | undefined =>
  v !== undefined && v.trim() !== "" ? v.trim() : undefined;

interface Probe {
  ci: string;
  read(env: NodeJS.ProcessEnv, readFile: Reader): { version: string; source: string } | undefined;
}

const fromVar = (ci: string, name: string): Probe => ({
  ci,
  read: (env) => {
    const v = nonEmpty(env[name]);
    return v ? { version: v, source: name } : undefined;
  },
});

/** sentry-cli's own variables, in its order. */
const SENTRY_CLI_PROBES: Probe[] = [
  fromVar("Heroku", "SOURCE_VERSION"),
  fromVar("Heroku", "HEROKU_BUILD_COMMIT"),
  fromVar("Heroku", "HEROKU_SLUG_COMMIT"),
  fromVar("AWS CodeBuild", "CODEBUILD_RESOLVED_SOURCE_VERSION"),
  fromVar("CircleCI", "CIRCLE_SHA1"),
  fromVar("Cloudflare Pages", "CF_PAGES_COMMIT_SHA"),
];

const githubActions: Probe = {
  ci: "GitHub Actions",
  read(env, readFile) {
    if (env.GITHUB_ACTIONS !== "true" && !env.GITHUB_SHA) return undefined;
    const event = env.GITHUB_EVENT_NAME;
    if ((event === "pull_request" || event === "pull_request_target") && env.GITHUB_EVENT_PATH) {
      try {
        const payload = JSON.parse(readFile(env.GITHUB_EVENT_PATH)) as { pull_request?: { head?: { sha?: unknown } } };
        const sha = payload.pull_request?.head?.sha;
        if (typeof sha === "string" && sha.trim() !== "") {
          return { version: sha.trim(), source: "the pull request's head SHA (GITHUB_EVENT_PATH)" };
        }
      } catch {
        /* unreadable payload: fall back to GITHUB_SHA */
      }
    }
    const sha = nonEmpty(env.GITHUB_SHA);
    return sha ? { version: sha, source: "GITHUB_SHA" } : undefined;
  },
};

const travis: Probe = {
  ci: "Travis CI",
  read(env) {
    const pr = nonEmpty(env.TRAVIS_PULL_REQUEST_SHA);
    if (pr) return { version: pr, source: "TRAVIS_PULL_REQUEST_SHA" };
    const c = nonEmpty(env.TRAVIS_COMMIT);
    return c ? { version: c, source: "TRAVIS_COMMIT" } : undefined;
  },
};

const buildkite: Probe = {
  ci: "Buildkite",
  read(env) {
    const c = nonEmpty(env.BUILDKITE_COMMIT);
    // Buildkite reports "HEAD" for builds not yet resolved to a commit.
    return c && c !== "HEAD" ? { version: c, source: "BUILDKITE_COMMIT" } : undefined;
  },
};

const OTHER_CI_PROBES: Probe[] = [
  githubActions,
  fromVar("Jenkins", "GIT_COMMIT"),
  fromVar("GitLab CI", "CI_COMMIT_SHA"),
  fromVar("Bitbucket Pipelines", "BITBUCKET_COMMIT"),
  fromVar("Azure Pipelines", "BUILD_SOURCEVERSION"),
  buildkite,
  travis,
  fromVar("Vercel", "VERCEL_GIT_COMMIT_SHA"),
  fromVar("Netlify", "COMMIT_REF"),
];

export interface DetectOptions {
  env: NodeJS.ProcessEnv;
  /** When set, sentry-cli's project-file sources (Cordova, Gradle) are tried at its positions. */
  cwd?: string;
  /** Reads the GitHub event payload (injectable for tests). */
  readFile?: Reader;
  /** Called with SENTRY_RELEASE's problem when it is set but invalid (sentry-cli warns and ignores it). */
  warn?(msg: string): void;
}

/** The version from the environment alone (no git), or undefined. */
export function versionFromEnvironment(o: DetectOptions): VersionSource | undefined {
  const env = o.env;
  const readFile = o.readFile ?? ((p: string) => readFileSync(p, "utf8"));
  const explicit = env.SENTRY_RELEASE;
  if (explicit !== undefined && explicit !== "") {
    // sentry-cli proposes SENTRY_RELEASE as it is; say when the server would refuse it.
    const problem = versionProblem(explicit);
    if (problem !== undefined) o.warn?.(`SENTRY_RELEASE is not a valid release version (${problem})`);
    return { version: explicit, source: "SENTRY_RELEASE" };
  }
  const cordova = o.cwd ? cordovaReleaseName(o.cwd) : undefined;
  if (cordova) return { version: cordova, source: "Cordova config.xml" };
  for (const p of SENTRY_CLI_PROBES) {
    const r = p.read(env, readFile);
    if (r) return { ...r, ci: p.ci };
  }
  const gradle = o.cwd ? gradleReleaseName(o.cwd) : undefined;
  if (gradle) return { version: gradle, source: "Gradle app/build.gradle" };
  const gae = nonEmpty(env.GAE_DEPLOYMENT_ID);
  if (gae) return { version: gae, source: "GAE_DEPLOYMENT_ID", ci: "Google App Engine" };
  for (const p of OTHER_CI_PROBES) {
    const r = p.read(env, readFile);
    if (r) return { ...r, ci: p.ci };
  }
  return undefined;
}

export interface ProposeOptions extends DetectOptions {
  cwd: string;
}

/**
 * The proposed release version: the environment first, then the full SHA of HEAD. Throws an
 * InputError when neither gives one.
 */
export async function proposeVersion(o: ProposeOptions): Promise<VersionSource> {
  const fromEnv = versionFromEnvironment(o);
  if (fromEnv) return fromEnv;
  const { GitRepo } = await import("./git.js");
  const { InputError } = await import("../errors.js");
  let sha: string | undefined;
  try {
    const repo = await GitRepo.open(o.cwd, o.env);
    sha = await repo.resolve("HEAD");
  } catch {
    sha = undefined;
  }
  if (!sha) {
    throw new InputError(
      "could not determine a release version: no SENTRY_RELEASE, no CI commit variable, and no git repository with commits here; pass the version explicitly",
    );
  }
  return { version: sha, source: "git HEAD" };
}
