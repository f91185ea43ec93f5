/**
 * `sourcemaps check`: exit 0 on a correctly injected esbuild build, exit 1 naming the files on
 * each broken shape, and `--against-server` through the artifact-lookup endpoint.
 */
import { readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../support/js-app.js";
import { runCli, tempDir } from "../../support/runCli.js";
import { useServer } from "../../support/server.js";
import { writeFiles } from "../../support/upload-fixtures.js";

type Json = Record<string, any>;

describe("sourcemaps check", () => {
  const s = useServer();
  const ship = (args: string[], cwd: string) => runCli(args, { env: s.env(), cwd });

  async function injected(): Promise<string> {
    const app = await buildApp(tempDir("ship-check-"));
    expect((await ship(["sourcemaps", "inject", "dist"], app.dir)).exitCode).toBe(0);
    return app.dir;
  }

  async function check(
    dir: string,
    ...extra: string[]
  ): Promise<{ exitCode: number; doc: Json; text: string; stderr: string }> {
    const j = await ship(["sourcemaps", "check", "dist", "--json", ...extra], dir);
    const t = await ship(["sourcemaps", "check", "dist", ...extra], dir);
    expect(t.exitCode).toBe(j.exitCode);
    return { exitCode: j.exitCode, doc: JSON.parse(j.stdout), text: t.stdout, stderr: t.stderr };
  }

  const codes = (doc: Json) => doc.issues.map((i: Json) => [i.level, i.code, i.file]);

  it("passes a correctly injected build", async () => {
    const dir = await injected();
    const r = await check(dir);
    expect(r.exitCode).toBe(0);
    expect(r.doc).toMatchObject({ ok: true, errors: 0, warnings: 0, maps: 1 });
    expect(r.doc.files).toEqual([
      { file: "dist/app.js", debugId: expect.stringMatching(/^[0-9a-f-]{36}$/), map: "dist/app.js.map" },
    ]);
    expect(r.text).toBe("Checked 1 JavaScript file and 1 source map\n0 errors, 0 warnings\n");
  });

  it("reads the sources of an index map's sections", async () => {
    const dir = tempDir("ship-check-");
    const id = "12345678-1234-4234-8234-123456789abc";
    const section = (sourcesContent?: string[]) => ({
      offset: { line: 0, column: 0 },
      map: {
        version: 3,
        sources: ["gone.js"],
        names: [],
        mappings: "AAAA",
        ...(sourcesContent ? { sourcesContent } : {}),
      },
    });
    writeFiles(dir, {
      "dist/idx.js": `x();\n//# sourceMappingURL=idx.js.map\n//# debugId=${id}\n`,
      "dist/idx.js.map": JSON.stringify({ version: 3, debugId: id, sections: [section(["x();"])] }),
    });
    expect((await check(dir)).doc.issues).toEqual([]);
    writeFileSync(join(dir, "dist/idx.js.map"), JSON.stringify({ version: 3, debugId: id, sections: [section()] }));
    expect(codes((await check(dir)).doc)).toEqual([["error", "no_sources_content", "dist/idx.js.map"]]);
  });

  it("checks the map beside a script whose reference is on a server, as inject pairs them", async () => {
    const dir = tempDir("ship-check-");
    const map = JSON.stringify({
      version: 3,
      sources: ["a.ts"],
      sourcesContent: ["let a;"],
      names: [],
      mappings: "AAAA",
    });
    writeFiles(dir, {
      "dist/cdn.js": "var c=1;\n//# sourceMappingURL=https://maps.example.com/cdn.js.map\n",
      "dist/cdn.js.map": map,
      "dist/rooted.js": "var r=1;\n//# sourceMappingURL=/static/js/rooted.js.map\n",
      "dist/rooted.js.map": map,
      "dist/far.js": "var f=1;\n//# sourceMappingURL=https://maps.example.com/far.js.map\n",
    });
    expect((await ship(["sourcemaps", "inject", "dist"], dir)).exitCode).toBe(0);
    const r = await check(dir);
    expect(r.doc.files).toEqual([
      { file: "dist/cdn.js", debugId: expect.stringMatching(/^[0-9a-f-]{36}$/), map: "dist/cdn.js.map" },
      { file: "dist/far.js", debugId: null, map: null },
      { file: "dist/rooted.js", debugId: expect.stringMatching(/^[0-9a-f-]{36}$/), map: "dist/rooted.js.map" },
    ]);
    // The map that is only on the server: inject left the script alone, and check says so.
    expect(codes(r.doc)).toEqual([
      ["error", "no_debug_id", "dist/far.js"],
      ["warning", "map_not_checked", "dist/far.js"],
    ]);
  });

  it("fails a build that was not injected, naming both files", async () => {
    const app = await buildApp(tempDir("ship-check-"));
    const r = await check(app.dir);
    expect(r.exitCode).toBe(1);
    expect(codes(r.doc)).toEqual([
      ["error", "no_debug_id", "dist/app.js"],
      ["error", "map_without_debug_id", "dist/app.js.map"],
    ]);
    expect(r.stderr).toContain("error: 2 errors in the build: dist/app.js, dist/app.js.map");
  });

  it("fails a missing map, an unparsable map and a map with another debug id", async () => {
    const missing = await injected();
    unlinkSync(join(missing, "dist/app.js.map"));
    expect(codes((await check(missing)).doc)).toEqual([["error", "map_missing", "dist/app.js"]]);

    const broken = await injected();
    writeFileSync(join(broken, "dist/app.js.map"), "{ not json");
    const b = await check(broken);
    expect(b.exitCode).toBe(1);
    expect(codes(b.doc)).toEqual([["error", "map_unreadable", "dist/app.js.map"]]);

    const other = await injected();
    const mapPath = join(other, "dist/app.js.map");
    const map = JSON.parse(readFileSync(mapPath, "utf8"));
    map.debugId = map.debug_id = "00000000-1111-4222-8333-444444444444";
    writeFileSync(mapPath, JSON.stringify(map));
    const o = await check(other);
    expect(codes(o.doc)).toEqual([["error", "debug_id_mismatch", "dist/app.js"]]);
    expect(o.text).toContain("but its map dist/app.js.map has 00000000-1111-4222-8333-444444444444");
  });

  it("fails a map without sourcesContent whose sources are not present, and warns when only some are missing", async () => {
    const dir = await injected();
    const mapPath = join(dir, "dist/app.js.map");
    const map = JSON.parse(readFileSync(mapPath, "utf8"));
    const stripped = { ...map };
    delete stripped.sourcesContent;
    writeFileSync(mapPath, JSON.stringify(stripped));
    // The sources are beside the build: fine.
    expect((await check(dir)).exitCode).toBe(0);
    rmSync(join(dir, "src"), { recursive: true });
    const r = await check(dir);
    expect(r.exitCode).toBe(1);
    expect(codes(r.doc)).toEqual([["error", "no_sources_content", "dist/app.js.map"]]);
    // sourcesContent with a gap for a source that is nowhere: a warning only.
    writeFileSync(mapPath, JSON.stringify({ ...map, sourcesContent: [...map.sourcesContent.slice(0, -1), null] }));
    const w = await check(dir);
    expect(w.exitCode).toBe(0);
    expect(codes(w.doc)).toEqual([["warning", "missing_sources", "dist/app.js.map"]]);
  });

  it("fails two different files with one debug id, and warns about JS without a map", async () => {
    const dir = await injected();
    const js = readFileSync(join(dir, "dist/app.js"), "utf8");
    writeFileSync(join(dir, "dist/copy.js"), `var extra=1;\n${js}`);
    writeFileSync(join(dir, "dist/plain.js"), "console.log(1);\n//# debugId=11111111-2222-4333-8444-555555555555\n");
    const r = await check(dir);
    expect(r.exitCode).toBe(1);
    expect(codes(r.doc)).toEqual([
      ["error", "duplicate_debug_id", "dist/app.js"],
      ["warning", "no_source_map", "dist/plain.js"],
    ]);
    expect(r.text).toContain("dist/app.js: shares debug id");
    expect(r.text).toContain("with dist/copy.js, a different file");
  });

  it("--against-server fails in one line naming the Sentry URL when the lookup answers a web page with 200", async () => {
    const dir = await injected();
    const rule = s.server.faults.failNext("/api/0/projects/acme/frontend/artifact-lookup/", 200, 1, {
      body: "<html><body>Sign in</body></html>",
      headers: { "Content-Type": "text/html; charset=utf-8" },
    });
    const r = await ship(["sourcemaps", "check", "dist", "--against-server"], dir);
    expect(rule.hits).toBe(1);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("error:"))).toEqual([
      `error: the server answered with text/html, not JSON (http status: 200) — check that the Sentry URL ${s.server.url} (from SENTRY_URL) is Sentry's`,
    ]);
  });

  it("--against-server: every debug id must be on the server", async () => {
    const dir = await injected();
    const before = await check(dir, "--against-server");
    expect(before.exitCode).toBe(1);
    expect(codes(before.doc)).toEqual([["error", "not_on_server", "dist/app.js"]]);
    expect(before.doc.server).toEqual({ checked: 1, missing: [before.doc.files[0].debugId] });
    const lookups = s.server.requests.filter((r) => r.path === "/api/0/projects/acme/frontend/artifact-lookup/");
    expect(lookups.at(-1)?.query).toEqual({ debug_id: before.doc.files[0].debugId });

    expect((await ship(["sourcemaps", "upload", "dist"], dir)).exitCode).toBe(0);
    const after = await check(dir, "--against-server");
    expect(after.exitCode).toBe(0);
    expect(after.doc.server).toEqual({ checked: 1, missing: [] });

    // The endpoint answers an org auth token (project:releases-level access), and serves the bundle.
    const res = await fetch(
      `${s.server.url}/api/0/projects/acme/frontend/artifact-lookup/?debug_id=${after.doc.files[0].debugId}`,
      { headers: { Authorization: `Bearer ${s.server.orgToken}` } },
    );
    expect(res.status).toBe(200);
    const list = (await res.json()) as Json[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ type: "bundle", resolved_with: "debug-id" });
    const zip = await fetch(list[0]!.url, { headers: { Authorization: `Bearer ${s.server.orgToken}` } });
    expect(zip.status).toBe(200);
    expect(
      Buffer.from(await zip.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe("PK");
  });
});
