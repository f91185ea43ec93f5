/** The API client's public surface. Implementation: client.ts. */

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | Array<string | number>>;
  /** JSON body (serialised compactly, `Content-Type: application/json`). */
  json?: unknown;
  /** Raw body (e.g. multipart FormData, Buffer). */
  body?: Buffer | Uint8Array | string | FormData;
  headers?: Record<string, string>;
  /** Statuses that are returned to the caller instead of thrown (e.g. [404] for "does not exist"). */
  okStatuses?: number[];
  /** Set false to disable retries for this request (default true). */
  retry?: boolean;
  /**
   * What a 404 means for this route: a subject ("release 1.0 in organization acme" → the error
   * "release 1.0 was not found in organization acme") or a whole sentence, used as is. Without it,
   * the message names the org/project/release in the path and where they were configured.
   */
  notFound?: string;
  /**
   * The caller reads the answer as Sentry's JSON: a success answer with a body of another media
   * type (a proxy's or a login page's HTML) is an ApiError naming the Sentry URL, not a success.
   * Empty bodies (204, DELETE) stay fine.
   */
  expectJson?: boolean;
  /** Abort signal. */
  signal?: AbortSignal;
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON (when the response is JSON), text otherwise, undefined for empty bodies. */
  data: T;
}

export interface PageOptions extends RequestOptions {
  /** Stop after this many items (default: all). */
  limit?: number;
}

export interface ApiClient {
  /** The base URL (no trailing slash). */
  readonly baseUrl: string;
  /**
   * Request `<base>/api/0/<path>` (path relative, no leading slash, ending with `/`),
   * or an absolute URL (token sent only when its origin equals the configured one).
   */
  request<T = unknown>(method: HttpMethod, path: string, opts?: RequestOptions): Promise<ApiResponse<T>>;
  get<T = unknown>(path: string, opts?: RequestOptions): Promise<ApiResponse<T>>;
  post<T = unknown>(path: string, json?: unknown, opts?: RequestOptions): Promise<ApiResponse<T>>;
  put<T = unknown>(path: string, json?: unknown, opts?: RequestOptions): Promise<ApiResponse<T>>;
  delete<T = unknown>(path: string, opts?: RequestOptions): Promise<ApiResponse<T>>;
  /** Follow `Link: rel="next"; results="true"` cursors and collect every item. */
  paginate<T = unknown>(path: string, opts?: PageOptions): Promise<T[]>;
  /** Close pooled connections. */
  close(): Promise<void>;
}
