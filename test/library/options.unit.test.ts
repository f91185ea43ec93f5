/**
 * Every flag of the commands the Node API exposes has an API option of the same name, and every
 * API option a flag: the commander definitions against the request keys each command's run
 * function takes (the compiler holds those lists to the request types the API's option types
 * extend).
 */
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli.js";
import { DEPLOYS_LIST_KEYS } from "../../src/commands/deploys/list.js";
import { DEPLOYS_NEW_KEYS } from "../../src/commands/deploys/new.js";
import { RELEASES_FINALIZE_KEYS } from "../../src/commands/releases/finalize.js";
import { RELEASES_NEW_KEYS } from "../../src/commands/releases/new.js";
import { PROPOSE_VERSION_KEYS } from "../../src/commands/releases/propose-version.js";
import { SET_COMMITS_KEYS } from "../../src/commands/releases/set-commits.js";
import { SEND_EVENT_KEYS } from "../../src/commands/send-event/send-event.js";
import { CHECK_KEYS } from "../../src/commands/sourcemaps/check.js";
import { INJECT_KEYS } from "../../src/commands/sourcemaps/inject.js";
import { SOURCEMAPS_UPLOAD_KEYS } from "../../src/commands/sourcemaps/upload.js";
import { processIO } from "../../src/context.js";
import { SENTRY_OPTION_KEYS } from "../../src/library/session.js";

/** Each API function's command, its request keys, and the request key of each positional argument. */
const COMMANDS: Array<{ api: string; path: string[]; keys: string[]; args: string[] }> = [
  { api: "injectSourcemaps", path: ["sourcemaps", "inject"], keys: INJECT_KEYS, args: ["paths"] },
  { api: "uploadSourcemaps", path: ["sourcemaps", "upload"], keys: SOURCEMAPS_UPLOAD_KEYS, args: ["paths"] },
  { api: "checkSourcemaps", path: ["sourcemaps", "check"], keys: CHECK_KEYS, args: ["paths"] },
  { api: "newRelease", path: ["releases", "new"], keys: RELEASES_NEW_KEYS, args: ["version"] },
  { api: "finalizeRelease", path: ["releases", "finalize"], keys: RELEASES_FINALIZE_KEYS, args: ["version"] },
  { api: "setCommits", path: ["releases", "set-commits"], keys: SET_COMMITS_KEYS, args: ["version"] },
  { api: "proposeVersion", path: ["releases", "propose-version"], keys: PROPOSE_VERSION_KEYS, args: [] },
  { api: "newDeploy", path: ["deploys", "new"], keys: DEPLOYS_NEW_KEYS, args: [] },
  { api: "listDeploys", path: ["deploys", "list"], keys: DEPLOYS_LIST_KEYS, args: [] },
  { api: "sendEvent", path: ["send-event"], keys: SEND_EVENT_KEYS, args: ["paths"] },
];

/**
 * Flags the CLI has and the API need not: the ones that change nothing in sentry-ship, kept for
 * sentry-cli's command lines. Each is either described as "no effect" or listed here with why.
 */
const CLI_ONLY: Record<string, Record<string, string>> = {
  "sourcemaps inject": { release: "hidden, as in sentry-cli: inject reads no release" },
};

function leaf(program: Command, path: string[]): Command {
  let cmd = program;
  for (const name of path) {
    const next = cmd.commands.find((c) => c.name() === name);
    if (!next) throw new Error(`no command ${path.join(" ")}`);
    cmd = next;
  }
  return cmd;
}

/** The request key of each flag of `cmd` (commander's attribute name), without the CLI-only ones. */
function flagKeys(cmd: Command, path: string): string[] {
  const only = CLI_ONLY[path] ?? {};
  return cmd.options
    .filter((o) => !(o.description ?? "").startsWith("no effect") && !Object.hasOwn(only, o.attributeName()))
    .map((o) => o.attributeName());
}

const sorted = (keys: Iterable<string>) => [...new Set(keys)].sort();

describe("the Node API's options and the CLI's flags", async () => {
  const { program } = await buildProgram(processIO());

  for (const c of COMMANDS) {
    const path = c.path.join(" ");
    it(`${c.api} takes an option for every flag of ${path}, and has no option without a flag`, () => {
      const cmd = leaf(program, c.path);
      expect(cmd.registeredArguments).toHaveLength(c.args.length);
      // org and project are flags of the command and options every API call takes (SentryOptions).
      const fromCli = [...flagKeys(cmd, path), ...c.args].filter((k) => !SENTRY_OPTION_KEYS.includes(k as never));
      expect(sorted(fromCli)).toEqual(sorted(c.keys));
    });
  }

  it("no command's option shadows an option every call takes", () => {
    for (const c of COMMANDS) expect(c.keys.filter((k) => SENTRY_OPTION_KEYS.includes(k as never))).toEqual([]);
  });

  it("counts as CLI-only only flags that exist", () => {
    for (const [path, flags] of Object.entries(CLI_ONLY)) {
      const cmd = leaf(program, path.split(" "));
      for (const attr of Object.keys(flags)) expect(cmd.options.map((o) => o.attributeName())).toContain(attr);
    }
  });
});
