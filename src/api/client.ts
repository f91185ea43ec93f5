import type { ResolvedConfig } from "../config/types.js";
import type { Output } from "../output/output.js";
import type { ApiClient } from "./types.js";
export interface ClientOptions {
  config: ResolvedConfig;
  out: Output;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}
export function createApiClient(_o: ClientOptions): ApiClient {
  throw new Error("not implemented");
}
