/**
 * The `--dry-run` gate every mutating request of releases and deploys goes through.
 */
import type { ApiResponse, HttpMethod, RequestOptions } from "../api/types.js";
import type { CommandContext } from "../context.js";

export interface PlannedRequest {
  method: HttpMethod;
  path: string;
  body?: unknown;
}

/**
 * The gate in front of mutating requests. With `--dry-run` it prints `POST /api/0/<path> <body>` on
 * stdout and records it for `--json`, and sends nothing; otherwise it sends the request.
 */
export class Sender {
  readonly planned: PlannedRequest[] = [];
  constructor(
    private readonly ctx: CommandContext,
    readonly dryRun: boolean,
  ) {}

  async send<T = unknown>(
    method: HttpMethod,
    path: string,
    body: unknown,
    opts: RequestOptions = {},
  ): Promise<ApiResponse<T> | undefined> {
    if (this.dryRun) {
      this.planned.push(
        body === undefined ? { method, path: `/api/0/${path}` } : { method, path: `/api/0/${path}`, body },
      );
      this.ctx.out.print(`[dry-run] ${method} /api/0/${path}${body === undefined ? "" : " " + JSON.stringify(body)}`);
      return undefined;
    }
    const api = await this.ctx.api();
    const sent = { expectJson: true, ...opts };
    return api.request<T>(method, path, body === undefined ? sent : { ...sent, json: body });
  }
}
