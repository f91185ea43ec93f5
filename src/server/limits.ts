/**
 * Every bound `serve` puts on what a client sends, in one place. The request-size defaults are
 * Relay's and Sentry's own (sentry-api.md §4.1, §5.3); the storage caps are ours: well above what a
 * real build uploads, far below what exhausts a machine. All are overridable through
 * `ServerOptions.limits` (and the `serve` flags that set them).
 */

const MiB = 1024 * 1024;

export interface ServerLimits {
  /** Body of a web-API request (`/api/0/…`, `/_ship/…`): Relay's `max_api_payload_size`, 20 MiB. */
  apiBodyBytes: number;
  /**
   * Body of an envelope or store request, before and after Content-Encoding is decoded: Relay's
   * `max_envelope_size`, 100 MiB.
   */
  envelopeBodyBytes: number;
  /**
   * Request-body bytes all requests in flight may hold at once, as read and as decoded: room for the
   * eight 32 MiB chunk-upload requests a client sends at once (the announced concurrency) and more.
   * A body that would pass it beside others is answered 503 with `Retry-After: 1`, as Relay answers
   * when it is overloaded, and clients retry; a body alone is always taken up to its route's limit.
   */
  inFlightBodyBytes: number;
  /** Extra bytes a chunk-upload body may carry over the announced `maxRequestSize` (multipart framing, gzip growth). */
  chunkUploadOverheadBytes: number;
  /** Total bytes of uploaded chunks kept (in memory without `--data`, on disk with it). */
  chunkStoreBytes: number;
  /** Largest assembled bundle (zip) `serve` opens. */
  bundleBytes: number;
  /** Largest single file unpacked from a bundle. */
  bundleFileBytes: number;
  /** Total unpacked bytes of one bundle. */
  bundleUnpackedBytes: number;
  /** Most files in one bundle. */
  bundleFiles: number;
  /** Unpacked bundle bytes kept in memory across all bundles when there is no `--data` folder. */
  bundleMemoryBytes: number;
  /** Envelope item payloads larger than this are not kept in memory (with `--data` they go to `payloads/<sha1>`). */
  recordedPayloadBytes: number;
  /** Events kept in memory (the oldest are dropped from memory first; `--data` keeps every one on disk). */
  recordedEvents: number;
  /** Item payload bytes of the events kept in memory. */
  recordedEventBytes: number;
  /**
   * Event ids remembered (per project, for Sentry's hour) to drop an event sent again; the oldest
   * are forgotten first.
   */
  recordedEventIds: number;
  /** Cron check-ins kept, in memory and in monitors.json (the oldest are forgotten first). */
  recordedCheckIns: number;
  /** Monitors one organization may have: Sentry's `MAX_MONITORS_PER_ORG`; check-ins creating more are dropped. */
  monitorsPerOrg: number;
  /**
   * Release-health buckets kept (one per project, release, environment and minute), in memory and
   * sessions.json; the oldest are forgotten first.
   */
  sessionBuckets: number;
  /** Session ids whose last status is remembered (to count each session once); the oldest forgotten first. */
  sessionIds: number;
  /** User ids (`did`) kept across all buckets; past it the oldest buckets are forgotten first. */
  sessionUsers: number;
  /** Items dropped while processing (with their reasons) that are kept for inspection, newest last. */
  recordedDrops: number;
  /** Request-log entries kept (oldest dropped first). */
  requestLogEntries: number;
  /** Bodies up to this size are kept in the request log; larger ones only as a short excerpt. */
  requestLogBodyBytes: number;
  /** Total body bytes the request log keeps. */
  requestLogTotalBytes: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  apiBodyBytes: 20 * MiB,
  envelopeBodyBytes: 100 * MiB,
  inFlightBodyBytes: 320 * MiB,
  chunkUploadOverheadBytes: 1 * MiB,
  chunkStoreBytes: 256 * MiB,
  bundleBytes: 256 * MiB,
  bundleFileBytes: 128 * MiB,
  bundleUnpackedBytes: 512 * MiB,
  bundleFiles: 200_000,
  bundleMemoryBytes: 512 * MiB,
  recordedPayloadBytes: 1 * MiB,
  recordedEvents: 10_000,
  recordedEventBytes: 64 * MiB,
  recordedEventIds: 100_000,
  recordedCheckIns: 10_000,
  monitorsPerOrg: 10_000,
  sessionBuckets: 10_000,
  sessionIds: 100_000,
  sessionUsers: 100_000,
  recordedDrops: 1_000,
  requestLogEntries: 5_000,
  requestLogBodyBytes: 64 * 1024,
  requestLogTotalBytes: 8 * MiB,
};

/**
 * After answering 413 to a body that is still arriving, the server keeps reading and dropping it for
 * at most this long and this many bytes before closing (a lingering close, as nginx does): closing
 * with unread bytes makes the kernel reset the connection, and a client still writing would then
 * see "connection reset" instead of the 413 it was sent.
 */
export const LINGER_MS = 2_000;
export const LINGER_BYTES = 256 * MiB;

/** With `--data`, chunks live on disk, so more of them may be kept. */
export const DATA_DIR_CHUNK_STORE_BYTES = 4096 * MiB;

export function resolveLimits(given: Partial<ServerLimits> | undefined, hasDataDir: boolean): ServerLimits {
  return {
    ...DEFAULT_LIMITS,
    ...(hasDataDir ? { chunkStoreBytes: DATA_DIR_CHUNK_STORE_BYTES } : {}),
    ...(given ?? {}),
  };
}

/** `12.5 MiB` style sizes for error messages. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < MiB) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  return `${(n / MiB).toFixed(n % MiB === 0 ? 0 : 1)} MiB`;
}

/**
 * Drop the oldest items (the front of `items`) while more than `maxCount` are left or their sizes
 * (`sizeOf`, adding up to `total` now) add up to more than `maxTotal`; the newest is always kept.
 * Returns the total of what is left.
 */
export function keepNewest<T>(
  items: T[],
  maxCount: number,
  maxTotal: number,
  sizeOf: (item: T) => number,
  total: number,
): number {
  let dropped = 0;
  let left = total;
  while (dropped < items.length - 1 && (items.length - dropped > maxCount || left > maxTotal)) {
    left -= sizeOf(items[dropped]!);
    dropped++;
  }
  if (dropped > 0) items.splice(0, dropped);
  return left;
}
