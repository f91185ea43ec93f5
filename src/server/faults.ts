/**
 * Fault injection for tests and rehearsals: fail the next N requests that match a route with a
 * status, drop the connection, or delay the answer.
 */

export type FaultAction =
  | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: "drop" }
  | { kind: "delay"; ms: number };

export interface FaultRule {
  method?: string;
  /** Exact path, a path prefix ending in `*`, or a RegExp tested against the path. */
  path?: string | RegExp;
  /** How many matching requests this rule applies to (default 1). */
  times?: number;
  action: FaultAction;
}

interface ActiveRule extends FaultRule {
  remaining: number;
  hits: number;
}

export class Faults {
  private rules: ActiveRule[] = [];

  /** Add a rule; returns a handle whose `hits` tells how often it fired. */
  add(rule: FaultRule): { readonly hits: number; readonly remaining: number } {
    const r: ActiveRule = { ...rule, remaining: rule.times ?? 1, hits: 0 };
    this.rules.push(r);
    return r;
  }

  /** Shorthand: fail the next `times` requests matching `path` with `status`. */
  failNext(
    path: string | RegExp,
    status: number,
    times = 1,
    opts: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    return this.add({
      path,
      times,
      method: opts.method,
      action: { kind: "status", status, body: opts.body, headers: opts.headers },
    });
  }

  dropNext(path: string | RegExp, times = 1, method?: string) {
    return this.add({ path, times, method, action: { kind: "drop" } });
  }

  delayNext(path: string | RegExp, ms: number, times = 1, method?: string) {
    return this.add({ path, times, method, action: { kind: "delay", ms } });
  }

  clear(): void {
    this.rules = [];
  }

  /** The action for this request, consuming one use of the first matching rule. */
  take(method: string, path: string): FaultAction | undefined {
    for (const r of this.rules) {
      if (r.remaining <= 0) continue;
      if (r.method && r.method.toUpperCase() !== method) continue;
      if (r.path !== undefined && !matches(r.path, path)) continue;
      r.remaining -= 1;
      r.hits += 1;
      return r.action;
    }
    return undefined;
  }
}

function matches(p: string | RegExp, path: string): boolean {
  if (p instanceof RegExp) return p.test(path);
  if (p.endsWith("*")) return path.startsWith(p.slice(0, -1));
  return p === path;
}
