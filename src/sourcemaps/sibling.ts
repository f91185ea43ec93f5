import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The URL of a compiled module beside this one, for a worker thread to import; undefined when
 * running from TypeScript sources or from a single-file bundle, where there is none.
 */
export function siblingModuleUrl(name: string): string | undefined {
  const url = new URL(`./${name}`, import.meta.url);
  try {
    return url.protocol === "file:" && existsSync(fileURLToPath(url)) ? url.href : undefined;
  } catch {
    return undefined;
  }
}
