/**
 * The zip writer artifact bundles use: entries deflated beforehand (by the `prepare` job), written
 * in order with their local headers, then the central directory — while the bytes are hashed, as
 * a whole and per upload chunk, on the way to the file. Nothing here knows about bundles.
 */
import { createHash, type Hash } from "node:crypto";
import { writeSync } from "node:fs";
import { BUNDLE_WRITE_BYTES } from "./work/tuning.js";

const WRITE_BYTES = BUNDLE_WRITE_BYTES;

/** Writes bytes to a file while hashing the whole and each chunk. */
class HashingWriter {
  offset = 0;
  private readonly whole = createHash("sha1");
  private chunk: Hash = createHash("sha1");
  private chunkStart = 0;
  private chunkFill = 0;
  readonly chunks: Array<{ sha1: string; offset: number; size: number }> = [];
  constructor(
    private readonly fd: number,
    private readonly chunkSize: number,
  ) {}

  /** Bytes not yet written, gathered in one reused buffer (no garbage per entry or per write). */
  private readonly buf = Buffer.allocUnsafe(WRITE_BYTES);
  private fill = 0;
  private fileOffset = 0;

  /** Append bytes (copied); they reach the file in writes of WRITE_BYTES. */
  async write(data: Uint8Array): Promise<void> {
    let from = 0;
    while (from < data.length) {
      const take = Math.min(WRITE_BYTES - this.fill, data.length - from);
      this.buf.set(take === data.length ? data : data.subarray(from, from + take), this.fill);
      this.fill += take;
      from += take;
      if (this.fill === WRITE_BYTES) await this.flush();
    }
    this.offset += data.length;
    this.whole.update(data);
    let pos = 0;
    while (pos < data.length) {
      const take = Math.min(this.chunkSize - this.chunkFill, data.length - pos);
      this.chunk.update(take === data.length ? data : data.subarray(pos, pos + take));
      this.chunkFill += take;
      pos += take;
      if (this.chunkFill === this.chunkSize) this.closeChunk();
    }
  }

  private closeChunk(): void {
    this.chunks.push({ sha1: this.chunk.digest("hex"), offset: this.chunkStart, size: this.chunkFill });
    this.chunkStart += this.chunkFill;
    this.chunkFill = 0;
    this.chunk = createHash("sha1");
  }

  async flush(): Promise<void> {
    let done = 0;
    while (done < this.fill) done += writeSync(this.fd, this.buf, done, this.fill - done, this.fileOffset + done);
    this.fileOffset += this.fill;
    this.fill = 0;
  }

  finish(): string {
    if (this.chunkFill > 0 || this.chunks.length === 0) this.closeChunk();
    return this.whole.digest("hex");
  }
}

const DOS_DATE_1980 = 0x21;

/** What a finished zip file is: its size, SHA-1 (hex) and its chunks' SHA-1s. */
export interface WrittenZip {
  size: number;
  checksum: string;
  chunks: Array<{ sha1: string; offset: number; size: number }>;
  entries: number;
}

/** Writes a zip file to `fd`: an optional prelude, deflated entries, the central directory. */
export class ZipWriter {
  private readonly w: HashingWriter;
  // The central directory grows in one buffer; headers are built in a reused one (the writer
  // copies what it is given): thousands of tiny buffers cost more than their bytes.
  private central = Buffer.allocUnsafe(64 * 1024);
  private centralLength = 0;
  private readonly local = Buffer.alloc(30);
  private count = 0;

  constructor(fd: number, chunkSize: number) {
    this.w = new HashingWriter(fd, chunkSize);
  }

  /** Bytes before the first entry (a bundle's magic header); entry offsets count them. */
  async prelude(bytes: Uint8Array): Promise<void> {
    await this.w.write(bytes);
  }

  /** Add an entry: `deflated` (raw deflate) of `size` bytes with CRC-32 `crc`. */
  async add(name: string, crc: number, size: number, deflated: Uint8Array): Promise<void> {
    const { local, w } = this;
    const nameBuf = Buffer.from(name, "utf8");
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(name.length === nameBuf.length ? 0 : 0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(DOS_DATE_1980, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(deflated.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    local.writeUInt16LE(0, 28);
    const at = w.offset;
    await w.write(local);
    await w.write(nameBuf);
    await w.write(deflated);
    if (this.centralLength + 46 + nameBuf.length > this.central.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.central.length, this.centralLength + 46 + nameBuf.length));
      this.central.copy(bigger, 0, 0, this.centralLength);
      this.central = bigger;
    }
    const cd = this.central.subarray(this.centralLength, this.centralLength + 46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(0x0314, 4);
    cd.writeUInt16LE(20, 6);
    local.copy(cd, 8, 6, 30);
    cd.writeUInt16LE(0, 32);
    cd.writeUInt16LE(0, 34);
    cd.writeUInt16LE(0, 36);
    cd.writeUInt32LE(0o100644 * 0x10000, 38);
    cd.writeUInt32LE(at, 42);
    this.centralLength += 46 + nameBuf.copy(this.central, this.centralLength + 46);
    this.count++;
  }

  /** Write the central directory and its end record; the file is complete. */
  async finish(): Promise<WrittenZip> {
    const w = this.w;
    const cdStart = w.offset;
    const cdBuf = this.central.subarray(0, this.centralLength);
    await w.write(cdBuf);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(this.count, 8);
    eocd.writeUInt16LE(this.count, 10);
    eocd.writeUInt32LE(cdBuf.length, 12);
    eocd.writeUInt32LE(cdStart, 16);
    await w.write(eocd);
    await w.flush();
    const checksum = w.finish();
    return { size: w.offset, checksum, chunks: w.chunks, entries: this.count };
  }
}
