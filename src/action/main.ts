/**
 * The GitHub Action's entry point (bundled into action/index.mjs, which action.yml runs on
 * node20). Like bin/sentry-ship.js it only wires the process in: the logic is in run.ts.
 */
import { processIO } from "../context.js";
import { runAction } from "./run.js";

const io = processIO();
const result = await runAction({ stdout: io.stdout, stderr: io.stderr, env: io.env, cwd: io.cwd, homeDir: io.homeDir });
process.exitCode = result.exitCode;
