/** Hostile inputs for `serve`: compression bombs and hand-made zips, built in memory without expanding them. */
import { createHash } from "node:crypto";
import { createBrotliCompress, createDeflateRaw, createGzip, constants as zc } from "node:zlib";

/** `bytes` zeros compressed with `kind`, streamed so the expanded form never exists here. */
export async function bomb(kind: "gzip" | "br" | "deflate-raw", bytes: number): Promise<Buffer> {
  const z =
    kind === "gzip"
      ? createGzip({ level: 9 })
      : kind === "br"
        ? createBrotliCompress({ params: { [zc.BROTLI_PARAM_QUALITY]: 5 } })
        : createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  z.on("data", (c: Buffer) => out.push(c));
  const done = new Promise((r) => z.on("end", r));
  const block = Buffer.alloc(1024 * 1024);
  for (let left = bytes; left > 0; left -= block.length) {
    const piece = left >= block.length ? block : block.subarray(0, left);
    if (!z.write(piece)) await new Promise((r) => z.once("drain", r));
  }
  z.end();
  await done;
  return Buffer.concat(out);
}

export interface RawZipEntry {
  name: string | Buffer;
  /** Stored bytes (already deflated when method is 8). */
  data: Buffer;
  method?: 0 | 8;
  /** The uncompressed size written in the headers (may lie). */
  size?: number;
}

/** A zip with exactly the given entries and headers (no CRC check is relied on). */
export function rawZip(entries: RawZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = typeof e.name === "string" ? Buffer.from(e.name) : e.name;
    const method = e.method ?? 0;
    const size = e.size ?? e.data.length;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x800, 6);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt32LE(e.data.length, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x800, 8);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt32LE(e.data.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, e.data);
    centrals.push(ch, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A bundle zip: manifest.json (last) plus the files, each listed in the manifest with a debug id. */
export function bundleZip(
  files: Array<{ path: string | Buffer; data: Buffer; method?: 0 | 8; size?: number }>,
): Buffer {
  const manifest = {
    files: Object.fromEntries(
      files.map((f) => [
        typeof f.path === "string" ? f.path : f.path.toString("utf8"),
        { url: "~/x.js", type: "minified_source", headers: { "debug-id": "6d2c4bc1-7a0c-4b8a-9f00-5b0f1c2d3e4f" } },
      ]),
    ),
  };
  return rawZip([
    ...files.map((f) => ({ name: f.path, data: f.data, method: f.method, size: f.size })),
    { name: "manifest.json", data: Buffer.from(JSON.stringify(manifest)) },
  ]);
}

export function sha1(b: Buffer): string {
  return createHash("sha1").update(b).digest("hex");
}

/** A multipart chunk-upload body with one raw `file` part per chunk. */
export function chunkUploadBody(chunks: Buffer[]): { body: Buffer; contentType: string } {
  const boundary = "----hostile-boundary";
  const parts: Buffer[] = [];
  for (const c of chunks) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${sha1(c)}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      c,
      Buffer.from("\r\n"),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
