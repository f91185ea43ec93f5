/**
 * The action's inputs, read from the `INPUT_*` variables the runner sets (one per input declared in
 * action.yml, name upper-cased, spaces turned into `_`). Defaults here match action.yml, so a test
 * (or a runner that omits an input) gets the same behaviour.
 */
import { isAbsolute, resolve } from "node:path";

export type SetCommitsMode = "auto" | "local" | "skip";

export interface ActionInputs {
  /** The release version as given (empty: proposed from the commit SHA). */
  version: string;
  versionPrefix: string;
  setCommits: SetCommitsMode;
  /** Monorepos: keep only the commits touching these paths (relative to working_directory). */
  setCommitsPaths: string[];
  /** Paths (relative to the working directory) to inject and upload; empty: no sourcemaps step. */
  sourcemaps: string[];
  urlPrefix: string;
  stripPrefix: string;
  dist: string;
  /** Deploy environment; empty: no deploy step. */
  environment: string;
  projects: string[];
  ignoreMissing: boolean;
  ignoreEmpty: boolean;
  /** Absolute working directory for every CLI step. */
  workingDirectory: string;
  url: string;
  org: string;
  authToken: string;
  finalize: boolean;
  allowFailure: boolean;
  /** The health gate after the deploy; undefined when no threshold is set. */
  gate?: GateInputs;
}

export interface GateInputs {
  minCrashFreeSessions: string;
  minCrashFreeUsers: string;
  minSessions: string;
  /** Environment to judge (default: the deploy's environment). */
  environment: string;
  period: string;
  wait: string;
  interval: string;
}

/** Every input action.yml declares, with its default there (a test keeps the two in step). */
export const INPUT_DEFAULTS: Record<string, string> = {
  version: "",
  version_prefix: "",
  set_commits: "auto",
  set_commits_path: "",
  sourcemaps: "",
  url_prefix: "",
  strip_prefix: "",
  dist: "",
  environment: "",
  projects: "",
  ignore_missing: "false",
  ignore_empty: "false",
  working_directory: "",
  url: "",
  org: "",
  auth_token: "",
  finalize: "true",
  allow_failure: "false",
  gate_min_crash_free_sessions: "",
  gate_min_crash_free_users: "",
  gate_min_sessions: "",
  gate_environment: "",
  gate_period: "",
  gate_wait: "",
  gate_interval: "",
};

/** A bad input value: the action fails with this message even with allow_failure. */
export class InputValueError extends Error {
  override name = "InputValueError";
}

/** The environment variable the runner uses for an input. */
export function inputVar(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

export function getInput(env: NodeJS.ProcessEnv, name: string): string {
  return (env[inputVar(name)] ?? "").trim();
}

const TRUE = ["true", "True", "TRUE"];
const FALSE = ["false", "False", "FALSE"];

/** A boolean input in the YAML 1.2 core schema spelling (true/True/TRUE, false/False/FALSE). */
export function getBooleanInput(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const v = getInput(env, name);
  if (v === "") return fallback;
  if (TRUE.includes(v)) return true;
  if (FALSE.includes(v)) return false;
  throw new InputValueError(`input '${name}' must be true or false, got '${v}'`);
}

/** A list input: items separated by newlines, commas or spaces. */
export function getListInput(env: NodeJS.ProcessEnv, name: string): string[] {
  return getInput(env, name)
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function readInputs(env: NodeJS.ProcessEnv, cwd: string): ActionInputs {
  const setCommits = (getInput(env, "set_commits") || "auto").toLowerCase();
  if (setCommits !== "auto" && setCommits !== "local" && setCommits !== "skip") {
    throw new InputValueError(`input 'set_commits' must be auto, local or skip, got '${setCommits}'`);
  }
  const workspace = env.GITHUB_WORKSPACE || cwd;
  const wd = getInput(env, "working_directory");
  return {
    version: getInput(env, "version"),
    versionPrefix: getInput(env, "version_prefix"),
    setCommits,
    setCommitsPaths: getListInput(env, "set_commits_path"),
    sourcemaps: getListInput(env, "sourcemaps"),
    urlPrefix: getInput(env, "url_prefix"),
    stripPrefix: getInput(env, "strip_prefix"),
    dist: getInput(env, "dist"),
    environment: getInput(env, "environment"),
    projects: getListInput(env, "projects"),
    ignoreMissing: getBooleanInput(env, "ignore_missing", false),
    ignoreEmpty: getBooleanInput(env, "ignore_empty", false),
    workingDirectory: wd === "" ? workspace : isAbsolute(wd) ? wd : resolve(workspace, wd),
    url: getInput(env, "url"),
    org: getInput(env, "org"),
    authToken: getInput(env, "auth_token"),
    finalize: getBooleanInput(env, "finalize", true),
    allowFailure: getBooleanInput(env, "allow_failure", false),
    ...gateInputs(env),
  };
}

function gateInputs(env: NodeJS.ProcessEnv): { gate?: GateInputs } {
  const g: GateInputs = {
    minCrashFreeSessions: getInput(env, "gate_min_crash_free_sessions"),
    minCrashFreeUsers: getInput(env, "gate_min_crash_free_users"),
    minSessions: getInput(env, "gate_min_sessions"),
    environment: getInput(env, "gate_environment"),
    period: getInput(env, "gate_period"),
    wait: getInput(env, "gate_wait"),
    interval: getInput(env, "gate_interval"),
  };
  return g.minCrashFreeSessions || g.minCrashFreeUsers || g.minSessions ? { gate: g } : {};
}
