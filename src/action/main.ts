/**
 * The GitHub Action's entry point (bundled into action/index.mjs, which action.yml runs on
 * node20). Like bin/sentry-ship.js it only wires the process in: the logic is in run.ts.
 */
import { processIO } from "../context.js";
import { runAction } from "./run.js";
import { annotation } from "./workflow.js";

const io = processIO();
try {
  const result = await runAction({
    stdout: io.stdout,
    stderr: io.stderr,
    env: io.env,
    cwd: io.cwd,
    homeDir: io.homeDir,
  });
  process.exitCode = result.exitCode;
} catch (e) {
  // runAction reports every expected failure itself; this is a bug, said in one line.
  const msg = e instanceof Error ? e.message : String(e);
  io.stdout.write(
    annotation(
      "error",
      `internal error in the action: ${msg} (this is a bug in sentry-ship; please report it)`,
      "Sentry release",
    ) + "\n",
  );
  process.exitCode = 1;
}
