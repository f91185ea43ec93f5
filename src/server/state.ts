import type { ChunkStore } from "./chunk-store.js";

/**
 * What the embedded server knows and has received. Kept in memory; with `--data DIR` the
 * human-readable parts are also written as files (see persist.ts).
 */

import type { MonitorConfig } from "../domain/checkin.js";

export interface Org {
  id: number;
  slug: string;
  name: string;
  dateCreated: string;
}

export interface Project {
  id: number;
  slug: string;
  name: string;
  orgId: number;
  platform: string | null;
  /** DSN public key (32 hex) and secret. */
  publicKey: string;
  secretKey: string;
}

export interface User {
  id: string;
  name: string;
  username: string;
  email: string;
}

export interface TokenRecord {
  token: string;
  kind: "user" | "org";
  scopes: string[];
  /** Org auth tokens are bound to one organization. */
  orgSlug?: string;
  /** User tokens belong to a user. */
  user?: User;
  /** What the token is for, shown by `serve`. */
  label: string;
}

export interface Repo {
  id: string;
  orgId: number;
  name: string;
  url: string | null;
  provider: { id: string; name: string };
  status: string;
  dateCreated: string;
  integrationId: string | null;
  externalSlug: string | null;
  externalId: string | null;
}

export interface FileChange {
  path: string;
  type: "A" | "M" | "D";
}

export interface Commit {
  id: string;
  repository: string | null;
  message: string | null;
  authorName: string | null;
  authorEmail: string | null;
  timestamp: string | null;
  patchSet: FileChange[];
  dateCreated: string;
}

export interface Release {
  id: number;
  orgId: number;
  version: string;
  ref: string | null;
  url: string | null;
  dateCreated: string;
  dateReleased: string | null;
  dateStarted: string | null;
  status: "open" | "archived";
  userAgent: string | null;
  /** Linked project ids. */
  projects: number[];
  /** Commits, newest first. */
  commits: Commit[];
  /** Refs as last received (repository, commit, previousCommit). */
  refs: Array<{ repository: string; commit: string; previousCommit: string | null }>;
  /** Sequence of the last update, for ordering "previous" releases deterministically. */
  seq: number;
}

export interface Deploy {
  id: string;
  releaseId: number;
  environment: string;
  name: string | null;
  url: string | null;
  dateStarted: string | null;
  dateFinished: string;
  projects: number[];
}

export type AssembleStateName = "created" | "assembling" | "ok" | "error" | "not_found";

export interface AssembleRecord {
  state: AssembleStateName;
  detail: string | null;
  /** The bundle that came out of it. */
  bundleId?: string;
}

export interface BundleFile {
  /** Zip entry path, e.g. `files/_/_/app.min.js`. */
  path: string;
  url?: string;
  type?: string;
  headers: Record<string, string>;
  content: Buffer;
}

export interface Bundle {
  id: string;
  orgId: number;
  checksum: string;
  projects: string[];
  release: string | null;
  dist: string | null;
  manifest: Record<string, unknown>;
  files: BundleFile[];
  dateCreated: string;
}

export interface StoredEvent {
  /** 32-hex event id (or a generated one for envelopes without an event). */
  id: string;
  projectId: number;
  /** The endpoint that received it: "envelope" or "store". */
  endpoint: "envelope" | "store";
  receivedAt: string;
  /** The envelope header (for store: `{}`). */
  envelopeHeader: Record<string, unknown>;
  /** Items with parsed payloads (JSON where the payload is JSON, else base64). */
  items: Array<{ header: Record<string, unknown>; payload: unknown; size: number }>;
  /** The X-Sentry-Auth fields that authenticated it (secret dropped). */
  auth: { sentryKey: string; sentryVersion?: string; sentryClient?: string };
  /** Headers of interest (user-agent, content-encoding). */
  headers: Record<string, string>;
  /** The error event as processed at ingestion (JavaScript frames resolved), when it carried one. */
  event?: Record<string, unknown>;
}

export interface RecordedRequest {
  seq: number;
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON body, when the body was JSON. */
  json?: unknown;
  bodyBytes: number;
  /** The first bytes of a body too large to keep whole (see request-log.ts). */
  bodyExcerpt?: string;
  bodyTruncated?: boolean;
  status: number;
  /** Response JSON (when the response was JSON). */
  response?: unknown;
  /** A fault that was applied instead of the route, if any. */
  fault?: string;
}

/* Cron monitors (processed in monitors.ts). */

export interface MonitorEnvironment {
  name: string;
  /** `active` until the first finished check-in, then `ok` or `error`. */
  status: "active" | "ok" | "error";
  dateCreated: string;
  lastCheckIn: string | null;
}

export interface Monitor {
  id: string;
  orgId: number;
  projectId: number;
  slug: string;
  name: string;
  config: MonitorConfig;
  dateCreated: string;
  environments: MonitorEnvironment[];
}

export interface CheckInRecord {
  /** Hyphenated UUID, as the API returns it. */
  id: string;
  monitorId: string;
  projectId: number;
  environment: string;
  status: "ok" | "error" | "in_progress";
  /** Milliseconds (the API's unit), null while in progress without one. */
  duration: number | null;
  dateCreated: string;
  dateUpdated: string;
  /** The monitor_config the check-in carried, if any. */
  monitorConfig: MonitorConfig | null;
}

/** An item Sentry accepted over HTTP but dropped while processing it. */
export interface DroppedItem {
  type: string;
  projectId: number;
  reason: string;
  receivedAt: string;
}

/** Release-health counts of one project, release, environment and minute (processed in sessions.ts). */
export interface SessionBucket {
  projectId: number;
  release: string;
  environment: string | null;
  /** Start of the minute the sessions started in (ISO). */
  started: string;
  /** Sessions started (init updates, aggregate totals). */
  sessions: number;
  /** Sessions with errors or ended errored/abnormal/crashed (crashed ones included). */
  errored: number;
  abnormal: number;
  crashed: number;
  /** Distinct ids (`did`) of the users, and of those with a crashed session. */
  users: string[];
  crashedUsers: string[];
}

export class ServerState {
  orgs: Org[] = [];
  projects: Project[] = [];
  tokens: TokenRecord[] = [];
  repos: Repo[] = [];
  releases: Release[] = [];
  deploys: Deploy[] = [];
  /** orgId → the chunks it uploaded (see chunk-store.ts). */
  chunks = new Map<number, ChunkStore>();
  /** `${orgId}:${checksum}` → assemble state. */
  assembles = new Map<string, AssembleRecord>();
  bundles: Bundle[] = [];
  events: StoredEvent[] = [];
  /** `project:event id` → when its event was first received, oldest first (see routes/ingest.ts). */
  eventIdsSeen = new Map<string, number>();
  requests: RecordedRequest[] = [];
  /** Cron monitors upserted from check-ins, and their check-ins (oldest first). */
  monitors: Monitor[] = [];
  checkIns: CheckInRecord[] = [];
  /** Items accepted over HTTP but dropped while processing them (as Sentry does), with the reason. */
  dropped: DroppedItem[] = [];
  /** Release health: counted sessions, and the last status of each session id (`project:sid`). */
  sessionBuckets: SessionBucket[] = [];
  sessionStates = new Map<string, { status: string; errored: boolean }>();
  private nextIds = new Map<string, number>();
  private seq = 0;

  nextId(kind: string): number {
    const n = (this.nextIds.get(kind) ?? 0) + 1;
    this.nextIds.set(kind, n);
    return n;
  }

  /** Make the next id of `kind` larger than `n` (ids loaded from the data folder). */
  reserveId(kind: string, n: number): void {
    if (n > (this.nextIds.get(kind) ?? 0)) this.nextIds.set(kind, n);
  }

  nextSeq(): number {
    return ++this.seq;
  }

  org(idOrSlug: string): Org | undefined {
    return this.orgs.find((o) => o.slug === idOrSlug || String(o.id) === idOrSlug);
  }

  project(org: Org, idOrSlug: string | number): Project | undefined {
    return this.projects.find(
      (p) => p.orgId === org.id && (p.slug === idOrSlug || p.id === idOrSlug || String(p.id) === String(idOrSlug)),
    );
  }

  projectsOf(org: Org): Project[] {
    return this.projects.filter((p) => p.orgId === org.id);
  }

  release(org: Org, version: string): Release | undefined {
    return this.releases.find((r) => r.orgId === org.id && r.version === version);
  }

  reposOf(org: Org): Repo[] {
    return this.repos.filter((r) => r.orgId === org.id).sort((a, b) => a.name.localeCompare(b.name));
  }
}
