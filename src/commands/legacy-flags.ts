/**
 * sentry-cli's hidden legacy `--version <release>` on `deploys new`, `deploys list` and
 * `sourcemaps upload` (its old spelling of `--release`). sentry-ship's root `--version` would
 * otherwise take it anywhere on the line and print the version instead of running the command,
 * so on those commands it is read as `--release` before commander parses the line.
 */
const LEGACY_VERSION: Record<string, string[]> = { deploys: ["new", "list"], sourcemaps: ["upload"] };

/** `argv` with a legacy `--version X` (or `--version=X`) after one of those commands as `--release`. */
export function legacyVersionAsRelease(argv: string[]): string[] {
  const group = argv.findIndex((a) => Object.hasOwn(LEGACY_VERSION, a));
  if (group < 0 || argv.slice(0, group).includes("--")) return argv;
  const subcommands = LEGACY_VERSION[argv[group]!]!;
  const sub = argv.findIndex((a, i) => i > group && subcommands.includes(a));
  if (sub < 0) return argv;
  const out = argv.slice();
  for (let i = sub + 1; i < out.length; i++) {
    const a = out[i]!;
    if (a === "--") break;
    if (a.startsWith("--version=")) out[i] = `--release=${a.slice("--version=".length)}`;
    else if (a === "--version" && out[i + 1] !== undefined && !out[i + 1]!.startsWith("-")) out[i] = "--release";
  }
  return out;
}
