/**
 * `serve` under hostile input, as a spawned process: malformed request targets, JSON nested
 * thousands of levels deep, compression bombs with and without credentials, oversized bodies, a
 * zip bomb and bundles whose files cannot be written. Every probe must get a clean 4xx (or a bundle
 * in the `error` state with a reason), the process must keep answering and write nothing to
 * stderr, and its peak RSS (VmHWM) across all probes must stay under 300 MB.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bomb, bundleZip, chunkUploadBody, sha1 } from "../support/hostile.js";
import { tempDir } from "../support/runCli.js";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin", "sentry-ship.js");
const MB = 1024 * 1024;

function vmHWM(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Send raw bytes and return the status line's code (or -1 when the server closed without one). */
function raw(port: number, request: string | Buffer): Promise<number> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    let buf = "";
    s.on("data", (c) => {
      buf += c.toString("latin1");
    });
    s.on("close", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(buf)?.[1] ?? -1)));
    s.on("error", () => {});
    s.write(request, () => {});
    setTimeout(() => s.end(), 200);
  });
}

function deep(levels: number): string {
  return `{"event_id":"${"a".repeat(32)}","extra":${"[".repeat(levels)}${"]".repeat(levels)}}`;
}

describe.skipIf(process.platform !== "linux")("sentry-ship serve under hostile input (spawned)", () => {
  let proc: ChildProcess;
  let info: { url: string; token: string; dsn: string };
  let port = 0;
  let stderr = "";
  let exited: number | null | undefined;
  const data = tempDir("ship-hostile-data-");
  let publicKey = "";
  let gzipBomb: Buffer;
  let brBomb: Buffer;
  let deflateBomb: Buffer;

  beforeAll(async () => {
    [gzipBomb, brBomb, deflateBomb] = await Promise.all([
      bomb("gzip", 256 * MB),
      bomb("br", 1024 * MB),
      bomb("deflate-raw", 256 * MB),
    ]);
    proc = spawn(process.execPath, [bin, "--json", "serve", "--port", "0", "--data", data], {
      env: { PATH: process.env.PATH, HOME: tempDir() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    proc.stderr!.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    proc.on("exit", (code) => {
      exited = code;
    });
    info = await new Promise((resolve, reject) => {
      let buf = "";
      proc.stdout!.on("data", (c: Buffer) => {
        buf += c.toString();
        const nl = buf.indexOf("\n");
        if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
      });
      proc.on("exit", (code) => reject(new Error(`serve exited ${code}`)));
    });
    port = Number(new URL(info.url).port);
    publicKey = new URL(info.dsn).username;
  }, 60_000);

  afterAll(() => {
    proc?.kill("SIGTERM");
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(new URL(path, info.url), {
      ...init,
      headers: { Authorization: `Bearer ${info.token}`, ...(init.headers as Record<string, string>) },
    });
  const ingest = (body: string | Buffer, headers: Record<string, string> = {}, withAuth = true) =>
    fetch(new URL("/api/1/envelope/", info.url), {
      method: "POST",
      body,
      headers: {
        "Content-Type": "application/x-sentry-envelope",
        ...(withAuth ? { "X-Sentry-Auth": `Sentry sentry_version=7, sentry_key=${publicKey}` } : {}),
        ...headers,
      },
    });

  it("answers request targets that are not valid URLs with a 4xx", async () => {
    for (const target of ["//[", "//%", "//%zz/api/0/", "*", "http://[::1", "/%E0%A4%A"]) {
      const status = await raw(port, `GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(status, target).toBeGreaterThanOrEqual(400);
      expect(status, target).toBeLessThan(500);
    }
  });

  it("refuses JSON nested thousands of levels deep on every kind of route", async () => {
    const levels = 100_000;
    const env = `{}\n{"type":"event"}\n${deep(levels)}\n`;
    expect((await ingest(env)).status).toBe(400);
    const store = await fetch(new URL("/api/1/store/", info.url), {
      method: "POST",
      body: deep(levels),
      headers: { "X-Sentry-Auth": `Sentry sentry_version=7, sentry_key=${publicKey}` },
    });
    expect(store.status).toBe(400);
    expect((await ingest(`${"[".repeat(levels)}${"]".repeat(levels)}\n`)).status).toBe(400);
    expect(
      (await ingest(`{}\n{"type":"attachment","x":${"[".repeat(levels)}${"]".repeat(levels)}}\nabc\n`)).status,
    ).toBe(400);
    const release = await api("/api/0/organizations/acme/releases/", {
      method: "POST",
      body: `{"version":"x","projects":${"[".repeat(levels)}${"]".repeat(levels)}}`,
      headers: { "Content-Type": "application/json" },
    });
    expect(release.status).toBe(400);
    const fault = await api("/_ship/faults", { method: "POST", body: "[".repeat(levels) });
    expect(fault.status).toBe(400);
  });

  it("keeps /_ship/state and /_ship/requests answering after the deepest event Relay accepts", async () => {
    const ok = await ingest(`{}\n{"type":"event"}\n${deep(120)}\n{"type":"attachment"}\n${"[".repeat(5000)}\n`);
    expect(ok.status).toBe(200);
    const state = await api("/_ship/state");
    expect(state.status).toBe(200);
    expect(((await state.json()) as { events: unknown[] }).events.length).toBeGreaterThan(0);
    expect((await api("/_ship/requests")).status).toBe(200);
  });

  it("checks credentials before decoding a compression bomb, and stops decoding at the body limit", async () => {
    const t0 = Date.now();
    const anon = await fetch(new URL("/api/1/envelope/", info.url), {
      method: "POST",
      body: gzipBomb,
      headers: { "Content-Encoding": "gzip", "X-Sentry-Auth": "Sentry sentry_key=nope" },
    });
    expect(anon.status).toBe(400); // a malformed key, refused from the header alone
    const unknownKey = await fetch(new URL("/api/1/envelope/", info.url), {
      method: "POST",
      body: gzipBomb,
      headers: { "Content-Encoding": "gzip", "X-Sentry-Auth": `Sentry sentry_version=7, sentry_key=${"0".repeat(32)}` },
    });
    expect(unknownKey.status).toBe(403); // a well-formed key no project has
    const badToken = await fetch(new URL("/api/0/organizations/acme/releases/", info.url), {
      method: "POST",
      body: gzipBomb,
      headers: { "Content-Encoding": "gzip", Authorization: "Bearer sntryu_nope" },
    });
    expect(badToken.status).toBe(401);
    expect(Date.now() - t0).toBeLessThan(5000);
    for (const [enc, body] of [
      ["gzip", gzipBomb],
      ["br", brBomb],
      ["deflate", deflateBomb],
    ] as const) {
      const r = await ingest(body, { "Content-Encoding": enc });
      expect(r.status, enc).toBe(413);
      expect(((await r.json()) as { detail: string }).detail).toMatch(/too large/);
    }
    const bad = await ingest(Buffer.from("not gzip at all"), { "Content-Encoding": "gzip" });
    expect(bad.status).toBe(400);
    expect((await ingest("x", { "Content-Encoding": "zstd-nope" })).status).toBe(415);
  });

  it("answers 413 to a body over the route's limit, even one only announced in Content-Length", async () => {
    // Raw sockets: the server answers and closes before the client has sent everything.
    const auth = `Authorization: Bearer ${info.token}\r\nContent-Type: application/json\r\n`;
    const declared = await raw(
      port,
      `POST /api/0/organizations/acme/releases/ HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: ${21 * MB}\r\n\r\n{"a":`,
    );
    expect(declared).toBe(413);
    const chunk = Buffer.alloc(21 * MB, 0x20);
    const streamed = await raw(
      port,
      Buffer.concat([
        Buffer.from(
          `POST /api/0/organizations/acme/releases/ HTTP/1.1\r\nHost: x\r\n${auth}Transfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n`,
        ),
        chunk,
      ]),
    );
    expect(streamed).toBe(413);
    const status = await raw(
      port,
      `POST /api/1/envelope/ HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\nX-Sentry-Auth: Sentry sentry_key=${publicKey}\r\n\r\n{}`,
    );
    expect(status).toBe(413);
  });

  async function assembleBundle(zip: Buffer): Promise<{ state: string; detail: string | null }> {
    const up = chunkUploadBody([zip]);
    const u = await api("/api/0/organizations/acme/chunk-upload/", {
      method: "POST",
      body: up.body,
      headers: { "Content-Type": up.contentType },
    });
    expect(u.status).toBe(200);
    const req = { checksum: sha1(zip), chunks: [sha1(zip)], projects: ["frontend"], version: "hostile-1" };
    const post = () =>
      api("/api/0/organizations/acme/artifactbundle/assemble/", {
        method: "POST",
        body: JSON.stringify(req),
        headers: { "Content-Type": "application/json" },
      });
    const first = await post();
    expect(first.status).toBe(200);
    const second = await post();
    expect(second.status).toBe(200);
    return (await second.json()) as { state: string; detail: string | null };
  }

  it("refuses a zip bomb and an entry that lies about its size, without unpacking them", async () => {
    const honest = await assembleBundle(
      bundleZip([{ path: "files/_/_/x.js", data: deflateBomb, method: 8, size: 256 * MB }]),
    );
    expect(honest.state).toBe("error");
    expect(honest.detail).toMatch(/exceeds maximum size/);
    const liar = await assembleBundle(bundleZip([{ path: "files/_/_/y.js", data: deflateBomb, method: 8, size: 100 }]));
    expect(liar.state).toBe("error");
    expect(liar.detail).toMatch(/the bundle is invalid/);
  });

  it("ends a bundle whose files cannot be written in the error state with the file named", async () => {
    const cases: Array<[string | Buffer, RegExp, Array<string | Buffer>?]> = [
      [`files/_/_/${"n".repeat(300)}.js`, /name too long/],
      ["files/_/_/dir/", /ends with a path separator/],
      [Buffer.from("files/_/_/a\0b.js"), /NUL/],
      ["files/_/_/a", /another file of the bundle/, ["files/_/_/a/b"]],
    ];
    for (const [path, why, more] of cases) {
      const files = [path, ...(more ?? [])].map((p) => ({ path: p, data: Buffer.from("x") }));
      const r = await assembleBundle(bundleZip(files));
      expect(r.state, String(path)).toBe("error");
      expect(r.detail, String(path)).toMatch(why);
      expect(r.detail!.length).toBeLessThan(300);
    }
    const bundles = join(data, "bundles");
    const left = existsSync(bundles) ? readdirSync(bundles) : [];
    expect(left.filter((n) => n.includes(".partial-"))).toEqual([]);
  });

  it("is still answering, wrote nothing to stderr, and peaked under 300 MB of RSS", async () => {
    const r = await api("/api/0/");
    expect(r.status).toBe(200);
    expect(exited).toBeUndefined();
    expect(stderr).toBe("");
    const peak = vmHWM(proc.pid!);
    console.log(`serve peak RSS (VmHWM) after the hostile probes: ${(peak / MB).toFixed(1)} MB`);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(300 * MB);
  });
});
