/**
 * What a file's first bytes say, as sentry-cli 3.8.0 reads them before uploading: gzip data
 * (uncompressed first with `--decompress`) and Hermes bytecode (a React Native bundle compiled
 * by Hermes, uploaded empty: the server maps its frames with the source map alone).
 */
import { gunzipSync } from "node:zlib";
import { MAX_TEXT_BYTES } from "./file-errors.js";

const GZIP_MAGIC = [0x1f, 0x8b];
/** Hermes bytecode files start with these eight bytes (HBC's magic number, little-endian). */
const HERMES_MAGIC = [0xc6, 0x1f, 0xbc, 0x03, 0xc1, 0x03, 0x19, 0x1f];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic[i]) return false;
  return true;
}

export function isGzip(bytes: Uint8Array): boolean {
  return startsWith(bytes, GZIP_MAGIC);
}

export function isHermesBytecode(bytes: Uint8Array): boolean {
  return startsWith(bytes, HERMES_MAGIC);
}

/**
 * `--decompress`: gzip data uncompressed, anything else as it is. Data that starts like gzip
 * but does not uncompress (or would pass the largest file we read) stays as it is, with
 * `failed` set so the caller can warn, as sentry-cli does.
 */
export function decompressed(bytes: Buffer): { bytes: Buffer; failed: boolean } {
  if (!isGzip(bytes)) return { bytes, failed: false };
  try {
    return { bytes: gunzipSync(bytes, { maxOutputLength: MAX_TEXT_BYTES }), failed: false };
  } catch {
    return { bytes, failed: true };
  }
}
