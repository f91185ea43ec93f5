/**
 * `serve`'s pages in a real browser (Debian's Chromium through playwright-core): a real SDK event
 * from the js-app (resolved through uploaded maps), one from a build whose maps were never
 * uploaded, a hostile message, a release with commits and a deploy, sessions and a cron monitor.
 * Every page opens without a console error or a failed request; a screenshot of each is saved
 * under screenshots/web/ (git-ignored).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../src/server/index.js";
import { launchChromium, watchedPage } from "../support/browser.js";
import { makeRepo } from "../support/git.js";
import { buildApp, EXPECTED_FRAMES, runApp } from "../support/js-app.js";
import { runCli, tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";
import { aggregates, sendItems, sessionLifecycle } from "../support/sessions.js";

// Page functions run in the browser, where these exist (the test's own lib has no DOM types).
declare const document: any;
declare const getComputedStyle: any;

const SHOTS = join(import.meta.dirname, "..", "..", "screenshots", "web");
const RELEASE = "shop@1.0.0";
/** Sessions of their own release (the app's SDK sends sessions for RELEASE too). */
const HEALTH_RELEASE = "shop@0.9.0";
const HOSTILE = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">`;

describe("serve's pages in Chromium", () => {
  const s = useServer();
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let requests: string[];
  /** Events by role. */
  const ids: { sdk?: string; unresolved?: string; hostile?: string } = {};

  async function ship(argv: string[], cwd?: string, env: Record<string, string> = {}) {
    const r = await runCli(argv, { env: s.env({ SENTRY_DSN: s.server.dsn, ...env }), cwd });
    expect(r.exitCode, `${argv.join(" ")}: ${r.stderr}`).toBe(0);
    return r;
  }

  function newEvents(before: number): string[] {
    return s.server.state.events
      .slice(before)
      .filter((e) => e.event)
      .map((e) => e.id);
  }

  beforeAll(async () => {
    browser = await launchChromium();
    ({ page, problems, requests } = await watchedPage(browser));
    mkdirSync(SHOTS, { recursive: true });

    // A release with a commit and a deploy, its build injected and uploaded, and the app's event.
    const repo = makeRepo();
    repo.commit("Price items from the catalogue\n\nThe cart asks priceOf.", { files: { "src/price.js": "x\n" } });
    const app = await buildApp(tempDir("ship-web-"));
    await ship(["releases", "new", RELEASE]);
    await ship(["releases", "set-commits", RELEASE, "--local"], repo.dir);
    await ship(["sourcemaps", "inject", "dist"], app.dir);
    await ship(["sourcemaps", "upload", "dist", "--release", RELEASE], app.dir);
    await ship(["releases", "finalize", RELEASE]);
    await ship(["deploys", "new", "--release", RELEASE, "-e", "production", "-n", "web-1"]);
    let n = s.server.state.events.length;
    await runApp(app, { dsn: s.server.dsn, release: RELEASE });
    ids.sdk = newEvents(n)[0];

    // A second build whose maps never reach the server: its frames stay minified, with a reason.
    const lost = await buildApp(tempDir("ship-web-lost-"));
    await ship(["sourcemaps", "inject", "dist"], lost.dir);
    n = s.server.state.events.length;
    await runApp(lost, { dsn: s.server.dsn, release: RELEASE });
    ids.unresolved = newEvents(n)[0];

    n = s.server.state.events.length;
    const log = join(tempDir("ship-web-log-"), "job.log");
    writeFileSync(log, "starting the job\n<i>step two</i> failed\n");
    await ship(["send-event", "-m", HOSTILE, "-t", "shop:<b>bold</b>", "-r", RELEASE, "--logfile", log]);
    ids.hostile = newEvents(n)[0];

    await sendItems(s.server, [
      ...sessionLifecycle(HEALTH_RELEASE, { sid: "a".repeat(32), did: "u1", status: "exited" }),
      ...sessionLifecycle(HEALTH_RELEASE, { sid: "b".repeat(32), did: "u2", status: "crashed" }),
      aggregates(HEALTH_RELEASE, [{ exited: 8, errored: 1 }]),
    ]);
    await ship(["monitors", "run", "nightly-report", "--schedule", "0 3 * * *", "--", process.execPath, "-e", "0"]);
    expect(ids.sdk && ids.unresolved && ids.hostile).toBeTruthy();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function open(path: string, shot?: string): Promise<void> {
    const res = await page.goto(`${s.server.url}${path}`);
    expect(res?.status(), path).toBe(200);
    await page.waitForLoadState("load");
    if (shot) await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true });
  }

  it("opens every page without a console error or a failed request, and saves a screenshot of each", async () => {
    const bundle = s.server.state.bundles.at(-1)!;
    const mapIndex = bundle.files.findIndex((f) => f.url?.endsWith(".map"));
    const jsIndex = bundle.files.findIndex((f) => f.url?.endsWith("app.js"));
    const pages: [string, string][] = [
      ["/", "overview"],
      ["/events", "events"],
      [`/events/${ids.sdk}`, "event"],
      [`/events/${ids.unresolved}`, "event-unresolved"],
      [`/events/${ids.hostile}`, "event-message"],
      ["/releases", "releases"],
      [`/releases/acme/${encodeURIComponent(RELEASE)}`, "release"],
      ["/bundles", "bundles"],
      [`/bundles/${bundle.id}`, "bundle"],
      [`/bundles/${bundle.id}/files/${mapIndex}`, "bundle-map"],
      [`/bundles/${bundle.id}/files/${jsIndex}`, "bundle-script"],
      [`/bundles/${bundle.id}/files/${mapIndex}/source?i=0`, "source"],
      ["/health", "health"],
      ["/monitors", "monitors"],
    ];
    for (const [path, name] of pages) await open(path, name);
    // The top of the event page, as the README shows it (docs/images/serve-event.png is a copy).
    await page.setViewportSize({ width: 1100, height: 760 });
    await open(`/events/${ids.sdk}`);
    await page.screenshot({ path: join(SHOTS, "event-top.png") });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.emulateMedia({ colorScheme: "dark" });
    await open(`/events/${ids.sdk}`, "event-dark");
    const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: "light" });
    await open(`/events/${ids.sdk}`);
    const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(dark).not.toBe(light);
    expect(problems).toEqual([]);
    // No request leaves this server: pages, script, style sheet, icon and polling only.
    expect(requests.length).toBeGreaterThan(pages.length);
    expect(requests.filter((u) => !u.startsWith(`${s.server.url}/`))).toEqual([]);
  });

  it("shows each page's data: release commits, deploys and artifacts; bundles; health; monitors", async () => {
    await open("/releases");
    const row = page.locator("tr", { hasText: RELEASE });
    await expect.poll(() => row.count()).toBe(1);
    const cells = await row.locator("td").allTextContents();
    expect(cells[1]).toBe("frontend");
    expect(cells[2]).toMatch(/^finalized/);
    expect(cells[3]).toBe("1");
    expect(cells[4]).toBe("1 (production)");
    expect(Number(cells[5])).toBeGreaterThanOrEqual(2);

    await row.locator("a").click();
    const main = page.locator("main");
    await expect.poll(() => main.textContent()).toContain("Price items from the catalogue");
    const text = await main.textContent();
    expect(text).toContain("Dev Person");
    expect(text).toContain("src/price.js");
    expect(text).toContain("web-1");

    await open("/health");
    const health = await page.locator("main tbody tr", { hasText: HEALTH_RELEASE }).locator("td").allTextContents();
    // 2 single sessions (one crashed, two users) + 9 aggregated: 11 sessions, 1 crashed.
    expect(health.slice(0, 10)).toEqual([
      "frontend",
      HEALTH_RELEASE,
      "production",
      "11",
      "90.91 %",
      "50.00 %",
      "2",
      "1",
      "0",
      "2",
    ]);

    await open("/monitors");
    expect(await page.locator("main").textContent()).toMatch(/nightly-report[\s\S]*0 3 \* \* \*[\s\S]*ok/);
    expect(problems).toEqual([]);
  });

  it("shows the original file and source line of the SDK event's top in-app frame (acceptance)", async () => {
    await open(`/events/${ids.sdk}`);
    const top = page.locator("li.frame.in-app").first();
    const where = (await top.locator(".where .loc").textContent())!.replace(/\s+/g, " ");
    const want = EXPECTED_FRAMES[0]!;
    expect(where).toContain(want.file);
    expect(where).toContain(`in ${want.function}`);
    expect(where).toContain(`at line ${want.line}:${want.column}`);
    expect(await top.locator(":scope > pre.context .line.hit").textContent()).toMatch(
      new RegExp(`^${want.line}\\s*throw new TypeError\\("item " \\+ item\\.name \\+ " has no price"\\);\\n?$`),
    );
    // Contexts as the SDK sent them.
    const contexts = page.locator("section[aria-labelledby=h-contexts]");
    expect(await contexts.locator("h3").allTextContents()).toEqual(expect.arrayContaining(["runtime", "os"]));
    expect(await contexts.textContent()).toContain(process.version);
    // The raw, minified frame is one click away.
    const raw = top.locator("details.raw");
    expect(await raw.locator("p").isVisible()).toBe(false);
    await raw.locator("summary").click();
    const stored = s.server.state.events.find((e) => e.id === ids.sdk)!.event as any;
    const rawTop = stored.exception.values.at(-1).raw_stacktrace.frames.at(-1);
    expect(rawTop.abs_path).toMatch(/\/dist\/app\.js$/);
    expect(await raw.locator("p").textContent()).toBe(
      `${rawTop.abs_path}:${rawTop.lineno}:${rawTop.colno} in ${rawTop.function}`,
    );
    expect(problems).toEqual([]);
  });

  it("follows the events list to the event, its frame and the frame's source", async () => {
    await open("/events");
    const link = page.locator(`td.title a[href="/events/${ids.sdk}"]`);
    expect(await link.textContent()).toBe("TypeError: item pen has no price");
    await link.click();
    await page.waitForURL(/\/events\/[0-9a-f]{32}$/);
    await page.locator("li.frame.in-app.resolved a.open-source").first().click();
    await page.waitForURL(/\/source\?/);
    expect(new URL(page.url()).hash).toBe(`#L${EXPECTED_FRAMES[0]!.line}`);
    expect(await page.locator("h1").textContent()).toContain("src/price.js");
    const hit = page.locator(".line.hit");
    expect(await hit.textContent()).toContain('throw new TypeError("item " + item.name + " has no price");');
    expect(await hit.getAttribute("id")).toBe(`L${EXPECTED_FRAMES[0]!.line}`);
    expect(problems).toEqual([]);
  });

  it("says why a frame of a build without uploaded maps is not resolved, and how to fix it", async () => {
    await open(`/events/${ids.unresolved}`);
    const top = page.locator("li.frame.in-app").first();
    expect(await top.getAttribute("class")).toContain("unresolved");
    const reason = await top.locator(".reason").textContent();
    expect(reason).toMatch(/Not resolved debug_id_not_uploaded: debug id [0-9a-f-]{36} was never uploaded/);
    expect(reason).toContain("Fix: upload the build that ran: `sentry-ship sourcemaps upload DIR`");
    expect(problems).toEqual([]);
  });

  it("shows script in an event as text", async () => {
    await open(`/events/${ids.hostile}`);
    expect(await page.locator("h1").textContent()).toContain(HOSTILE);
    expect(await page.locator("pre.message").textContent()).toBe(HOSTILE);
    expect(await page.locator("main .tags").textContent()).toContain("<b>bold</b>");
    // The log file's lines are the breadcrumbs, oldest first, as text.
    const crumbs = await page.locator("table.crumbs-table tbody tr").allTextContents();
    expect(crumbs.map((c) => c.replace(/^.*?(starting|<i>)/, "$1"))).toEqual([
      "starting the job",
      "<i>step two</i> failed",
    ]);
    expect(await page.locator("main img, main b, main i").count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    await open("/events");
    expect(await page.locator("main").textContent()).toContain(HOSTILE);
    expect(await page.locator("main img").count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it("shows a new event within two seconds of send-event, without a reload", async () => {
    await open("/events");
    const marker = `live event ${Date.now()}`;
    await page.evaluate(() => {
      (globalThis as { __sameDocument?: boolean }).__sameDocument = true;
    });
    await ship(["send-event", "-m", marker]);
    const sent = Date.now();
    await page.locator("td.title a", { hasText: marker }).waitFor({ timeout: 2_000 });
    const elapsed = Date.now() - sent;
    expect(elapsed).toBeLessThan(2_000);
    expect(await page.evaluate(() => (globalThis as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(problems).toEqual([]);
  });

  it("is keyboard navigable: a skip link first, then the sections", async () => {
    await open("/");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
    await open("/");
    const labels: string[] = [];
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press("Tab");
      labels.push(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ""));
    }
    expect(labels).toEqual(expect.arrayContaining(["Events", "Releases", "Artifact bundles", "Monitors"]));
    expect(problems).toEqual([]);
  });

  it("shows the export commands as serve prints them", async () => {
    await open("/");
    const shell = await page.locator("pre.shell").textContent();
    expect(shell!.split("\n")).toEqual([
      `export SENTRY_URL=${s.server.url}/`,
      `export SENTRY_AUTH_TOKEN=${s.server.token}`,
      "export SENTRY_ORG=acme SENTRY_PROJECT=frontend",
      `export SENTRY_DSN=${s.server.dsn}`,
    ]);
  });
});

describe("serve's pages when serve listens beyond loopback", () => {
  it("refuses a request without the token, and opens with ?token= once (cookie)", async () => {
    const server = await startServer({ host: "0.0.0.0" });
    const base = `http://127.0.0.1:${server.port}`;
    const browser = await launchChromium();
    try {
      for (const path of ["/", "/events", "/releases", "/_web/changes", `/events/${"0".repeat(32)}`]) {
        const res = await fetch(`${base}${path}`);
        const body = await res.text();
        expect(res.status, path).toBe(401);
        expect(body).not.toContain(server.token);
        expect(body).not.toContain(server.dsn);
      }
      expect((await fetch(`${base}/?token=sntryu_wrong`)).status).toBe(401);
      expect((await fetch(`${base}/events`, { headers: { Authorization: `Bearer ${server.token}` } })).status).toBe(
        200,
      );
      // The API answers as before.
      expect((await fetch(`${base}/api/0/organizations/`)).status).toBe(401);

      const page = await browser.newPage();
      const refused = await page.goto(`${base}/events`);
      expect(refused?.status()).toBe(401);
      expect(await page.content()).not.toContain(server.token);

      const opened = await page.goto(`${base}/events?token=${encodeURIComponent(server.token)}`);
      expect(opened?.status()).toBe(200);
      expect(new URL(page.url()).search).toBe("");
      const cookies = await page.context().cookies();
      expect(cookies).toEqual([expect.objectContaining({ name: "ship_web", httpOnly: true, sameSite: "Strict" })]);
      expect(cookies[0]!.value).not.toContain(server.token);
      expect((await page.goto(`${base}/releases`))?.status()).toBe(200);
      expect(await page.locator("h1").textContent()).toBe("Releases");
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
