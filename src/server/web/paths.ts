/** Paths the pages own: not recorded in the request log, never given injected faults (see pipeline.ts). */
export function isWebPath(path: string): boolean {
  return path === "/" || path.startsWith("/_web/") || /^\/(events|releases|bundles|health|monitors)(\/|$)/.test(path);
}
