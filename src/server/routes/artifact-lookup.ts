/**
 * `GET /api/0/projects/{org}/{project}/artifact-lookup/` (ProjectReleasePermission): the artifact
 * bundles that hold a debug id (`debug_id=`), or a file of a release (`release=`, `dist=`,
 * `url=` as a substring), as real Sentry lists them for Symbolicator and for tools holding a
 * `project:releases` token. `?download=artifact_bundle/N` returns that bundle as a zip.
 */
import { strToU8, zipSync } from "fflate";
import { RELEASE_SCOPES } from "../../domain/scopes.js";
import { header, normalizeId } from "../../sourcemaps/symbolicate/artifacts.js";
import { authorizeOrg } from "../auth.js";
import type { ServerCore } from "../core.js";
import { json, NOT_FOUND, type Router } from "../http.js";
import type { Bundle } from "../state.js";

export function register(router: Router, core: ServerCore): void {
  router.on("GET", "/api/0/projects/:org/:project/artifact-lookup/", (req) => {
    const a = authorizeOrg(core.state, req, req.params.org!, RELEASE_SCOPES.GET!);
    if ("reply" in a) return a.reply;
    const project = core.state.project(a.org, req.params.project!);
    if (!project) return NOT_FOUND();
    const bundles = core.state.bundles.filter((b) => b.orgId === a.org.id && b.projects.includes(project.slug));
    const idOf = (b: Bundle) => core.state.bundles.indexOf(b) + 1;

    const download = req.query.download;
    if (download !== undefined) {
      const m = /^artifact_bundle\/(\d+)$/.exec(download);
      const b = m ? bundles.find((x) => idOf(x) === Number(m[1])) : undefined;
      if (!b) return NOT_FOUND();
      const entries: Record<string, Uint8Array> = { "manifest.json": strToU8(JSON.stringify(b.manifest)) };
      for (const f of b.files) entries[f.path] = new Uint8Array(f.content);
      const zip = Buffer.from(zipSync(entries));
      return {
        status: 200,
        body: zip,
        headers: {
          "Content-Type": "application/octet-stream",
          "Content-Disposition": `attachment; filename="artifact-bundle-${b.id}.zip"`,
        },
      };
    }

    const debugId = req.query.debug_id ? (normalizeId(req.query.debug_id) ?? req.query.debug_id) : undefined;
    const url = req.query.url || undefined;
    const release = req.query.release || undefined;
    const dist = req.query.dist || undefined;
    const found: Array<{ bundle: Bundle; resolvedWith: string }> = [];
    for (const b of bundles) {
      if (debugId && b.files.some((f) => normalizeId(header(f.headers, "debug-id")) === debugId)) {
        found.push({ bundle: b, resolvedWith: "debug-id" });
      } else if (
        release &&
        b.release === release &&
        (b.dist ?? "") === (dist ?? "") &&
        (url === undefined || b.files.some((f) => f.url?.includes(url)))
      ) {
        found.push({ bundle: b, resolvedWith: "release" });
      }
    }
    const base = `${req.origin}${req.path}`;
    return json(
      200,
      found
        .sort((x, y) => idOf(x.bundle) - idOf(y.bundle))
        .map(({ bundle, resolvedWith }) => ({
          id: `artifact_bundle/${idOf(bundle)}`,
          type: "bundle",
          url: `${base}?download=artifact_bundle/${idOf(bundle)}`,
          resolved_with: resolvedWith,
        })),
    );
  });
}
