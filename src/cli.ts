/**
 * The command-line entry point: builds the commander program and maps every outcome to an exit
 * code. This is the only module that decides the exit code; commands throw ShipErrors.
 */
import type { Command as CommandType } from "commander";
import type { RunEnv } from "./commands/runner.js";
import type { ContextOverrides, IO } from "./context.js";
import { VERSION } from "./version.js";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const ALLOW_FAILURE_NOTE =
  'Command failed, however, "SENTRY_ALLOW_FAILURE" variable or "allow-failure" flag was set. Exiting with 0 exit code.';

type GroupModule = { command(env: RunEnv): CommandType };

const GROUPS: Record<string, () => Promise<GroupModule>> = {
  info: () => import("./commands/info/index.js"),
  login: () => import("./commands/login/index.js"),
  serve: () => import("./commands/serve/index.js"),
  releases: () => import("./commands/releases/index.js"),
  deploys: () => import("./commands/deploys/index.js"),
  sourcemaps: () => import("./commands/sourcemaps/index.js"),
  "send-event": () => import("./commands/send-event/index.js"),
  "send-envelope": () => import("./commands/send-envelope/index.js"),
  monitors: () => import("./commands/monitors/index.js"),
};

/** The root program and its options (the ones every command inherits), without any group. */
export async function rootProgram(): Promise<CommandType> {
  const { Command, Option } = await import("commander");
  const { collect } = await import("./commands/runner.js");
  return new Command("sentry-ship")
    .description("Ship releases, commits, deploys, sourcemaps and events to Sentry.")
    .version(VERSION, "-V, --version", "print the version")
    .option("--url <url>", "the Sentry server URL (default https://sentry.io/)")
    .option("--auth-token <token>", "the auth token to use")
    .option("--header <header>", "a custom header 'KEY: VALUE' sent with every API request (repeatable)", collect)
    .addOption(new Option("--log-level <level>", "log level").choices(["trace", "debug", "info", "warn", "error"]))
    .option("--quiet", "print only errors")
    .addOption(new Option("--silent", "alias of --quiet").hideHelp())
    .option("--json", "print one JSON document on stdout (also on error)")
    .option("--ca-file <path>", "extra CA certificates (PEM) to trust")
    .addOption(new Option("--allow-failure", "exit 0 even when the command fails").hideHelp())
    .showSuggestionAfterError(true)
    .exitOverride();
}

/** The first word of argv that is not one of `root`'s options or its value. */
export function firstCommand(argv: string[], root: CommandType): string | undefined {
  const takesValue = (flag: string) =>
    root.options.some((o) => (o.long === flag || o.short === flag) && (o.required || o.optional));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === undefined) break;
    if (a === "--") return argv[i + 1];
    if (a.startsWith("-")) {
      if (takesValue(a)) i++;
      continue;
    }
    return a;
  }
  return undefined;
}

export async function buildProgram(io: IO, overrides: ContextOverrides = {}, argv: string[] = []) {
  const env: RunEnv = { io, overrides };
  const program = await rootProgram();

  // Only the group being run is loaded, so a command starts without parsing the others' modules;
  // help, an unknown command or no command loads them all.
  const wanted = firstCommand(argv, program);
  const names = wanted !== undefined && wanted in GROUPS ? [wanted] : Object.keys(GROUPS);
  const groups = await Promise.all(names.map((n) => GROUPS[n]!()));
  for (const g of groups) program.addCommand(g.command(env));

  // Every subcommand inherits exitOverride and the output configuration.
  const configure = (cmd: CommandType) => {
    cmd.exitOverride();
    for (const c of cmd.commands) configure(c);
  };
  configure(program);
  return { program, env };
}

function isTruthyEnv(v: string | undefined): boolean {
  return v !== undefined && ["1", "true", "yes", "on"].includes(v.trim().toLowerCase());
}

/** Run the CLI with `argv` (without node and script). Returns the exit code; never throws. */
export async function main(argv: string[], io?: IO, overrides: ContextOverrides = {}): Promise<number> {
  // Fast path: `--version` starts without loading commander or any command module.
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
    (io?.stdout ?? process.stdout).write(`sentry-ship ${VERSION}\n`);
    return EXIT_OK;
  }
  const { legacyVersionAsRelease } = await import("./commands/legacy-flags.js");
  argv = legacyVersionAsRelease(argv);
  const { processIO } = await import("./context.js");
  const theIO = io ?? processIO();
  const { loadDotenv } = await import("./config/dotenv.js");
  try {
    theIO.env = loadDotenv(theIO.env, theIO.cwd);
  } catch (e) {
    theIO.stderr.write(`error: ${(e as Error).message}\n`);
    return EXIT_FAILURE;
  }
  const { CommanderError } = await import("commander");
  const errors = await import("./errors.js");
  const { Output } = await import("./output/output.js");
  const { Redactor } = await import("./output/redact.js");

  const { program, env } = await buildProgram(theIO, overrides, argv);
  let commanderMessage = "";
  program.configureOutput({
    writeOut: (s) => theIO.stdout.write(s),
    writeErr: (s) => theIO.stderr.write(s),
    outputError: (s) => {
      commanderMessage = s.trim().replace(/^error:\s*/, "");
    },
  });
  const visit = (c: CommandType) => {
    c.configureOutput(program.configureOutput());
    c.commands.forEach(visit);
  };
  visit(program);

  const wantsJson = argv.includes("--json");
  const fallbackOut = () =>
    new Output({
      stdout: theIO.stdout,
      stderr: theIO.stderr,
      env: theIO.env,
      json: wantsJson,
      redactor: new Redactor(),
    });

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    await program.parseAsync(argv, { from: "user" });
    const out = env.ctx?.out;
    if (out?.json) {
      out.writeJson(out.takeJsonDocument() ?? { ok: true });
    }
    return env.ctx?.exitCode ?? EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.help" && err.exitCode !== 0) {
        // A group without its subcommand (`sentry-ship releases`): commander printed the group's
        // help on stderr; like sentry-cli, that is a usage error, so a script's typo fails.
        if (wantsJson) report(env.ctx?.out ?? fallbackOut(), new errors.UsageError("a subcommand is required"), true);
        return EXIT_USAGE;
      }
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") {
        return EXIT_OK;
      }
      if (err.code === "commander.executeSubCommandAsync") return err.exitCode;
      const out = env.ctx?.out ?? fallbackOut();
      const usage = new errors.UsageError(commanderMessage || err.message.replace(/^error:\s*/, ""));
      report(out, usage, wantsJson);
      return EXIT_USAGE;
    }
    const out = env.ctx?.out ?? fallbackOut();
    // One classifier: file-system failures are input errors naming the file, never bugs.
    const shipErr = errors.classifyError(err);
    if (out.isDebug() && err instanceof Error && err.stack) out.debug(err.stack);
    report(out, shipErr, out.json || wantsJson);
    const allow =
      shipErr.kind !== "usage" &&
      shipErr.kind !== "interrupted" &&
      (env.ctx?.flags.allowFailure === true ||
        argv.includes("--allow-failure") ||
        isTruthyEnv(theIO.env.SENTRY_ALLOW_FAILURE));
    if (allow) {
      if (!(out.json || wantsJson)) theIO.stderr.write(`\n${ALLOW_FAILURE_NOTE}\n`);
      return EXIT_OK;
    }
    return shipErr.exitCode;
  } finally {
    await env.ctx?.dispose();
  }
}

function report(out: import("./output/output.js").Output, err: import("./errors.js").ShipError, json: boolean): void {
  out.error(err.message, err.hint);
  if (json) {
    const doc = out.takeJsonDocument();
    const base = doc && typeof doc === "object" && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {};
    out.writeJson({ ...base, ok: false, error: err.toJSON() });
  }
}
