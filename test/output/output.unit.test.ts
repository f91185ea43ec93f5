import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { Output } from "../../src/output/output.js";
import { detectTerminal, isCI } from "../../src/output/terminal.js";

function streams(tty = false) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c));
  stderr.on("data", (c: Buffer) => (err += c));
  if (tty) {
    Object.assign(stdout, { isTTY: true });
    Object.assign(stderr, { isTTY: true });
  }
  return {
    stdout,
    stderr,
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}

describe("detectTerminal", () => {
  it("turns colour and spinners on only for an interactive terminal outside CI", () => {
    expect(detectTerminal({}, { isTTY: true })).toMatchObject({ color: true, interactive: true, ci: false });
    expect(detectTerminal({ CI: "true" }, { isTTY: true })).toMatchObject({
      color: false,
      interactive: false,
      ci: true,
    });
    expect(detectTerminal({ JENKINS_URL: "http://ci" }, { isTTY: false })).toMatchObject({
      color: false,
      interactive: false,
    });
    expect(detectTerminal({}, { isTTY: false })).toMatchObject({ color: false, interactive: false });
  });

  it("respects NO_COLOR and FORCE_COLOR", () => {
    expect(detectTerminal({ NO_COLOR: "1" }, { isTTY: true }).color).toBe(false);
    expect(detectTerminal({ FORCE_COLOR: "1" }, { isTTY: false }).color).toBe(true);
    expect(detectTerminal({ FORCE_COLOR: "0" }, { isTTY: true }).color).toBe(false);
  });

  it("recognises GitHub Actions", () => {
    expect(detectTerminal({ GITHUB_ACTIONS: "true" }, {}).githubActions).toBe(true);
    expect(isCI({ CI: "false" })).toBe(false);
  });
});

describe("Output", () => {
  it("writes results to stdout and progress to stderr", () => {
    const s = streams();
    const out = new Output({ stdout: s.stdout, stderr: s.stderr, env: {} });
    out.print("Created release 1.0");
    out.info("> Found 3 files");
    expect(s.out).toBe("Created release 1.0\n");
    expect(s.err).toBe("> Found 3 files\n");
  });

  it("keeps stdout for the JSON document in --json mode", () => {
    const s = streams();
    const out = new Output({ stdout: s.stdout, stderr: s.stderr, env: {}, json: true });
    out.print("human text");
    out.result({ version: "1.0" });
    out.writeJson(out.takeJsonDocument());
    expect(JSON.parse(s.out)).toEqual({ version: "1.0" });
  });

  it("prints only errors with --quiet", () => {
    const s = streams();
    const out = new Output({ stdout: s.stdout, stderr: s.stderr, env: {}, quiet: true });
    out.print("result");
    out.info("progress");
    out.error("boom");
    expect(s.out).toBe("");
    expect(s.err).toBe("error: boom\n");
  });

  it("adds a GitHub annotation to errors and warnings under GitHub Actions", () => {
    const s = streams();
    const out = new Output({ stdout: s.stdout, stderr: s.stderr, env: { GITHUB_ACTIONS: "true" } });
    out.error("release 1.0: 50% done\nnext");
    out.warn("careful");
    expect(s.err).toContain("::error::release 1.0: 50%25 done%0Anext");
    expect(s.err).toContain("::warning::careful");
  });

  it("redacts registered secrets from every line", () => {
    const s = streams();
    const out = new Output({ stdout: s.stdout, stderr: s.stderr, env: {}, logLevel: "debug" });
    out.redactor.add("hunter2hunter2");
    out.print("value hunter2hunter2");
    out.debug("header hunter2hunter2");
    expect(s.out + s.err).not.toContain("hunter2hunter2");
  });

  it("prints many lines in one write, each redacted as its own line, and none with --quiet", () => {
    const s = streams();
    let writes = 0;
    s.stdout.on("data", () => void writes++);
    const out = new Output({ stdout: s.stdout, stderr: s.stderr, env: {} });
    out.redactor.add("hunter2hunter2");
    // "Basic" at a line's end: a credential pattern must not take the next line for the secret.
    out.printLines(["value hunter2hunter2", "  - dist/Basic", "next"]);
    expect(s.out).toBe("value [redacted]\n  - dist/Basic\nnext\n");
    expect(writes).toBe(1);
    const q = streams();
    new Output({ stdout: q.stdout, stderr: q.stderr, env: {}, quiet: true }).printLines(["result"]);
    expect(q.out).toBe("");
  });

  it("shows progress as a few plain lines without a terminal", () => {
    const s = streams();
    const out = new Output({ stdout: s.stdout, stderr: s.stderr, env: {} });
    const p = out.progress("Uploading", 100, "files");
    for (let i = 0; i < 100; i++) p.tick();
    p.done();
    const lines = s.err.trim().split("\n");
    expect(lines.length).toBeLessThanOrEqual(6);
    expect(lines.at(-1)).toBe("Uploading: 100/100 files");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looks for terminal escape codes
    expect(s.err).not.toMatch(/\u001b\[/);
  });

  it("uses no escape codes when colour is off", () => {
    const s = streams();
    const out = new Output({ stdout: s.stdout, stderr: s.stderr, env: {} });
    out.warn("plain");
    out.error("plain");
    expect(s.err).toBe("warning: plain\nerror: plain\n");
  });
});
