import { Command } from "commander";
import { handler, intArg, type RunEnv } from "../runner.js";

/** What commander parses for `serve`. */
export interface ServeFlags {
  port?: number;
  host?: string;
  data?: string;
  token?: string;
  maxChunkStore?: number;
  maxBundleSize?: number;
  maxBundleFile?: number;
}

export function command(env: RunEnv): Command {
  return new Command("serve")
    .description("run a local, strict stand-in for the Sentry API to rehearse a pipeline against")
    .option("--port <port>", "port to listen on (default: a free port)", intArg("--port"))
    .option("--host <host>", "address to bind (default 127.0.0.1; beyond loopback the pages need the token)")
    .option("--data <dir>", "also write what is received as files under DIR")
    .option("--token <token>", "use this auth token instead of a random one")
    .option(
      "--max-chunk-store <MiB>",
      "most uploaded chunk data kept (default 256 in memory, 4096 on disk with --data)",
      intArg("--max-chunk-store"),
    )
    .option(
      "--max-bundle-size <MiB>",
      "largest artifact bundle (zip) assembled (default 256)",
      intArg("--max-bundle-size"),
    )
    .option("--max-bundle-file <MiB>", "largest file unpacked from a bundle (default 128)", intArg("--max-bundle-file"))
    .action(
      handler<ServeFlags>(env, async (ctx, opts) => {
        const { runServe } = await import("./serve.js");
        await runServe(
          {
            port: opts.port,
            host: opts.host,
            data: opts.data,
            token: opts.token,
            maxChunkStoreMiB: opts.maxChunkStore,
            maxBundleSizeMiB: opts.maxBundleSize,
            maxBundleFileMiB: opts.maxBundleFile,
          },
          ctx,
        );
      }),
    );
}
