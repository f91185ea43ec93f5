/**
 * The docs test's machinery (the marking rule is in docs/README.md, "How the docs are tested"):
 * fenced blocks of README.md and docs/**\/*.md, the `sentry-ship` command lines in them, a parse of
 * each command line by the real commander program (no action runs), and the runner that executes
 * runnable blocks in a sandbox against `serve`, comparing what they print with the expected block
 * that follows them.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { Command } from "commander";

export const ROOT = join(import.meta.dirname, "../..");

export interface Block {
  /** The file, relative to the repository. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word (`sh`, `yaml`, `json`, …). */
  lang: string;
  /** The info string's other words (`runnable`, `no-run`, `expected`). */
  tags: string[];
  code: string;
  /** `<!-- same-as: PATH -->` right before the block: its text must equal that file's. */
  sameAs?: string;
  /** For a runnable block: the `expected` block after it (before the next shell block). */
  expected?: Block;
}

const SHELL = new Set(["sh", "bash", "shell", "console", "zsh"]);
/** Blocks that show output or data, not command lines: never scanned for command lines. */
const NOT_COMMANDS = new Set(["text", "json", "output"]);

export function isShell(b: Block): boolean {
  return SHELL.has(b.lang);
}
export function isRunnable(b: Block): boolean {
  return isShell(b) && b.tags.includes("runnable");
}

/** The markdown files whose blocks are tested: README.md and everything under docs/. */
export function docFiles(root = ROOT): string[] {
  const out = ["README.md"];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith(".md")) out.push(rel);
    }
  };
  walk("docs");
  return out;
}

/** The fenced code blocks of a markdown text, in order. */
export function extractBlocks(markdown: string, file: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const words = info!.trim().split(/\s+/).filter(Boolean);
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.trim().startsWith(fence!) && l.trim().replace(/[`~]/g, "") === "") break;
      body.push(l.startsWith(indent!) ? l.slice(indent!.length) : l);
    }
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === "") k--;
    const same = k >= 0 ? /^<!--\s*same-as:\s*(\S+)\s*-->$/.exec(lines[k]!.trim()) : null;
    blocks.push({
      file,
      line: i + 1,
      lang: (words[0] ?? "").toLowerCase(),
      tags: words.slice(1),
      code: body.join("\n"),
      ...(same ? { sameAs: same[1]! } : {}),
    });
    i = j;
  }
  // Attach each expected block to the runnable block before it.
  let last: Block | undefined;
  for (const b of blocks) {
    if (b.tags.includes("expected")) {
      if (last && !last.expected) last.expected = b;
      continue;
    }
    if (isShell(b)) last = isRunnable(b) ? b : undefined;
  }
  return blocks;
}

// --- command lines --------------------------------------------------------------------------------

/** A placeholder for what the shell would expand ($VAR, $(…), ${…}, `…`): a plain word. */
const EXPANDED = "1";

/**
 * Split shell text into simple commands, each a list of words (quotes removed, expansions replaced
 * by a placeholder). Command substitutions are also returned as commands of their own. Enough of
 * POSIX sh for documentation: quotes, escapes, line continuations, comments, here-documents
 * (skipped), `;`, `&&`, `||`, `|`, `&`, parentheses.
 */
export function shellCommands(text: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | null = null;
  const endWord = () => {
    if (word !== null) words.push(word);
    word = null;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  const heredocs: string[] = [];
  let i = 0;
  const s = text.replace(/\\\n/g, "");
  /** The text of a `$(…)` starting at s[i] === "(", returning the index after its ")". */
  const subst = (start: number): number => {
    let depth = 0;
    let q: string | null = null;
    for (let j = start; j < s.length; j++) {
      const c = s[j]!;
      if (q) {
        if (c === q) q = null;
        else if (c === "\\" && q === '"') j++;
        continue;
      }
      if (c === "'" || c === '"') q = c;
      else if (c === "(") depth++;
      else if (c === ")" && --depth === 0) {
        commands.push(...shellCommands(s.slice(start + 1, j)));
        return j + 1;
      }
    }
    return s.length;
  };
  const dollar = (): void => {
    // s[i] === "$"
    const n = s[i + 1];
    if (n === "(") {
      i = subst(i + 1);
    } else if (n === "{") {
      const e = s.indexOf("}", i);
      i = e < 0 ? s.length : e + 1;
    } else {
      i++;
      while (i < s.length && /[A-Za-z0-9_?@*#!$-]/.test(s[i]!)) {
        i++;
        if (!/[A-Za-z0-9_]/.test(s[i - 1]!)) break;
      }
    }
    word = (word ?? "") + EXPANDED;
  };
  while (i < s.length) {
    const c = s[i]!;
    if (c === "\n") {
      endCommand();
      i++;
      // Skip here-document bodies.
      while (heredocs.length > 0) {
        const tag = heredocs.shift()!;
        const lines = s.slice(i).split("\n");
        let skip = 0;
        for (const l of lines) {
          skip += l.length + 1;
          if (l.trim() === tag) break;
        }
        i += skip;
      }
      continue;
    }
    if (c === " " || c === "\t") {
      endWord();
      i++;
      continue;
    }
    if (c === "#" && word === null) {
      while (i < s.length && s[i] !== "\n") i++;
      continue;
    }
    if (c === "\\") {
      word = (word ?? "") + (s[i + 1] ?? "");
      i += 2;
      continue;
    }
    if (c === "'") {
      const e = s.indexOf("'", i + 1);
      word = (word ?? "") + s.slice(i + 1, e < 0 ? s.length : e);
      i = e < 0 ? s.length : e + 1;
      continue;
    }
    if (c === '"') {
      word = word ?? "";
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === "\\" && i + 1 < s.length) {
          word += s[i + 1];
          i += 2;
        } else if (s[i] === "$") dollar();
        else if (s[i] === "`") {
          const e = s.indexOf("`", i + 1);
          commands.push(...shellCommands(s.slice(i + 1, e < 0 ? s.length : e)));
          word += EXPANDED;
          i = e < 0 ? s.length : e + 1;
        } else word += s[i++];
      }
      i++;
      continue;
    }
    if (c === "$") {
      dollar();
      continue;
    }
    if (c === "`") {
      const e = s.indexOf("`", i + 1);
      commands.push(...shellCommands(s.slice(i + 1, e < 0 ? s.length : e)));
      word = (word ?? "") + EXPANDED;
      i = e < 0 ? s.length : e + 1;
      continue;
    }
    if (c === "<" && s[i + 1] === "<" && word === null) {
      const m = /^<<-?\s*(['"]?)([A-Za-z_]+)\1/.exec(s.slice(i));
      if (m) {
        heredocs.push(m[2]!);
        i += m[0].length;
        continue;
      }
    }
    if (";&|()".includes(c)) {
      endCommand();
      i++;
      continue;
    }
    if ((c === ">" || c === "<") && word === null) {
      // A redirection: skip the operator and its target word.
      i++;
      while (s[i] === ">" || s[i] === "&") i++;
      while (s[i] === " ") i++;
      while (i < s.length && !/[\s;&|()]/.test(s[i]!)) i++;
      continue;
    }
    if ((c === ">" || c === "<") && word !== null && /^\d$/.test(word)) {
      word = null;
      continue;
    }
    word = (word ?? "") + c;
    i++;
  }
  endCommand();
  return commands;
}

/**
 * The argument lists of every `sentry-ship` invocation in a block: in shell blocks through the
 * shell parser; in other blocks (YAML `run:`/`script:` lines, Jenkins `sh '…'`) from each line's
 * text after `sentry-ship`, up to the quote that closes the string it sits in.
 */
export function sentryShipInvocations(block: Block): string[][] {
  const fromWords = (cmds: string[][]) => {
    const out: string[][] = [];
    for (let words of cmds) {
      while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) words = words.slice(1);
      if (words[0] === "npx" || words[0] === "exec" || words[0] === "time") words = words.slice(1);
      if (words[0] === "npx") words = words.slice(1);
      if (words[0] === "sentry-ship") out.push(words.slice(1));
    }
    return out;
  };
  if (isShell(block)) return fromWords(shellCommands(block.code));
  if (NOT_COMMANDS.has(block.lang)) return [];
  const out: string[][] = [];
  for (const line of block.code.replace(/\\\n\s*/g, " ").split("\n")) {
    // Comment lines (Groovy, YAML, shell) and a Groovy comment at the end of a line are prose.
    if (/^\s*(\/\/|#|\/\*|\*)/.test(line)) continue;
    const m = /(^|[\s'"(:])(?:npx\s+)?sentry-ship(\s.*)$/.exec(line.replace(/\s\/\/\s.*$/, ""));
    if (!m) continue;
    let rest = m[2]!;
    const quote = /(['"])/.exec(line.slice(0, m.index + m[1]!.length))?.[1];
    if (quote) {
      const e = rest.indexOf(quote);
      if (e >= 0 && !rest.slice(0, e).includes("${")) rest = rest.slice(0, e);
      else if (e >= 0) rest = rest.slice(0, rest.lastIndexOf(quote));
    }
    // Groovy/YAML interpolation reads like a shell expansion.
    out.push(...fromWords(shellCommands(`sentry-ship ${rest.replace(/\$\{\{[^}]*\}\}/g, "$X")}`)));
  }
  return out;
}

/**
 * Parse `argv` with the program's commander definitions without running any command. Returns the
 * usage error commander (or an option's own parser) reports, or undefined when the line parses.
 */
export async function checkCommandLine(
  build: (argv: string[]) => Promise<Command>,
  argv: string[],
): Promise<string | undefined> {
  const program = await build(argv);
  let message: string | undefined;
  const quiet = (c: Command) => {
    c.exitOverride();
    c.configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: (s) => (message = s.trim()) });
    if (c.commands.length === 0) c.action(() => {});
    for (const sub of c.commands) quiet(sub);
  };
  quiet(program);
  try {
    await program.parseAsync(argv, { from: "user" });
    return undefined;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.help" || code === "commander.version")
      return undefined;
    return message ?? (e as Error).message;
  }
}

// --- expected output ------------------------------------------------------------------------------

/**
 * Differences between an expected JSON value and the printed one: `"…"` matches anything, objects
 * match when every key shown matches (more keys may be printed), arrays element by element (as
 * many as shown; an empty array shown means an empty array printed).
 */
export function jsonMismatches(expected: unknown, actual: unknown, at = "$"): string[] {
  if (expected === "…") return [];
  if (typeof expected === "string" && expected.includes("…")) {
    return typeof actual === "string" && textMismatches(expected, actual).length === 0
      ? []
      : [`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${at}: expected an array, got ${JSON.stringify(actual)}`];
    if (expected.length === 0 && actual.length > 0) return [`${at}: expected [], got ${actual.length} items`];
    if (actual.length < expected.length) return [`${at}: expected ${expected.length} items, got ${actual.length}`];
    return expected.flatMap((e, i) => jsonMismatches(e, actual[i], `${at}[${i}]`));
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual))
      return [`${at}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([k, v]) =>
      k in actual ? jsonMismatches(v, (actual as Record<string, unknown>)[k], `${at}.${k}`) : [`${at}.${k}: missing`],
    );
  }
  return Object.is(expected, actual)
    ? []
    : [`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

/** Each non-empty expected line must appear in `output`, in order; `…` matches any text. */
export function textMismatches(expected: string, output: string): string[] {
  const lines = output.split("\n");
  let at = 0;
  for (const want of expected.split("\n").filter((l) => l.trim() !== "")) {
    const re = new RegExp(
      `^${want
        .trim()
        .split("…")
        .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*")}$`,
    );
    const found = lines.findIndex((l, i) => i >= at && re.test(l.trim()));
    if (found < 0) return [`expected a line matching ${JSON.stringify(want.trim())}`];
    at = found + 1;
  }
  return [];
}

/** `both`: stdout and stderr interleaved as they arrived. */
export function outputMismatches(expected: Block, stdout: string, both: string): string[] {
  if (expected.lang === "json") {
    let doc: unknown;
    try {
      doc = JSON.parse(stdout);
    } catch {
      return [`expected one JSON document on stdout, got: ${stdout.slice(0, 400)}`];
    }
    return jsonMismatches(JSON.parse(expected.code), doc);
  }
  return textMismatches(expected.code, both);
}

// --- the sandbox ----------------------------------------------------------------------------------

export interface BlockRun {
  block: Block;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  problems: string[];
}

function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{ code: number | null; stdout: string; stderr: string; both: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let both = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      both += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
      both += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, both });
    });
  });
}

/**
 * Run the runnable blocks of one file, in order, in a fresh sandbox: a temporary folder holding a
 * Git repository (one commit, `origin` pointing at a GitHub URL) with the example app's build in
 * `dist/`, an empty HOME, `sentry-ship` (the built bin/) and an `npx` that runs it on PATH, and the
 * variables a fresh `serve` prints. Shell variables carry over from block to block.
 */
export async function runBlocks(blocks: Block[], opts: { timeoutMs?: number } = {}): Promise<BlockRun[]> {
  const runnable = blocks.filter(isRunnable);
  if (runnable.length === 0) return [];
  const base = mkdtempSync(join(tmpdir(), "ship-docs-"));
  const work = join(base, "work");
  const home = join(base, "home");
  const bin = join(base, "bin");
  for (const d of [work, home, bin]) mkdirSync(d);
  const cli = join(ROOT, "bin/sentry-ship.js");
  writeFileSync(join(bin, "sentry-ship"), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`, { mode: 0o755 });
  writeFileSync(
    join(bin, "npx"),
    `#!/bin/sh\nif [ "$1" = sentry-ship ]; then shift; exec sentry-ship "$@"; fi\necho "npx $1: only npx sentry-ship works in the docs sandbox" >&2\nexit 127\n`,
    { mode: 0o755 },
  );
  cpSync(join(ROOT, "examples/app/dist"), join(work, "dist"), { recursive: true });
  const baseEnv: NodeJS.ProcessEnv = {
    PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    HOME: home,
    TMPDIR: process.env.TMPDIR ?? tmpdir(),
    LANG: "C.UTF-8",
    SENTRY_DISABLE_UPDATE_CHECK: "1",
    GIT_AUTHOR_NAME: "Docs",
    GIT_AUTHOR_EMAIL: "docs@example.com",
    GIT_COMMITTER_NAME: "Docs",
    GIT_COMMITTER_EMAIL: "docs@example.com",
  };
  const git = async (...args: string[]) => {
    const r = await run("git", args, { cwd: work, env: baseEnv, timeoutMs: 20_000 });
    if (r.code !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  };
  await git("init", "-q", "-b", "main");
  await git("add", "-A");
  await git("commit", "-q", "-m", "Build the shop");
  await git("remote", "add", "origin", "https://github.com/acme/shop.git");

  const serve = spawn(process.execPath, [cli, "serve", "--port", "0"], {
    cwd: base,
    env: baseEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const results: BlockRun[] = [];
  try {
    const env = await new Promise<Record<string, string>>((resolve, reject) => {
      let text = "";
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${text}`)), 15_000);
      serve.stdout.on("data", (d) => {
        text += d;
        if (text.includes("SENTRY_DSN=") && /org token \([^)]*\): \S+\s/.test(text)) {
          clearTimeout(timer);
          const vars: Record<string, string> = {};
          for (const m of text.matchAll(/([A-Z_]+)=(\S+)/g)) vars[m[1]!] = m[2]!;
          const orgToken = /org token \([^)]*\): (\S+)/.exec(text)?.[1];
          if (orgToken) vars.SERVE_ORG_TOKEN = orgToken;
          resolve(vars);
        }
      });
      serve.on("exit", () => reject(new Error(`serve exited: ${text}`)));
    });
    const state = join(base, "state.sh");
    writeFileSync(state, `cd '${work}'\n`);
    for (const block of runnable) {
      const script = [
        `. '${state}'`,
        `trap 'export -p > "${state}.new"; echo "cd $(printf %q "$PWD")" >> "${state}.new"; mv "${state}.new" "${state}"' EXIT`,
        "set -euo pipefail -a",
        block.code,
        "",
      ].join("\n");
      const r = await run("bash", ["-c", script], {
        cwd: work,
        env: { ...baseEnv, ...env },
        timeoutMs: opts.timeoutMs ?? 60_000,
      });
      const problems: string[] = [];
      if (r.code !== 0) problems.push(`exit code ${r.code}: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
      else if (block.expected) problems.push(...outputMismatches(block.expected, r.stdout, r.both));
      results.push({ block, exitCode: r.code, stdout: r.stdout, stderr: r.stderr, problems });
    }
  } finally {
    serve.kill();
    await new Promise((r) => (serve.exitCode !== null ? r(null) : serve.on("exit", r)));
    rmSync(base, { recursive: true, force: true });
  }
  return results;
}

export function where(b: Block): string {
  return `${b.file}:${b.line}`;
}

export function readDoc(file: string, root = ROOT): string {
  return readFileSync(join(root, file), "utf8");
}

export function rel(p: string): string {
  return relative(ROOT, p);
}
