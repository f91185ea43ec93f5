import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, NetworkError } from "../../src/errors.js";
import { client, sendJson, src, startHttp, type TestServer, TOKEN } from "../support/api.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected the promise to reject");
}

interface ProxyLog {
  forwarded: Array<{ url: string; auth?: string }>;
  connects: Array<{ target: string; auth?: string }>;
}

/** A tiny HTTP proxy: forwards absolute-URI requests and tunnels CONNECT. */
async function startProxy(): Promise<{ url: string; log: ProxyLog; close(): Promise<void> }> {
  const log: ProxyLog = { forwarded: [], connects: [] };
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res) => {
    log.forwarded.push({ url: req.url ?? "", auth: req.headers["proxy-authorization"] });
    const target = new URL(req.url ?? "");
    const headers = { ...req.headers };
    delete headers["proxy-authorization"];
    const up = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    up.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    log.connects.push({ target: req.url ?? "", auth: req.headers["proxy-authorization"] });
    const [host, port] = (req.url ?? "").split(":");
    const up = connect(Number(port), host!, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    sockets.add(up);
    up.on("error", () => client.destroy());
    client.on("error", () => up.destroy());
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A self-signed certificate for 127.0.0.1, made with openssl (the TLS tests skip without it). */
function makeCert(): string | undefined {
  try {
    const dir = mkdtempSync(join(tmpdir(), "ship-tls-"));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    return dir;
  } catch {
    return undefined;
  }
}
const certDir = makeCert();
const haveCert = certDir !== undefined;

async function httpsServer(): Promise<TestServer> {
  const server = createHttpsServer({
    key: readFileSync(join(certDir!, "key.pem")),
    cert: readFileSync(join(certDir!, "cert.pem")),
  });
  const s = await startHttp((_r, res) => sendJson(res, 200, { secure: true }), server, "https");
  cleanups.push(() => s.close());
  return s;
}

describe("proxy", () => {
  it("forwards plain-http requests through the proxy with basic auth", async () => {
    const target = await startHttp((_r, res) => sendJson(res, 200, { via: "proxy" }));
    cleanups.push(() => target.close());
    const proxy = await startProxy();
    cleanups.push(() => proxy.close());
    const { api } = client(target.url, {
      proxy: { value: { url: proxy.url, username: "user", password: "p@ss" }, source: src("[http] proxy_url", "file") },
    });
    cleanups.push(() => api.close());
    expect((await api.get("organizations/")).data).toEqual({ via: "proxy" });
    expect(proxy.log.forwarded).toEqual([
      { url: `${target.url}/api/0/organizations/`, auth: `Basic ${Buffer.from("user:p@ss").toString("base64")}` },
    ]);
    expect(target.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(target.requests[0]!.headers["proxy-authorization"]).toBeUndefined();
  });

  it("goes direct for hosts in NO_PROXY", async () => {
    const target = await startHttp((_r, res) => sendJson(res, 200, {}));
    cleanups.push(() => target.close());
    const proxy = await startProxy();
    cleanups.push(() => proxy.close());
    const { api } = client(target.url, {
      proxy: { value: { url: proxy.url }, source: src("HTTPS_PROXY") },
      noProxy: { value: "localhost,127.0.0.1", source: src("NO_PROXY") },
    });
    cleanups.push(() => api.close());
    await api.get("organizations/");
    expect(target.requests).toHaveLength(1);
    expect(proxy.log.forwarded).toEqual([]);
    expect(proxy.log.connects).toEqual([]);
  });

  it("says the proxy was used when it cannot be reached", async () => {
    const target = await startHttp((_r, res) => sendJson(res, 200, {}));
    cleanups.push(() => target.close());
    const proxy = await startProxy();
    await proxy.close();
    const { api } = client(target.url, {
      proxy: { value: { url: proxy.url }, source: src("HTTPS_PROXY") },
      maxRetries: { value: 0, source: src("default", "default") },
    });
    cleanups.push(() => api.close());
    const e = await rejection(api.get(""));
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.message).toBe(`could not reach ${target.url} via proxy ${proxy.url}: connection refused`);
    expect(target.requests).toHaveLength(0);
  });

  it.runIf(haveCert)("tunnels https through CONNECT", async () => {
    const target = await httpsServer();
    const proxy = await startProxy();
    cleanups.push(() => proxy.close());
    const { api } = client(target.url, {
      proxy: { value: { url: proxy.url }, source: src("HTTPS_PROXY") },
      caFiles: { value: [join(certDir!, "cert.pem")], source: src("--ca-file", "flag") },
    });
    cleanups.push(() => api.close());
    expect((await api.get("")).data).toEqual({ secure: true });
    expect(proxy.log.connects).toEqual([{ target: `127.0.0.1:${target.port}`, auth: undefined }]);
  });
});

describe("TLS", () => {
  it("rejects an unreadable CA file as a ConfigError naming it", () => {
    expect(() =>
      client("https://127.0.0.1:1", { caFiles: { value: ["/nonexistent/ca.pem"], source: src("--ca-file", "flag") } }),
    ).toThrow(new ConfigError("cannot read CA certificate file /nonexistent/ca.pem (from --ca-file): no such file"));
    const dir = mkdtempSync(join(tmpdir(), "ship-ca-"));
    writeFileSync(join(dir, "junk.pem"), "not a cert");
    expect(() =>
      client("https://127.0.0.1:1", { caFiles: { value: [join(dir, "junk.pem")], source: src("--ca-file", "flag") } }),
    ).toThrow(/contains no PEM certificate/);
  });

  it.runIf(haveCert)("refuses a self-signed certificate by default, without retrying", async () => {
    const target = await httpsServer();
    const { api, waits } = client(target.url);
    cleanups.push(() => api.close());
    const e = await rejection(api.get(""));
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.message).toBe(
      `could not reach ${target.url}: TLS certificate not trusted (DEPTH_ZERO_SELF_SIGNED_CERT) — pass its CA with --ca-file, or set [http] verify_ssl=false`,
    );
    expect(waits).toEqual([]);
  });

  it.runIf(haveCert)("trusts a certificate from a CA file", async () => {
    const target = await httpsServer();
    const { api } = client(target.url, {
      caFiles: { value: [join(certDir!, "cert.pem")], source: src("--ca-file", "flag") },
    });
    cleanups.push(() => api.close());
    expect((await api.get("")).data).toEqual({ secure: true });
    // keep-alive stays on for https
    expect(target.requests[0]!.headers.connection).toBe("keep-alive");
  });

  it.runIf(haveCert)("skips verification with verify_ssl = false", async () => {
    const target = await httpsServer();
    const { api } = client(target.url, { verifySsl: { value: false, source: src("[http] verify_ssl", "file") } });
    cleanups.push(() => api.close());
    expect((await api.get("")).data).toEqual({ secure: true });
  });
});
