/**
 * Debian's Chromium, driven by playwright-core (browsers cannot be downloaded here): one launch per
 * test file, and pages that collect every console error, page error and failed request so a test
 * can assert there were none.
 */
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/**
 * A page whose console errors, uncaught errors and failed requests land in `problems`, and the
 * URL of every request it makes in `requests`.
 */
export async function watchedPage(
  target: Browser | BrowserContext,
): Promise<{ page: Page; problems: string[]; requests: string[] }> {
  const page = await target.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    // ERR_ABORTED is the page cancelling its own request (a navigation away while the icon or a
    // poll is still loading), not the server failing it; failures by the server show as other errors.
    const reason = r.failure()?.errorText;
    if (reason !== "net::ERR_ABORTED") problems.push(`request failed: ${r.url()}: ${reason}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return { page, problems, requests };
}
