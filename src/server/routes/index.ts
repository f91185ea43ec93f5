/**
 * Every route of the server, registered in one place (the order is the order of matching).
 */
import type { ServerCore } from "../core.js";
import type { Router } from "../http.js";
import * as web from "../web/index.js";
import * as admin from "./admin.js";
import * as apiRoot from "./api-root.js";
import * as artifactLookup from "./artifact-lookup.js";
import * as assemble from "./assemble.js";
import * as chunks from "./chunks.js";
import * as deploys from "./deploys.js";
import * as events from "./events.js";
import * as ingest from "./ingest.js";
import * as monitors from "./monitors.js";
import * as releases from "./releases.js";
import * as repos from "./repos.js";
import * as sessions from "./sessions.js";

export function registerRoutes(router: Router, core: ServerCore): void {
  apiRoot.register(router, core);
  releases.register(router, core);
  repos.register(router, core);
  deploys.register(router, core);
  chunks.register(router, core);
  assemble.register(router, core);
  ingest.register(router, core);
  events.register(router, core);
  artifactLookup.register(router, core);
  monitors.register(router, core);
  sessions.register(router, core);
  admin.register(router, core);
  web.register(router, core);
}
