/**
 * The worker threads' entry: runs each job it is sent (./jobs.ts) and answers with its result, or
 * with what went wrong (rebuilt as the same kind of error on the other side, ./pool.ts).
 */
import { parentPort } from "node:worker_threads";
import { describeFailure, type Job, runJob } from "./jobs.js";

const port = parentPort;
if (port) {
  port.on("message", ({ id, job }: { id: number; job: Job }) => {
    try {
      const { result, transfer } = runJob(job);
      port.postMessage({ id, result }, transfer);
    } catch (e) {
      port.postMessage({ id, failure: describeFailure(e) });
    }
  });
}
