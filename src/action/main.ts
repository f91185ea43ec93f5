/**
 * The GitHub Action's entry point (bundled into action/index.mjs, which action.yml runs on
 * node20). Like bin/sentry-ship.js it only wires the process in: the logic is in run.ts.
 */
import { processIO } from "../context.js";
import { classifyError } from "../errors.js";
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
  // runAction reports every expected failure itself; what is left is the environment's (named by
  // the one classifier) or a bug, said in one line.
  const err = classifyError(e);
  const line =
    err.kind === "internal" ? err.message.replace(/^internal error: /, "internal error in the action: ") : err.message;
  io.stdout.write(annotation("error", line, "Sentry release") + "\n");
  process.exitCode = 1;
}
