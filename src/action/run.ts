/**
 * The GitHub Action's logic: create the release, set its commits, inject and upload source maps,
 * record a deploy, finalize. Every step runs the CLI in-process through `main(argv)` — the action
 * does exactly what the same command line does — and reads the step's `--json` document for the
 * step summary.
 *
 * Failure policy: when the release cannot be created nothing else runs; any other failing step
 * does not stop the steps after it, except that a release is never finalized after a failure.
 * Each failure is an `::error::` annotation (a `::warning::` with allow_failure, and the action
 * then succeeds). The run always ends with one line saying what succeeded and what did not.
 */
import { existsSync, statSync } from "node:fs";
import type { ContextOverrides } from "../context.js";
import { type ActionInputs, InputValueError, readInputs } from "./inputs.js";
import { type CliRun, type MainFn, runCliStep, type StepIO } from "./step.js";
import {
  closingLine,
  describeCommits,
  describeDeploy,
  describeFinalize,
  describeGate,
  describeRelease,
  describeSourcemaps,
  renderSummary,
  STEP_TITLES,
  type StepName,
  type StepRecord,
} from "./summary.js";
import { annotation, appendSummary, setOutput } from "./workflow.js";

/** Whether the inputs ask for a gate, without failing on other inputs (readInputs reports those). */
function readGateQuietly(env: NodeJS.ProcessEnv, cwd: string): unknown {
  try {
    return readInputs(env, cwd).gate;
  } catch {
    return undefined;
  }
}

export type ActionIO = StepIO;

export interface ActionOptions {
  /** Passed to every CLI run (tests pass an instant sleep). */
  overrides?: ContextOverrides;
  /** The CLI entry; defaults to src/cli.ts `main`. */
  main?: MainFn;
}

export interface ActionResult {
  exitCode: number;
  version?: string;
  steps: StepRecord[];
  closingLine: string;
  /** Every CLI run, in order (argv, exit code, JSON document). */
  runs: CliRun[];
}

const ANNOTATION_TITLE = "Sentry release";

function truthy(v: string | undefined): boolean {
  return v !== undefined && ["1", "true", "yes", "on"].includes(v.trim().toLowerCase());
}

/** The environment every CLI step sees: the action's, with url/org/token inputs applied. */
export function cliEnvironment(env: NodeJS.ProcessEnv, inputs: ActionInputs): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  // The action applies its own failure policy; the CLI must report every failure.
  delete out.SENTRY_ALLOW_FAILURE;
  // URL and token from the same source (sentry-cli 3.8's rule): both go in as environment.
  if (inputs.url) out.SENTRY_URL = inputs.url;
  if (inputs.org) out.SENTRY_ORG = inputs.org;
  if (inputs.authToken) out.SENTRY_AUTH_TOKEN = inputs.authToken;
  return out;
}

/** The link to this workflow run, used as the deploy's URL. */
export function runUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  return server && repo && id ? `${server.replace(/\/+$/, "")}/${repo}/actions/runs/${id}` : undefined;
}

function projectFlags(projects: string[]): string[] {
  return projects.flatMap((p) => ["-p", p]);
}

async function isShallowClone(cwd: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    const { GitRepo } = await import("../vcs/git.js");
    return await (await GitRepo.open(cwd, env)).isShallow();
  } catch {
    return false;
  }
}

export async function runAction(io: ActionIO, opts: ActionOptions = {}): Promise<ActionResult> {
  const main: MainFn = opts.main ?? (await import("../cli.js")).main;
  const overrides = opts.overrides ?? {};
  const log = (line: string) => io.stdout.write(line + "\n");
  const runs: CliRun[] = [];

  // The health gate is a step only when asked for (it has its own inputs).
  const gateRequested = Boolean(readGateQuietly(io.env, io.cwd));
  const steps: StepRecord[] = (Object.keys(STEP_TITLES) as StepName[])
    .filter((name) => name !== "gate" || gateRequested)
    .map((name) => ({
      name,
      title: STEP_TITLES[name],
      status: "off",
      detail: "not requested",
    }));
  const step = (name: StepName) => steps.find((s) => s.name === name)!;

  /** Writing a workflow file must not fail the release: a problem there is a warning. */
  const tryWrite = (what: string, write: () => unknown) => {
    try {
      write();
    } catch (e) {
      log(
        annotation(
          "warning",
          `could not write ${what}: ${e instanceof Error ? e.message : String(e)}`,
          ANNOTATION_TITLE,
        ),
      );
    }
  };

  const finish = (
    exitCode: number,
    version: string | undefined,
    allowFailure: boolean,
    failedEarly?: string,
    notes: string[] = [],
  ): ActionResult => {
    const line = closingLine(version, steps, allowFailure, failedEarly);
    tryWrite("the step summary (GITHUB_STEP_SUMMARY)", () =>
      appendSummary(io.env, renderSummary({ version, steps, closingLine: line, allowFailure, notes })),
    );
    log(line);
    return { exitCode, version, steps, closingLine: line, runs };
  };

  // Inputs. A bad input value is a mistake in the workflow: it fails even with allow_failure.
  let inputs: ActionInputs;
  try {
    inputs = readInputs(io.env, io.cwd);
  } catch (e) {
    if (!(e instanceof InputValueError)) throw e;
    log(annotation("error", e.message, ANNOTATION_TITLE));
    return finish(1, undefined, false, e.message);
  }
  const allowFailure = inputs.allowFailure || truthy(io.env.SENTRY_ALLOW_FAILURE);
  const fail = (message: string) => log(annotation(allowFailure ? "warning" : "error", message, ANNOTATION_TITLE));

  const wd = inputs.workingDirectory;
  if (!existsSync(wd) || !statSync(wd).isDirectory()) {
    const msg = `working_directory ${wd} does not exist`;
    log(annotation("error", msg, ANNOTATION_TITLE));
    return finish(1, undefined, false, msg);
  }
  const stepIO: StepIO = { ...io, env: cliEnvironment(io.env, inputs), cwd: wd };

  const cli = async (title: string, argv: string[], json = true): Promise<CliRun> => {
    log(`::group::${title}`);
    log(`$ sentry-ship ${argv.join(" ")}`);
    const r = await runCliStep(main, argv, stepIO, overrides, { json });
    runs.push(r);
    log("::endgroup::");
    return r;
  };

  // The version: given, or proposed from the commit (the CLI's propose-version).
  let version: string;
  if (inputs.version) {
    version = inputs.versionPrefix + inputs.version;
  } else {
    const argv = ["releases", "propose-version"];
    if (inputs.versionPrefix) argv.push("--prefix", inputs.versionPrefix);
    const r = await cli("Propose the release version", argv, false);
    const proposed = r.stdout.trim().split("\n").pop()?.trim() ?? "";
    if (r.exitCode !== 0 || proposed === "") {
      const msg = `could not determine the release version (${r.error ?? "propose-version printed nothing"}); set the version input`;
      fail(msg);
      return finish(allowFailure ? 0 : 1, undefined, allowFailure, msg);
    }
    version = proposed;
  }
  tryWrite("the version output (GITHUB_OUTPUT)", () => setOutput(io.env, "version", version));

  const projects = projectFlags(inputs.projects);
  const notes: string[] = [];
  let anyFailed = false;
  const failed = (name: StepName, message: string) => {
    anyFailed = true;
    const s = step(name);
    s.status = "failed";
    s.detail = message;
    fail(`${s.title} failed: ${message}`);
  };

  // 1. Release.
  step("release").status = "not-run";
  const rel = await cli(`Create release ${version}`, ["releases", "new", version, ...projects]);
  if (rel.exitCode !== 0) {
    failed("release", rel.error!);
  } else {
    step("release").status = "ok";
    step("release").detail = describeRelease(rel.doc, stepIO.env.SENTRY_ORG, inputs.projects);
  }
  const releaseOk = rel.exitCode === 0;
  const notRun = (name: StepName, why: string) => {
    step(name).status = "not-run";
    step(name).detail = why;
  };

  // 2. Commits.
  if (inputs.setCommits !== "skip") {
    if (!releaseOk) notRun("commits", "not run: the release was not created");
    else {
      const shallow = await isShallowClone(wd, stepIO.env);
      const argv = ["releases", "set-commits", version, `--${inputs.setCommits}`, ...projects];
      if (inputs.ignoreMissing) argv.push("--ignore-missing");
      if (inputs.ignoreEmpty) argv.push("--ignore-empty");
      for (const p of inputs.setCommitsPaths) argv.push("--path", p);
      const r = await cli(`Set commits (${inputs.setCommits})`, argv);
      if (r.exitCode !== 0) {
        failed("commits", r.error!);
        if (shallow) {
          notes.push(
            "The checkout is a shallow clone. If the previous release's commit is not on this branch, set `ignore_missing: true`; to give set-commits the whole history, use `fetch-depth: 0` in actions/checkout.",
          );
        }
      } else {
        step("commits").status = "ok";
        step("commits").detail = describeCommits(r.doc, inputs.setCommits, shallow);
      }
    }
  }

  // 3. Source maps: inject debug ids, then upload.
  if (inputs.sourcemaps.length > 0) {
    if (!releaseOk) notRun("sourcemaps", "not run: the release was not created");
    else {
      const inj = await cli("Inject debug ids", ["sourcemaps", "inject", ...inputs.sourcemaps]);
      if (inj.exitCode !== 0) failed("sourcemaps", `inject: ${inj.error}`);
      else {
        const argv = ["sourcemaps", "upload", ...projects, "--release", version];
        if (inputs.dist) argv.push("--dist", inputs.dist);
        if (inputs.urlPrefix) argv.push("--url-prefix", inputs.urlPrefix);
        if (inputs.stripPrefix) argv.push("--strip-prefix", inputs.stripPrefix);
        argv.push(...inputs.sourcemaps);
        const up = await cli("Upload source maps", argv);
        if (up.exitCode !== 0) failed("sourcemaps", `upload: ${up.error}`);
        else {
          step("sourcemaps").status = "ok";
          step("sourcemaps").detail = describeSourcemaps(inj.doc, up.doc);
        }
      }
    }
  }

  // 4. Deploy.
  if (inputs.environment) {
    if (!releaseOk) notRun("deploy", "not run: the release was not created");
    else {
      const argv = ["deploys", "new", ...projects, "--release", version, "-e", inputs.environment];
      const url = runUrl(io.env);
      if (url) argv.push("--url", url);
      const r = await cli(`Deploy to ${inputs.environment}`, argv);
      if (r.exitCode !== 0) failed("deploy", r.error!);
      else {
        step("deploy").status = "ok";
        step("deploy").detail = describeDeploy(r.doc, inputs.environment);
      }
    }
  }

  // 5. Health gate — strict: fail and not-enough-data fail the action even with allow_failure.
  let gateFailed = false;
  if (inputs.gate) {
    const g = inputs.gate;
    if (!releaseOk) notRun("gate", "not run: the release was not created");
    else {
      const argv = ["releases", "gate", version, ...projects];
      if (g.minCrashFreeSessions) argv.push("--min-crash-free-sessions", g.minCrashFreeSessions);
      if (g.minCrashFreeUsers) argv.push("--min-crash-free-users", g.minCrashFreeUsers);
      if (g.minSessions) argv.push("--min-sessions", g.minSessions);
      const env = g.environment || inputs.environment;
      if (env) argv.push("-e", env);
      if (g.period) argv.push("--period", g.period);
      if (g.wait) argv.push("--wait", g.wait);
      if (g.interval) argv.push("--interval", g.interval);
      const r = await cli(`Health gate for ${version}`, argv);
      const { verdict, line } = describeGate(r.doc);
      tryWrite("the gate output (GITHUB_OUTPUT)", () =>
        setOutput(io.env, "gate", r.exitCode === 0 ? "pass" : verdict === "unknown" ? "error" : verdict),
      );
      if (r.exitCode === 0) {
        step("gate").status = "ok";
        step("gate").detail = line;
      } else {
        gateFailed = true;
        anyFailed = true;
        step("gate").status = "failed";
        step("gate").detail = verdict === "unknown" ? (r.error ?? "the gate could not run") : line;
        log(annotation("error", `Health gate ${step("gate").detail}`, ANNOTATION_TITLE));
      }
    }
  }

  // 6. Finalize — never after a failure: a finalized release claims to be complete.
  if (inputs.finalize) {
    if (!releaseOk) notRun("finalize", "not run: the release was not created");
    else if (anyFailed) notRun("finalize", "not run: an earlier step failed, so the release is left open");
    else {
      const r = await cli(`Finalize release ${version}`, ["releases", "finalize", version, ...projects]);
      if (r.exitCode !== 0) failed("finalize", r.error!);
      else {
        step("finalize").status = "ok";
        step("finalize").detail = describeFinalize(r.doc);
      }
    }
  }

  return finish((anyFailed && !allowFailure) || gateFailed ? 1 : 0, version, allowFailure, undefined, notes);
}
