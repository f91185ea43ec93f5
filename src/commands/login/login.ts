/** `login`: prompt for (or take) a token, verify it with `GET /api/0/`, store it with mode 0600. */
import type { CommandContext } from "../../context.js";
import { UsageError } from "../../errors.js";

export interface LoginOptions {
  global: boolean;
  /** From `--auth-token`. */
  token?: string;
  /** From `--url`: stored next to the token. */
  url?: string;
}

interface AuthInfoResponse {
  user: { email?: string; username?: string } | null;
  auth: { scopes?: string[] } | null;
}

async function ask(ctx: CommandContext, question: string): Promise<string> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: ctx.io.stdin, output: ctx.io.stderr, terminal: false });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

export async function runLogin(opts: LoginOptions, ctx: CommandContext): Promise<void> {
  const interactive = ctx.io.stdin.isTTY === true && !ctx.out.json;
  let token = opts.token;
  const before = await ctx.config();
  const tokenUrl = `${before.url.value}/orgredirect/organizations/:orgslug/settings/auth-tokens/`;
  if (!token) {
    if (!interactive) {
      throw new UsageError("no terminal to prompt for a token: pass it with --auth-token (or run login in a terminal)");
    }
    ctx.out.info(`Create a token at ${tokenUrl}`);
    token = await ask(ctx, "Enter your token: ");
    if (!token) throw new UsageError("no token entered");
    ctx.out.redactor.add(token);
    // Verify the token that was typed, against the configured server.
    (ctx.flags as { authToken?: string }).authToken = token;
  }
  ctx.out.redactor.add(token);
  const cfg = await ctx.config();
  // The prompt path sets the flag after the first resolution; resolve once more for it.
  const api = await (async () => {
    if (cfg.authToken?.value === token) return ctx.api();
    const { createApiClient } = await import("../../api/client.js");
    return createApiClient({
      config: { ...cfg, authToken: { value: token!, source: { kind: "flag", label: "the prompt", group: "cli" } } },
      out: ctx.out,
      sleep: ctx.sleep,
    });
  })();
  const res = await api.get<AuthInfoResponse>("", { expectJson: true });
  const isOrgToken = token.startsWith("sntrys_");
  const who = isOrgToken
    ? "Valid org token"
    : `Valid token for user ${res.data?.user?.email ?? res.data?.user?.username ?? "(unknown)"}`;

  const target = opts.global ? cfg.loginTarget.global : (cfg.loginTarget.project ?? cfg.loginTarget.global);
  const { readFileSync, existsSync } = await import("node:fs");
  const { readIniValue, storeToken } = await import("../../config/write-token.js");
  const existing = existsSync(target) ? readIniValue(readFileSync(target, "utf8"), "auth", "token") : undefined;
  if (existing && existing !== token && interactive) {
    const answer = await ask(ctx, `${target} already holds a token. Overwrite it? [y/N] `);
    if (!/^y(es)?$/i.test(answer)) {
      ctx.out.print("Kept the existing token.");
      ctx.out.result({ stored: false, file: target });
      return;
    }
  }
  // A URL given by flag or environment is stored beside the token, so the next command finds the
  // token with its server whether or not that URL is given again.
  const urlGiven = ["flag", "env", "dotenv"].includes(cfg.url.source.kind);
  const { isTrackedByGit } = await import("../../vcs/git.js");
  if (await isTrackedByGit(target, ctx.env)) {
    ctx.out.warn(
      `${target} is tracked by git: the token written there would be committed with it. Use \`login --global\` (~/.sentryclirc) or SENTRY_AUTH_TOKEN, and remove the token from the file.`,
    );
  }
  storeToken(target, token, urlGiven ? `${cfg.url.value}/` : undefined);
  ctx.out.print(who);
  ctx.out.print(`Stored token in ${target}`);
  ctx.out.result({
    stored: true,
    file: target,
    user: res.data?.user?.email ?? null,
    orgToken: isOrgToken,
    scopes: res.data?.auth?.scopes ?? [],
  });
}
