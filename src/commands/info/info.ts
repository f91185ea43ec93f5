/** `info`: the effective configuration with provenance, and a check of the auth token. */

import type { ResolvedConfig, Setting } from "../../config/types.js";
import type { CommandContext } from "../../context.js";
import { unmetScopeNeeds } from "../../domain/scopes.js";
import { ConfigError, isShipError } from "../../errors.js";
import { type InfoReport, renderInfo } from "./render.js";

export interface InfoOptions {
  configStatusJson: boolean;
  defaults: boolean;
}

interface AuthInfoResponse {
  user: { email?: string; username?: string; name?: string; id?: string } | null;
  auth: { scopes?: string[] } | null;
}

function describe<T>(s: Setting<T> | undefined): { value: T | null; source: string | null } {
  return s ? { value: s.value, source: s.source.label } : { value: null, source: null };
}

export async function runInfo(opts: InfoOptions, ctx: CommandContext): Promise<void> {
  let cfg: ResolvedConfig | undefined;
  let failure: unknown;
  try {
    cfg = await ctx.config();
  } catch (e) {
    if (!opts.configStatusJson) throw e;
    failure = e;
  }

  const report: InfoReport = {
    url: describe(cfg?.url),
    org: describe(cfg?.org),
    project: describe(
      cfg?.projects ? { value: cfg.projects.value.join(", "), source: cfg.projects.source } : undefined,
    ),
    token: cfg?.authToken
      ? { source: cfg.authToken.source.label, kind: cfg.authToken.value.startsWith("sntrys_") ? "org" : "user" }
      : null,
    auth: null,
    showDefaults: opts.defaults,
    haveDsn: (cfg?.dsn?.value.length ?? 0) > 0,
  };

  if (cfg?.authToken) {
    try {
      const api = await ctx.api();
      const res = await api.get<AuthInfoResponse>("", { expectJson: true });
      const data = res.data ?? { user: null, auth: null };
      const scopes = data.auth?.scopes ?? [];
      report.auth = {
        successful: true,
        user: data.user?.email ?? data.user?.username ?? null,
        scopes,
        cannotRun: unmetScopeNeeds(scopes).map((n) => ({ commands: n.commands, needsOneOf: [...n.anyOf] })),
      };
    } catch (e) {
      report.auth = { successful: false, user: null, scopes: [], cannotRun: [] };
      failure = e;
    }
  } else if (cfg) {
    failure = new ConfigError(
      "an auth token is required: pass --auth-token, set SENTRY_AUTH_TOKEN, or run `sentry-ship login`",
    );
  }

  if (opts.configStatusJson) {
    // sentry-cli's document, byte-compatible keys; always exit 0.
    const doc = {
      config: {
        org: cfg?.org?.value ?? null,
        project: cfg?.projects?.value[0] ?? null,
        url: cfg?.url.value ?? null,
      },
      auth: { type: cfg?.authToken ? "token" : null, successful: report.auth?.successful ?? false },
      have_dsn: report.haveDsn,
    };
    ctx.io.stdout.write(JSON.stringify(doc) + "\n");
    if (failure && isShipError(failure)) ctx.out.debug(failure.message);
    return;
  }

  ctx.out.result({
    url: report.url,
    org: report.org,
    project: report.project,
    auth: {
      method: report.token ? "token" : null,
      tokenSource: report.token?.source ?? null,
      ...(report.auth ?? { successful: false }),
    },
    haveDsn: report.haveDsn,
  });
  for (const n of report.auth?.cannotRun ?? []) {
    ctx.out.warn(`the token cannot run ${n.commands}: that needs one of the scopes ${n.needsOneOf.join(", ")}`);
  }
  ctx.out.print(renderInfo(report, ctx.out.style));
  if (failure) throw failure;
}
