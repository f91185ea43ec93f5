/**
 * Glue between commander and the typed command functions: builds the CommandContext from the
 * parsed options (with the group's and the root's) and hands it to the command.
 */
import type { Command } from "commander";
import { Option } from "commander";
import { type CommandContext, type ContextOverrides, createContext, type IO } from "../context.js";
import { UsageError } from "../errors.js";

export interface RunEnv {
  io: IO;
  overrides: ContextOverrides;
  /** The context of the command that ran (set by the action), for error reporting. */
  ctx?: CommandContext;
}

// biome-ignore lint/suspicious/noExplicitAny: commander hands options over untyped
export type Opts = Record<string, any>;

export function handler<A extends string[]>(
  env: RunEnv,
  fn: (ctx: CommandContext, opts: Opts, ...args: A) => Promise<void>,
): (...params: unknown[]) => Promise<void> {
  return async (...params: unknown[]) => {
    const cmd = params[params.length - 1] as Command;
    const args = params.slice(0, cmd.registeredArguments.length) as A;
    const opts = cmd.optsWithGlobals() as Opts;
    const ctx = createContext(env.io, opts, env.overrides);
    env.ctx = ctx;
    await fn(ctx, opts, ...args);
  };
}

/** Repeatable option collector: `--header a --header b` → ["a", "b"]. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--org/-o`, `--project/-p` (repeatable) and `--release/-r` as sentry-cli has them on groups and commands. */
export function orgOption(): Option {
  return new Option("-o, --org <org>", "the organization ID or slug");
}
export function projectOption(): Option {
  return new Option("-p, --project <project>", "the project ID or slug (repeatable)").argParser(collect);
}
export function releaseOption(): Option {
  return new Option("-r, --release <release>", "the release version");
}

/** Parse an integer flag value or fail with a usage error naming the flag. */
export function intArg(name: string) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim()))
      throw new UsageError(`invalid value '${value}' for ${name}: expected an integer`);
    return Number.parseInt(value, 10);
  };
}
