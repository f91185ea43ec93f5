/**
 * What the action reports: the step summary (markdown for `$GITHUB_STEP_SUMMARY`) and the one
 * closing line saying what succeeded and what did not. Pure functions over the step records, so
 * the wording is tested without running anything.
 */

export type StepName = "release" | "commits" | "sourcemaps" | "deploy" | "finalize";
export type StepStatus = "ok" | "failed" | "not-run" | "off";

export interface StepRecord {
  name: StepName;
  /** The row title in the summary table. */
  title: string;
  status: StepStatus;
  /** One line for the summary: what was done, what went wrong, or why it did not run. */
  detail: string;
}

export const STEP_TITLES: Record<StepName, string> = {
  release: "Release",
  commits: "Commits",
  sourcemaps: "Source maps",
  deploy: "Deploy",
  finalize: "Finalize",
};

// ---- reading the commands' --json documents (defensively: a missing field never throws) ----

type Doc = Record<string, unknown>;

export function asDoc(v: unknown): Doc {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Doc) : {};
}

/** The value at a dotted path, or undefined. */
export function at(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const key of path.split(".")) {
    if (!cur || typeof cur !== "object") return undefined;
    cur = (cur as Doc)[key];
  }
  return cur;
}

/** The first path that holds a number, or an array (its length). */
export function count(doc: unknown, ...paths: string[]): number | undefined {
  for (const p of paths) {
    const v = at(doc, p);
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (Array.isArray(v)) return v.length;
  }
  return undefined;
}

export function str(doc: unknown, ...paths: string[]): string | undefined {
  for (const p of paths) {
    const v = at(doc, p);
    if (typeof v === "string" && v !== "") return v;
  }
  return undefined;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function describeRelease(doc: unknown, org: string | undefined, projects: string[]): string {
  const fromDoc = at(doc, "projects");
  const names = Array.isArray(fromDoc)
    ? fromDoc.map((p) => (typeof p === "string" ? p : str(p, "slug", "name") ?? "")).filter((s) => s !== "")
    : projects;
  const where = [org ? `org ${org}` : "", names.length ? `${names.length === 1 ? "project" : "projects"} ${names.join(", ")}` : ""]
    .filter(Boolean)
    .join(", ");
  return where ? `created (${where})` : "created";
}

export function describeCommits(doc: unknown, mode: string, shallow: boolean): string {
  const n = count(doc, "commits", "commitCount", "count", "associated", "release.commitCount");
  const refs = count(doc, "refs");
  let text: string;
  if (n !== undefined) text = `${plural(n, "commit")} associated`;
  else if (refs !== undefined) text = `${plural(refs, "repository ref", "repository refs")} set`;
  else text = "commits set";
  const how = mode === "auto" ? "auto: repository integration, else local git" : "local git history";
  const notes = [how];
  if (shallow) notes.push("shallow clone");
  const deepened = count(doc, "deepened", "deepenedBy", "fetchedCommits");
  if (deepened) notes.push(`deepened by ${plural(deepened, "commit")}`);
  return `${text} (${notes.join("; ")})`;
}

export function describeSourcemaps(injectDoc: unknown, uploadDoc: unknown): string {
  const files = count(uploadDoc, "files", "uploaded", "fileCount", "summary.files");
  const bundles = count(uploadDoc, "bundles", "bundleCount", "summary.bundles");
  const injected = count(injectDoc, "modified", "injected", "summary.modified", "sources");
  const parts: string[] = [];
  parts.push(files !== undefined ? `${plural(files, "file")} uploaded` : "uploaded");
  if (bundles !== undefined) parts[0] += ` in ${plural(bundles, "bundle")}`;
  if (injected !== undefined) parts.push(`debug ids injected into ${plural(injected, "file")}`);
  return parts.join("; ");
}

export function describeDeploy(doc: unknown, environment: string): string {
  const env = str(doc, "environment", "deploy.environment") ?? environment;
  const name = str(doc, "name", "deploy.name");
  return name ? `${env} (${name})` : env;
}

export function describeFinalize(doc: unknown): string {
  const when = str(doc, "dateReleased", "release.dateReleased");
  return when ? `finalized at ${when}` : "finalized";
}

// ---- the report ----

const MARK: Record<StepStatus, string> = { ok: "✅", failed: "❌", "not-run": "⏭️", off: "➖" };

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** Markdown for `$GITHUB_STEP_SUMMARY`. */
export function renderSummary(o: {
  version: string | undefined;
  steps: StepRecord[];
  closingLine: string;
  allowFailure: boolean;
  notes?: string[];
}): string {
  const lines: string[] = [];
  lines.push(o.version ? `### Sentry release \`${o.version}\`` : "### Sentry release");
  lines.push("");
  lines.push("| | Step | Result |");
  lines.push("| --- | --- | --- |");
  for (const s of o.steps) {
    const mark = s.status === "failed" && o.allowFailure ? "⚠️" : MARK[s.status];
    lines.push(`| ${mark} | ${s.title} | ${cell(s.detail)} |`);
  }
  lines.push("");
  for (const n of o.notes ?? []) lines.push(`> ${n}`, "");
  lines.push(o.closingLine);
  return lines.join("\n") + "\n";
}

/**
 * The one closing line: `Sentry release V: 3 of 5 steps succeeded (release, commits, deploy);
 * failed: sourcemaps; not run: finalize.`
 */
export function closingLine(version: string | undefined, steps: StepRecord[], allowFailure: boolean, failedEarly?: string): string {
  const head = version ? `Sentry release ${version}` : "Sentry release";
  if (failedEarly) {
    return `${head}: nothing was sent (${failedEarly})${allowFailure ? "; allow_failure is set, so the action succeeds" : ""}.`;
  }
  const requested = steps.filter((s) => s.status !== "off");
  const ok = requested.filter((s) => s.status === "ok").map((s) => s.name);
  const failed = requested.filter((s) => s.status === "failed").map((s) => s.name);
  const notRun = requested.filter((s) => s.status === "not-run").map((s) => s.name);
  const off = steps.filter((s) => s.status === "off").map((s) => s.name);
  if (failed.length === 0 && notRun.length === 0) {
    const all = requested.length === 1 ? "the 1 step" : `all ${requested.length} steps`;
    return `${head}: ${all} succeeded (${ok.join(", ")})${off.length ? `; not requested: ${off.join(", ")}` : ""}.`;
  }
  const parts = [`${ok.length} of ${requested.length} steps succeeded${ok.length ? ` (${ok.join(", ")})` : ""}`];
  if (failed.length) parts.push(`failed: ${failed.join(", ")}`);
  if (notRun.length) parts.push(`not run: ${notRun.join(", ")}`);
  let line = `${head}: ${parts.join("; ")}`;
  if (allowFailure && failed.length) line += "; allow_failure is set, so the action succeeds";
  return line + ".";
}
