/**
 * What the action reports: the step summary (markdown for `$GITHUB_STEP_SUMMARY`) and the one
 * closing line saying what succeeded and what did not. Pure functions over the step records, so
 * the wording is tested without running anything.
 */

export type StepName = "release" | "commits" | "sourcemaps" | "deploy" | "gate" | "finalize";
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
  gate: "Health gate",
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

function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** `releases new --json`: `{ version, created, release: { projects } }`. */
export function describeRelease(doc: unknown, org: string | undefined, projects: string[]): string {
  const fromDoc = at(doc, "release.projects") ?? at(doc, "projects");
  const names = Array.isArray(fromDoc)
    ? fromDoc.map((p) => (typeof p === "string" ? p : (str(p, "slug", "name") ?? ""))).filter((s) => s !== "")
    : projects;
  const where = [
    org ? `org ${org}` : "",
    names.length ? `${names.length === 1 ? "project" : "projects"} ${names.join(", ")}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  const what = at(doc, "created") === false ? "already existed" : "created";
  return where ? `${what} (${where})` : what;
}

/**
 * `releases set-commits --json`: local mode `{ mode: "local", commits: [ids], deepenedBy }`, refs
 * mode `{ mode: "refs", refs: [{ repository, commit }] }` (Sentry then reads the commits from the
 * repository integration).
 */
export function describeCommits(doc: unknown, mode: string, shallow: boolean): string {
  const notes: string[] = [];
  let text: string;
  if (str(doc, "mode") === "refs") {
    const refs = at(doc, "refs");
    const repos = Array.isArray(refs) ? refs.map((r) => str(r, "repository") ?? "").filter(Boolean) : [];
    text = `HEAD sent for ${repos.length ? repos.join(", ") : "the matching repositories"}; Sentry reads the commits from the repository integration`;
  } else {
    const n = count(doc, "commits", "commitCount", "count");
    if (n === 0) text = "no new commits since the previous release";
    else text = n !== undefined ? `${plural(n, "commit")} associated from the local git history` : "commits associated";
    if (mode === "auto") notes.push("no repository integration matched the git remote");
  }
  if (shallow) notes.push("shallow clone");
  const deepened = count(doc, "deepenedBy", "deepened");
  if (deepened) notes.push(`fetched ${plural(deepened, "more commit")} of history`);
  if (at(doc, "previousFound") === false && at(doc, "previousCommit"))
    notes.push("previous release's commit not found");
  return notes.length ? `${text} (${notes.join("; ")})` : text;
}

/** How many entries of inject's `modified`/`ignored` lists are scripts (not maps). */
function scripts(list: unknown): number {
  if (!Array.isArray(list)) return 0;
  return list.filter((e) => {
    const type = str(e, "type");
    return type === undefined ? !/\.map$/.test(str(e, "path") ?? "") : type === "source";
  }).length;
}

/** `sourcemaps inject --json` and `sourcemaps upload --json` (files, bundles, bytesSent, bytesSkipped, skipped). */
export function describeSourcemaps(injectDoc: unknown, uploadDoc: unknown): string {
  const files = count(uploadDoc, "files");
  const bundles = count(uploadDoc, "bundles");
  const sent = at(uploadDoc, "bytesSent");
  const skippedBytes = at(uploadDoc, "bytesSkipped");
  const skipped = count(uploadDoc, "skipped");
  const injected = scripts(at(injectDoc, "modified"));
  const already = scripts(at(injectDoc, "ignored"));
  let text = files !== undefined ? `${plural(files, "file")} uploaded` : "uploaded";
  if (bundles !== undefined) text += ` in ${plural(bundles, "bundle")}`;
  const extra: string[] = [];
  if (typeof sent === "number") extra.push(`${kib(sent)} sent`);
  if (typeof skippedBytes === "number" && skippedBytes > 0) extra.push(`${kib(skippedBytes)} already on the server`);
  if (extra.length) text += ` (${extra.join(", ")})`;
  const parts = [text];
  if (injected) parts.push(`debug ids injected into ${plural(injected, "script")}`);
  if (already) parts.push(`${plural(already, "script")} already had one`);
  if (skipped) parts.push(`${plural(skipped, "file")} skipped`);
  if (str(uploadDoc, "processing") === "pending") parts.push("processing pending on the server");
  return parts.join("; ");
}

/** `deploys new --json`: `{ release, deploy: { environment, name } }`. */
export function describeDeploy(doc: unknown, environment: string): string {
  const env = str(doc, "deploy.environment", "environment") ?? environment;
  const name = str(doc, "deploy.name", "name");
  return name ? `${env} (${name})` : env;
}

/** `releases finalize --json`: `{ version, release: { dateReleased } }`. */
export function describeFinalize(doc: unknown): string {
  const when = str(doc, "release.dateReleased", "dateReleased");
  return when ? `finalized at ${when}` : "finalized";
}

/** `releases gate --json`: `{ verdict, checks: [{ name, value, min, ok }] }` → one line of figures against thresholds. */
export function describeGate(doc: unknown): { verdict: string; line: string } {
  const d = (doc ?? {}) as { verdict?: unknown; checks?: unknown };
  const verdict = typeof d.verdict === "string" ? d.verdict : "unknown";
  const checks = Array.isArray(d.checks) ? (d.checks as Array<Record<string, unknown>>) : [];
  const fmt = (c: Record<string, unknown>) => {
    const pct = c.name !== "sessions";
    const v = typeof c.value === "number" ? (pct ? `${c.value.toFixed(2)}%` : String(c.value)) : "no data";
    const min = typeof c.min === "number" ? (pct ? `${c.min.toFixed(2)}%` : String(c.min)) : "?";
    return `${String(c.name)} ${v} (min ${min})`;
  };
  const word = verdict === "pass" ? "passed" : verdict === "fail" ? "failed" : "not enough data";
  return { verdict, line: `${word}: ${checks.map(fmt).join(", ")}` };
}

// ---- the report ----

const MARK: Record<StepStatus, string> = { ok: "✅", failed: "❌", "not-run": "⏭️", off: "➖" };

/** `s` as one Markdown code span: a fence longer than any run of backticks inside, padded when it starts or ends with one. */
function codeSpan(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  const pad = s.startsWith("`") || s.endsWith("`") ? " " : "";
  return `${fence}${pad}${s}${pad}${fence}`;
}

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
  lines.push(o.version ? `### Sentry release ${codeSpan(o.version)}` : "### Sentry release");
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
export function closingLine(
  version: string | undefined,
  steps: StepRecord[],
  allowFailure: boolean,
  failedEarly?: string,
): string {
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
