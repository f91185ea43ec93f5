#!/usr/bin/env node
// Launcher: runs the built CLI. `--version` alone is answered here, before any module loads,
// so it starts as fast as Node itself.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  const { readFileSync } = await import("node:fs");
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  process.stdout.write(`sentry-ship ${version}\n`);
} else {
  const { main } = await import("../dist/cli.js");
  const code = await main(argv);
  // Interrupted (SIGINT 130, SIGTERM 143): work still in flight must not carry on.
  if (code === 130 || code === 143) process.exit(code);
  process.exitCode = code;
}
