import type { ResolveInput, ResolvedConfig } from "./types.js";
export function resolveConfig(_input: ResolveInput): ResolvedConfig {
  throw new Error("not implemented");
}
