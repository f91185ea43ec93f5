import { createServer, request as httpRequest, type IncomingMessage } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/runCli.js";
import { useServer } from "../support/server.js";

const fixture = useServer();
const seen: string[] = [];
let proxyUrl = "";
let closeProxy: () => Promise<void> = async () => {};

beforeAll(async () => {
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res) => {
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? "");
    const up = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname, method: req.method, headers: req.headers },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    req.pipe(up);
  });
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
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
  server.on("connection", (s: Socket) => void sockets.add(s));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  proxyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeProxy = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
});
afterAll(() => closeProxy());

describe("send-event through a proxy", () => {
  it("goes through the configured HTTPS_PROXY, as web-API requests do", async () => {
    const r = await runCli(["send-event", "-m", "via proxy", "--no-environ"], {
      env: { SENTRY_DSN: fixture.server.dsn, HTTPS_PROXY: proxyUrl },
    });
    expect(r.stderr).toMatch(/Accepted by/);
    expect(r.exitCode).toBe(0);
    const host = new URL(fixture.server.url).host;
    expect(seen.some((s) => s === `CONNECT ${host}` || s.startsWith(`POST http://${host}/api/`))).toBe(true);
    expect((fixture.server.state.events.at(-1)!.items[0]!.payload as { logentry: unknown }).logentry).toEqual({
      message: "via proxy",
    });
  });
});
