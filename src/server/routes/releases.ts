import type { Router } from "../http.js";
import type { ServerCore } from "../index.js";

export function register(_router: Router, _core: ServerCore): void {
  // Implemented in its own change.
}
