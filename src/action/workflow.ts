/**
 * GitHub Actions workflow commands and files, written by hand (the action carries no toolkit):
 * annotations and log groups on stdout, outputs in `$GITHUB_OUTPUT` with the heredoc-delimiter
 * format, markdown appended to `$GITHUB_STEP_SUMMARY`.
 */
import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import { escapeAnnotation } from "../output/output.js";

/** Property values of a workflow command additionally escape `:` and `,`. */
function escapeProperty(s: string): string {
  return escapeAnnotation(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export type AnnotationLevel = "error" | "warning" | "notice";

/** `::error title=T::message` (the title shows in the run's annotation list). */
export function annotation(level: AnnotationLevel, message: string, title?: string): string {
  const props = title ? ` title=${escapeProperty(title)}` : "";
  return `::${level}${props}::${escapeAnnotation(message)}`;
}

/**
 * One `name<<DELIM` … `DELIM` record for `$GITHUB_OUTPUT`. The delimiter is random so a value can
 * never end the record early; a value that contains it anyway is refused.
 */
export function outputRecord(name: string, value: string, delimiter = `ghadelimiter_${randomUUID()}`): string {
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`output ${name}: the value contains the delimiter ${delimiter}`);
  }
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/** Append an output to the file named by GITHUB_OUTPUT; false when there is no such file. */
export function setOutput(env: NodeJS.ProcessEnv, name: string, value: string): boolean {
  const file = env.GITHUB_OUTPUT;
  if (!file) return false;
  appendFileSync(file, outputRecord(name, value), "utf8");
  return true;
}

/** Append markdown to the file named by GITHUB_STEP_SUMMARY; false when there is no such file. */
export function appendSummary(env: NodeJS.ProcessEnv, markdown: string): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  appendFileSync(file, markdown.endsWith("\n") ? markdown : markdown + "\n", "utf8");
  return true;
}
