/**
 * JavaScript processing with real clients: an esbuild bundle, injected and uploaded with
 * sentry-ship, run under @sentry/node against `serve`; the event API returns its in-app frames at
 * the original file, line, column and function, and `sourcemaps explain` says why when not.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type BuiltApp, buildApp, EXPECTED_FRAMES, runApp } from "../support/js-app.js";
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

  async function ship(args: string[], cwd: string) {
    const r = await runCli(args, { env: s.env(), cwd });
    return r;
  }

  /** Run the app and return the id of the event it sent. */
  async function runAndGetEvent(app: BuiltApp, env: Omit<Parameters<typeof runApp>[1], "dsn"> = {}): Promise<string> {
    const n = s.server.state.events.length;
    await runApp(app, { dsn: s.server.dsn, ...env });
    const ev = s.server.state.events.slice(n).find((e) => e.items.some((i) => i.header.type === "event"));
    if (!ev) throw new Error("the SDK sent no event");
    return ev.id;
  }

  function inAppFrames(ev: Json): Json[] {
    const exc = ev.entries.find((e: Json) => e.type === "exception").data.values.at(-1);
    return exc.stacktrace.frames.filter((f: Json) => f.inApp).reverse();
  }

  const EXPECTED = (prefix: string) => EXPECTED_FRAMES.map((e) => [`${prefix}${e.file}`, e.line, e.column, e.function]);

  async function explain(args: string[], cwd: string): Promise<{ exitCode: number; doc: Json; text: string }> {
    const j = await ship(["sourcemaps", "explain", "--json", ...args], cwd);
    const t = await ship(["sourcemaps", "explain", ...args], cwd);
    expect(t.exitCode).toBe(j.exitCode);
    return { exitCode: j.exitCode, doc: JSON.parse(j.stdout), text: t.stdout };
  }

  it("resolves an injected and uploaded bundle through its debug id, and explain says so", async () => {
    const app = await buildApp(tempDir("ship-js-"));
    expect((await ship(["sourcemaps", "inject", "dist"], app.dir)).exitCode).toBe(0);
    expect((await ship(["sourcemaps", "upload", "dist"], app.dir)).exitCode).toBe(0);
    const id = await runAndGetEvent(app);

    const { status, body } = await api(`events/${id}/`);
    expect(status).toBe(200);
    const frames = inAppFrames(body);
    expect(frames.slice(0, 3).map((f) => [f.absPath, f.lineNo, f.colNo, f.function])).toEqual(EXPECTED("~/"));
    expect(frames[0]!.context).toContainEqual([6, '    throw new TypeError("item " + item.name + " has no price");']);
    expect(frames[0]!.data).toMatchObject({ resolved_with: "debug-id", sourcemap: "~/app.js.map" });
    // The raw frames are kept, pointing into the bundle.
    const raw = body.entries[0].data.values.at(-1).rawStacktrace.frames.filter((f: Json) => f.inApp);
    expect(raw.every((f: Json) => f.absPath === app.bundle && f.lineNo >= 1)).toBe(true);

    const dbg = await api(`events/${id}/source-map-debug-blue-thunder-edition/`);
    expect(dbg.status).toBe(200);
    expect(dbg.body).toMatchObject({
      release: null,
      has_debug_ids: true,
      sdk_debug_id_support: "full",
      project_has_some_artifact_bundle: true,
      has_uploaded_some_artifact_with_a_debug_id: true,
    });
    const top = dbg.body.exceptions[0].frames.at(-1);
    expect(top.debug_id_process).toMatchObject({
      uploaded_source_file_with_correct_debug_id: true,
      uploaded_source_map_with_correct_debug_id: true,
    });
    expect(top.release_process).toBeNull();

    const ex = await explain([id], app.dir);
    expect(ex.exitCode).toBe(0);
    expect(ex.doc.ok).toBe(true);
    expect(
      ex.doc.frames.slice(0, 3).map((f: Json) => [f.status, f.original.file, f.original.line, f.original.function]),
    ).toEqual(EXPECTED_FRAMES.map((e) => ["resolved", `~/${e.file}`, e.line, e.function]));
    expect(ex.text).toContain(
      "resolved (by debug-id) → ~/src/price.js:6:11 in priceOf\n       6 | throw new TypeError(",
    );

    // Offline, from the event the SDK sent, against the local build: the same verdicts.
    const sent = s.server.state.events.find((e) => e.id === id)!.items.find((i) => i.header.type === "event")!.payload;
    writeFileSync(join(app.dir, "event.json"), JSON.stringify(sent));
    const off = await explain(["--event", "event.json", "dist"], app.dir);
    expect(off.exitCode).toBe(0);
    expect(off.doc.frames.map((f: Json) => f.original)).toEqual(ex.doc.frames.map((f: Json) => f.original));
    // And from the event as the API returns it.
    writeFileSync(join(app.dir, "api-event.json"), JSON.stringify(body));
    const fromApi = await explain(["--event", "api-event.json", "dist"], app.dir);
    expect(fromApi.doc.frames.map((f: Json) => f.original)).toEqual(ex.doc.frames.map((f: Json) => f.original));
  });

  it("resolves a release upload without debug ids, by the frame's ~/ name", async () => {
    const app = await buildApp(tempDir("ship-js-"));
    expect((await ship(["sourcemaps", "upload", "dist", "--release", "shop@1.0.0"], app.dir)).exitCode).toBe(0);
    const id = await runAndGetEvent(app, { release: "shop@1.0.0", rewriteRoot: join(app.dir, "dist") });
    const frames = inAppFrames((await api(`events/${id}/`)).body);
    expect(frames[0]!.data).toMatchObject({ resolved_with: "release", sourcemap: "~/app.js.map" });
    expect(frames.slice(0, 3).map((f) => [f.absPath, f.lineNo, f.colNo, f.function])).toEqual(EXPECTED("~/"));
    const dbg = await api(`events/${id}/source-map-debug-blue-thunder-edition/`);
    expect(dbg.body.exceptions[0].frames.at(-1).release_process).toEqual({
      abs_path: "app:///app.js",
      matching_source_file_names: ["app:///app.js", "~/app.js"],
      matching_source_map_name: "~/app.js.map",
      source_map_reference: "app.js.map",
      source_file_lookup_result: "found",
      source_map_lookup_result: "found",
    });
    expect((await explain([id], app.dir)).exitCode).toBe(0);
  });

  it("resolves with --url-prefix, and names the prefix when the upload lacked it", async () => {
    const app = await buildApp(tempDir("ship-js-"));
    // The SDK reports app:///dist/app.js; an upload of dist/ without a prefix names it ~/app.js.
    const r = await ship(["sourcemaps", "upload", "dist", "--release", "shop@2.0.0"], app.dir);
    expect(r.exitCode).toBe(0);
    const wrong = await runAndGetEvent(app, { release: "shop@2.0.0", rewriteRoot: app.dir });
    const ex = await explain([wrong], app.dir);
    expect(ex.exitCode).toBe(1);
    expect(ex.doc.frames[0].reason).toMatchObject({
      code: "source_not_found",
      release: "shop@2.0.0",
      tried: ["app:///dist/app.js", "~/dist/app.js"],
    });
    expect(ex.text).toContain(
      "not resolved [source_not_found]: no artifact named 'app:///dist/app.js' or '~/dist/app.js' in release shop@2.0.0",
    );
    expect(ex.text).toContain(
      "fix: upload the folder holding this file with --release shop@2.0.0 --url-prefix '~/dist'",
    );
    // Offline, the local build shows which artifact exists instead.
    const sent = s.server.state.events
      .find((e) => e.id === wrong)!
      .items.find((i) => i.header.type === "event")!.payload;
    writeFileSync(join(app.dir, "event.json"), JSON.stringify(sent));
    const off = await explain(["--event", "event.json", "dist"], app.dir);
    expect(off.exitCode).toBe(1);
    expect(off.doc.frames[0].reason).toMatchObject({
      code: "source_not_found",
      similar: { name: "~/app.js", urlPrefix: "~/dist" },
    });
    expect(off.text).toContain("while '~/app.js' exists");
    expect(off.text).toContain("fix: upload with --url-prefix '~/dist'");
    expect((await explain(["--event", "event.json", "dist", "--url-prefix", "~/dist"], app.dir)).exitCode).toBe(0);

    expect(
      (await ship(["sourcemaps", "upload", "dist", "--release", "shop@2.0.1", "--url-prefix", "~/dist"], app.dir))
        .exitCode,
    ).toBe(0);
    const id = await runAndGetEvent(app, { release: "shop@2.0.1", rewriteRoot: app.dir });
    const frames = inAppFrames((await api(`events/${id}/`)).body);
    expect(frames.slice(0, 3).map((f) => [f.absPath, f.lineNo, f.colNo, f.function])).toEqual(EXPECTED("~/"));
    expect((await explain([id], app.dir)).exitCode).toBe(0);
  });

  it("explains a dist mismatch", async () => {
    const app = await buildApp(tempDir("ship-js-"));
    expect(
      (await ship(["sourcemaps", "upload", "dist", "--release", "shop@3.0.0", "--dist", "web"], app.dir)).exitCode,
    ).toBe(0);
    const id = await runAndGetEvent(app, { release: "shop@3.0.0", dist: "mobile", rewriteRoot: join(app.dir, "dist") });
    const frames = inAppFrames((await api(`events/${id}/`)).body);
    expect(frames[0]!.absPath).toBe("app:///app.js");
    const dbg = await api(`events/${id}/source-map-debug-blue-thunder-edition/`);
    expect(dbg.body.dist).toBe("mobile");
    expect(dbg.body.exceptions[0].frames.at(-1).release_process.source_file_lookup_result).toBe("wrong-dist");
    const ex = await explain([id], app.dir);
    expect(ex.exitCode).toBe(1);
    expect(ex.doc.frames[0].reason).toMatchObject({ code: "dist_mismatch", eventDist: "mobile" });
    expect(ex.text).toContain("fix: upload with --dist 'mobile'");
  });

  it("explains a bundle that was injected but never uploaded, naming the local file", async () => {
    const app = await buildApp(tempDir("ship-js-"));
    expect((await ship(["sourcemaps", "inject", "dist"], app.dir)).exitCode).toBe(0);
    const id = await runAndGetEvent(app);
    const debugId = /\/\/# debugId=([0-9a-f-]+)/.exec(readFileSync(app.bundle, "utf8"))![1];
    const ex = await explain([id, "dist"], app.dir);
    expect(ex.exitCode).toBe(1);
    expect(ex.doc.frames[0].reason).toEqual({
      code: "debug_id_not_uploaded",
      debugId,
      sourceUploaded: false,
      local: "dist/app.js",
    });
    expect(ex.text).toContain(
      `not resolved [debug_id_not_uploaded]: debug id ${debugId} was never uploaded (the local file dist/app.js carries it)`,
    );
    expect(ex.text).toContain("fix: upload the build that ran: `sentry-ship sourcemaps upload dist`");
  });

  it("explains a map without sourcesContent whose sources were not uploaded", async () => {
    const app = await buildApp(tempDir("ship-js-"));
    const mapPath = `${app.bundle}.map`;
    const map = JSON.parse(readFileSync(mapPath, "utf8"));
    delete map.sourcesContent;
    writeFileSync(mapPath, JSON.stringify(map));
    expect((await ship(["sourcemaps", "inject", "dist"], app.dir)).exitCode).toBe(0);
    expect((await ship(["sourcemaps", "upload", "dist"], app.dir)).exitCode).toBe(0);
    const id = await runAndGetEvent(app);
    const ev = (await api(`events/${id}/`)).body;
    const frames = inAppFrames(ev);
    expect(frames.slice(0, 3).map((f) => [f.absPath, f.lineNo, f.colNo, f.function])).toEqual(EXPECTED("~/"));
    expect(frames[0]!.context).toEqual([]);
    expect(ev.errors).toContainEqual({
      type: "js_missing_source_content",
      message: "js_missing_source_content",
      data: { source: "~/src/price.js", sourcemap: "~/app.js.map" },
    });
    const ex = await explain([id], app.dir);
    expect(ex.exitCode).toBe(1);
    expect(ex.doc.frames[0].reason).toEqual({
      code: "missing_source_content",
      source: "~/src/price.js",
      map: "~/app.js.map",
    });
    expect(ex.text).toContain(
      "not resolved [missing_source_content]: the map has no sourcesContent for '~/src/price.js'",
    );
  });
});
