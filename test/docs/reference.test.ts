import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderReference } from "../../scripts/docs-reference.mjs";
import { buildProgram } from "../../src/cli.js";
import { ENV_ONLY_SETTINGS, flagSetting } from "../../src/config/settings.js";

const root = join(import.meta.dirname, "../..");
const dir = join(root, "docs/reference");

async function freshProgram() {
  const io = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: {},
    cwd: root,
    homeDir: root,
  };
  return (await buildProgram(io, {}, [])).program;
}

async function render(): Promise<Map<string, string>> {
  return renderReference(await freshProgram(), flagSetting, ENV_ONLY_SETTINGS) as Map<string, string>;
}

describe("docs/reference (generated from the commander definitions)", () => {
  it("is up to date: every page equals a fresh rendering (run `npm run docs:reference`)", async () => {
    const pages = await render();
    const onDisk = readdirSync(dir).filter((f) => f.endsWith(".md"));
    expect(onDisk.sort()).toEqual([...pages.keys()].sort());
    for (const [name, text] of pages) {
      expect(readFileSync(join(dir, name), "utf8"), `docs/reference/${name} is stale: run npm run docs:reference`).toBe(
        text,
      );
    }
  });

  it("covers every command and every flag --help shows", async () => {
    const pages = await render();
    const all = [...pages.values()].join("\n");
    const program = await freshProgram();
    const walk = (cmd: typeof program, path: string[]): void => {
      if (path.length > 0) expect(all).toContain(`\`sentry-ship ${path.join(" ")}\``);
      for (const o of cmd.options) expect(all).toContain(`\`${o.flags}\``);
      for (const c of cmd.commands) walk(c, [...path, c.name()]);
    };
    walk(program, []);
  });

  it("notices a stale page: a flag added to the program appears in a fresh rendering", async () => {
    const program = await freshProgram();
    const deploys = program.commands.find((c) => c.name() === "deploys")!;
    deploys.commands.find((c) => c.name() === "new")!.option("--brand-new-flag", "a flag the pages do not have");
    const pages = renderReference(program, flagSetting, ENV_ONLY_SETTINGS) as Map<string, string>;
    expect(pages.get("deploys.md")).toContain("--brand-new-flag");
    expect(readFileSync(join(dir, "deploys.md"), "utf8")).not.toBe(pages.get("deploys.md"));
  });
});
