/**
 * A bounded zip reader for uploaded bundles. It reads the central directory first and refuses,
 * before inflating anything, an archive whose declared sizes pass the caps; then it inflates one
 * entry at a time with an output limit of the entry's declared size, so an entry that lies about
 * its size (a decompression bomb) fails instead of expanding. Zip64 and a leading prefix (symbolic's
 * `SYSB` header) are understood.
 */
import { inflateRawSync } from "node:zlib";

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  /** Offset of the local header, already shifted by any prefix before the archive. */
  localOffset: number;
}

export class ZipError extends Error {}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function u64(b: Buffer, at: number): number {
  const v = b.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError("zip64 size out of range");
  return Number(v);
}

export class ZipReader {
  readonly entries: ZipEntry[] = [];
  private readonly byName = new Map<string, ZipEntry>();

  constructor(
    private readonly data: Buffer,
    maxEntries: number,
  ) {
    const d = data;
    const from = Math.max(0, d.length - 22 - 0xffff);
    let eocd = -1;
    for (let i = d.length - 22; i >= from; i--) {
      if (d.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ZipError("not a zip archive (no end of central directory)");
    let count = d.readUInt16LE(eocd + 10);
    let cdSize = d.readUInt32LE(eocd + 12);
    let cdOffset = d.readUInt32LE(eocd + 16);
    let cdEnd = eocd;
    const loc = eocd - 20;
    if (loc >= 0 && d.readUInt32LE(loc) === EOCD64_LOCATOR) {
      // The zip64 record sits right before its locator; find it relative to the locator (prefix-safe).
      const at = loc - 56;
      if (at < 0 || d.readUInt32LE(at) !== EOCD64) throw new ZipError("bad zip64 end of central directory");
      count = u64(d, at + 32);
      cdSize = u64(d, at + 40);
      cdOffset = u64(d, at + 48);
      cdEnd = at;
    }
    if (count > maxEntries) throw new ZipError(`too many files (${count} > ${maxEntries})`);
    // Bytes before the archive proper (a SYSB header) shift every recorded offset.
    const shift = cdEnd - cdSize - cdOffset;
    if (shift < 0) throw new ZipError("bad central directory offset");
    let p = cdOffset + shift;
    for (let i = 0; i < count; i++) {
      if (p + 46 > d.length || d.readUInt32LE(p) !== CENTRAL) throw new ZipError("bad central directory entry");
      const flags = d.readUInt16LE(p + 8);
      const method = d.readUInt16LE(p + 10);
      let compressedSize = d.readUInt32LE(p + 20);
      let size = d.readUInt32LE(p + 24);
      const nameLen = d.readUInt16LE(p + 28);
      const extraLen = d.readUInt16LE(p + 30);
      const commentLen = d.readUInt16LE(p + 32);
      let localOffset = d.readUInt32LE(p + 42);
      const nameBytes = d.subarray(p + 46, p + 46 + nameLen);
      const name = nameBytes.toString(flags & 0x800 ? "utf8" : "latin1");
      // Zip64 extended information: the fields that are 0xffffffff follow, in order.
      let e = p + 46 + nameLen;
      const extraEnd = e + extraLen;
      while (e + 4 <= extraEnd) {
        const id = d.readUInt16LE(e);
        const len = d.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          if (size === 0xffffffff) {
            size = u64(d, q);
            q += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = u64(d, q);
            q += 8;
          }
          if (localOffset === 0xffffffff) localOffset = u64(d, q);
        }
        e += 4 + len;
      }
      const entry: ZipEntry = { name, method, compressedSize, size, localOffset: localOffset + shift };
      this.entries.push(entry);
      this.byName.set(name, entry);
      p = extraEnd + commentLen;
    }
  }

  get(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  /** The entry's bytes, inflated to at most its declared size. */
  read(entry: ZipEntry): Buffer {
    const d = this.data;
    const at = entry.localOffset;
    if (at + 30 > d.length || d.readUInt32LE(at) !== LOCAL) throw new ZipError(`bad local header for ${entry.name}`);
    const start = at + 30 + d.readUInt16LE(at + 26) + d.readUInt16LE(at + 28);
    const end = start + entry.compressedSize;
    if (end > d.length) throw new ZipError(`truncated data for ${entry.name}`);
    const raw = d.subarray(start, end);
    if (entry.method === 0) {
      if (raw.length !== entry.size) throw new ZipError(`size mismatch for ${entry.name}`);
      return raw;
    }
    if (entry.method !== 8) throw new ZipError(`unsupported compression method ${entry.method} for ${entry.name}`);
    let out: Buffer;
    try {
      out = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size + 1) });
    } catch (e) {
      throw new ZipError(`cannot inflate ${entry.name}: ${(e as Error).message}`);
    }
    if (out.length !== entry.size) throw new ZipError(`size mismatch for ${entry.name}`);
    return out;
  }
}
