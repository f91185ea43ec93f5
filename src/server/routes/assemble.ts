/**
 * `POST /api/0/organizations/{org}/artifactbundle/assemble/` (sentry-api.md §4.3–4.4): strict body
 * schema, missing-chunk discovery, then assembly — concatenate the chunks, verify the checksum,
 * open the zip, validate manifest.json — and the bundle is stored (and persisted) unpacked.
 * Assembly happens at once; the state reported to the client stays `created` for
 * `options.assemblePolls` polls, like a background task would.
 */
import { createHash } from "node:crypto";
import { RELEASE_SCOPES } from "../../domain/scopes.js";
import { authorizeOrg } from "../auth.js";
import type { ServerCore } from "../core.js";
import { API_JSON_DEPTH, json, parseJsonBody, type Reply, type Router } from "../http.js";
import { jsonTextTooDeep } from "../json-depth.js";
import { BundleWriteError } from "../persist.js";
import type { AssembleRecord, Bundle, BundleFile, Org, Project } from "../state.js";
import { ZipError, ZipReader } from "../zip-reader.js";
import { chunkUploadOptions, orgChunks } from "./chunks.js";

const HEX40 = /^[0-9a-f]{40}$/;
const KNOWN_TYPES = new Set(["source", "minified_source", "source_map", "indexed_ram_bundle"]);

const err = (message: string): Reply => json(400, { error: message });

/** Pending reveal: how many more polls report `created` before the final state shows. */
const pendingPolls = new WeakMap<AssembleRecord, number>();
const finalStates = new WeakMap<AssembleRecord, { state: AssembleRecord["state"]; detail: string | null }>();

interface AssembleBody {
  checksum: string;
  chunks: string[];
  projects: string[];
  version?: string;
  dist?: string;
}

/** The JSON-schema checks, with the messages real Sentry gives. */
export function validateAssembleBody(value: unknown): { body: AssembleBody } | { error: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { error: "Invalid json body" };
  const v = value as Record<string, unknown>;
  if (typeof v.checksum !== "string" || !HEX40.test(v.checksum)) {
    return { error: "The checksum field is required and must be a 40-character hexadecimal string." };
  }
  if (!Array.isArray(v.chunks) || !v.chunks.every((c) => typeof c === "string" && HEX40.test(c))) {
    return {
      error: "The chunks field is required and must be provided as an array of 40-character hexadecimal strings.",
    };
  }
  if (!Array.isArray(v.projects) || !v.projects.every((p) => typeof p === "string")) {
    return { error: "The projects field is required and must be provided as an array of strings." };
  }
  if ("version" in v && (typeof v.version !== "string" || !/^[^/]+$/.test(v.version))) {
    return { error: 'The version field cannot be empty and cannot contain any "/" characters.' };
  }
  if ("dist" in v && typeof v.dist !== "string") return { error: "The dist field must be a string." };
  const allowed = new Set(["checksum", "chunks", "projects", "version", "dist"]);
  const extra = Object.keys(v).filter((k) => !allowed.has(k));
  if (extra.length > 0) {
    const list = extra.map((k) => `'${k}'`).join(", ");
    return {
      error: `Additional properties are not allowed (${list} ${extra.length === 1 ? "was" : "were"} unexpected)`,
    };
  }
  return { body: v as unknown as AssembleBody };
}

/** symbolic's normalize_debug_id: hyphenated or simple UUID (+ optional appendix) → lowercase hyphenated. */
export function normalizeDebugId(raw: unknown): string | undefined {
  if (typeof raw !== "string") return undefined;
  const s = raw.trim().toLowerCase();
  const m = /^([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})(?:[-.]?[0-9a-f]*)?$/.exec(s);
  if (!m) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}-${m[4]}-${m[5]}`;
}

function headerValue(headers: Record<string, string>, key: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === key) return v;
  return undefined;
}

type Outcome = { state: "ok" | "error"; detail: string | null; bundle?: Bundle };

/** Assemble the uploaded chunks into a bundle (or say why not). Exported for tests. */
export function assembleBundle(core: ServerCore, org: Org, body: AssembleBody, projects: Project[]): Outcome {
  const store = orgChunks(core, org.id);
  const parts: Buffer[] = [];
  for (const c of body.chunks) {
    const b = store.get(c);
    if (!b) return { state: "error", detail: "Not all chunks available for assembling" };
    parts.push(b);
  }
  const size = parts.reduce((n, b) => n + b.length, 0);
  const max = chunkUploadOptions(core).maxFileSize;
  if (size > max) return { state: "error", detail: `File artifact-bundle.zip exceeds maximum size (${size} > ${max})` };
  const lim = core.limits;
  if (size > lim.bundleBytes)
    return {
      state: "error",
      detail: `File artifact-bundle.zip exceeds this server's bundle limit (${size} > ${lim.bundleBytes}; serve --max-bundle-size)`,
    };
  const data = Buffer.concat(parts, size);
  parts.length = 0;
  if (createHash("sha1").update(data).digest("hex") !== body.checksum)
    return { state: "error", detail: "Reported checksum mismatch" };
  let zip: ZipReader;
  try {
    zip = new ZipReader(data, lim.bundleFiles + 1);
  } catch (e) {
    return {
      state: "error",
      detail:
        e instanceof ZipError && /too many/.test(e.message) ? `the bundle has ${e.message}` : "the bundle is invalid",
    };
  }
  const manifestEntry = zip.get("manifest.json");
  if (!manifestEntry || manifestEntry.size > lim.bundleFileBytes)
    return { state: "error", detail: "the bundle is invalid" };
  let manifest: Record<string, unknown>;
  try {
    const raw = zip.read(manifestEntry);
    if (jsonTextTooDeep(raw, API_JSON_DEPTH)) throw new Error("too deep");
    manifest = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
    if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest)) throw new Error("not an object");
  } catch {
    return { state: "error", detail: "the bundle is invalid" };
  }
  const filesObj = (manifest.files ?? {}) as Record<string, { url?: unknown; type?: unknown; headers?: unknown }>;
  if (typeof filesObj !== "object" || filesObj === null || Array.isArray(filesObj))
    return { state: "error", detail: "the bundle is invalid" };
  const release = body.version ?? (typeof manifest.release === "string" ? manifest.release : null);
  const dist = body.dist ?? (typeof manifest.dist === "string" ? manifest.dist : null);
  // Every cap is checked on the declared sizes before a byte is inflated.
  const listed = Object.entries(filesObj);
  if (listed.length > lim.bundleFiles)
    return { state: "error", detail: `the bundle has too many files (${listed.length} > ${lim.bundleFiles})` };
  let unpacked = 0;
  for (const [path] of listed) {
    const entry = zip.get(path);
    if (!entry) continue;
    if (entry.size > lim.bundleFileBytes)
      return {
        state: "error",
        detail: `File ${excerpt(path)} exceeds maximum size (${entry.size} > ${lim.bundleFileBytes}; serve --max-bundle-file)`,
      };
    unpacked += entry.size;
  }
  if (unpacked > lim.bundleUnpackedBytes)
    return {
      state: "error",
      detail: `the bundle unpacks to ${unpacked} bytes, more than this server's limit (${lim.bundleUnpackedBytes})`,
    };
  if (!core.persist.dir && memoryUsed(core) + unpacked > lim.bundleMemoryBytes)
    return {
      state: "error",
      detail: `server storage full: bundles in memory would pass ${lim.bundleMemoryBytes} bytes (use serve --data DIR)`,
    };
  const files: BundleFile[] = [];
  let hasDebugId = false;
  for (const [path, info] of listed) {
    const headers: Record<string, string> = {};
    if (info && typeof info.headers === "object" && info.headers !== null) {
      for (const [k, v] of Object.entries(info.headers as Record<string, unknown>))
        if (typeof v === "string") headers[k] = v;
    }
    const type = typeof info?.type === "string" ? info.type : undefined;
    if (type && KNOWN_TYPES.has(type) && normalizeDebugId(headerValue(headers, "debug-id"))) hasDebugId = true;
    const entry = zip.get(path);
    let content: Buffer;
    try {
      content = entry ? Buffer.from(zip.read(entry)) : Buffer.alloc(0);
    } catch (e) {
      return { state: "error", detail: `the bundle is invalid: ${excerpt((e as Error).message, 200)}` };
    }
    files.push({
      path,
      url: typeof info?.url === "string" ? info.url : undefined,
      type,
      headers,
      content,
    });
  }
  if (!hasDebugId && !release)
    return { state: "error", detail: "uploading a bundle without debug ids or release is prohibited" };
  if (files.length === 0) return { state: "ok", detail: null };
  const id = (normalizeDebugId(manifest.debug_id) ?? derivedId(body.checksum)).slice(0, 36);
  const bundle: Bundle = {
    id,
    orgId: org.id,
    checksum: body.checksum,
    projects: projects.map((p) => p.slug),
    release,
    dist,
    manifest,
    files,
    dateCreated: core.now().toISOString(),
  };
  return { state: "ok", detail: null, bundle };
}

/** A bad value quoted in a detail: at most `max` characters. */
export function excerpt(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s;
}

function memoryUsed(core: ServerCore): number {
  let n = 0;
  for (const b of core.state.bundles) for (const f of b.files) n += f.content.length;
  return n;
}

function derivedId(checksum: string): string {
  const h = checksum.slice(0, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function stateReply(rec: AssembleRecord): Reply {
  const left = pendingPolls.get(rec);
  if (left !== undefined) {
    if (left > 0) {
      pendingPolls.set(rec, left - 1);
      return json(200, { state: rec.state, detail: rec.detail, missingChunks: [] });
    }
    const fin = finalStates.get(rec)!;
    rec.state = fin.state;
    rec.detail = fin.detail;
    pendingPolls.delete(rec);
  }
  return json(200, { state: rec.state, detail: rec.detail, missingChunks: [] });
}

export function register(router: Router, core: ServerCore): void {
  router.on("POST", "/api/0/organizations/:org/artifactbundle/assemble/", (req) => {
    const a = authorizeOrg(core.state, req, req.params.org!, RELEASE_SCOPES.POST!);
    if ("reply" in a) return a.reply;
    const parsed = parseJsonBody(req, "error");
    if ("reply" in parsed) return parsed.reply;
    if (req.body.length === 0) return err("Invalid json body");
    const v = validateAssembleBody(parsed.value);
    if ("error" in v) return err(v.error);
    const body = v.body;
    if (body.projects.length === 0) return err("You need to specify at least one project");
    const projects: Project[] = [];
    const all = core.state.projectsOf(a.org);
    for (const p of body.projects) {
      const found = /^\d+$/.test(p) ? all.find((x) => String(x.id) === p) : all.find((x) => x.slug === p);
      if (found && !projects.includes(found)) projects.push(found);
    }
    if (projects.length !== body.projects.length) return err("One or more projects are invalid");

    const store = orgChunks(core, a.org.id);
    const missing = [...new Set(body.chunks.filter((c) => !store.has(c)))];
    if (missing.length > 0) return json(200, { state: "not_found", missingChunks: missing });

    const key = `${a.org.id}:${body.checksum}`;
    const cached = core.state.assembles.get(key);
    if (cached) return stateReply(cached);
    if (body.chunks.length === 0) return json(200, { state: "not_found", missingChunks: [] });

    const rec: AssembleRecord = { state: "created", detail: null };
    core.state.assembles.set(key, rec);
    if (body.dist !== undefined && body.version === undefined)
      return err("You need to specify a release together with a dist");

    let outcome: Outcome;
    try {
      outcome = assembleBundle(core, a.org, body, projects);
      if (outcome.bundle) {
        const b = outcome.bundle;
        // Stored first: a bundle that cannot be written is an error, never "ok" for files not kept.
        core.persist.saveBundle(b);
        rec.bundleId = b.id;
        const i = core.state.bundles.findIndex((x) => x.checksum === b.checksum && x.orgId === b.orgId);
        if (i >= 0) core.state.bundles[i] = b;
        else core.state.bundles.push(b);
      }
    } catch (e) {
      // Whatever goes wrong, the assembly ends in `error` with a reason, never stuck in `created`.
      const detail =
        e instanceof BundleWriteError
          ? e.message
          : `internal server error: ${excerpt((e as Error)?.message ?? String(e), 200)}`;
      outcome = { state: "error", detail };
      if (core.options.debug && !(e instanceof BundleWriteError)) console.error(e);
    }
    pendingPolls.set(rec, core.options.assemblePolls ?? 0);
    finalStates.set(rec, { state: outcome.state, detail: outcome.detail });
    return json(200, { state: "created", missingChunks: [] });
  });
}
