import { resolve } from "node:path";
import type { CommandContext } from "../../context.js";
import { InputError, UsageError } from "../../errors.js";

export interface ServeOptions {
  port?: number;
  host?: string;
  data?: string;
  token?: string;
  maxChunkStoreMiB?: number;
  maxBundleSizeMiB?: number;
  maxBundleFileMiB?: number;
}

function mib(flag: string, v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (v < 1) throw new UsageError(`${flag} must be at least 1 (MiB)`);
  return v * 1024 * 1024;
}

/** Start the embedded server and keep it running until SIGINT/SIGTERM. */
export async function runServe(opts: ServeOptions, ctx: CommandContext, signal?: AbortSignal): Promise<void> {
  const { startServer } = await import("../../server/index.js");
  const { DataFileError } = await import("../../server/persist.js");
  const { exportLines, pagesUrl } = await import("../../server/announce.js");
  const { isLoopbackHost } = await import("../../server/web/access.js");
  const host = opts.host ?? "127.0.0.1";
  const limits = Object.fromEntries(
    Object.entries({
      chunkStoreBytes: mib("--max-chunk-store", opts.maxChunkStoreMiB),
      bundleBytes: mib("--max-bundle-size", opts.maxBundleSizeMiB),
      bundleFileBytes: mib("--max-bundle-file", opts.maxBundleFileMiB),
    }).filter(([, v]) => v !== undefined),
  );
  const server = await startServer({
    limits,
    port: opts.port,
    host,
    dataDir: opts.data ? resolve(ctx.cwd, opts.data) : undefined,
    token: opts.token ?? ctx.env.SENTRY_SHIP_SERVE_TOKEN,
    debug: Boolean(ctx.env.SENTRY_SHIP_SERVE_DEBUG),
  }).catch((e: NodeJS.ErrnoException) => {
    if (e instanceof DataFileError) throw new InputError(e.message);
    if (e.code === "EADDRINUSE")
      throw new UsageError(
        `port ${opts.port} on ${host} is already in use: pick another with --port (or --port 0 for any free port)`,
      );
    if (e.code === "EACCES")
      throw new UsageError(`not allowed to listen on ${host}:${opts.port}: pick a port above 1023 with --port`);
    if (e.code === "EADDRNOTAVAIL" || e.code === "ENOTFOUND")
      throw new UsageError(`cannot listen on ${host}: no such local address (see --host)`);
    throw e;
  });
  // The token is printed on purpose: it is this local server's own credential.
  const info = {
    url: `${server.url}/`,
    token: server.token,
    orgToken: server.orgToken,
    readOnlyToken: server.readOnlyToken,
    org: "acme",
    projects: ["frontend", "backend"],
    dsn: server.dsn,
    data: opts.data ? resolve(ctx.cwd, opts.data) : null,
    /** The pages (releases, bundles, events) to open in a browser; with the token when not on loopback. */
    pages: pagesUrl(server.core.printed(), !isLoopbackHost(host)),
  };
  if (ctx.out.json) {
    ctx.io.stdout.write(JSON.stringify(info) + "\n");
  } else {
    ctx.io.stdout.write(
      [
        `sentry-ship serve listening on ${info.url}`,
        "",
        ...exportLines(server.core.printed()).map((l) => `  ${l}`),
        "",
        `  pages: ${info.pages}`,
        `  org token (org:ci): ${info.orgToken}`,
        info.data ? `  recording to ${info.data}` : "  recording in memory (use --data DIR to keep files)",
        "",
        "Press Ctrl+C to stop.",
        "",
      ].join("\n"),
    );
  }
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    signal?.addEventListener("abort", stop);
  });
  await server.close();
}
