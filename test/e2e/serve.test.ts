/**
 * End to end: the built CLI, spawned as a user runs it. `serve --data DIR` in one process, the
 * real sentry-cli and sentry-ship in others, and the files the server writes.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../support/runCli.js";
import { runSentryCli } from "../support/sentryCli.js";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin", "sentry-ship.js");

describe("sentry-ship serve (spawned)", () => {
  let proc: ChildProcess;
  let info: { url: string; token: string; dsn: string; orgToken: string; pages: string };
  const data = tempDir("ship-serve-data-");

  beforeAll(async () => {
    proc = spawn(process.execPath, [bin, "--json", "serve", "--port", "0", "--data", data], {
      env: { PATH: process.env.PATH, HOME: tempDir() },
      stdio: ["ignore", "pipe", "pipe"],
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
  });

  afterAll(() => {
    proc?.kill("SIGTERM");
  });

  const env = () => ({
    PATH: process.env.PATH,
    HOME: tempDir(),
    SENTRY_URL: info.url,
    SENTRY_AUTH_TOKEN: info.token,
    SENTRY_ORG: "acme",
    SENTRY_PROJECT: "frontend",
    SENTRY_DISABLE_UPDATE_CHECK: "1",
    SENTRY_LOAD_DOTENV: "0",
  });

  it("binds to 127.0.0.1 and prints its URL, token and DSN", () => {
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(info.token).toMatch(/^sntryu_[0-9a-f]{64}$/);
    expect(info.dsn).toMatch(/^http:\/\/[0-9a-f]{32}@127\.0\.0\.1:\d+\/1$/);
  });

  it("accepts sentry-cli's releases new and records it in releases.json", async () => {
    const r = await runSentryCli(["releases", "new", "e2e-1.0.0"], { env: { ...env(), SENTRY_HTTP_MAX_RETRIES: "0" } });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe("Created release e2e-1.0.0");
    const releases = JSON.parse(readFileSync(join(data, "releases.json"), "utf8")) as Array<{ version: string }>;
    expect(releases.map((x) => x.version)).toContain("e2e-1.0.0");
  });

  it("answers the built sentry-ship's info with the token's scopes", () => {
    const r = spawnSync(process.execPath, [bin, "info"], { env: env(), encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("  User: ship@example.com");
    expect(r.stdout).toContain("    - project:releases");
    expect(r.stdout + r.stderr).not.toContain(info.token);
  });

  it("serves its pages, script and style sheet from the files npm publishes", async () => {
    expect(info.pages).toBe(info.url);
    const pack = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" });
    expect(pack.status, pack.stderr).toBe(0);
    const files = (JSON.parse(pack.stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path);
    for (const name of ["serve.js", "serve.css", "icon.svg"]) {
      expect(files).toContain(`web/${name}`);
      const res = await fetch(`${info.url}_web/${name}`);
      expect(res.status, name).toBe(200);
      expect(await res.text()).toBe(readFileSync(join(root, "web", name), "utf8"));
    }
    expect(files).toContain("dist/server/web/index.js");
    const page = await fetch(info.pages);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await page.text()).toContain(`export SENTRY_DSN=${info.dsn}`);
  });

  it("beyond loopback, prints the pages' address with the token, and the pages refuse a request without it", async () => {
    const token = `sntryu_${"ab".repeat(32)}`;
    const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--host", "0.0.0.0", "--token", token], {
      env: { PATH: process.env.PATH, HOME: tempDir() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let buf = "";
        child.stdout!.on("data", (c: Buffer) => {
          buf += c.toString();
          if (buf.includes("Press Ctrl+C")) resolve(buf);
        });
        child.on("exit", (code) => reject(new Error(`serve exited ${code}`)));
      });
      const pages = /^ {2}pages: (http:\/\/0\.0\.0\.0:(\d+)\/\?token=(\S+))$/m.exec(out);
      expect(pages, out).not.toBeNull();
      expect(pages![3]).toBe(token);
      const local = `http://127.0.0.1:${pages![2]}`;
      const refused = await fetch(`${local}/`);
      expect(refused.status).toBe(401);
      expect(await refused.text()).not.toContain(token);
      const opened = await fetch(`${local}/?token=${token}`, { redirect: "manual" });
      expect(opened.status).toBe(303);
      const cookie = opened.headers.get("set-cookie")!.split(";")[0]!;
      expect(cookie).not.toContain(token);
      const page = await fetch(`${local}/events`, { headers: { Cookie: cookie } });
      expect(page.status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("starts --version fast, without loading the command modules", () => {
    const r = spawnSync(process.execPath, [bin, "--version"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^sentry-ship \d+\.\d+\.\d+\n$/);
  });
});
