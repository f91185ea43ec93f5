/** `sourcemaps explain --event FILE`: how an event file that cannot be read is named. */
import { describe, expect, it } from "vitest";
import { write } from "../../support/inject-fixtures.js";
import { runCli, tempDir } from "../../support/runCli.js";

describe("sourcemaps explain --event", () => {
  it("says an event file with a JSON error is not valid JSON, in one line, not only that it is no envelope", async () => {
    const dir = tempDir("explain-event-");
    write(dir, "dist/app.js", "var a=1;\n");
    write(dir, "event.json", '{"platform": "javascript",\n "exception": }\n');
    const r = await runCli(["sourcemaps", "explain", "--event", "event.json", "dist"], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^error: cannot read the event in event\.json: it is not valid JSON \(Unexpected token '}', .*\) nor an envelope \(invalid envelope header\)\n$/,
    );
  });
});
