/**
 * Ctrl+C and SIGTERM during a long command: the command's temporary files are removed at once, the
 * run ends with one line saying what was interrupted and what did not finish, and the exit code is
 * 130 (SIGINT) or 143 (SIGTERM). The launcher ends the process on those codes, so work still in
 * flight (an upload, a bundle worker) stops with it.
 */

import { rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InterruptedError } from "../../errors.js";

type Signal = "SIGINT" | "SIGTERM";

export interface Interruptible {
  /** A private folder for the command's temporary files, removed on interrupt and at the end. */
  readonly tempDir: string;
  /** Run `work`; a signal makes it reject with an InterruptedError whose message `describe` gives. */
  run<T>(work: Promise<T>): Promise<T>;
  /** Remove the signal handlers and the temporary folder. */
  dispose(): void;
}

export async function interruptible(describe: (signal: Signal) => string): Promise<Interruptible> {
  const tempDir = await mkdtemp(join(tmpdir(), "sentry-ship-upload-"));
  const removeTemp = () => rmSync(tempDir, { recursive: true, force: true });
  let fire: ((e: InterruptedError) => void) | undefined;
  const interrupted = new Promise<never>((_, reject) => {
    fire = reject;
  });
  // Never an unhandled rejection when no one is waiting any more.
  interrupted.catch(() => {});
  const handlers = new Map<Signal, () => void>();
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    const h = () => {
      removeTemp();
      fire?.(new InterruptedError(describe(sig), sig));
    };
    handlers.set(sig, h);
    process.once(sig, h);
  }
  // Whatever is still writing when the process ends leaves nothing behind either.
  process.once("exit", removeTemp);
  return {
    tempDir,
    run: (work) => Promise.race([work, interrupted]),
    dispose() {
      for (const [sig, h] of handlers) process.removeListener(sig, h);
      removeTemp();
      process.removeListener("exit", removeTemp);
    },
  };
}
