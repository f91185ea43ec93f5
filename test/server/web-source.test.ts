/**
 * A frame whose map carries no source text, resolved with an original source uploaded as a file of
 * its own: the event page links the frame to that file, shown at the frame's line.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp, EXPECTED_FRAMES, runApp } from "../support/js-app.js";
import { runCli, tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";

describe("serve's pages: a source uploaded beside a map without sourcesContent", () => {
  const s = useServer();

  it("links the resolved frame to the uploaded original, at its line", async () => {
    const app = await buildApp(tempDir("ship-web-src-"));
    const mapPath = join(app.dir, "dist", "app.js.map");
    const map = JSON.parse(readFileSync(mapPath, "utf8"));
    delete map.sourcesContent;
    writeFileSync(mapPath, JSON.stringify(map));
    const env = s.env();
    const up = await runCli(["sourcemaps", "upload", ".", "--release", "src@1.0.0", "--ext", "js", "--ext", "map"], {
      env,
      cwd: app.dir,
    });
    expect(up.exitCode, up.stderr).toBe(0);
    const before = s.server.state.events.length;
    await runApp(app, { dsn: s.server.dsn, release: "src@1.0.0", rewriteRoot: app.dir });
    const ev = s.server.state.events.slice(before).find((e) => e.event)!;
    const html = await (await fetch(`${s.server.url}/events/${ev.id}`)).text();
    const link = /<a class="open-source" href="([^"]+)">/.exec(html);
    expect(link, html.slice(html.indexOf("<main"), html.indexOf("<main") + 3000)).not.toBeNull();
    const want = EXPECTED_FRAMES[0]!;
    const href = link![1]!.replace(/&amp;/g, "&");
    expect(href).toMatch(new RegExp(`line=${want.line}#L${want.line}$`));
    const page = await fetch(`${s.server.url}${href}`);
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain(`<span class="line hit" id="L${want.line}">`);
    expect(body).toContain("throw new TypeError(&quot;item &quot; + item.name + &quot; has no price&quot;);");
  });
});
