import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FaultAction } from "../../../src/server/faults.js";
import { resetChunkUploadOptions, setChunkUploadOptions } from "../../../src/server/routes/chunks.js";
import { runCli } from "../../support/runCli.js";
import { runSentryCli } from "../../support/sentryCli.js";
import { sentryCliEnv, useServer } from "../../support/server.js";
import { makeDist, writeFiles } from "../../support/upload-fixtures.js";

const CHUNK_PATH = "/api/0/organizations/acme/chunk-upload/";
const ASSEMBLE_PATH = "/api/0/organizations/acme/artifactbundle/assemble/";

describe("sourcemaps upload", () => {
  const s = useServer();
  afterEach(() => {
    resetChunkUploadOptions(s.server.core);
    s.server.faults.clear();
  });

  async function injectedDist(): Promise<string> {
    const dir = makeDist();
    const r = await runSentryCli(["sourcemaps", "inject", "dist"], { env: sentryCliEnv(s.server), cwd: dir });
    expect(r.exitCode).toBe(0);
    return dir;
  }
  const since = (n: number) => s.server.requests.slice(n);
  const chunkPosts = (n: number) =>
    since(n).filter((r) => r.method === "POST" && r.path === CHUNK_PATH && r.status === 200);

  it("uploads once, and an unchanged re-upload sends no chunk bytes", async () => {
    const dir = await injectedDist();
    const n0 = s.server.requests.length;
    const first = await runCli(["sourcemaps", "upload", "dist"], { env: s.env(), cwd: dir });
    expect(first.exitCode).toBe(0);
    expect(since(n0).map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${CHUNK_PATH}`,
      `POST ${ASSEMBLE_PATH}`,
      `POST ${CHUNK_PATH}`,
      `POST ${ASSEMBLE_PATH}`,
    ]);
    expect(first.stdout).toContain(
      "Source Map Upload Report\n  Scripts\n    ~/app.min.js (sourcemap at app.min.js.map, debug id ",
    );
    expect(first.stdout).toMatch(
      /\nSummary: uploaded 8 files in 1 bundle; [\d.]+ (B|KiB) sent, 0 B skipped \(already on the server\); 1 file not uploaded\nNot uploaded:\n {2}readme\.txt: extension not one of js, cjs, mjs, map, jsbundle, bundle\n$/,
    );
    const n1 = s.server.requests.length;
    const again = await runCli(["sourcemaps", "upload", "dist", "--json"], { env: s.env(), cwd: dir });
    expect(again.exitCode).toBe(0);
    expect(chunkPosts(n1)).toHaveLength(0);
    expect(again.stderr).toContain("> Nothing to upload, all files are on the server");
    const doc = JSON.parse(again.stdout);
    expect(doc.bytesSent).toBe(0);
    expect(doc.bytesSkipped).toBe(doc.bundles[0].size);
    expect(doc.bundles).toHaveLength(1);
    expect(doc.bundles[0]).toMatchObject({ files: 8, missingChunks: 0, state: "ok" });
  });

  it("uploads only missing chunks, within chunksPerRequest and maxRequestSize, as file parts without gzip", async () => {
    setChunkUploadOptions(s.server.core, {
      chunkSize: 1024,
      chunksPerRequest: 2,
      maxRequestSize: 4096,
      compression: [],
    });
    const dir = await injectedDist();
    const n0 = s.server.requests.length;
    const r = await runCli(["sourcemaps", "upload", "dist", "--release", "chunky"], { env: s.env(), cwd: dir });
    expect(r.exitCode).toBe(0);
    const first = since(n0).find((x) => x.path === ASSEMBLE_PATH)!;
    const chunks = (first.json as { chunks: string[] }).chunks;
    expect(chunks.length).toBeGreaterThan(2);
    const posts = chunkPosts(n0);
    expect(posts).toHaveLength(Math.ceil(chunks.length / 2));
    for (const p of posts) expect(p.bodyBytes).toBeLessThan(2 * 1024 + 1024);
    const bundle = s.server.state.bundles.at(-1)!;
    expect(bundle.release).toBe("chunky");
  });

  it("splits into several bundles above maxFileSize", async () => {
    setChunkUploadOptions(s.server.core, { maxFileSize: 5000 });
    const dir = await injectedDist();
    const before = s.server.state.bundles.length;
    const r = await runCli(["sourcemaps", "upload", "dist", "--json"], { env: s.env(), cwd: dir });
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.bundles.length).toBeGreaterThan(1);
    const stored = s.server.state.bundles.slice(before);
    expect(stored).toHaveLength(doc.bundles.length);
    const paths = stored.flatMap((b) => Object.keys(b.manifest.files as object)).sort();
    expect(paths).toHaveLength(8);
  });

  it("completes when a chunk POST answers 503 once", async () => {
    const dir = await injectedDist();
    writeFileSync(join(dir, "dist/extra.js"), "var extra=503;\n//# debugId=11111111-2222-5333-8444-555555555555\n");
    const rule = s.server.faults.failNext(CHUNK_PATH, 503, 1, { method: "POST" });
    const before = s.server.state.bundles.length;
    const r = await runCli(["sourcemaps", "upload", "dist"], { env: s.env(), cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(rule.hits).toBe(1);
    expect(s.server.state.bundles.length).toBe(before + 1);
  });

  it("completes when the connection drops mid-upload", async () => {
    const dir = await injectedDist();
    writeFileSync(join(dir, "dist/extra.js"), "var extra=1;\n//# debugId=11111111-2222-5333-8444-666666666666\n");
    const rule = s.server.faults.dropNext(CHUNK_PATH, 1, "POST");
    const before = s.server.state.bundles.length;
    const r = await runCli(["sourcemaps", "upload", "dist"], { env: s.env(), cwd: dir });
    expect(r.stderr).not.toContain("error:");
    expect(r.exitCode).toBe(0);
    expect(rule.hits).toBe(1);
    expect(s.server.state.bundles.length).toBe(before + 1);
  });

  it("fails with one line and reports nothing as uploaded when assembly ends in error", async () => {
    const dir = await injectedDist();
    writeFileSync(join(dir, "dist/extra.js"), "var extra=2;\n//# debugId=11111111-2222-5333-8444-777777777777\n");
    const faults = s.server.faults;
    const take = faults.take.bind(faults);
    let assembles = 0;
    faults.take = (method: string, path: string): FaultAction | undefined => {
      if (path === ASSEMBLE_PATH && ++assembles === 2)
        return {
          kind: "status",
          status: 200,
          body: { state: "error", detail: "the bundle is invalid", missingChunks: [] },
        };
      return take(method, path);
    };
    try {
      const r = await runCli(["sourcemaps", "upload", "dist"], { env: s.env(), cwd: dir });
      expect(r.exitCode).toBe(1);
      expect(
        r.stderr
          .trim()
          .split("\n")
          .filter((l) => l.startsWith("error:")),
      ).toEqual(["error: Failed to process uploaded files: the bundle is invalid"]);
      expect(r.stdout).not.toContain("Summary");
      expect(r.stdout).not.toContain("Upload Report");
    } finally {
      faults.take = take;
    }
  });

  it("polls every second with --wait until processing is done", async () => {
    const dir = await injectedDist();
    writeFileSync(join(dir, "dist/extra.js"), "var extra=3;\n//# debugId=11111111-2222-5333-8444-888888888888\n");
    const sleeps: number[] = [];
    const polls = s.server.core.options.assemblePolls;
    s.server.core.options.assemblePolls = 2;
    try {
      const r = await runCli(["sourcemaps", "upload", "dist", "--wait"], {
        env: s.env(),
        cwd: dir,
        overrides: { sleep: async (ms) => void sleeps.push(ms) },
      });
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toContain("> File processing complete");
      // created at the second assemble, then two more polls say "created" and the third "ok".
      expect(sleeps.filter((ms) => ms === 1000).length).toBe(3);
    } finally {
      s.server.core.options.assemblePolls = polls;
    }
  });

  it("names a .map that is not valid JSON and sends nothing", async () => {
    const dir = await injectedDist();
    writeFileSync(join(dir, "dist/broken.js.map"), "{not json");
    const n0 = s.server.requests.length;
    const r = await runCli(["sourcemaps", "upload", "dist"], { env: s.env(), cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: broken\.js\.map is not a valid source map: /m);
    expect(since(n0)).toHaveLength(0);
  });

  it("names a .map that starts with a comment in one error line", async () => {
    const dir = await injectedDist();
    writeFileSync(join(dir, "dist/broken.js.map"), "/*\n * not json\n */\n");
    const r = await runCli(["sourcemaps", "upload", "dist"], { env: s.env(), cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      `error: broken.js.map is not a valid source map: not valid JSON (Unexpected token '/', "/*\\n * not json\\n */\\n" is not valid JSON)\n`,
    );
  });

  it("requires a release or debug ids, with sentry-cli's message", async () => {
    const dir = makeDist();
    const r = await runCli(["sourcemaps", "upload", "dist"], { env: s.env(), cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      "error: Cannot upload: You must either specify a release or have debug ids injected into your sources",
    );
  });

  it("reports --validate problems before sending anything", async () => {
    const dir = makeDist();
    writeFiles(dir, {
      "dist/lonely.js": "var lonely=1;\n",
      "dist/mismatch.js":
        "var m=1;\n//# sourceMappingURL=mismatch.js.map\n//# debugId=11111111-2222-5333-8444-999999999999\n",
      "dist/mismatch.js.map": JSON.stringify({
        version: 3,
        sources: ["m.js"],
        sourcesContent: ["x"],
        names: [],
        mappings: "AAAA",
        debugId: "22222222-2222-5333-8444-999999999999",
      }),
    });
    const n0 = s.server.requests.length;
    const r = await runCli(["sourcemaps", "upload", "dist", "--release", "1.0", "--validate"], {
      env: s.env(),
      cwd: dir,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("warning: lonely.js: no source map and no debug id");
    expect(r.stderr).toContain("warning: vendor.js.map: missing sourcecode (../src/vendor.js)");
    expect(r.stderr).toContain(
      "error: validation failed: mismatch.js: debug id 11111111-2222-5333-8444-999999999999 does not match mismatch.js.map (22222222-2222-5333-8444-999999999999)",
    );
    expect(since(n0)).toHaveLength(0);
  });

  it("builds the bundles but sends nothing with --dry-run", async () => {
    const dir = await injectedDist();
    const n0 = s.server.requests.length;
    const r = await runCli(["sourcemaps", "upload", "dist", "--dry-run", "--json"], { env: s.env(), cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(since(n0)).toHaveLength(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ dryRun: true, bytesSent: 0 });
    expect(doc.bundles[0]).toMatchObject({ files: 8, state: "dry-run" });
    expect(doc.files.map((f: { url: string }) => f.url)).toEqual([
      "~/app.min.js",
      "~/app.min.js.map",
      "~/chunks/c.js",
      "~/chunks/c.js.map",
      "~/esm.mjs",
      "~/esm.mjs.map",
      "~/vendor.js",
      "~/vendor.js.map",
    ]);
  });

  it("leaves the uploaded files untouched", async () => {
    const dir = await injectedDist();
    const before = readFileSync(join(dir, "dist/app.min.js.map"), "utf8");
    await runCli(["sourcemaps", "upload", "dist", "--strip-prefix", "../src"], { env: s.env(), cwd: dir });
    expect(readFileSync(join(dir, "dist/app.min.js.map"), "utf8")).toBe(before);
  });

  it("gives up after --wait-for seconds with sentry-cli's message", async () => {
    const dir = await injectedDist();
    writeFileSync(join(dir, "dist/extra.js"), "var extra=4;\n//# debugId=11111111-2222-5333-8444-aaaaaaaaaaaa\n");
    const sleeps: number[] = [];
    s.server.core.options.assemblePolls = 100;
    try {
      const r = await runCli(["sourcemaps", "upload", "dist", "--wait-for", "3"], {
        env: s.env(),
        cwd: dir,
        overrides: { sleep: async (ms) => void sleeps.push(ms) },
      });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain("error: Failed to process files in 3s");
      expect(sleeps.filter((ms) => ms === 1000)).toHaveLength(3);
    } finally {
      s.server.core.options.assemblePolls = undefined;
    }
  });

  it("asks only for the options when there is nothing to upload", async () => {
    const dir = makeDist();
    writeFiles(dir, { "empty/readme.txt": "nothing\n" });
    const n0 = s.server.requests.length;
    const r = await runCli(["sourcemaps", "upload", "empty"], { env: s.env(), cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain("> Nothing to upload");
    expect(since(n0).map((x) => `${x.method} ${x.path}`)).toEqual([`GET ${CHUNK_PATH}`]);
  });

  const HTML = { body: "<html><body>Sign in</body></html>", headers: { "Content-Type": "text/html; charset=utf-8" } };
  const notSentry = (url: string) =>
    `error: the server answered with text/html, not JSON (http status: 200) — check that the Sentry URL ${url} (from SENTRY_URL) is Sentry's\n`;

  it.each<[string, string, string, string]>([
    ["the chunk-upload options", "GET", CHUNK_PATH, "c1"],
    ["assemble", "POST", ASSEMBLE_PATH, "c2"],
    ["a chunk POST", "POST", CHUNK_PATH, "c3"],
  ])("fails in one line naming the Sentry URL when %s answers a web page with 200", async (_what, method, path, id) => {
    const dir = await injectedDist();
    writeFileSync(join(dir, "dist/extra.js"), `var extra=6;\n//# debugId=11111111-2222-5333-8444-cccccccccc${id}\n`);
    const before = s.server.state.bundles.length;
    const rule = s.server.faults.failNext(path, 200, 1, { method, ...HTML });
    const r = await runCli(["sourcemaps", "upload", "dist"], { env: s.env(), cwd: dir });
    expect(rule.hits).toBe(1);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("error:"))).toHaveLength(1);
    expect(r.stderr).toContain(notSentry(s.server.url));
    expect(r.stdout).not.toMatch(/Summary|Upload Report|Sign in/);
    expect(s.server.state.bundles.length).toBe(before);
  });

  it("uploads with an org auth token that names the organization", async () => {
    const dir = await injectedDist();
    writeFileSync(join(dir, "dist/extra.js"), "var extra=5;\n//# debugId=11111111-2222-5333-8444-bbbbbbbbbbbb\n");
    const before = s.server.state.bundles.length;
    const r = await runCli(["sourcemaps", "upload", "dist"], {
      env: s.env({ SENTRY_AUTH_TOKEN: s.server.orgToken, SENTRY_ORG: undefined }),
      cwd: dir,
    });
    expect(r.stderr).not.toContain("error:");
    expect(r.exitCode).toBe(0);
    expect(s.server.state.bundles.length).toBe(before + 1);
    expect(s.server.state.bundles.at(-1)!.manifest.org).toBe("acme");
  });
});
