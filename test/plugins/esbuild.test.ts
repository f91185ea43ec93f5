import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build, context } from "esbuild";
import { describe, expect, it } from "vitest";
import { sentryShip } from "../../src/plugins/esbuild.js";
import { writePluginApp } from "../support/plugin-app.js";
import { checkDebugIds } from "../support/plugin-checks.js";
import { pluginSuite } from "../support/plugin-suite.js";
import { tempDir } from "../support/runCli.js";

pluginSuite("esbuild");

describe("the esbuild plugin with write: false", () => {
  it("injects the output files in memory, the same bytes as a build that writes", async () => {
    const dir = tempDir("ship-esbuild-mem-");
    writePluginApp(dir);
    const memory = async () => {
      const r = await build({
        entryPoints: [join(dir, "src/index.js")],
        bundle: true,
        splitting: true,
        format: "esm",
        platform: "node",
        minify: true,
        sourcemap: true,
        external: ["@sentry/node"],
        outdir: join(dir, "out"),
        entryNames: "[name].[hash]",
        chunkNames: "[name].[hash]",
        write: false,
        logLevel: "silent",
        plugins: [sentryShip({ release: { name: "shop@1.2.3" } })],
      });
      return r.outputFiles;
    };
    const files = await memory();
    const js = new Map(files.filter((f) => f.path.endsWith(".js")).map((f) => [f.path, f.text]));
    const maps = new Map(files.filter((f) => f.path.endsWith(".map")).map((f) => [f.path, JSON.parse(f.text)]));
    expect(checkDebugIds({ js, maps }).size).toBe(4);
    // The contents agree with the text, and a second build gives the same bytes.
    for (const f of files) expect(Buffer.from(f.contents).toString("utf8")).toBe(f.text);
    const again = await memory();
    expect(again.map((f) => [f.path, f.text])).toEqual(files.map((f) => [f.path, f.text]));
    // Each file's hash stands for its injected contents, as esbuild's own hashes do (watchers and
    // dev servers compare them): one per distinct content, the same for the same bytes.
    for (const f of files) expect(f.hash).toMatch(/^[\w-]{11}$/);
    expect(new Set(files.map((f) => f.hash)).size).toBe(new Set(files.map((f) => f.text)).size);
    expect(again.map((f) => f.hash)).toEqual(files.map((f) => f.hash));
    // A later plugin may replace a file's contents: its text and hash follow.
    const map = files.find((f) => f.path.endsWith(".map"))!;
    const before = map.hash;
    (map as { contents: Uint8Array }).contents = Buffer.from("{}");
    expect([map.text, map.hash === before]).toEqual(["{}", false]);
  });
});

describe("the esbuild plugin in a build that writes its files", () => {
  it("writes them as esbuild would: no outputFiles in the result, a hashbang script executable, the files on disk for a later plugin", async () => {
    const dir = tempDir("ship-esbuild-write-");
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "cli.js"), '#!/usr/bin/env node\nconsole.log("shipped");\n');
    const seenByLater: string[] = [];
    const later = {
      name: "later",
      setup(b: { onEnd(fn: () => void): void }) {
        b.onEnd(() => {
          seenByLater.push(...readdirSync(join(dir, "out")).sort());
        });
      },
    };
    const out = join(dir, "out");
    const result = await build({
      entryPoints: [join(dir, "src/cli.js")],
      bundle: true,
      platform: "node",
      sourcemap: true,
      outdir: out,
      logLevel: "silent",
      plugins: [sentryShip({ release: { name: "cli@1.0.0" } }), later],
    });
    expect(result.outputFiles).toBeUndefined();
    expect(seenByLater).toEqual(["cli.js", "cli.js.map"]);
    const code = readFileSync(join(out, "cli.js"), "utf8");
    expect(code.startsWith("#!/usr/bin/env node\n")).toBe(true);
    const map = JSON.parse(readFileSync(join(out, "cli.js.map"), "utf8")) as { debugId?: string };
    expect(map.debugId).toMatch(/^[0-9a-f-]{36}$/);
    expect(code).toContain(`//# debugId=${map.debugId}`);
    expect(statSync(join(out, "cli.js")).mode & 0o777).toBe(0o755);
    expect(statSync(join(out, "cli.js.map")).mode & 0o111).toBe(0);
    expect(execFileSync(join(out, "cli.js"), { encoding: "utf8" })).toBe("shipped\n");
  });

  it("injects what each rebuild wrote, in nested folders and for an outfile", async () => {
    const dir = tempDir("ship-esbuild-rebuild-");
    mkdirSync(join(dir, "src", "pages"), { recursive: true });
    writeFileSync(join(dir, "src", "pages", "a.js"), 'import("./b.js").then((m) => console.log(m.b()));\n');
    writeFileSync(join(dir, "src", "pages", "b.js"), 'export const b = () => "b1";\n');
    const out = join(dir, "out");
    const injected = () => {
      const files = readdirSync(out, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith(".js"));
      for (const f of files) {
        const id = /\/\/# debugId=([0-9a-f-]{36})/.exec(readFileSync(join(out, f), "utf8"))?.[1];
        expect(id, f).toBeDefined();
        expect(JSON.parse(readFileSync(join(out, `${f}.map`), "utf8")).debugId, f).toBe(id);
      }
      return files.sort();
    };
    const ctx = await context({
      entryPoints: [join(dir, "src/pages/a.js")],
      bundle: true,
      splitting: true,
      format: "esm",
      sourcemap: true,
      outdir: out,
      outbase: join(dir, "src"),
      entryNames: "[dir]/[name].[hash]",
      chunkNames: "chunks/[name].[hash]",
      logLevel: "silent",
      plugins: [sentryShip({ release: { name: "r@1" } })],
    });
    try {
      await ctx.rebuild();
      const first = injected();
      expect(first.some((f) => f.startsWith("pages/"))).toBe(true);
      // Unchanged: esbuild writes the same files again, and they are injected again (no double snippet).
      await ctx.rebuild();
      expect(injected()).toEqual(first);
      expect(readFileSync(join(out, first[0]!), "utf8").match(/\/\/# debugId=/g)).toHaveLength(1);
      writeFileSync(join(dir, "src", "pages", "b.js"), 'export const b = () => "b2";\n');
      await ctx.rebuild();
      // Changed: new names for both chunks, injected as well.
      const third = injected();
      expect(third).toHaveLength(first.length);
      for (const f of third) expect(first).not.toContain(f);
    } finally {
      await ctx.dispose();
    }
    const outfile = join(dir, "single", "app.js");
    await build({
      entryPoints: [join(dir, "src/pages/b.js")],
      bundle: true,
      sourcemap: true,
      outfile,
      logLevel: "silent",
      plugins: [sentryShip({ release: { name: "r@1" } })],
    });
    const id = /\/\/# debugId=([0-9a-f-]{36})/.exec(readFileSync(outfile, "utf8"))?.[1];
    expect(JSON.parse(readFileSync(`${outfile}.map`, "utf8")).debugId).toBe(id);
  });

  it("leaves alone the files in the output folder that the build did not write", async () => {
    const dir = tempDir("ship-esbuild-foreign-");
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "app.js"), 'console.log("app");\n');
    const out = join(dir, "out");
    mkdirSync(join(out, "vendor"), { recursive: true });
    // A script and its map another tool put there, without a debug id.
    const foreign = {
      "vendor/lib.js": "console.log(1);\n//# sourceMappingURL=lib.js.map\n",
      "vendor/lib.js.map": '{"version":3,"sources":["lib.ts"],"names":[],"mappings":"AAAA"}',
    };
    for (const [f, text] of Object.entries(foreign)) writeFileSync(join(out, f), text);
    await build({
      entryPoints: [join(dir, "src/app.js")],
      bundle: true,
      sourcemap: true,
      outdir: out,
      logLevel: "silent",
      plugins: [sentryShip({ release: { name: "r@1" } })],
    });
    expect(readFileSync(join(out, "app.js"), "utf8")).toMatch(/\/\/# debugId=[0-9a-f-]{36}/);
    for (const [f, text] of Object.entries(foreign)) expect(readFileSync(join(out, f), "utf8"), f).toBe(text);
  });

  it("injects a script whose map is inline, or that has none, the text way", async () => {
    const dir = tempDir("ship-esbuild-inline-");
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "cli.js"), 'console.log("shipped");\n');
    for (const sourcemap of ["inline", false] as const) {
      const out = join(dir, `out-${sourcemap}`);
      await build({
        entryPoints: [join(dir, "src/cli.js")],
        bundle: true,
        platform: "node",
        sourcemap,
        outdir: out,
        logLevel: "silent",
        plugins: [sentryShip({ release: { name: "cli@1.0.0" } })],
      });
      expect(readdirSync(out)).toEqual(["cli.js"]);
      const code = readFileSync(join(out, "cli.js"), "utf8");
      const id = /\/\/# debugId=([0-9a-f-]{36})/.exec(code)?.[1];
      expect(id, String(sourcemap)).toBeDefined();
      expect(code).toContain("SENTRY_RELEASE");
      const inline = /sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)/.exec(code)?.[1];
      if (sourcemap === "inline") expect(JSON.parse(Buffer.from(inline!, "base64").toString("utf8")).debugId).toBe(id);
      else expect(inline).toBeUndefined();
      expect(execFileSync(process.execPath, [join(out, "cli.js")], { encoding: "utf8" })).toBe("shipped\n");
    }
  });

  it("fails the build naming the cause when the output cannot be written", async () => {
    const dir = tempDir("ship-esbuild-unwritable-");
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "cli.js"), 'console.log("shipped");\n');
    // The output folder is a file: nothing can be written under it.
    writeFileSync(join(dir, "out"), "not a folder\n");
    const failed = await build({
      entryPoints: [join(dir, "src/cli.js")],
      bundle: true,
      platform: "node",
      sourcemap: true,
      outdir: join(dir, "out"),
      logLevel: "silent",
      plugins: [sentryShip({ release: { name: "cli@1.0.0" } })],
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    // esbuild writes the files, so esbuild says why it could not; the plugin adds nothing to it.
    expect(failed?.message).toMatch(/Failed to create output directory: .*not a directory/);
    expect(failed?.message).not.toMatch(/sentry-ship/);
    expect(readFileSync(join(dir, "out"), "utf8")).toBe("not a folder\n");
  });
});
