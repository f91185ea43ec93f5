import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { getBooleanInput, getListInput, INPUT_DEFAULTS, inputVar, readInputs } from "../../src/action/inputs.js";
import { cliEnvironment, runUrl } from "../../src/action/run.js";
import { annotation, outputRecord } from "../../src/action/workflow.js";
import { repoRoot } from "../support/action.js";

/** The `inputs:` of action.yml as name → default (a line-based read: the file is ours and regular). */
function actionYmlInputs(): Record<string, string> {
  const lines = readFileSync(join(repoRoot, "action.yml"), "utf8").split("\n");
  const out: Record<string, string> = {};
  let inInputs = false;
  let current: string | undefined;
  for (const line of lines) {
    if (/^\S/.test(line)) inInputs = line.startsWith("inputs:");
    if (!inInputs) continue;
    const name = /^ {2}([a-z_]+):\s*$/.exec(line);
    if (name) current = name[1]!;
    const def = /^ {4}default:\s*(.*)$/.exec(line);
    if (def && current) out[current] = def[1]!.replace(/^"(.*)"$/, "$1");
  }
  return out;
}

describe("action.yml", () => {
  it("declares exactly the inputs the action reads, with the same defaults", () => {
    expect(actionYmlInputs()).toEqual(INPUT_DEFAULTS);
  });

  it("runs the committed bundle on node20 and declares the version output", () => {
    const yml = readFileSync(join(repoRoot, "action.yml"), "utf8");
    expect(yml).toMatch(/^runs:\n {2}using: node20\n {2}main: action\/index\.mjs\n/m);
    expect(yml).toMatch(/^outputs:\n {2}version:\n/m);
  });
});

describe("inputs", () => {
  it("reads INPUT_ variables named the way the runner names them", () => {
    expect(inputVar("url_prefix")).toBe("INPUT_URL_PREFIX");
    expect(inputVar("working directory")).toBe("INPUT_WORKING_DIRECTORY");
  });

  it("splits lists on newlines, commas and spaces", () => {
    expect(getListInput({ INPUT_PROJECTS: " web,\napi  worker\n" }, "projects")).toEqual(["web", "api", "worker"]);
    expect(getListInput({}, "projects")).toEqual([]);
  });

  it("accepts the YAML spellings of booleans and refuses anything else", () => {
    expect(getBooleanInput({ INPUT_FINALIZE: "True" }, "finalize", false)).toBe(true);
    expect(getBooleanInput({ INPUT_FINALIZE: "FALSE" }, "finalize", true)).toBe(false);
    expect(getBooleanInput({}, "finalize", true)).toBe(true);
    expect(() => getBooleanInput({ INPUT_FINALIZE: "yes" }, "finalize", true)).toThrow(
      "input 'finalize' must be true or false, got 'yes'",
    );
  });

  it("resolves working_directory against the workspace and applies the defaults", () => {
    const i = readInputs({ GITHUB_WORKSPACE: "/ws", INPUT_WORKING_DIRECTORY: "app" }, "/elsewhere");
    expect(i.workingDirectory).toBe("/ws/app");
    expect(i.setCommits).toBe("auto");
    expect(i.finalize).toBe(true);
    expect(i.allowFailure).toBe(false);
    expect(readInputs({}, "/here").workingDirectory).toBe("/here");
    expect(readInputs({ INPUT_WORKING_DIRECTORY: "/abs" }, "/here").workingDirectory).toBe("/abs");
  });
});

describe("cliEnvironment", () => {
  it("puts url, org and token inputs in the environment and drops SENTRY_ALLOW_FAILURE", () => {
    const inputs = readInputs(
      { INPUT_URL: "https://sentry.example/", INPUT_ORG: "acme", INPUT_AUTH_TOKEN: "tok" },
      "/",
    );
    const env = cliEnvironment({ SENTRY_URL: "https://sentry.io/", SENTRY_ALLOW_FAILURE: "1", KEEP: "x" }, inputs);
    expect(env).toMatchObject({
      SENTRY_URL: "https://sentry.example/",
      SENTRY_ORG: "acme",
      SENTRY_AUTH_TOKEN: "tok",
      KEEP: "x",
    });
    expect(env.SENTRY_ALLOW_FAILURE).toBeUndefined();
  });

  it("links the deploy to the workflow run", () => {
    expect(runUrl({ GITHUB_SERVER_URL: "https://github.com/", GITHUB_REPOSITORY: "a/b", GITHUB_RUN_ID: "7" })).toBe(
      "https://github.com/a/b/actions/runs/7",
    );
    expect(runUrl({})).toBeUndefined();
  });
});

describe("workflow commands", () => {
  it("writes outputs in the heredoc-delimiter format", () => {
    expect(outputRecord("version", "1.0", "ghadelimiter_x")).toBe("version<<ghadelimiter_x\n1.0\nghadelimiter_x\n");
    expect(outputRecord("version", "1.0")).toMatch(/^version<<(ghadelimiter_[0-9a-f-]{36})\n1\.0\n\1\n$/);
  });

  it("refuses a value that contains the delimiter", () => {
    expect(() => outputRecord("v", "a\nghadelimiter_x\nb", "ghadelimiter_x")).toThrow("contains the delimiter");
  });

  it("escapes annotation messages and titles", () => {
    expect(annotation("error", "50% done\nnext", "a: b, c")).toBe("::error title=a%3A b%2C c::50%25 done%0Anext");
    expect(annotation("warning", "plain")).toBe("::warning::plain");
  });
});
