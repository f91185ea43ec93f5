/**
 * Global setup of the end-to-end tier: those tests run the built package (bin/ → dist/), so they
 * must never pass against an old build. When a source in src/ is newer than its compiled file (or
 * that file is missing) the build is run first; if it still is stale, the run stops saying so.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** The sources whose compiled file in dist/ is missing or older than they are. */
export function staleSources(): string[] {
  const src = join(root, "src");
  return sources(src).filter((file) => {
    const built = join(root, "dist", relative(src, file).replace(/\.ts$/, ".js"));
    return !existsSync(built) || statSync(built).mtimeMs < statSync(file).mtimeMs;
  });
}

export default function setup(): void {
  if (staleSources().length === 0) return;
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, encoding: "utf8" });
  const stale = staleSources();
  if (r.status !== 0 || stale.length > 0) {
    const names = stale.slice(0, 3).map((f) => relative(root, f));
    throw new Error(
      `the build in dist/ is stale (${names.join(", ")}${stale.length > 3 ? ", …" : ""} newer than dist/) and \`npm run build\` failed: ${(r.stdout + r.stderr).trim().split("\n")[0] ?? ""}`,
    );
  }
}
