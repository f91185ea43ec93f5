/**
 * A browser app under @sentry/browser, loaded in headless Chromium (Debian's chromium, driven by
 * playwright-core) from another origin, sends its error to `serve`; the processed event resolves
 * to the original source. The page's own requests prove the CORS answers a browser needs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { BROWSER_ENTRY, buildApp, EXPECTED_FRAMES } from "../support/js-app.js";
import { runCli, tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";

type Json = Record<string, any>;

/** A static file server for the app's folder, on its own origin. */
function serveFolder(dir: string): Promise<Server> {
  const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".map": "application/json" };
  const server = createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)));
    try {
      if (!path.startsWith(dir)) throw new Error("outside");
      const body = readFileSync(path);
      res.writeHead(200, { "Content-Type": types[extname(path)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("serve and a browser app under @sentry/browser in Chromium", () => {
  const s = useServer();
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("receives the error cross-origin and resolves it to the original source", async () => {
    const app = await buildApp(tempDir("ship-browser-"), {
      platform: "browser",
      entry: "src/browser.js",
      sources: { "src/browser.js": BROWSER_ENTRY },
    });
    const env = s.env();
    expect((await runCli(["sourcemaps", "inject", "dist"], { env, cwd: app.dir })).exitCode).toBe(0);
    expect((await runCli(["sourcemaps", "upload", "dist"], { env, cwd: app.dir })).exitCode).toBe(0);

    const site = await serveFolder(app.dir);
    const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("requestfailed", (r) => problems.push(`${r.url()}: ${r.failure()?.errorText}`));
    page.on("pageerror", (e) => problems.push(e.message));
    try {
      const n = s.server.state.events.length;
      const html = `<!doctype html><link rel="icon" href="data:,"><script>window.__SHIP_DSN=${JSON.stringify(s.server.dsn)}</script><script src="/dist/app.js"></script>`;
      writeFileSync(join(app.dir, "index.html"), html);
      await page.goto(`${origin}/index.html`);
      await page.waitForFunction(() => (globalThis as unknown as Json).__shipFlushed !== undefined, undefined, {
        timeout: 20_000,
      });
      expect(await page.evaluate(() => (globalThis as unknown as Json).__shipFlushed)).toBe(true);

      // A request with a custom header makes Chromium send a preflight first.
      const preflighted = await page.evaluate(
        async ({ url, key }) => {
          const r = await fetch(url, {
            method: "POST",
            headers: {
              "X-Sentry-Auth": `Sentry sentry_key=${key}, sentry_version=7`,
              "Content-Type": "application/json",
            },
            body: '{}\n{"type":"client_report"}\n{"timestamp":1,"discarded_events":[]}\n',
          });
          return { status: r.status, limits: r.headers.get("x-sentry-rate-limits") };
        },
        { url: `${s.server.url}/api/1/envelope/`, key: new URL(s.server.dsn).username },
      );
      expect(preflighted.status).toBe(200);
      expect(
        s.server.requests.some((r) => r.method === "OPTIONS" && r.path === "/api/1/envelope/" && r.status === 200),
      ).toBe(true);
      expect(problems).toEqual([]);

      const ev = s.server.state.events.slice(n).find((e) => e.items.some((i) => i.header.type === "event"));
      expect(ev, "the browser SDK sent no event").toBeDefined();
      expect(ev!.auth.sentryKey).toBe(new URL(s.server.dsn).username);
      const res = await fetch(`${s.server.url}/api/0/projects/acme/frontend/events/${ev!.id}/`, {
        headers: { Authorization: `Bearer ${s.server.token}` },
      });
      const body = (await res.json()) as Json;
      const exc = body.entries.find((e: Json) => e.type === "exception").data.values.at(-1);
      const frames = exc.stacktrace.frames.filter((f: Json) => f.inApp).reverse();
      const expected = EXPECTED_FRAMES.map((e) => [
        `~/${e.file.replace("index.js", "browser.js")}`,
        e.line,
        e.column,
        e.function,
      ]);
      expect(frames.slice(0, 3).map((f: Json) => [f.absPath, f.lineNo, f.colNo, f.function])).toEqual(expected);
      expect(frames[0].data.resolved_with).toBe("debug-id");
      const raw = exc.rawStacktrace.frames.at(-1);
      expect(raw.absPath).toBe(`${origin}/dist/app.js`);
    } finally {
      await page.close();
      await new Promise((r) => site.close(r));
    }
  });
});
