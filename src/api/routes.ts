/**
 * Every Web-API route sentry-ship calls, in one typed list. Each builder returns the path relative to
 * `<base>/api/0/` (ending with `/`), with its arguments encoded as path segments the way sentry-cli
 * does. Commands call these instead of writing paths by hand, so encoding is never forgotten.
 */
import { encodePathSegment as seg } from "./encoding.js";

export const routes = {
  /** `GET /api/0/` — who the token belongs to (auth info). */
  authInfo: () => "",
  /** `GET /api/0/organizations/` */
  organizations: () => "organizations/",
  /** `GET /api/0/organizations/{org}/projects/` */
  orgProjects: (org: string) => `organizations/${seg(org)}/projects/`,
  /** `GET|POST /api/0/organizations/{org}/releases/` */
  releases: (org: string) => `organizations/${seg(org)}/releases/`,
  /** `GET|POST /api/0/projects/{org}/{project}/releases/` */
  projectReleases: (org: string, project: string) => `projects/${seg(org)}/${seg(project)}/releases/`,
  /** `GET|PUT|DELETE /api/0/organizations/{org}/releases/{version}/` */
  release: (org: string, version: string) => `organizations/${seg(org)}/releases/${seg(version)}/`,
  /** `GET|PUT|DELETE /api/0/projects/{org}/{project}/releases/{version}/` */
  projectRelease: (org: string, project: string, version: string) =>
    `projects/${seg(org)}/${seg(project)}/releases/${seg(version)}/`,
  /** `GET /api/0/organizations/{org}/releases/{version}/commits/` */
  releaseCommits: (org: string, version: string) => `organizations/${seg(org)}/releases/${seg(version)}/commits/`,
  /** `GET /api/0/organizations/{org}/releases/{version}/previous-with-commits/` */
  previousWithCommits: (org: string, version: string) =>
    `organizations/${seg(org)}/releases/${seg(version)}/previous-with-commits/`,
  /** `GET /api/0/organizations/{org}/repos/` */
  repos: (org: string) => `organizations/${seg(org)}/repos/`,
  /** `GET|POST /api/0/organizations/{org}/releases/{version}/deploys/` */
  deploys: (org: string, version: string) => `organizations/${seg(org)}/releases/${seg(version)}/deploys/`,
  /** `GET|POST /api/0/organizations/{org}/chunk-upload/` */
  chunkUpload: (org: string) => `organizations/${seg(org)}/chunk-upload/`,
  /** `POST /api/0/organizations/{org}/artifactbundle/assemble/` */
  artifactBundleAssemble: (org: string) => `organizations/${seg(org)}/artifactbundle/assemble/`,
  /** `GET /api/0/projects/{org}/{project}/artifact-lookup/` — artifact bundles by `debug_id` (or `url`/`release`/`dist`) */
  artifactLookup: (org: string, project: string) => `projects/${seg(org)}/${seg(project)}/artifact-lookup/`,
  /** `GET /api/0/projects/{org}/{project}/events/{event_id}/` */
  projectEvent: (org: string, project: string, eventId: string) =>
    `projects/${seg(org)}/${seg(project)}/events/${seg(eventId)}/`,
  /** `GET /api/0/projects/{org}/{project}/events/{event_id}/source-map-debug-blue-thunder-edition/` */
  sourceMapDebug: (org: string, project: string, eventId: string) =>
    `projects/${seg(org)}/${seg(project)}/events/${seg(eventId)}/source-map-debug-blue-thunder-edition/`,
  /** `GET /api/0/organizations/{org}/monitors/` */
  monitors: (org: string) => `organizations/${seg(org)}/monitors/`,
  /** `GET /api/0/organizations/{org}/monitors/{slug}/checkins/` */
  monitorCheckIns: (org: string, slug: string) => `organizations/${seg(org)}/monitors/${seg(slug)}/checkins/`,
  /** `GET /api/0/organizations/{org}/sessions/` — release health series and totals. */
  sessions: (org: string) => `organizations/${seg(org)}/sessions/`,
} as const;

export type RouteName = keyof typeof routes;
