import { Command } from "commander";
import { handler, type RunEnv } from "../runner.js";

/** What commander parses for `login` (the token and URL are the root's `--auth-token` and `--url`). */
export interface LoginFlags {
  global?: boolean;
}

export function command(env: RunEnv): Command {
  return new Command("login")
    .description("verify an auth token and store it in ~/.sentryclirc (or the project's .sentryclirc)")
    .option("-g, --global", "store the token in the global ~/.sentryclirc even when a project file exists")
    .action(
      handler<LoginFlags>(env, async (ctx, opts) => {
        const { runLogin } = await import("./login.js");
        await runLogin(
          {
            global: opts.global === true,
            token: opts.authToken,
            url: opts.url,
          },
          ctx,
        );
      }),
    );
}
