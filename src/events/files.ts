/** Expanding the PATH arguments of send-event / send-envelope: literal files or globs. */
import { existsSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { InputError } from "../errors.js";

export interface InputFile {
  /** As shown to the user (the argument, or the glob match relative to the cwd). */
  display: string;
  /** Absolute path. */
  path: string;
}

export async function expandPaths(args: string[], cwd: string): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const arg of args) {
    const abs = isAbsolute(arg) ? arg : resolve(cwd, arg);
    if (existsSync(abs)) {
      if (!statSync(abs).isFile()) throw new InputError(`${arg} is not a file`);
      out.push({ display: arg, path: abs });
      continue;
    }
    if (!/[*?[\]{}]/.test(arg)) throw new InputError(`${arg}: no such file`);
    const { glob } = await import("tinyglobby");
    const matches = (
      await glob(arg, { cwd, onlyFiles: true, absolute: isAbsolute(arg), expandDirectories: false })
    ).sort();
    if (matches.length === 0) throw new InputError(`no files match '${arg}'`);
    for (const m of matches) out.push({ display: m, path: isAbsolute(m) ? m : resolve(cwd, m) });
  }
  return out;
}
