import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Writable } from "node:stream";
import { type ClientOptions, createApiClient } from "../../src/api/client.js";
import type { ResolvedConfig, Source } from "../../src/config/types.js";
import { Output } from "../../src/output/output.js";
import { Redactor } from "../../src/output/redact.js";

export const TOKEN = "sntryu_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

export function src(label: string, kind: Source["kind"] = "env"): Source {
  return { kind, label, group: kind === "flag" || kind === "env" ? "cli" : label };
}

export function makeConfig(url: string, over: Partial<ResolvedConfig> = {}): ResolvedConfig {
  return {
    url: { value: url, source: src("SENTRY_URL") },
    authToken: { value: TOKEN, source: src("SENTRY_AUTH_TOKEN") },
    org: { value: "acme", source: src("SENTRY_ORG") },
    projects: { value: ["frontend"], source: src("--project", "flag") },
    maxRetries: { value: 5, source: src("default", "default") },
    headers: { value: [], source: src("default", "default") },
    vcsRemote: { value: "origin", source: src("default", "default") },
    caFiles: { value: [], source: src("default", "default") },
    verifySsl: { value: true, source: src("default", "default") },
    allowFailure: { value: false, source: src("default", "default") },
    filesLoaded: [],
    warnings: [],
    loginTarget: { global: "/nonexistent/.sentryclirc" },
    ...over,
  };
}

export interface Captured {
  out: Output;
  stderr: () => string;
}

export function captureOutput(logLevel: "debug" | "warn" = "warn", secrets: string[] = [TOKEN]): Captured {
  let err = "";
  const sink = (fn: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, cb) {
        fn(String(chunk));
        cb();
      },
    });
  const redactor = new Redactor();
  for (const s of secrets) redactor.add(s);
  const out = new Output({
    stdout: sink(() => {}),
    stderr: sink((s) => (err += s)),
    env: { NO_COLOR: "1" },
    logLevel,
    redactor,
  });
  return { out, stderr: () => err };
}

/** A sleep that records the requested durations and returns at once. */
export function recordingSleep(): { sleep: ClientOptions["sleep"]; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms) => {
      waits.push(ms);
    },
  };
}

export function client(url: string, over: Partial<ResolvedConfig> = {}, extra: Partial<ClientOptions> = {}) {
  const rec = recordingSleep();
  const cap = extra.out ? undefined : captureOutput();
  const api = createApiClient({
    config: makeConfig(url, over),
    out: extra.out ?? cap!.out,
    sleep: extra.sleep ?? rec.sleep,
    random: () => 0.5,
    ...extra,
  });
  return { api, waits: rec.waits };
}

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  rawHeaders: string[];
  body: Buffer;
}

export interface TestServer {
  url: string;
  port: number;
  requests: Received[];
  server: Server;
  close(): Promise<void>;
}

export type Handler = (req: Received, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

/** A node:http server on 127.0.0.1:0 that records what it receives. */
export async function startHttp(
  handler: Handler,
  server: Server = createServer(),
  proto: "http" | "https" = "http",
): Promise<TestServer> {
  const requests: Received[] = [];
  const sockets = new Set<Socket>();
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", async () => {
      const r: Received = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(parts),
      };
      requests.push(r);
      await handler(r, res, req);
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("secureConnection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${proto}://127.0.0.1:${port}`,
    port,
    requests,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, body: string, type = "text/html"): void {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}
