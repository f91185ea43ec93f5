import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { multipartBoundary, parseMultipart } from "../../src/server/routes/chunk-multipart.js";
import { multipartBody, storedGzip } from "../../src/sourcemaps/chunks.js";
import { tempDir } from "../support/runCli.js";

describe("chunks", () => {
  it("frames data as a gzip member of stored blocks that gunzips to the same bytes", () => {
    for (const n of [0, 1, 65535, 65536, 200_000]) {
      const data = randomBytes(n);
      const gz = storedGzip(data);
      expect(gunzipSync(gz).equals(data)).toBe(true);
      expect(gz.length).toBe(10 + Math.max(1, Math.ceil(n / 65535)) * 5 + n + 8);
    }
  });

  it("builds a multipart body whose parts parse back with their names, filenames and bytes", async () => {
    const a = randomBytes(1000);
    const b = Buffer.from("second");
    const part = (filename: string, data: Buffer) => ({
      name: "file_gzip",
      filename,
      size: data.length,
      read: async () => data,
    });
    for (const gzip of [false, true]) {
      const { body, contentType, dataBytes } = await multipartBody([part("aaa", a), part("bbb", b)], gzip);
      const parts = parseMultipart(body, multipartBoundary(contentType)!);
      expect(parts.map((p) => [p.name, p.filename])).toEqual([
        ["file_gzip", "aaa"],
        ["file_gzip", "bbb"],
      ]);
      const plain = parts.map((p) => (gzip ? gunzipSync(p.data) : p.data));
      expect(plain[0]!.equals(a) && plain[1]!.equals(b)).toBe(true);
      expect(dataBytes).toBe(parts[0]!.data.length + parts[1]!.data.length);
    }
  });

  it("reads parts that name a file region straight into the body, in either framing, the same as from buffers", async () => {
    const dir = tempDir("chunks-");
    const whole = randomBytes(300_000);
    const path = join(dir, "bundle.zip");
    writeFileSync(path, whole);
    const regions = [
      [0, 65535],
      [65535, 65536],
      [131071, 168929],
      [5, 0],
    ] as const;
    for (const gzip of [false, true]) {
      const fromFile = regions.map(([offset, size], i) => ({
        name: "f",
        filename: `c${i}`,
        size,
        read: async () => Buffer.alloc(0),
        file: { path, offset },
      }));
      const fromBuffers = regions.map(([offset, size], i) => ({
        name: "f",
        filename: `c${i}`,
        size,
        read: async () => whole.subarray(offset, offset + size),
      }));
      const a = await multipartBody(fromFile, gzip);
      const b = await multipartBody(fromBuffers, gzip);
      const boundary = multipartBoundary(a.contentType)!;
      const pa = parseMultipart(a.body, boundary).map((p) => (gzip ? gunzipSync(p.data) : p.data));
      const pb = parseMultipart(b.body, multipartBoundary(b.contentType)!).map((p) =>
        gzip ? gunzipSync(p.data) : p.data,
      );
      expect(pa).toEqual(pb);
      for (const [i, [offset, size]] of regions.entries()) {
        expect(pa[i]!.equals(whole.subarray(offset, offset + size))).toBe(true);
      }
      expect(a.dataBytes).toBe(b.dataBytes);
    }
    // Built in a buffer given for reuse when it is large enough, with the same bytes.
    const reuse = Buffer.alloc(400_000, 0x55);
    const parts = regions.map(([offset, size], i) => ({
      name: "f",
      filename: `c${i}`,
      size,
      read: async () => whole.subarray(offset, offset + size),
    }));
    const inPlace = await multipartBody(parts, true, reuse);
    expect(inPlace.body.buffer).toBe(reuse.buffer);
    const fresh = await multipartBody(parts, true);
    const strip = (r: { body: Buffer; contentType: string }) =>
      r.body.toString("latin1").split(multipartBoundary(r.contentType)!).join("");
    expect(strip(inPlace)).toBe(strip(fresh));
    expect((await multipartBody(parts, true, Buffer.alloc(10))).body.length).toBe(fresh.body.length);
    const short = [
      { name: "f", filename: "x", size: 10, read: async () => Buffer.alloc(0), file: { path, offset: 299_995 } },
    ];
    await expect(multipartBody(short, true)).rejects.toThrow("shorter than 10 bytes");
  });
});
