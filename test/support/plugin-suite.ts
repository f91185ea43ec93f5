/**
 * The real-build checks every bundler plugin passes, as one suite each bundler's test file runs:
 * two builds with the plugin and one without, of the same multi-chunk app.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PLUGIN_APP_FRAMES, readTree, runBuilt, writePluginApp } from "./plugin-app.js";
import { BUILDERS, type Bundler } from "./plugin-builds.js";
import { type BuiltFiles, checkDebugIds, checkSameMappings, readBuild } from "./plugin-checks.js";
import { tempDir } from "./runCli.js";
import { useServer } from "./server.js";

type Json = Record<string, any>;

export interface SuiteOptions {
  /** More checks on the files of the build without the plugin and of the first build with it. */
  check?: (plain: BuiltFiles, injected: BuiltFiles) => void;
}

export function pluginSuite(bundler: Bundler, { check }: SuiteOptions = {}): void {
  const build = BUILDERS[bundler];

  describe(`the ${bundler} plugin, in a real build`, () => {
    const s = useServer();

    async function api(path: string): Promise<Json> {
      const res = await fetch(`${s.server.url}/api/0/${path}`, {
        headers: { Authorization: `Bearer ${s.server.token}` },
      });
      expect(res.status, path).toBe(200);
      return (await res.json()) as Json;
    }

    it("injects one debug id per chunk before hashing: stable names and bytes, maps intact, the app runs", async () => {
      const dir = tempDir(`ship-${bundler}-`);
      writePluginApp(dir);
      const warnings: string[] = [];
      const logger = { info: () => {}, warn: (m: string) => warnings.push(m) };
      // No auth token anywhere: the build injects, warns that it sent nothing, and succeeds.
      const options = { release: { name: "shop@1.2.3" }, cwd: dir, env: {}, logger };
      const a = await build(dir, "dist-a", options);
      const b = await build(dir, "dist-b", options);
      const plain = await build(dir, "dist-plain", false);
      expect(warnings).toEqual(
        Array(2).fill(
          "[sentry-ship] no auth token (set SENTRY_AUTH_TOKEN or the authToken option): create release, upload, finalize release skipped",
        ),
      );

      // Two builds: the same names, the same bytes.
      const treeA = readTree(a.outDir);
      const treeB = readTree(b.outDir);
      expect([...treeB.keys()]).toEqual([...treeA.keys()]);
      for (const [name, bytes] of treeA) expect(treeB.get(name)!.equals(bytes), name).toBe(true);

      const injected = readBuild(a.outDir);
      const plainFiles = readBuild(plain.outDir);
      const ids = checkDebugIds(injected);
      expect(ids.size).toBe(plainFiles.js.size);
      // Every mapping of the build without the plugin resolves the same through the plugin's maps.
      expect(checkSameMappings(plainFiles, injected)).toBeGreaterThan(20);
      hashCheck(plainFiles, injected);
      check?.(plainFiles, injected);

      // It runs: the error is caught, the other chunk loads, and the SDK took the injected release.
      expect(await runBuilt(a.entry)).toBe("a lamp costs 30 / release shop@1.2.3\n");
      expect(await runBuilt(plain.entry)).toBe("a lamp costs 30 / release undefined\n");
    }, 120_000);

    it("uploads in-process to serve after the build, deletes the maps only then, and an SDK event resolves to the original source", async () => {
      const dir = tempDir(`ship-${bundler}-up-`);
      writePluginApp(dir);
      const version = `shop@${bundler}-1`;
      const repo = await fetch(`${s.server.url}/api/0/organizations/acme/repos/`, {
        method: "POST",
        headers: { Authorization: `Bearer ${s.server.token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ provider: "integrations:github", name: "acme/shop" }),
      });
      expect(repo.status).toBe(201);
      const sha = "4f2a9c1e0b7d3a5f6e8c9b0a1d2e3f4a5b6c7d8e";
      const bundlesBefore = s.server.state.bundles.length;
      const built = await build(dir, "dist", {
        url: s.server.url,
        authToken: s.server.token,
        org: "acme",
        project: "frontend",
        cwd: dir,
        env: {},
        silent: true,
        release: { name: version, setCommits: { repo: "acme/shop", commit: sha }, deploy: { env: "production" } },
        sourcemaps: { filesToDeleteAfterUpload: "dist/**/*.map" },
      });
      const js = [...readTree(built.outDir).keys()];
      // The maps are gone from the output, once uploaded; the code stays.
      expect(js.length).toBeGreaterThanOrEqual(3);
      expect(js.every((n) => /\.m?js$/.test(n))).toBe(true);

      // What the server stored: every file of the build, each with its debug id, in one upload.
      const stored = s.server.state.bundles.slice(bundlesBefore).flatMap((b) => b.files);
      for (const name of js) {
        const code = readTree(built.outDir).get(name)!.toString("utf8");
        const id = /\/\/# debugId=(\S+)/.exec(code)![1]!;
        const script = stored.find((f) => f.path.endsWith(`/${name}`));
        expect(script?.content.toString("utf8"), name).toBe(code);
        expect(script!.headers["debug-id"]).toBe(id);
        const map = stored.find((f) => f.path.endsWith(`/${name}.map`));
        expect(map?.headers["debug-id"], `${name}.map`).toBe(id);
        expect(existsSync(join(built.outDir, `${name}.map`))).toBe(false);
      }
      // The release was created with its commit and finalized, and the deploy recorded.
      const release = await api(`organizations/acme/releases/${encodeURIComponent(version)}/`);
      expect(release.version).toBe(version);
      expect(release.dateReleased).not.toBeNull();
      const commits = await api(`organizations/acme/releases/${encodeURIComponent(version)}/commits/`);
      expect(commits.map((c: Json) => c.id)).toEqual([sha]);
      const deploys = await api(`organizations/acme/releases/${encodeURIComponent(version)}/deploys/`);
      expect(deploys.map((d: Json) => d.environment)).toEqual(["production"]);

      // A real SDK reports the error from the built app; serve resolves each frame to the original source.
      const eventsBefore = s.server.state.events.length;
      expect(await runBuilt(built.entry, { SENTRY_DSN: s.server.dsn })).toBe(`a lamp costs 30 / release ${version}\n`);
      const sent = s.server.state.events
        .slice(eventsBefore)
        .find((e) => e.items.some((i) => i.header.type === "event"));
      expect(sent, "the SDK sent an event").toBeDefined();
      const ev = await api(`projects/acme/frontend/events/${sent!.id}/`);
      expect(ev.release?.version ?? ev.release).toBe(version);
      const exc = ev.entries.find((e: Json) => e.type === "exception").data.values.at(-1);
      const frames = exc.stacktrace.frames.filter((f: Json) => f.inApp).reverse();
      expect(frames.slice(0, 3).map((f: Json) => [String(f.absPath).replace(/^.*?(src\/)/, "$1"), f.lineNo])).toEqual(
        PLUGIN_APP_FRAMES.map((f) => [f.file, f.line]),
      );
      expect(frames[0].context).toContainEqual([6, '    throw new TypeError("item " + item.name + " has no price");']);
      expect(frames[0].data).toMatchObject({ resolved_with: "debug-id" });
    }, 120_000);
  });
}

/**
 * A chunk's name changes with the bytes the plugin adds (the release among them): no injected
 * chunk keeps the name it has in the build without the plugin. (esbuild hashes before the plugin
 * injects; the release comment the plugin adds to its footer is what it hashes instead.)
 */
function hashCheck(plain: ReturnType<typeof readBuild>, injected: ReturnType<typeof readBuild>) {
  const plainNames = new Set(plain.js.keys());
  expect([...injected.js.keys()].filter((n) => plainNames.has(n))).toEqual([]);
}
