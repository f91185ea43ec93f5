/** Run the real sentry-cli binary (devDependency @sentry/cli) as an oracle. */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

export function sentryCliPath(): string {
  const pkg = require.resolve("@sentry/cli/package.json");
  return join(dirname(pkg), "bin", "sentry-cli");
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function runSentryCli(
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number },
): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [sentryCliPath(), ...args],
      { env: opts.env, cwd: opts.cwd, timeout: opts.timeoutMs ?? 30_000 },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === "number"
            ? (err as { code: number }).code
            : 1
          : 0;
        resolve({ exitCode: code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}
