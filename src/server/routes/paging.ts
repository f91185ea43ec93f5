/** Pagination of serialized lists (sentry-api.md §0.2). */
import { paginate, type Reply, type RouteRequest } from "../http.js";

/** Paginate `items`, serializing only the page that is sent. */
export function paginateMapped<T>(req: RouteRequest, items: T[], map: (item: T) => unknown): Reply {
  const reply = paginate(req, items);
  if (reply.status === 200 && Array.isArray(reply.json)) reply.json = (reply.json as T[]).map(map);
  return reply;
}
