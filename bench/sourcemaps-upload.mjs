#!/usr/bin/env node
// `sourcemaps upload` alone: sentry-ship against sentry-cli 3.8.0 (the native binary) on the
// builds of bench/generate-build.mjs, injected by sentry-cli first. Every run gets a fresh embedded
// server (`sentry-ship --json serve --port 0`, a child process), so every run uploads everything;
// the order alternates every round. Wall time is measured here, peak RSS and CPU time (user+sys)
// by GNU time when /usr/bin/time exists (else VmHWM polling, no CPU). Prints medians and every
// run's wall time, so noise on a shared machine is visible.
//
// Run after `npm run build`:
//   node bench/sourcemaps-upload.mjs [small,large] [runs=5]
// SHIP_ROOT=/path/to/other/checkout benchmarks that checkout's built CLI (e.g. an older commit)
// against the same inputs and server.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { SIZES, generateBuild } from "./generate-build.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const shipRoot = process.env.SHIP_ROOT ?? root;
const require = createRequire(import.meta.url);
const sizes = (process.argv[2] ?? "small,large").split(",");
const runs = Number(process.argv[3] ?? 5);
const seed = 1;

const cliBinary = join(dirname(require.resolve(`@sentry/cli-${process.platform}-${process.arch}/package.json`)), "bin", "sentry-cli");
const shipBin = join(shipRoot, "bin", "sentry-ship.js");
const serveBin = join(root, "bin", "sentry-ship.js");
if (!existsSync(join(shipRoot, "dist", "cli.js"))) throw new Error(`run \`npm run build\` in ${shipRoot} first`);

const base = join(tmpdir(), "sentry-ship-bench-upload");
const home = join(base, "home");
mkdirSync(home, { recursive: true });
const gnuTime = existsSync("/usr/bin/time") && spawnSync("/usr/bin/time", ["-f", "%M", "true"]).status === 0;

function peakOf(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Run a command; resolves { ms, peak (bytes), cpu (ms) }. */
function measure(cmd, args, { env, cwd }) {
  const timeOut = join(base, `time-${process.pid}.txt`);
  if (gnuTime) {
    args = ["-o", timeOut, "-f", "%M %U %S", cmd, ...args];
    cmd = "/usr/bin/time";
  }
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    let peak = 0;
    child.stderr.on("data", (c) => (stderr += c));
    const timer = gnuTime ? undefined : setInterval(() => (peak = Math.max(peak, peakOf(child.pid))), 5);
    child.on("exit", (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      clearInterval(timer);
      if (code !== 0) return reject(new Error(`${args.join(" ")} exited ${code}: ${stderr.slice(-2000)}`));
      let cpu = NaN;
      if (gnuTime) {
        const [kb, user, sys] = readFileSync(timeOut, "utf8").trim().split("\n").pop().split(" ").map(Number);
        peak = kb * 1024;
        cpu = (user + sys) * 1000;
      }
      resolve({ ms, peak, cpu });
    });
  });
}

function baseEnv() {
  return { PATH: process.env.PATH, HOME: home, SENTRY_DISABLE_UPDATE_CHECK: "1", SENTRY_LOAD_DOTENV: "0" };
}

/** The generated build, injected by sentry-cli (both tools upload the same bytes). */
function injectedBuild(size) {
  const dir = join(base, `injected-${size}-${seed}`);
  if (!existsSync(join(dir, ".done"))) {
    rmSync(dir, { recursive: true, force: true });
    const info = generateBuild(join(dir, "dist"), { ...SIZES[size], seed });
    const r = spawnSync(cliBinary, ["sourcemaps", "inject", "dist"], { cwd: dir, env: baseEnv(), stdio: "ignore" });
    if (r.status !== 0) throw new Error("sentry-cli inject failed");
    writeFileSync(join(dir, ".done"), JSON.stringify(info));
  }
  return { dir, info: JSON.parse(readFileSync(join(dir, ".done"), "utf8")) };
}

async function startServer() {
  const child = spawn(process.execPath, [serveBin, "--json", "serve", "--port", "0"], { env: baseEnv(), stdio: ["ignore", "pipe", "inherit"] });
  const first = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (c) => reject(new Error(`serve exited ${c}`)));
  });
  const info = JSON.parse(first);
  return {
    env: { ...baseEnv(), SENTRY_URL: info.url, SENTRY_AUTH_TOKEN: info.token, SENTRY_ORG: info.org, SENTRY_PROJECT: info.projects[0] },
    stop: () => new Promise((done) => (child.once("exit", done), child.kill("SIGTERM"))),
  };
}

const tools = {
  ours: [process.execPath, [shipBin, "sourcemaps", "upload", "dist"]],
  theirs: [cliBinary, ["sourcemaps", "upload", "dist"]],
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const size of sizes) {
  const { dir, info } = injectedBuild(size);
  process.stderr.write(`upload ${size} (${info.files} files, ${(info.bytes / 1e6).toFixed(1)} MB)…\n`);
  const res = { ours: [], theirs: [] };
  for (let i = 0; i < runs; i++) {
    for (const who of i % 2 ? ["theirs", "ours"] : ["ours", "theirs"]) {
      const server = await startServer();
      try {
        const [cmd, args] = tools[who];
        res[who].push(await measure(cmd, args, { env: server.env, cwd: dir }));
      } finally {
        await server.stop();
      }
    }
  }
  const m = (who, k) => median(res[who].map((r) => r[k]));
  rows.push({ size, info, m });
  process.stderr.write(`  ours ms ${res.ours.map((r) => r.ms.toFixed(0)).join(" ")} | sentry-cli ms ${res.theirs.map((r) => r.ms.toFixed(0)).join(" ")}\n`);
}

const mb = (n) => (n / 2 ** 20).toFixed(0);
const s = (n) => (n / 1000).toFixed(2);
console.log(`\nsourcemaps upload, medians of ${runs} alternating runs; node ${process.version}, sentry-cli 3.8.0, ${gnuTime ? "GNU time" : "/proc VmHWM"} for RSS; sentry-ship from ${shipRoot}.\n`);
console.log("| build | wall s (ours / sentry-cli / ratio) | CPU s (ours / sentry-cli / ratio) | peak RSS MB (ours / sentry-cli) |");
console.log("|---|---|---|---|");
for (const r of rows) {
  const build = `${r.info.files} files, ${(r.info.bytes / 1e6).toFixed(0)} MB`;
  const wall = `${s(r.m("ours", "ms"))} / ${s(r.m("theirs", "ms"))} / **${(r.m("ours", "ms") / r.m("theirs", "ms")).toFixed(2)}×**`;
  const cpu = gnuTime ? `${s(r.m("ours", "cpu"))} / ${s(r.m("theirs", "cpu"))} / ${(r.m("ours", "cpu") / r.m("theirs", "cpu")).toFixed(2)}×` : "n/a";
  console.log(`| ${build} | ${wall} | ${cpu} | ${mb(r.m("ours", "peak"))} / ${mb(r.m("theirs", "peak"))} |`);
}
const small = rows.find((r) => r.size === "small");
const large = rows.find((r) => r.size === "large");
if (small && large) {
  const x = (who) => (large.m(who, "ms") / small.m(who, "ms")).toFixed(1);
  console.log(`\n10× the files costs sentry-ship ${x("ours")}× the time, sentry-cli ${x("theirs")}×.`);
}
