import { Command } from "commander";
import { handler, type RunEnv } from "../runner.js";

export function command(env: RunEnv): Command {
  return new Command("login")
    .description("verify an auth token and store it in ~/.sentryclirc (or the project's .sentryclirc)")
    .option("-g, --global", "store the token in the global ~/.sentryclirc even when a project file exists")
    .action(
      handler(env, async (ctx, opts) => {
        const { runLogin } = await import("./login.js");
        await runLogin(
          {
            global: opts.global === true,
            token: opts.authToken as string | undefined,
            url: opts.url as string | undefined,
          },
          ctx,
        );
      }),
    );
}
