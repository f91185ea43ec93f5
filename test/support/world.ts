/** Temp directory trees for config tests: a home dir, a project tree, and helpers to resolve in them. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach } from "vitest";
import { resolveConfig } from "../../src/config/resolve.js";
import type { ConfigFlags, ResolvedConfig } from "../../src/config/types.js";

export interface World {
  root: string;
  home: string;
  /** Write files relative to root: `{ "home/.sentryclirc": "...", "repo/.sentryclirc": "..." }`. */
  write(files: Record<string, string>): void;
  path(rel: string): string;
  resolve(opts?: { flags?: ConfigFlags; env?: NodeJS.ProcessEnv; cwd?: string }): ResolvedConfig;
}

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function makeWorld(files: Record<string, string> = {}): World {
  const root = mkdtempSync(join(tmpdir(), "ship-config-"));
  made.push(root);
  const home = join(root, "home");
  mkdirSync(home, { recursive: true });
  mkdirSync(join(root, "repo", "sub", "deeper"), { recursive: true });
  const world: World = {
    root,
    home,
    write(fs) {
      for (const [rel, text] of Object.entries(fs)) {
        const p = join(root, rel);
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, text);
      }
    },
    path: (rel) => join(root, rel),
    resolve(opts = {}) {
      return resolveConfig({
        flags: opts.flags ?? {},
        env: opts.env ?? {},
        cwd: join(root, opts.cwd ?? "repo"),
        homeDir: home,
      });
    },
  };
  world.write(files);
  return world;
}

export const USER_TOKEN = `sntryu_${"ab".repeat(32)}`;
