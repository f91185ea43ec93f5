import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { runCli } from "../../support/runCli.js";

describe("serve", () => {
  it("says in one line that a port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(["serve", "--port", String(port)]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim()).toBe(
        `error: port ${port} on 127.0.0.1 is already in use: pick another with --port (or --port 0 for any free port)`,
      );
    } finally {
      blocker.close();
    }
  });

  it("rejects a port that is not a number", async () => {
    const r = await runCli(["serve", "--port", "abc"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toContain("invalid value 'abc' for --port");
  });
});
