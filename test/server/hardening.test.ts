/**
 * The server's bounds, in process: the request log, the chunk store, and the data folder checks at start.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startServer } from "../../src/server/index.js";
import { DataFileError } from "../../src/server/persist.js";
import { bundleZip, chunkUploadBody, sha1 } from "../support/hostile.js";
import { tempDir } from "../support/runCli.js";

describe("the request log", () => {
  it("keeps a bounded number of entries and only an excerpt of a large body", async () => {
    const s = await startServer({ limits: { requestLogEntries: 5, requestLogBodyBytes: 100 } });
    try {
      for (let i = 0; i < 12; i++) await fetch(`${s.url}/api/0/`);
      expect(s.requests.length).toBe(5);
      expect(s.requests.at(-1)!.seq).toBe(12);
      await fetch(`${s.url}/api/0/organizations/acme/releases/`, {
        method: "POST",
        headers: { Authorization: `Bearer ${s.token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ version: "x".repeat(500), projects: ["frontend"] }),
      });
      const last = s.requests.at(-1)!;
      expect(last.bodyBytes).toBeGreaterThan(500);
      expect(last.json).toBeUndefined();
      expect(last.bodyTruncated).toBe(true);
      expect(last.bodyExcerpt!.length).toBeLessThanOrEqual(512);
    } finally {
      await s.close();
    }
  });

  it("keeps no body for a request no route matches", async () => {
    const s = await startServer();
    try {
      const r = await fetch(`${s.url}/nowhere`, { method: "POST", body: '{"a":1}' });
      expect(r.status).toBe(404);
      const last = s.requests.at(-1)!;
      expect(last.path).toBe("/nowhere");
      expect(last.json).toBeUndefined();
      expect(last.bodyBytes).toBe(0);
    } finally {
      await s.close();
    }
  });
});

describe("the chunk store", () => {
  it("answers 413 once the configured cap is reached", async () => {
    const s = await startServer({ limits: { chunkStoreBytes: 1024 } });
    try {
      const send = (c: Buffer) => {
        const up = chunkUploadBody([c]);
        return fetch(`${s.url}/api/0/organizations/acme/chunk-upload/`, {
          method: "POST",
          body: up.body,
          headers: { Authorization: `Bearer ${s.token}`, "Content-Type": up.contentType },
        });
      };
      expect((await send(Buffer.alloc(800, 1))).status).toBe(200);
      const full = await send(Buffer.alloc(800, 2));
      expect(full.status).toBe(413);
      expect(((await full.json()) as { error: string }).error).toMatch(/Chunk storage full.*1 KiB/);
      // The same chunk again is not new data.
      expect((await send(Buffer.alloc(800, 1))).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it("writes chunks to disk with --data instead of keeping them in memory", async () => {
    const data = tempDir("ship-chunks-");
    const s = await startServer({ dataDir: data });
    try {
      const c = Buffer.from("chunk on disk");
      const up = chunkUploadBody([c]);
      const r = await fetch(`${s.url}/api/0/organizations/acme/chunk-upload/`, {
        method: "POST",
        body: up.body,
        headers: { Authorization: `Bearer ${s.token}`, "Content-Type": up.contentType },
      });
      expect(r.status).toBe(200);
      expect(readFileSync(join(data, "chunks", "1", sha1(c)), "utf8")).toBe("chunk on disk");
      expect(s.state.chunks.get(1)?.get(sha1(c))?.toString()).toBe("chunk on disk");
    } finally {
      await s.close();
    }
  });
});

describe("the data folder", () => {
  it("is refused in one line when it is a file", async () => {
    const f = join(tempDir(), "file");
    writeFileSync(f, "x");
    await expect(startServer({ dataDir: f })).rejects.toThrow(DataFileError);
    await expect(startServer({ dataDir: f })).rejects.toThrow(/^--data .*file.*(not a folder|cannot be used)/);
  });

  it.skipIf(process.getuid?.() === 0)("is refused when it is not writable", async () => {
    const d = tempDir();
    chmodSync(d, 0o500);
    await expect(startServer({ dataDir: d })).rejects.toThrow(/is not writable: permission denied \(EACCES\)/);
  });

  it("names a damaged data file", async () => {
    const d = tempDir();
    writeFileSync(join(d, "releases.json"), '[{"id": 1,');
    await expect(startServer({ dataDir: d })).rejects.toThrow(/releases\.json is damaged/);
    writeFileSync(join(d, "releases.json"), '{"not": "an array"}');
    await expect(startServer({ dataDir: d })).rejects.toThrow(/releases\.json is damaged \(expected a JSON array/);
  });

  it("writes a bundle folder only when complete, manifest last, and clears half-written ones at start", async () => {
    const d = tempDir();
    mkdirSync(join(d, "bundles", ".x.partial-1-abcd"), { recursive: true });
    const s = await startServer({ dataDir: d });
    try {
      expect(readdirSync(join(d, "bundles"))).toEqual([]);
      const zip = bundleZip([{ path: "files/_/_/app.js", data: Buffer.from("app();") }]);
      const up = chunkUploadBody([zip]);
      const auth = { Authorization: `Bearer ${s.token}` };
      await fetch(`${s.url}/api/0/organizations/acme/chunk-upload/`, {
        method: "POST",
        body: up.body,
        headers: { ...auth, "Content-Type": up.contentType },
      });
      const body = JSON.stringify({ checksum: sha1(zip), chunks: [sha1(zip)], projects: ["frontend"] });
      const post = () =>
        fetch(`${s.url}/api/0/organizations/acme/artifactbundle/assemble/`, { method: "POST", body, headers: auth });
      await post();
      expect(await (await post()).json()).toMatchObject({ state: "ok" });
      const [id] = readdirSync(join(d, "bundles"));
      expect(existsSync(join(d, "bundles", id!, "manifest.json"))).toBe(true);
      expect(readFileSync(join(d, "bundles", id!, "files/_/_/app.js"), "utf8")).toBe("app();");
      // The content is read back from disk.
      expect(s.state.bundles[0]!.files[0]!.content.toString()).toBe("app();");
    } finally {
      await s.close();
    }
  });
});

describe("recorded events", () => {
  it("keeps the newest events within the byte budget in memory", async () => {
    const s = await startServer({ limits: { recordedEventBytes: 4096 } });
    try {
      const key = new URL(s.dsn).username;
      for (let i = 0; i < 10; i++) {
        const payload = JSON.stringify({ message: `event ${i}`, extra: { pad: "p".repeat(1000) } });
        const r = await fetch(`${s.url}/api/1/envelope/`, {
          method: "POST",
          body: `{}\n{"type":"event"}\n${payload}\n`,
          headers: { "X-Sentry-Auth": `Sentry sentry_version=7, sentry_key=${key}` },
        });
        expect(r.status).toBe(200);
      }
      const messages = s.state.events.map((e) => (e.items[0]!.payload as { message: string }).message);
      expect(messages.length).toBeLessThanOrEqual(4);
      expect(messages.at(-1)).toBe("event 9");
    } finally {
      await s.close();
    }
  });
});

describe("large envelope items", () => {
  it("are kept on disk by content with --data, not in memory", async () => {
    const data = tempDir("ship-payloads-");
    const s = await startServer({ dataDir: data });
    try {
      const key = new URL(s.dsn).username;
      const big = Buffer.alloc(2 * 1024 * 1024, 0x61);
      const r = await fetch(`${s.url}/api/1/envelope/`, {
        method: "POST",
        body: Buffer.concat([
          Buffer.from(
            `{"event_id":"${"b".repeat(32)}"}\n{"type":"attachment","length":${big.length},"filename":"a.txt"}\n`,
          ),
          big,
          Buffer.from("\n"),
        ]),
        headers: { "X-Sentry-Auth": `Sentry sentry_version=7, sentry_key=${key}` },
      });
      expect(r.status).toBe(200);
      const item = s.state.events.at(-1)!.items[0]!;
      expect(item.payload).toEqual({ omitted: true, size: big.length, file: `payloads/${sha1(big)}` });
      expect(readFileSync(join(data, "payloads", sha1(big))).equals(big)).toBe(true);
    } finally {
      await s.close();
    }
  });
});
