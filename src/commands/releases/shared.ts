/**
 * What the releases and deploys commands share: version/environment checks before any request,
 * timestamps as sentry-cli sends them, and the `--dry-run` gate in front of every mutating request.
 */
import { Option } from "commander";
import type { ApiResponse, HttpMethod, RequestOptions } from "../../api/types.js";
import type { CommandContext } from "../../context.js";
import { environmentProblem, versionProblem } from "../../domain/release.js";
import { ConfigError, InputError, UsageError } from "../../errors.js";

/**
 * Check a release version before any request. Characters sentry-cli's argument parser rejects
 * (slashes, newlines, tabs) are usage errors (exit 2, as sentry-cli); names only the server
 * rejects ('latest', '.', too long) exit 1, as sentry-cli does once the server refuses them.
 */
export function checkVersion(version: string): string {
  const problem = versionProblem(version);
  if (problem === undefined) return version;
  const msg = `invalid release version '${printable(version)}': ${problem}`;
  if (/[\\/\r\n\t\f]/.test(version)) throw new UsageError(msg);
  throw new InputError(msg);
}

export function checkEnvironment(env: string): string {
  const problem = environmentProblem(env);
  if (problem === undefined) return env;
  throw new InputError(`invalid environment '${printable(env)}': ${problem}`);
}

function printable(s: string): string {
  const t = JSON.stringify(s).slice(1, -1);
  return t.length > 60 ? t.slice(0, 57) + "..." : t;
}

/** The configured projects, or sentry-cli's "project required" as a ConfigError. */
export async function requireProjects(ctx: CommandContext): Promise<string[]> {
  const p = await ctx.projects();
  if (p.length === 0) {
    throw new ConfigError(
      "a project is required: pass --project (repeatable), set SENTRY_PROJECT, or add `project` under [defaults] in .sentryclirc",
    );
  }
  return p;
}

/**
 * A user timestamp (`--released`, `--started`, `--finished`): unix seconds (integer or fractional),
 * RFC 3339 or RFC 2822. Returned as RFC 3339 UTC, whole seconds without a fraction
 * (`2023-11-14T22:13:20Z`), as sentry-cli re-serialises them.
 */
export function parseTimestamp(value: string, flag: string): string {
  const v = value.trim();
  let d: Date;
  if (/^-?\d+(\.\d+)?$/.test(v)) d = new Date(Math.round(Number(v) * 1000));
  else if (/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/i.test(v))
    d = new Date(v.replace(" ", "T"));
  else if (
    /^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d\d:\d\d(:\d\d)?\s+([+-]\d{4}|GMT|UT|UTC|[A-Z]{3})$/.test(v)
  )
    d = new Date(v);
  else d = new Date(NaN);
  if (Number.isNaN(d.getTime())) {
    throw new UsageError(
      `invalid value '${value}' for ${flag}: expected a unix timestamp, an RFC 3339 date (2024-01-02T03:04:05Z) or an RFC 2822 date`,
    );
  }
  return rfc3339(d);
}

export function rfc3339(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith(".000Z") ? iso.slice(0, -5) + "Z" : iso;
}

/** A `--url` option whose value does not collide with the root `--url` (the Sentry server). */
export function urlOption(flags: string, description: string, attribute: string): Option {
  const o = new Option(flags, description);
  o.attributeName = () => attribute;
  return o;
}

export interface PlannedRequest {
  method: HttpMethod;
  path: string;
  body?: unknown;
}

/**
 * The gate in front of mutating requests. With `--dry-run` it prints `POST /api/0/<path> <body>` on
 * stdout and records it for `--json`, and sends nothing; otherwise it sends the request.
 */
export class Sender {
  readonly planned: PlannedRequest[] = [];
  constructor(
    private readonly ctx: CommandContext,
    readonly dryRun: boolean,
  ) {}

  async send<T = unknown>(
    method: HttpMethod,
    path: string,
    body: unknown,
    opts: RequestOptions = {},
  ): Promise<ApiResponse<T> | undefined> {
    if (this.dryRun) {
      this.planned.push(
        body === undefined ? { method, path: `/api/0/${path}` } : { method, path: `/api/0/${path}`, body },
      );
      this.ctx.out.print(`[dry-run] ${method} /api/0/${path}${body === undefined ? "" : " " + JSON.stringify(body)}`);
      return undefined;
    }
    const api = await this.ctx.api();
    return api.request<T>(method, path, body === undefined ? opts : { ...opts, json: body });
  }
}

/**
 * Like runner.ts `handler`, for commands with their own `--url` (the release's or deploy's URL).
 * commander also recognises the root's `--url` (the Sentry server) after the subcommand, so the
 * raw arguments decide: a `--url` before the group name is the server, one after it belongs to the
 * command — the grammar sentry-cli has.
 */
export function urlAwareHandler<A extends string[]>(
  env: import("../runner.js").RunEnv,
  attribute: string,
  // biome-ignore lint/suspicious/noExplicitAny: commander hands options over untyped
  fn: (ctx: CommandContext, opts: Record<string, any>, ...args: A) => Promise<void>,
): (...params: unknown[]) => Promise<void> {
  return async (...params: unknown[]) => {
    const cmd = params[params.length - 1] as import("commander").Command;
    const args = params.slice(0, cmd.registeredArguments.length) as A;
    // biome-ignore lint/suspicious/noExplicitAny: commander hands options over untyped
    const opts = { ...cmd.optsWithGlobals() } as Record<string, any>;
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
      if (ownUrl !== undefined) opts[attribute] = ownUrl;
    }
    const { createContext } = await import("../../context.js");
    const ctx = createContext(env.io, opts, env.overrides);
    env.ctx = ctx;
    await fn(ctx, opts, ...args);
  };
}
