/**
 * The request log behind `server.requests` and `GET /_ship/requests`, with bounds: at most
 * `requestLogEntries` entries and `requestLogTotalBytes` of body text (oldest dropped first); a body
 * over `requestLogBodyBytes` is kept only as a short excerpt, and a request no route matched keeps
 * no body at all. JSON bodies are kept as text and parsed when read, with a nesting bound.
 */
import { parseJsonBounded } from "./json-depth.js";
import type { ServerLimits } from "./limits.js";
import type { RecordedRequest } from "./state.js";

const EXCERPT_BYTES = 512;
/** Nesting bound when a logged JSON body is read back (deeper bodies read as undefined). */
const LOG_JSON_DEPTH = 512;

const textSize = new WeakMap<RecordedRequest, number>();

export class RequestLog {
  private seq = 0;
  private bytes = 0;

  constructor(
    /** The array `server.requests` exposes; trimmed in place. */
    readonly entries: RecordedRequest[],
    private readonly limits: ServerLimits,
  ) {}

  nextSeq(): number {
    return ++this.seq;
  }

  add(record: RecordedRequest): void {
    this.entries.push(record);
    this.trim();
  }

  /** Attach what is worth keeping of a received body to its entry. */
  attachBody(record: RecordedRequest, body: Buffer, contentType: string): void {
    record.bodyBytes = body.length;
    const looksJson =
      contentType.startsWith("application/json") ||
      (body.length > 0 && body[0] === 0x7b && !contentType.startsWith("multipart/"));
    if (body.length > this.limits.requestLogBodyBytes) {
      record.bodyExcerpt = excerpt(body);
      record.bodyTruncated = true;
      this.account(record, record.bodyExcerpt.length);
      return;
    }
    if (!looksJson) return;
    const text = body.toString("utf8");
    let cached: { value: unknown } | undefined;
    Object.defineProperty(record, "json", {
      enumerable: true,
      configurable: true,
      get() {
        if (!cached) {
          try {
            cached = { value: parseJsonBounded(text, LOG_JSON_DEPTH) };
          } catch {
            cached = { value: undefined };
          }
        }
        return cached.value;
      },
    });
    this.account(record, text.length);
  }

  private account(record: RecordedRequest, n: number): void {
    textSize.set(record, n);
    this.bytes += n;
    this.trim();
  }

  private trim(): void {
    let drop = 0;
    let bytes = this.bytes;
    while (
      drop < this.entries.length - 1 &&
      (this.entries.length - drop > this.limits.requestLogEntries || bytes > this.limits.requestLogTotalBytes)
    ) {
      bytes -= textSize.get(this.entries[drop]!) ?? 0;
      drop++;
    }
    if (drop > 0) {
      this.entries.splice(0, drop);
      this.bytes = bytes;
    }
  }
}

/** The first bytes of a body, as text with control characters escaped. */
function excerpt(body: Buffer): string {
  let out = "";
  for (const ch of body.subarray(0, EXCERPT_BYTES).toString("utf8")) {
    const c = ch.charCodeAt(0);
    out += (c < 0x20 && c !== 0x0a && c !== 0x09) || c === 0x7f ? `\\x${c.toString(16).padStart(2, "0")}` : ch;
  }
  return out;
}
