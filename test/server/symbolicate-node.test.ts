/**
 * JavaScript processing with real clients: an esbuild bundle, injected and uploaded with
 * sentry-ship, run under @sentry/node against `serve`; the event API returns its in-app frames
 * at the original file, line, column and function.
 */
import { describe, expect, it } from "vitest";
import { buildApp, EXPECTED_FRAMES, runApp } from "../support/js-app.js";
import { runCli, tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";

type Json = Record<string, any>;

describe("serve processes JavaScript events from @sentry/node", () => {
  const s = useServer();

  async function api(path: string): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${s.server.url}/api/0/projects/acme/frontend/${path}`, {
      headers: { Authorization: `Bearer ${s.server.token}` },
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  /** The newest stored event after `n` events were stored. */
  function newEvent(n: number): string {
    const ev = s.server.state.events.slice(n).find((e) => e.items.some((i) => i.header.type === "event"));
    if (!ev) throw new Error("the SDK sent no event");
    return ev.id;
  }

  function inApp(ev: Json): Json[] {
    const exc = ev.entries.find((e: Json) => e.type === "exception").data.values.at(-1);
    return exc.stacktrace.frames.filter((f: Json) => f.inApp).reverse();
  }

  it("resolves an injected and uploaded bundle through its debug id", async () => {
    const app = await buildApp(tempDir("ship-js-"));
    const env = s.env();
    expect((await runCli(["sourcemaps", "inject", "dist"], { env, cwd: app.dir })).exitCode).toBe(0);
    expect((await runCli(["sourcemaps", "upload", "dist"], { env, cwd: app.dir })).exitCode).toBe(0);
    const n = s.server.state.events.length;
    await runApp(app, { dsn: s.server.dsn });
    const id = newEvent(n);
    const { status, body } = await api(`events/${id}/`);
    expect(status).toBe(200);
    const frames = inApp(body);
    console.log(JSON.stringify(frames, null, 1).slice(0, 3000));
    expect(frames.slice(0, 3).map((f) => [f.absPath, f.lineNo, f.colNo, f.function])).toEqual(
      EXPECTED_FRAMES.map((e) => [`~/${e.file}`, e.line, e.column, e.function]),
    );
  });
});
