/**
 * Commands with a `--url` of their own (a release's or a deploy's URL), beside the root's `--url`
 * (the Sentry server): the handler that tells the two apart from the raw arguments (the option is
 * request.ts `optionAs`, stored under the request's key).
 */
import type { CommandContext } from "../context.js";
import { type CommandOptions, commandArguments, commandOptions, type RunEnv } from "./runner.js";

/**
 * Like runner.ts `handler`, for commands with their own `--url` (the release's or deploy's URL).
 * commander also recognises the root's `--url` (the Sentry server) after the subcommand, so the
 * raw arguments decide: a `--url` before the group name is the server, one after it belongs to the
 * command — the grammar sentry-cli has.
 */
export function urlAwareHandler<F extends object, A extends unknown[] = []>(
  env: RunEnv,
  attribute: keyof F & string,
  fn: (ctx: CommandContext, opts: CommandOptions<F>, ...args: A) => Promise<void>,
): (...params: unknown[]) => Promise<void> {
  return async (...params: unknown[]) => {
    const { cmd, args } = commandArguments<A>(params);
    const opts = commandOptions<F>(cmd);
    let root = cmd;
    while (root.parent) root = root.parent;
    const raw = ((root as unknown as { rawArgs?: string[] }).rawArgs ?? []).slice();
    const groupName = cmd.parent?.name();
    const groupAt = groupName ? raw.indexOf(groupName) : -1;
    let serverUrl: string | undefined;
    let ownUrl: string | undefined;
    for (let i = 0; i < raw.length; i++) {
      const a = raw[i]!;
      if (a === "--") break;
      let value: string | undefined;
      if (a === "--url") value = raw[i + 1];
      else if (a.startsWith("--url=")) value = a.slice(6);
      else continue;
      if (groupAt >= 0 && i > groupAt) ownUrl = value;
      else serverUrl = value;
      if (a === "--url") i++;
    }
    if (groupAt >= 0) {
      opts.url = serverUrl;
      if (ownUrl !== undefined) Object.assign(opts, { [attribute]: ownUrl });
    }
    const { createContext } = await import("../context.js");
    const ctx = createContext(env.io, opts, env.overrides);
    env.ctx = ctx;
    await fn(ctx, opts, ...args);
  };
}
