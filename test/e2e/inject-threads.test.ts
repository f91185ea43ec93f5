/**
 * inject's helper threads import the compiled module, so they only run from the build: the same
 * folders injected on helper threads (dist/) and on the test's own thread (src/) must end equal.
 */
import { cpSync, linkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
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

describe("inject on helper threads (built)", () => {
  it("writes exactly what a run on one thread writes, and the same report", async () => {
    const a = build();
    const b = tempDir("inject-threads-");
    cpSync(join(a, "dist"), join(b, "dist"), { recursive: true });
    // Left by a killed run: a spare still naming a live file, an orphan spare and a pending map.
    for (const dir of [a, b]) {
      linkSync(join(dir, "dist/part0/plain.js"), join(dir, "dist/part0/plain.js.sentry-ship-spare"));
      writeFileSync(join(dir, "dist/part1/orphan.sentry-ship-spare"), "left over");
      writeFileSync(join(dir, "dist/part2/plain.js.map.sentry-ship-pending"), "partial");
    }
    const threaded = await built.runInjection({ paths: ["dist"], cwd: a, threads: 2 });
    const single = await runInjection({ paths: ["dist"], cwd: b, threads: 0 });
    expect(threaded.modifiedSources.length).toBeGreaterThan(30);
    expect(threaded.threads).toBe(2);
    expect({ ...threaded, threads: 0 }).toEqual(single);
    expect(snapshot(join(a, "dist"))).toEqual(snapshot(join(b, "dist")));
    expect([...snapshot(join(a, "dist")).keys()].filter((k) => /sentry-ship-(spare|pending)$/.test(k))).toEqual([]);
    // A second run changes nothing.
    await built.runInjection({ paths: ["dist"], cwd: a, threads: 2 });
    expect(snapshot(join(a, "dist"))).toEqual(snapshot(join(b, "dist")));
  });

  it("names every corrupt map, whichever thread read it, and writes nothing", async () => {
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
    const err = await built.runInjection({ paths: ["dist"], cwd: dir, threads: 2 }).catch((e: Error) => e);
    expect((err as Error).message).toContain("2 files are invalid, so nothing was written");
    expect((err as Error).message).toContain("dist/part3/zz-bad.js.map: not valid JSON");
    expect((err as Error).message).toContain("dist/part4/zz-bad2.js.map: mappings have a segment of 2 fields");
    expect(snapshot(join(dir, "dist"))).toEqual(before);
  });
});
