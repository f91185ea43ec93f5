/**
 * Reading a request body with a bound: a declared Content-Length over the route's limit is refused
 * before a byte is read, a body that grows past it is cut off, and Content-Encoding
 * (gzip, deflate, br) is decoded with the same output limit, so a small compressed body can
 * never expand into gigabytes. Callers check auth before calling these.
 */
import type { IncomingMessage } from "node:http";
import { promisify } from "node:util";
import { brotliDecompress, gunzip, inflate, inflateRaw } from "node:zlib";
import { formatBytes } from "./limits.js";

export type BodyOutcome =
  | { ok: true; body: Buffer }
  | { ok: false; reason: "too-large"; limit: number }
  | { ok: false; reason: "busy" }
  | { ok: false; reason: "aborted" };

/** The request's Content-Length, when it declares one. */
export function declaredLength(req: IncomingMessage): number | undefined {
  const declared = Number(req.headers["content-length"]);
  return Number.isFinite(declared) && declared >= 0 ? declared : undefined;
}

/**
 * Read at most `limit` bytes of `req`'s body. `take` is asked for each piece as it arrives; when it
 * refuses, reading stops ("busy"). A body of declared length is read into one buffer of that size,
 * never held twice.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  take: (n: number) => boolean = () => true,
): Promise<BodyOutcome> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limit) return Promise.resolve({ ok: false, reason: "too-large", limit });
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let whole = declared ? Buffer.allocUnsafe(declared) : undefined;
    let size = 0;
    let done = false;
    const finish = (o: BodyOutcome) => {
      if (done) return;
      done = true;
      req.off("data", onData);
      resolve(o);
    };
    const stop = (o: BodyOutcome) => {
      parts.length = 0;
      whole = undefined;
      req.pause();
      finish(o);
    };
    const onData = (c: Buffer) => {
      if (size + c.length > (whole?.length ?? limit)) return stop({ ok: false, reason: "too-large", limit });
      if (!take(c.length)) return stop({ ok: false, reason: "busy" });
      if (whole) c.copy(whole, size);
      else parts.push(c);
      size += c.length;
    };
    req.on("data", onData);
    req.once("end", () =>
      finish({
        ok: true,
        body: whole ? whole.subarray(0, size) : parts.length === 1 ? parts[0]! : Buffer.concat(parts, size),
      }),
    );
    req.once("error", () => finish({ ok: false, reason: "aborted" }));
    req.once("close", () => finish({ ok: false, reason: "aborted" }));
  });
}

export type DecodeOutcome =
  | { ok: true; body: Buffer }
  | { ok: false; reason: "too-large"; limit: number }
  | { ok: false; reason: "unsupported"; encoding: string }
  | { ok: false; reason: "invalid"; message: string };

const gunzipP = promisify(gunzip);
const inflateP = promisify(inflate);
const inflateRawP = promisify(inflateRaw);
const brotliP = promisify(brotliDecompress);

/** The request's Content-Encoding, lower-cased ("" for none or identity). */
export function contentEncoding(req: { headers: IncomingMessage["headers"] }): string {
  const enc = String(req.headers["content-encoding"] ?? "")
    .trim()
    .toLowerCase();
  return enc === "identity" ? "" : enc;
}

function isTooLarge(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === "ERR_BUFFER_TOO_LARGE" || /maxOutputLength|too large/i.test(String(e));
}

/** Decode `body` per `encoding`, producing at most `limit` bytes. */
export async function decodeBody(body: Buffer, encoding: string, limit: number): Promise<DecodeOutcome> {
  const opts = { maxOutputLength: Math.max(1, limit + 1) };
  try {
    let out: Buffer;
    switch (encoding) {
      case "":
        out = body;
        break;
      case "gzip":
      case "x-gzip":
        out = await gunzipP(body, opts);
        break;
      case "deflate":
        // Some clients send raw deflate under this name; zlib-wrapped is the standard.
        out = await inflateP(body, opts).catch((e: unknown) => {
          if (isTooLarge(e)) throw e;
          return inflateRawP(body, opts);
        });
        break;
      case "br":
        out = await brotliP(body, opts);
        break;
      default:
        return { ok: false, reason: "unsupported", encoding };
    }
    if (out.length > limit) return { ok: false, reason: "too-large", limit };
    return { ok: true, body: out };
  } catch (e) {
    if (isTooLarge(e)) return { ok: false, reason: "too-large", limit };
    return { ok: false, reason: "invalid", message: (e as Error).message };
  }
}

export function tooLargeMessage(limit: number): string {
  return `request body too large (limit ${formatBytes(limit)})`;
}
