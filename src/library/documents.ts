/**
 * The documents the Node API returns: the same JSON documents `sentry-ship … --json` prints, typed.
 * Objects that come from the server as they are (a release, a deploy) are typed loosely.
 */
import type { CheckReport } from "../sourcemaps/check.js";
import type { injectJson } from "../sourcemaps/inject-render.js";
import type { UploadSummary } from "../sourcemaps/upload.js";

/** A Sentry API object passed through as the server sent it. */
export type ServerObject = Record<string, unknown>;

/** A request a dry run would have sent. */
export interface PlannedRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** `/api/0/…` */
  path: string;
  body?: unknown;
}

/** What a dry run of a release or deploy call returns: the requests, none sent. */
export interface DryRunDocument {
  ok: true;
  dryRun: true;
  requests: PlannedRequest[];
}

export interface NewReleaseDocument {
  ok: true;
  version: string;
  /** false when the release already existed (the server answered 208). */
  created: boolean;
  release: ServerObject | undefined;
}

export interface FinalizeReleaseDocument {
  ok: true;
  version: string;
  release: ServerObject | undefined;
}

export interface ProposeVersionDocument {
  ok: true;
  version: string;
  /** Where the version came from: `SENTRY_RELEASE`, a CI variable, git HEAD… */
  source: string;
  ci?: string;
  prefix?: string;
}

export interface CommitRef {
  repository: string;
  commit: string;
  previousCommit: string | null;
}

export type SetCommitsDocument =
  | { ok: true; version: string; mode: "clear" | "refs"; refs: CommitRef[]; dryRun?: true; requests?: PlannedRequest[] }
  | {
      ok: true;
      version: string;
      mode: "local";
      previousCommit: string | null;
      previousFound: boolean;
      deepenedBy: number;
      /** The ids of the commits sent (or that would be). */
      commits: string[];
      paths?: string[];
      dryRun?: true;
      requests?: PlannedRequest[];
    };

export interface NewDeployDocument {
  ok: true;
  release: string;
  deploy: ServerObject | undefined;
}

export interface ListDeploysDocument {
  ok: true;
  release: string;
  deploys: ServerObject[];
}

/** What `sourcemaps inject --json` prints. */
export type InjectDocument = ReturnType<typeof injectJson>;

/** What `sourcemaps upload --json` prints. */
export type UploadDocument = UploadSummary;

/** What `sourcemaps check --json` prints (`ok` false when the build has errors). */
export type CheckDocument = { ok: boolean } & CheckReport;

export type SendEventDocument =
  | {
      ok: true;
      events: Array<{ eventId: string; file?: string; acceptedBy: string; dsnIndex: number }>;
    }
  | {
      ok: true;
      dryRun: true;
      events: Array<{ eventId: string; file?: string; event?: ServerObject }>;
    };
