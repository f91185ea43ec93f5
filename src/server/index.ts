/**
 * `sentry-ship serve`: a strict local stand-in for the Sentry API. It answers the endpoints
 * sentry-ship (and sentry-cli) use with the real server's rules, records what it received, and
 * can inject faults. Tests run against it; users rehearse CI pipelines against it.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BodyBudget } from "./body-budget.js";
import type { Printed, ServerCore, ServerOptions } from "./core.js";
import { Faults } from "./faults.js";
import { Router } from "./http.js";
import { resolveLimits } from "./limits.js";
import { Persistence } from "./persist.js";
import { handleRequest } from "./pipeline.js";
import { RequestLog } from "./request-log.js";
import { registerRoutes } from "./routes/index.js";
import { rememberLoadedEvents } from "./routes/ingest.js";
import { type Org, type Project, type RecordedRequest, ServerState, type User } from "./state.js";

export interface SentryServer {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  /** User token with every scope sentry-ship needs. */
  token: string;
  /** User token with read scopes only (org:read, project:read). */
  readOnlyToken: string;
  /** Org auth token for `acme` (scope org:ci), carrying this server's URL. */
  orgToken: string;
  /** DSN of project `frontend` (id 1). */
  dsn: string;
  state: ServerState;
  faults: Faults;
  core: ServerCore;
  /** Requests received so far (newest last). */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export const FULL_SCOPES = [
  "org:read",
  "org:write",
  "project:read",
  "project:write",
  "project:admin",
  "project:releases",
  "event:read",
];

const USER: User = { id: "1", name: "Sentry Ship", username: "ship", email: "ship@example.com" };

function hex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

function seed(state: ServerState, now: Date): void {
  const created = now.toISOString();
  const mkOrg = (slug: string): Org => ({ id: state.nextId("org"), slug, name: slug, dateCreated: created });
  const acme = mkOrg("acme");
  const other = mkOrg("other");
  state.orgs.push(acme, other);
  const mkProject = (org: Org, slug: string, platform: string | null): Project => ({
    id: state.nextId("project"),
    slug,
    name: slug,
    orgId: org.id,
    platform,
    publicKey: hex(16),
    secretKey: hex(16),
  });
  state.projects.push(
    mkProject(acme, "frontend", "javascript"),
    mkProject(acme, "backend", "node"),
    mkProject(other, "web", "javascript"),
  );
}

/** Build an org auth token the way Sentry does: `sntrys_<base64 json payload>_<base64 32-byte secret>`. */
export function makeOrgToken(url: string, org: string, iat = Date.now() / 1000): string {
  const payload = Buffer.from(JSON.stringify({ iat, url, region_url: url, org })).toString("base64");
  const secret = randomBytes(32).toString("base64").replace(/=+$/, "");
  return `sntrys_${payload}_${secret}`;
}

export async function startServer(options: ServerOptions = {}): Promise<SentryServer> {
  const state = new ServerState();
  const now = options.now ?? (() => new Date());
  const faults = new Faults();
  const persist = new Persistence(options.dataDir);
  seed(state, now());
  persist.prepare();
  persist.load(state);

  let baseUrl = "";
  let printed: Printed = { url: "", token: "", orgToken: "", dsn: "" };
  const limits = resolveLimits(options.limits, options.dataDir !== undefined);
  const core: ServerCore = {
    state,
    persist,
    faults,
    options,
    limits,
    bodies: new BodyBudget(limits.inFlightBodyBytes),
    now,
    url: () => baseUrl,
    printed: () => printed,
  };
  rememberLoadedEvents(core);
  const router = new Router();
  registerRoutes(router, core);

  const log = new RequestLog(state.requests, core.limits);
  const sockets = new Set<import("node:net").Socket>();

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    handleRequest(core, router, log, req, res).catch(() => res.destroy());
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const hostForUrl = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  baseUrl = `http://${hostForUrl}:${addr.port}`;

  const token = options.token ?? `sntryu_${hex(32)}`;
  const readOnlyToken = `sntryu_${hex(32)}`;
  const orgToken = makeOrgToken(baseUrl, "acme");
  state.tokens.push(
    { token, kind: "user", scopes: [...FULL_SCOPES], user: USER, label: "user token (all scopes)" },
    {
      token: readOnlyToken,
      kind: "user",
      scopes: ["org:read", "project:read"],
      user: USER,
      label: "read-only user token",
    },
    { token: orgToken, kind: "org", scopes: ["org:ci"], orgSlug: "acme", label: "org auth token for acme (org:ci)" },
    ...(options.tokens ?? []),
  );
  const frontend = state.projects.find((p) => p.slug === "frontend")!;
  const dsn = `http://${frontend.publicKey}@${hostForUrl}:${addr.port}/${frontend.id}`;
  printed = { url: `${baseUrl}/`, token, orgToken, dsn };

  return {
    url: baseUrl,
    port: addr.port,
    token,
    readOnlyToken,
    orgToken,
    dsn,
    state,
    faults,
    core,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
