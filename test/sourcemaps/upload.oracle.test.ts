import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resetChunkUploadOptions, setChunkUploadOptions } from "../../src/server/routes/chunks.js";
import type { Bundle } from "../../src/server/state.js";
import { runCli } from "../support/runCli.js";
import { runSentryCli } from "../support/sentryCli.js";
import { sentryCliEnv, useServer } from "../support/server.js";
import { makeDist, writeFiles } from "../support/upload-fixtures.js";

function comparable(b: Bundle) {
  const { debug_id: _id, ...manifest } = b.manifest;
  return { manifest, files: Object.fromEntries(b.files.map((f) => [f.path, f.content.toString("utf8")])) };
}

describe("sourcemaps upload against sentry-cli 3.8.0", () => {
  const s = useServer();

  async function both(args: string[], extra: Record<string, string> = {}) {
    const dir = makeDist();
    writeFiles(dir, extra);
    const inj = await runSentryCli(["sourcemaps", "inject", "dist"], { env: sentryCliEnv(s.server), cwd: dir });
    expect(inj.exitCode).toBe(0);
    const before = s.server.state.bundles.length;
    const theirs = await runSentryCli(["sourcemaps", "upload", ...args, "dist"], {
      env: sentryCliEnv(s.server),
      cwd: dir,
    });
    expect(theirs.stderr).toBe("");
    expect(theirs.exitCode).toBe(0);
    expect(s.server.state.bundles.length).toBe(before + 1);
    const ref = s.server.state.bundles[before]!;
    const ours = await runCli(["sourcemaps", "upload", ...args, "dist"], { env: s.env(), cwd: dir });
    expect(ours.stderr).not.toContain("error");
    expect(ours.exitCode).toBe(0);
    expect(s.server.state.bundles.length).toBe(before + 2);
    return { ref: s.server.state.bundles[before]!, mine: s.server.state.bundles[before + 1]!, refRaw: ref, ours };
  }

  it("stores a bundle whose manifest and files equal sentry-cli's for an injected folder", async () => {
    const { ref, mine } = await both([]);
    expect(Object.keys(ref.manifest.files as object)).toHaveLength(8);
    expect(comparable(mine)).toEqual(comparable(ref));
  });

  it("matches sentry-cli with --release, --dist, --note and --url-prefix", async () => {
    const { ref, mine } = await both([
      "--release",
      "1.0.0",
      "--dist",
      "web",
      "--note",
      "hello note",
      "--url-prefix",
      "~/static/js",
    ]);
    expect(ref.manifest.release).toBe("1.0.0");
    expect(comparable(mine)).toEqual(comparable(ref));
  });

  it("matches sentry-cli when stripping a prefix from map sources and adding a URL suffix", async () => {
    const { ref, mine } = await both(["--strip-prefix", "../src", "--url-suffix", "?v=1", "--url-prefix", "app:///"]);
    expect(ref.files.find((f) => f.path.endsWith("app.min.js.map"))!.content.toString()).toContain(
      '"sources":["app.js"]',
    );
    expect(comparable(mine)).toEqual(comparable(ref));
  });

  it("matches sentry-cli with --no-rewrite", async () => {
    const { ref, mine } = await both(["--no-rewrite", "--release", "2.0"]);
    expect(comparable(mine)).toEqual(comparable(ref));
  });

  it("picks the same files as sentry-cli: hidden files and node_modules yes, hidden folders, other cases and ignored paths no", async () => {
    const { ref, mine } = await both(["--release", "3.0", "-i", "sub", "-i", "*.min.js"], {
      "dist/node_modules/x.js": "var x;\n",
      "dist/.hidden/h.js": "var h;\n",
      "dist/.h.js": "var h;\n",
      "dist/sub/ign.js": "var i;\n",
      "dist/deep/sub/ign2.js": "var i;\n",
      "dist/UPPER.JS": "var u;\n",
      "dist/notes.map.bak": "x",
    });
    expect(Object.keys(ref.manifest.files as object)).toContain("files/_/_/node_modules/x.js");
    expect(comparable(mine)).toEqual(comparable(ref));
  });

  it("rewrites maps as sentry-cli does: unused sources and names dropped, unknown keys dropped, common prefix stripped", async () => {
    const dir = makeDist();
    writeFiles(dir, {
      "rw/a.js": "var a=1;\n//# sourceMappingURL=a.js.map\n",
      "rw/a.js.map": JSON.stringify({
        version: 3,
        file: "a.js",
        sourceRoot: "",
        sources: ["/abs/x/unused.js", "/abs/x/y/b.js", "/abs/x/c.js"],
        sourcesContent: ["U", "B", null],
        names: ["unused", "used", "alsoUsed"],
        mappings: "ACAAC,CCAAC;AAAA",
        x_google_ignoreList: [0],
        x_custom: true,
      }),
      "rw/b.js": "var b=1;\n//# sourceMappingURL=b.js.map\n",
      "rw/b.js.map":
        '{"version":3,"sources":["webpack:///./src/b.js"],"names":[],"mappings":"AAAA","debug_id":"11111111-2222-5333-8444-cccccccccccc"}',
    });
    const env = sentryCliEnv(s.server);
    const before = s.server.state.bundles.length;
    const theirs = await runSentryCli(["sourcemaps", "upload", "--release", "rw", "--strip-common-prefix", "rw"], {
      env,
      cwd: dir,
    });
    expect(theirs.exitCode).toBe(0);
    const ours = await runCli(["sourcemaps", "upload", "--release", "rw", "--strip-common-prefix", "rw"], {
      env: s.env(),
      cwd: dir,
    });
    expect(ours.exitCode).toBe(0);
    const [ref, mine] = s.server.state.bundles.slice(before);
    expect(comparable(mine!)).toEqual(comparable(ref!));
  });

  it("flattens index maps with sections as sentry-cli does", async () => {
    const dir = makeDist();
    writeFiles(dir, {
      "ix/a.js": "var a=1;\nvar b=2;\n//# sourceMappingURL=a.js.map\n",
      "ix/a.js.map": JSON.stringify({
        version: 3,
        file: "a.js",
        sections: [
          {
            offset: { line: 0, column: 0 },
            map: { version: 3, sources: ["one.js"], sourcesContent: ["1"], names: ["a"], mappings: "AAAAA,IAAI" },
          },
          {
            offset: { line: 1, column: 0 },
            map: { version: 3, sources: ["two.js", "one.js"], names: ["b"], mappings: "AAAAA,ECAA" },
          },
        ],
      }),
    });
    const before = s.server.state.bundles.length;
    const theirs = await runSentryCli(["sourcemaps", "upload", "--release", "ix", "ix"], {
      env: sentryCliEnv(s.server),
      cwd: dir,
    });
    expect(theirs.exitCode).toBe(0);
    const ours = await runCli(["sourcemaps", "upload", "--release", "ix", "ix"], { env: s.env(), cwd: dir });
    expect(ours.exitCode).toBe(0);
    const [ref, mine] = s.server.state.bundles.slice(before);
    expect(comparable(mine!)).toEqual(comparable(ref!));
  });

  it("pairs scripts and maps as sentry-cli does: inline, other-folder, absolute, server (with the map beside the script) and CRLF references, orphan maps", async () => {
    const dir = makeDist();
    const inline = Buffer.from(JSON.stringify({ version: 3, sources: ["i.ts"], names: [], mappings: "AAAA" })).toString(
      "base64",
    );
    writeFiles(dir, {
      "pr/inline.js": `var i=1;\n//# sourceMappingURL=data:application/json;base64,${inline}\n`,
      "pr/js/other.js": "var o=1;\n//# sourceMappingURL=../maps/other.js.map\n",
      "pr/maps/other.js.map": JSON.stringify({ version: 3, sources: ["o.ts"], names: [], mappings: "AAAA" }),
      "pr/abs.js": "var a=1;\n//# sourceMappingURL=https://cdn.example.com/abs.js.map\n",
      "pr/cdn.js": "var d=1;\n//# sourceMappingURL=https://maps.example.com/static/cdn.js.map\n",
      "pr/cdn.js.map": JSON.stringify({ version: 3, sources: ["d.ts"], names: [], mappings: "AAAA" }),
      "pr/proto.js": "var p=1;\n//# sourceMappingURL=//cdn.example.com/proto.js.map\n",
      "pr/proto.js.map": JSON.stringify({ version: 3, sources: ["p.ts"], names: [], mappings: "AAAA" }),
      "pr/rooted.js": "var r=1;\n//# sourceMappingURL=/static/js/rooted.js.map\n",
      "pr/rooted.js.map": JSON.stringify({ version: 3, sources: ["r.ts"], names: [], mappings: "AAAA" }),
      "pr/rooted-alone.js": "var q=1;\n//# sourceMappingURL=/static/js/rooted-alone.js.map\n",
      "pr/crlf.js": "var c=1;\r\n//# sourceMappingURL=crlf.js.map\r\n",
      "pr/crlf.js.map": JSON.stringify({ version: 3, sources: ["c.ts"], names: [], mappings: "AAAA" }),
      "pr/orphan.js.map": JSON.stringify({ version: 3, sources: ["x.ts"], names: [], mappings: "AAAA" }),
      "pr/missing.js": "var m=1;\n//# sourceMappingURL=gone.js.map\n",
    });
    const before = s.server.state.bundles.length;
    const theirs = await runSentryCli(["sourcemaps", "upload", "--release", "pr", "pr"], {
      env: sentryCliEnv(s.server),
      cwd: dir,
    });
    expect(theirs.exitCode).toBe(0);
    const ours = await runCli(["sourcemaps", "upload", "--release", "pr", "pr"], { env: s.env(), cwd: dir });
    expect(ours.exitCode).toBe(0);
    const [ref, mine] = s.server.state.bundles.slice(before);
    expect(comparable(mine!)).toEqual(comparable(ref!));
  });

  it("follows symbolic links to files and folders as sentry-cli does, and passes over loops and links to nothing", async () => {
    const dir = makeDist();
    writeFiles(dir, {
      "ln/dist/a.js": "var a=1;\n//# sourceMappingURL=a.js.map\n",
      "ln/dist/a.js.map": JSON.stringify({ version: 3, sources: ["a.ts"], names: [], mappings: "AAAA" }),
      "ln/shared/o.js": "var o=1;\n//# sourceMappingURL=o.js.map\n",
      "ln/shared/o.js.map": JSON.stringify({ version: 3, sources: ["o.ts"], names: [], mappings: "AAAA" }),
    });
    symlinkSync("../shared/o.js", join(dir, "ln/dist/link.js"));
    symlinkSync("../shared/o.js.map", join(dir, "ln/dist/link.js.map"));
    symlinkSync("../shared", join(dir, "ln/dist/linked"));
    const before = s.server.state.bundles.length;
    const theirs = await runSentryCli(["sourcemaps", "upload", "--release", "ln", "ln/dist"], {
      env: sentryCliEnv(s.server),
      cwd: dir,
    });
    expect(theirs.exitCode).toBe(0);
    const ours = await runCli(["sourcemaps", "upload", "--release", "ln", "ln/dist"], { env: s.env(), cwd: dir });
    expect(ours.exitCode).toBe(0);
    const [ref, mine] = s.server.state.bundles.slice(before);
    expect(comparable(mine!)).toEqual(comparable(ref!));
    expect(mine!.files.map((f) => f.path).sort()).toEqual([
      "files/_/_/a.js",
      "files/_/_/a.js.map",
      "files/_/_/link.js",
      "files/_/_/link.js.map",
      "files/_/_/linked/o.js",
      "files/_/_/linked/o.js.map",
    ]);
    // sentry-cli fails on these ("File system loop found", "No such file or directory").
    symlinkSync("..", join(dir, "ln/dist/linked-up"));
    symlinkSync("gone.js", join(dir, "ln/dist/gone-link.js"));
    const again = await runCli(["sourcemaps", "upload", "--release", "ln2", "ln/dist"], { env: s.env(), cwd: dir });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain("Not uploaded:\n  gone-link.js: a symbolic link that leads to no file\n");
    expect(
      s.server.state.bundles
        .at(-1)!
        .files.map((f) => f.path)
        .sort(),
    ).toEqual([
      "files/_/_/a.js",
      "files/_/_/a.js.map",
      "files/_/_/link.js",
      "files/_/_/link.js.map",
      "files/_/_/linked-up/shared/o.js",
      "files/_/_/linked-up/shared/o.js.map",
      "files/_/_/linked/o.js",
      "files/_/_/linked/o.js.map",
    ]);
  });

  it("takes several paths, single files and -x extensions as sentry-cli does", async () => {
    const dir = makeDist();
    writeFiles(dir, {
      "mp/one/a.js": "var a=1;\n",
      "mp/one/a.js.map": JSON.stringify({ version: 3, sources: ["a.ts"], names: [], mappings: "AAAA" }),
      "mp/one/a.ts": "const a = 1;\n",
      "mp/two/b.mjs": "var b=1;\n",
      "mp/single.js": "var s=1;\n",
    });
    const args = [
      "sourcemaps",
      "upload",
      "--release",
      "mp",
      "-x",
      "js",
      "-x",
      "map",
      "-x",
      "ts",
      "mp/one",
      "mp/two",
      "mp/single.js",
    ];
    const before = s.server.state.bundles.length;
    const theirs = await runSentryCli(args, { env: sentryCliEnv(s.server), cwd: dir });
    expect(theirs.exitCode).toBe(0);
    const ours = await runCli(args, { env: s.env(), cwd: dir });
    expect(ours.exitCode).toBe(0);
    const [ref, mine] = s.server.state.bundles.slice(before);
    expect(comparable(mine!)).toEqual(comparable(ref!));
  });

  describe("the server's chunk rules", () => {
    afterEach(() => resetChunkUploadOptions(s.server.core));

    it("accept sentry-cli's uploads in small uncompressed chunks, two per request, and its --wait polling", async () => {
      setChunkUploadOptions(s.server.core, { chunkSize: 1024, chunksPerRequest: 2, compression: [] });
      const dir = makeDist();
      writeFiles(dir, { "dist/extra.js": "var polled=1;\n" });
      expect(
        (await runSentryCli(["sourcemaps", "inject", "dist"], { env: sentryCliEnv(s.server), cwd: dir })).exitCode,
      ).toBe(0);
      const n0 = s.server.requests.length;
      const before = s.server.state.bundles.length;
      s.server.core.options.assemblePolls = 1;
      try {
        const r = await runSentryCli(["sourcemaps", "upload", "--wait", "dist"], {
          env: sentryCliEnv(s.server),
          cwd: dir,
        });
        expect(r.stderr).toBe("");
        expect(r.exitCode).toBe(0);
        expect(r.stdout).toContain("> File processing complete");
      } finally {
        s.server.core.options.assemblePolls = undefined;
      }
      const posts = s.server.requests.slice(n0).filter((x) => x.method === "POST" && x.path.endsWith("/chunk-upload/"));
      expect(posts.length).toBeGreaterThan(1);
      expect(posts.every((p) => p.status === 200)).toBe(true);
      expect(s.server.state.bundles.length).toBe(before + 1);
      expect(s.server.state.bundles.at(-1)!.files.map((f) => f.path)).toContain("files/_/_/extra.js");
    });
  });
});
