/**
 * inject's jobs on worker threads and inline must give the same bytes and report — from the
 * build (threads load dist/sourcemaps/work/worker.js) and from the sources (threads load the
 * entry bundled from the sources: see src/sourcemaps/work/pool.ts).
 */
import { cpSync, linkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import type { InputError } from "../../src/errors.js";
import { runInjection } from "../../src/sourcemaps/inject.js";
import { snapshot, write, writeCommonFixtures, writeIndexFixture } from "../support/inject-fixtures.js";
import { tempDir } from "../support/runCli.js";

const root = join(import.meta.dirname, "..", "..");
const built = (await import(
  pathToFileURL(join(root, "dist", "sourcemaps", "inject.js")).href
)) as typeof import("../../src/sourcemaps/inject.js");

/** Several copies of the fixtures, so the work splits across threads. */
function build(): string {
  const dir = tempDir("inject-threads-");
  for (let i = 0; i < 6; i++) {
    writeCommonFixtures(join(dir, "dist", `part${i}`));
    writeIndexFixture(join(dir, "dist", `part${i}`));
  }
  return dir;
}

describe("inject on worker threads", () => {
  it.each([
    ["built", built.runInjection],
    ["sources", runInjection],
  ])("writes exactly what a run on one thread writes, and the same report (%s)", async (_name, threadedRun) => {
    const a = build();
    const b = tempDir("inject-threads-");
    cpSync(join(a, "dist"), join(b, "dist"), { recursive: true });
    // Left by a killed run: a spare still naming a live file, an orphan spare and a pending map.
    for (const dir of [a, b]) {
      linkSync(join(dir, "dist/part0/plain.js"), join(dir, "dist/part0/plain.js.sentry-ship-spare"));
      writeFileSync(join(dir, "dist/part1/orphan.sentry-ship-spare"), "left over");
      writeFileSync(join(dir, "dist/part2/plain.js.map.sentry-ship-pending"), "partial");
    }
    const threaded = await threadedRun({ paths: ["dist"], cwd: a, threads: 2 });
    const single = await runInjection({ paths: ["dist"], cwd: b, threads: 0 });
    expect(threaded.modifiedSources.length).toBeGreaterThan(30);
    expect(threaded.threads).toBe(2);
    expect({ ...threaded, threads: 0 }).toEqual(single);
    expect(snapshot(join(a, "dist"))).toEqual(snapshot(join(b, "dist")));
    expect([...snapshot(join(a, "dist")).keys()].filter((k) => /sentry-ship-(spare|pending)$/.test(k))).toEqual([]);
    // A second run changes nothing.
    await threadedRun({ paths: ["dist"], cwd: a, threads: 2 });
    expect(snapshot(join(a, "dist"))).toEqual(snapshot(join(b, "dist")));
  });

  it.each([
    ["built", built.runInjection],
    ["sources", runInjection],
  ])("names every corrupt map, whichever thread read it, and writes nothing (%s)", async (_name, threadedRun) => {
    const dir = build();
    write(join(dir, "dist"), "part3/zz-bad.js", "var q=1;\n//# sourceMappingURL=zz-bad.js.map\n");
    write(join(dir, "dist"), "part3/zz-bad.js.map", "{not json");
    write(join(dir, "dist"), "part4/zz-bad2.js", "var q=1;\n");
    write(
      join(dir, "dist"),
      "part4/zz-bad2.js.map",
      JSON.stringify({ version: 3, sources: ["a"], names: [], mappings: "AAAA;AA" }),
    );
    const before = snapshot(join(dir, "dist"));
    const err = await threadedRun({ paths: ["dist"], cwd: dir, threads: 2 }).catch((e: Error) => e);
    expect((err as InputError).kind).toBe("input");
    expect((err as Error).message).toContain("2 files are invalid, so nothing was written");
    expect((err as Error).message).toContain("dist/part3/zz-bad.js.map: not valid JSON");
    expect((err as Error).message).toContain("dist/part4/zz-bad2.js.map: mappings have a segment of 2 fields");
    expect(snapshot(join(dir, "dist"))).toEqual(before);
  });
});

describe("the GitHub Action's worker entry (action/sourcemaps-worker.mjs)", () => {
  it("runs a job sent to it, as the bundled pool sends it", async () => {
    const dir = tempDir("action-worker-");
    write(dir, "a.js", "var a;\n//# sourceMappingURL=a.js.map\n//# debugId=11111111-2222-5333-8444-555555555555\n");
    write(dir, "a.js.map", JSON.stringify({ version: 3, sources: ["x"], names: [], mappings: "AAAA" }));
    const w = new Worker(join(root, "action", "sourcemaps-worker.mjs"));
    try {
      const reply = await new Promise<unknown>((resolve, reject) => {
        w.once("message", resolve);
        w.once("error", reject);
        w.postMessage({ id: 7, job: { kind: "inspect", files: [{ abs: join(dir, "a.js"), rel: "a.js" }] } });
      });
      expect(reply).toEqual({
        id: 7,
        result: [
          {
            kind: "script",
            size: 86,
            debugId: "11111111-2222-5333-8444-555555555555",
            sourceMapRef: "a.js.map",
            mapFound: true,
          },
        ],
      });
    } finally {
      await w.terminate();
    }
  });
});
