import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { startServer } from "../../src/server/index.js";
import { resetChunkUploadOptions, setChunkUploadOptions } from "../../src/server/routes/chunks.js";
import { tempDir } from "../support/runCli.js";
import { useServer } from "../support/server.js";

const sha1 = (b: Buffer | string) => createHash("sha1").update(b).digest("hex");

function multipart(parts: Array<{ name: string; filename: string; data: Buffer }>): { body: Buffer; type: string } {
  const boundary = "------------------------testboundary42";
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      p.data,
      Buffer.from("\r\n"),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

function bundleZip(manifest: unknown, files: Record<string, string> = {}): Buffer {
  const entries: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(files)) entries[k] = Buffer.from(v);
  entries["manifest.json"] = Buffer.from(JSON.stringify(manifest));
  return Buffer.from(zipSync(entries));
}

const DEBUG_ID = "fd56bef4-4c39-5193-a54f-0509ad3d612c";
const goodManifest = {
  files: {
    "files/_/_/app.js": {
      type: "minified_source",
      url: "~/app.js",
      headers: { "debug-id": DEBUG_ID, sourcemap: "app.js.map" },
    },
    "files/_/_/app.js.map": { type: "source_map", url: "~/app.js.map", headers: { "debug-id": DEBUG_ID } },
  },
  debug_id: "8f97302e-4176-560d-9920-d923af3cb4a7",
  org: "acme",
  project: "frontend",
};
const goodFiles = {
  "files/_/_/app.js": "var a=1;\n",
  "files/_/_/app.js.map": '{"version":3,"sources":[],"names":[],"mappings":""}',
};

describe("chunk-upload and artifactbundle/assemble endpoints", () => {
  const s = useServer();
  afterEach(() => resetChunkUploadOptions(s.server.core));

  const api = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${s.server.url}/api/0/organizations/${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${init.token ?? s.server.token}`, ...(init.headers as Record<string, string>) },
    });
  const upload = (parts: Parameters<typeof multipart>[0], headers: Record<string, string> = {}, org = "acme") => {
    const m = multipart(parts);
    return api(`${org}/chunk-upload/`, {
      method: "POST",
      body: m.body,
      headers: { "Content-Type": m.type, ...headers },
    });
  };
  const assemble = (body: unknown, token?: string) =>
    api("acme/artifactbundle/assemble/", {
      method: "POST",
      body: typeof body === "string" ? body : JSON.stringify(body),
      headers: { "Content-Type": "application/json" },
      token,
    });

  it("announces the options with an absolute upload URL", async () => {
    const r = await api("acme/chunk-upload/");
    expect(r.status).toBe(200);
    const body = (await r.json()) as { accept: string[] };
    expect(body).toMatchObject({
      url: `${s.server.url}/api/0/organizations/acme/chunk-upload/`,
      chunkSize: 8388608,
      chunksPerRequest: 64,
      maxRequestSize: 33554432,
      concurrency: 8,
      hashAlgorithm: "sha1",
      compression: ["gzip"],
    });
    expect(body.accept).toContain("artifact_bundles_v2");
  });

  it("uses overridden options for what it announces and enforces", async () => {
    setChunkUploadOptions(s.server.core, { chunkSize: 4, chunksPerRequest: 2, maxRequestSize: 6 });
    expect(((await (await api("acme/chunk-upload/")).json()) as { chunkSize: number }).chunkSize).toBe(4);
    const part = (d: string) => ({ name: "file", filename: sha1(d), data: Buffer.from(d) });
    expect(await (await upload([part("a"), part("b"), part("c")])).json()).toEqual({ error: "Too many chunks" });
    expect(await (await upload([part("abcde")])).json()).toEqual({ error: "Chunk size too large" });
    expect(await (await upload([part("abcd"), part("efgh")])).json()).toEqual({ error: "Request too large" });
  });

  it("rejects a chunk whose filename is not the SHA-1 of its decoded bytes", async () => {
    const r = await upload([{ name: "file", filename: sha1("other"), data: Buffer.from("data") }]);
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: "Checksum mismatch" });
  });

  it("gunzips file_gzip parts and rejects Content-Encoding combined with them", async () => {
    const data = Buffer.from("gzipped chunk");
    const ok = await upload([{ name: "file_gzip", filename: sha1(data), data: gzipSync(data) }]);
    expect(ok.status).toBe(200);
    expect(s.server.state.chunks.get(1)?.get(sha1(data))?.toString()).toBe("gzipped chunk");
    const both = await upload([{ name: "file_gzip", filename: sha1(data), data: gzipSync(data) }], {
      "Content-Encoding": "gzip",
    });
    expect(await both.json()).toEqual({ error: "Cannot combine Content-Encoding with file_gzip field" });
    const zstd = await upload([{ name: "file", filename: sha1(data), data }], { "Content-Encoding": "br" });
    expect(await zstd.json()).toEqual({ error: "Unsupported Content-Encoding" });
  });

  it("answers 200 to a request without parts", async () => {
    expect((await upload([])).status).toBe(200);
  });

  it("requires a token with a release scope, bound to the org", async () => {
    expect((await api("acme/chunk-upload/", { token: "nope" })).status).toBe(401);
    const ro = await upload([{ name: "file", filename: sha1("x"), data: Buffer.from("x") }], {
      Authorization: `Bearer ${s.server.readOnlyToken}`,
    });
    expect(ro.status).toBe(403);
    expect((await api("other/chunk-upload/", { token: s.server.orgToken })).status).toBe(403);
    expect((await api("acme/chunk-upload/", { token: s.server.orgToken })).status).toBe(200);
  });

  it.each([
    [
      { chunks: [], projects: ["frontend"] },
      "The checksum field is required and must be a 40-character hexadecimal string.",
    ],
    [
      { checksum: "A".repeat(40), chunks: [], projects: ["frontend"] },
      "The checksum field is required and must be a 40-character hexadecimal string.",
    ],
    [
      { checksum: "a".repeat(40), chunks: ["xyz"], projects: ["frontend"] },
      "The chunks field is required and must be provided as an array of 40-character hexadecimal strings.",
    ],
    [
      { checksum: "a".repeat(40), chunks: [] },
      "The projects field is required and must be provided as an array of strings.",
    ],
    [
      { checksum: "a".repeat(40), chunks: [], projects: ["frontend"], version: "a/b" },
      'The version field cannot be empty and cannot contain any "/" characters.',
    ],
    [{ checksum: "a".repeat(40), chunks: [], projects: ["frontend"], dist: 5 }, "The dist field must be a string."],
    [
      { checksum: "a".repeat(40), chunks: [], projects: ["frontend"], x: 1 },
      "Additional properties are not allowed ('x' was unexpected)",
    ],
    ["{not json", "Invalid json body"],
    [{ checksum: "a".repeat(40), chunks: [], projects: [] }, "You need to specify at least one project"],
    [{ checksum: "a".repeat(40), chunks: [], projects: ["frontend", "frontend"] }, "One or more projects are invalid"],
    [{ checksum: "a".repeat(40), chunks: [], projects: ["web"] }, "One or more projects are invalid"],
  ])("rejects the assemble body %j with its message", async (body, message) => {
    const r = await assemble(body);
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: message });
  });

  it("reports missing chunks, then assembles, unpacks and stores the bundle", async () => {
    const zip = bundleZip(goodManifest, goodFiles);
    const half = Math.ceil(zip.length / 2);
    const parts = [zip.subarray(0, half), zip.subarray(half)];
    const body = { checksum: sha1(zip), chunks: parts.map(sha1), projects: ["frontend"] };
    const first = await (await assemble(body)).json();
    expect(first).toEqual({ state: "not_found", missingChunks: parts.map(sha1) });
    expect((await upload([{ name: "file", filename: sha1(parts[0]!), data: parts[0]! }])).status).toBe(200);
    expect(await (await assemble(body)).json()).toEqual({ state: "not_found", missingChunks: [sha1(parts[1]!)] });
    await upload([{ name: "file", filename: sha1(parts[1]!), data: parts[1]! }]);
    expect(await (await assemble(body)).json()).toEqual({ state: "created", missingChunks: [] });
    expect(await (await assemble(body)).json()).toEqual({ state: "ok", detail: null, missingChunks: [] });
    const b = s.server.state.bundles.find((x) => x.checksum === body.checksum)!;
    expect(b.id).toBe("8f97302e-4176-560d-9920-d923af3cb4a7");
    expect(b.files.map((f) => [f.path, f.content.toString()])).toEqual(Object.entries(goodFiles));
    expect(b.files[0]!.headers).toEqual({ "debug-id": DEBUG_ID, sourcemap: "app.js.map" });
  });

  async function assembleOutcome(zip: Buffer, extra: Record<string, unknown> = {}, checksum = sha1(zip)) {
    await upload([{ name: "file", filename: sha1(zip), data: zip }]);
    const body = { checksum, chunks: [sha1(zip)], projects: ["frontend"], ...extra };
    await assemble(body);
    return (await assemble(body)).json();
  }

  it("ends in error when the chunks do not add up to the checksum", async () => {
    const zip = bundleZip({ ...goodManifest, note: "mismatch" }, goodFiles);
    expect(await assembleOutcome(zip, {}, sha1("something else"))).toEqual({
      state: "error",
      detail: "Reported checksum mismatch",
      missingChunks: [],
    });
  });

  it("ends in error for a bundle above maxFileSize", async () => {
    const zip = bundleZip({ ...goodManifest, note: "too big" }, goodFiles);
    setChunkUploadOptions(s.server.core, { maxFileSize: 100 });
    expect(await assembleOutcome(zip)).toMatchObject({
      state: "error",
      detail: `File artifact-bundle.zip exceeds maximum size (${zip.length} > 100)`,
    });
  });

  it("ends in error for a file that is not a zip or has no manifest", async () => {
    expect(await assembleOutcome(Buffer.from("not a zip at all"))).toMatchObject({
      state: "error",
      detail: "the bundle is invalid",
    });
    const noManifest = Buffer.from(zipSync({ "files/_/_/a.js": Buffer.from("x") }));
    expect(await assembleOutcome(noManifest)).toMatchObject({ state: "error", detail: "the bundle is invalid" });
  });

  it("ends in error for a bundle with neither debug ids nor a release, and accepts it with a release", async () => {
    const manifest = { files: { "files/_/_/a.js": { type: "minified_source", url: "~/a.js" } }, org: "acme" };
    const zip = bundleZip(manifest, { "files/_/_/a.js": "var a;" });
    expect(await assembleOutcome(zip)).toMatchObject({
      state: "error",
      detail: "uploading a bundle without debug ids or release is prohibited",
    });
    const zip2 = bundleZip({ ...manifest, note: "second" }, { "files/_/_/a.js": "var a;" });
    expect(await assembleOutcome(zip2, { version: "1.0" })).toMatchObject({ state: "ok" });
  });

  it("rejects a dist without a release after creating the assemble state", async () => {
    const zip = bundleZip({ ...goodManifest, note: "dist" }, goodFiles);
    await upload([{ name: "file", filename: sha1(zip), data: zip }]);
    const body = { checksum: sha1(zip), chunks: [sha1(zip)], projects: ["frontend"], dist: "web" };
    expect(await (await assemble(body)).json()).toEqual({
      error: "You need to specify a release together with a dist",
    });
    expect(await (await assemble(body)).json()).toEqual({ state: "created", detail: null, missingChunks: [] });
  });

  it("does not let one organization assemble another's chunks", async () => {
    const data = Buffer.from("acme only");
    await upload([{ name: "file", filename: sha1(data), data }]);
    const other = await fetch(`${s.server.url}/api/0/organizations/other/artifactbundle/assemble/`, {
      method: "POST",
      headers: { Authorization: `Bearer ${s.server.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ checksum: sha1(data), chunks: [sha1(data)], projects: ["web"] }),
    });
    expect(await other.json()).toEqual({ state: "not_found", missingChunks: [sha1(data)] });
  });
});

describe("assembled bundles with --data", () => {
  it("are written as manifest.json plus the unpacked files", async () => {
    const dataDir = tempDir("ship-data-");
    const server = await startServer({ dataDir, assemblePolls: 1 });
    try {
      const zip = bundleZip(goodManifest, goodFiles);
      const h = { Authorization: `Bearer ${server.token}` };
      const m = multipart([{ name: "file", filename: sha1(zip), data: zip }]);
      await fetch(`${server.url}/api/0/organizations/acme/chunk-upload/`, {
        method: "POST",
        body: m.body,
        headers: { ...h, "Content-Type": m.type },
      });
      const body = JSON.stringify({ checksum: sha1(zip), chunks: [sha1(zip)], projects: ["frontend"] });
      const poll = async () =>
        (
          (await (
            await fetch(`${server.url}/api/0/organizations/acme/artifactbundle/assemble/`, {
              method: "POST",
              body,
              headers: { ...h, "Content-Type": "application/json" },
            })
          ).json()) as { state: string }
        ).state;
      expect([await poll(), await poll(), await poll()]).toEqual(["created", "created", "ok"]);
      const root = join(dataDir, "bundles", "8f97302e-4176-560d-9920-d923af3cb4a7");
      expect(JSON.parse(readFileSync(join(root, "manifest.json"), "utf8"))).toEqual(goodManifest);
      expect(readFileSync(join(root, "files/_/_/app.js"), "utf8")).toBe("var a=1;\n");
      expect(existsSync(join(root, "files/_/_/app.js.map"))).toBe(true);
    } finally {
      await server.close();
    }
  });
});
