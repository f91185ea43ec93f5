/**
 * Glue between commander and the typed command functions: builds the CommandContext from the
 * parsed options (with the group's and the root's) and hands it to the command.
 */
import type { Command } from "commander";
import { Option } from "commander";
import { type CommandContext, type ContextOverrides, createContext, type GlobalOptions, type IO } from "../context.js";
import { UsageError } from "../errors.js";

export interface RunEnv {
  io: IO;
  overrides: ContextOverrides;
  /** The context of the command that ran (set by the action), for error reporting. */
  ctx?: CommandContext;
}

/**
 * What commander parsed for a command: the root's and the group's options (GlobalOptions) and the
 * command's own, `F`, which each command declares beside its flags. commander types neither, so
 * commandOptions and commandArguments are the one place where they are taken to be what the
 * command declared.
 */
export type CommandOptions<F extends object> = GlobalOptions & F;

/** The options of the command commander is running (with the group's and the root's). */
export function commandOptions<F extends object>(cmd: Command): CommandOptions<F> {
  return { ...cmd.optsWithGlobals() } as CommandOptions<F>;
}

/**
 * The action's parameters: the declared arguments in order (a variadic one as one array), then
 * the options object and the Command.
 */
export function commandArguments<A extends unknown[]>(params: unknown[]): { cmd: Command; args: A } {
  const cmd = params[params.length - 1] as Command;
  return { cmd, args: params.slice(0, cmd.registeredArguments.length) as A };
}

/**
 * The action of a command: builds the CommandContext and calls `fn` with the typed options and
 * arguments, e.g. `handler<InfoFlags, [version: string]>(env, async (ctx, opts, version) => …)`.
 */
export function handler<F extends object = object, A extends unknown[] = []>(
  env: RunEnv,
  fn: (ctx: CommandContext, opts: CommandOptions<F>, ...args: A) => Promise<void>,
): (...params: unknown[]) => Promise<void> {
  return async (...params: unknown[]) => {
    const { cmd, args } = commandArguments<A>(params);
    const opts = commandOptions<F>(cmd);
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
    const n = Number.parseInt(value, 10);
    if (!Number.isSafeInteger(n)) throw new UsageError(`invalid value '${value}' for ${name}: the number is too large`);
    return n;
  };
}
