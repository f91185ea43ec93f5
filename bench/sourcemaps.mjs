#!/usr/bin/env node
// `sourcemaps inject` and `sourcemaps upload`: sentry-ship against sentry-cli 3.8.0 (the native
// binary) on the same builds — real npm dists (bench/real-corpus.mjs: real-small, real-large) and
// generated ones (bench/generate-build.mjs: small, large) — in the same run, alternating
// (the order flips every round), each run on a fresh copy (all made before the first timed run). Uploads go to a fresh embedded server
// (`sentry-ship --json serve --port 0`, a child process) per run, so every run uploads everything.
// Wall time is measured here; peak RSS and CPU time (user+sys) by GNU time (or /proc polling).
// Prints medians as a markdown table.
//
// Run after `npm run build`:
//   node bench/sourcemaps.mjs [real-small,real-large,small,large] [runs=5] [inject,upload]
//
// The server: each upload goes to its own `serve` child process, outside the measured process
// tree (GNU time measures the client and its threads only). What serve does per upload — store
// the chunks, unzip and index one bundle — is small next to the client's reading, hashing and
// deflating, and both tools wait on the same server. After the table, "where upload's time goes"
// prints, for each real build, one thread's read / SHA-1 / deflate / JSON.parse time: the floor.
// SHIP_ROOT=/path/to/other/checkout benchmarks that checkout's built CLI (e.g. an older commit)
// against the same inputs and this checkout's server.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { generateBuild, SIZES } from "./generate-build.mjs";
import { realBuild } from "./real-corpus.mjs";
import { uploadFloor } from "./upload-floor.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const sizes = (process.argv[2] ?? "real-small,real-large,small,large").split(",");
const runs = Number(process.argv[3] ?? 5);
const what = (process.argv[4] ?? "inject,upload").split(",");
const seed = 1;

const cliBinary = join(
  dirname(require.resolve(`@sentry/cli-${process.platform}-${process.arch}/package.json`)),
  "bin",
  "sentry-cli",
);
const shipRoot = process.env.SHIP_ROOT ?? root;
const shipBin = join(shipRoot, "bin", "sentry-ship.js");
const serveBin = join(root, "bin", "sentry-ship.js");
for (const r of new Set([root, shipRoot])) {
  if (!existsSync(join(r, "dist", "cli.js"))) throw new Error(`run \`npm run build\` in ${r} first`);
}

const base = join(tmpdir(), "sentry-ship-bench");
const home = join(base, "home");
mkdirSync(home, { recursive: true });
const gnuTime = existsSync("/usr/bin/time") && spawnSync("/usr/bin/time", ["-f", "%M", "true"]).status === 0;

/** @param {number | undefined} pid */
function peakOf(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** @typedef {{ ms: number, peak: number, cpu: number }} Sample */
/** @typedef {"ours" | "theirs"} Who */

/**
 * Run a command; resolves { ms, peak (bytes), cpu (ms) }.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ env: NodeJS.ProcessEnv, cwd: string }} opts
 * @returns {Promise<Sample>}
 */
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
        const last = readFileSync(timeOut, "utf8").trim().split("\n").pop() ?? "";
        const [kb = NaN, user = NaN, sys = NaN] = last.split(" ").map(Number);
        rmSync(timeOut, { force: true });
        peak = kb * 1024;
        cpu = (user + sys) * 1000;
      }
      resolve({ ms, peak, cpu });
    });
  });
}

/** @param {string} size */
function build(size) {
  const dir = join(base, `build-${size}-${seed}`);
  if (!existsSync(join(dir, ".done"))) {
    rmSync(dir, { recursive: true, force: true });
    let info;
    if (size.startsWith("real-")) info = realBuild(join(dir, "dist"), size.slice(5));
    else {
      const dims = SIZES[size];
      if (!dims) throw new Error(`unknown size ${size} (real-small, real-large, small or large)`);
      info = generateBuild(join(dir, "dist"), { ...dims, seed });
    }
    writeFileSync(join(dir, ".done"), JSON.stringify(info));
  }
  return { dir, info: JSON.parse(readFileSync(join(dir, ".done"), "utf8")) };
}

/**
 * @param {string} from
 * @param {string} name
 */
function freshCopy(from, name) {
  const to = join(base, name);
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  const r = spawnSync("cp", ["-a", join(from, "dist"), to]);
  if (r.status !== 0) throw new Error(`cp failed: ${r.stderr}`);
  spawnSync("sync");
  return to;
}

function baseEnv() {
  return { PATH: process.env.PATH, HOME: home, SENTRY_DISABLE_UPDATE_CHECK: "1", SENTRY_LOAD_DOTENV: "0" };
}

async function startServer() {
  const child = spawn(process.execPath, [serveBin, "--json", "serve", "--port", "0"], {
    env: baseEnv(),
    stdio: ["ignore", "pipe", "inherit"],
  });
  /** @type {string} */
  const first = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once("line", (l) => resolve(l));
    child.once("exit", (c) => reject(new Error(`serve exited ${c}`)));
  });
  const info = JSON.parse(first);
  return {
    env: {
      ...baseEnv(),
      SENTRY_URL: info.url,
      SENTRY_AUTH_TOKEN: info.token,
      SENTRY_ORG: info.org,
      SENTRY_PROJECT: info.projects[0],
    },
    stop: () =>
      new Promise((done) => {
        child.once("exit", done);
        child.kill("SIGTERM");
      }),
  };
}

/** @type {Record<Who, (args: string[]) => [string, string[]]>} */
const tools = {
  ours: (args) => [process.execPath, [shipBin, ...args]],
  theirs: (args) => [cliBinary, args],
};
/** @type {Who[]} */
const OURS_FIRST = ["ours", "theirs"];
/** @type {Who[]} */
const THEIRS_FIRST = ["theirs", "ours"];

/**
 * @param {string} size
 * @returns {Promise<Record<Who, Sample[]>>}
 */
async function benchInject(size) {
  const { dir } = build(size);
  // Every run's copy is made before any run is timed and removed after the last: ext4 scans past
  // inodes freed in the last minute when it allocates new ones, so deleting a 20,000-file copy
  // right before a run would slow down whichever tool creates files next (ours: pending files).
  const copies = [];
  for (let i = 0; i < runs; i++)
    for (const who of OURS_FIRST) copies.push(freshCopy(dir, `inject-${size}-${i}-${who}`));
  /** @type {Record<Who, Sample[]>} */
  const res = { ours: [], theirs: [] };
  try {
    for (let i = 0; i < runs; i++) {
      for (const who of i % 2 ? THEIRS_FIRST : OURS_FIRST) {
        const [cmd, args] = tools[who](["sourcemaps", "inject", "dist"]);
        res[who].push(await measure(cmd, args, { env: baseEnv(), cwd: join(base, `inject-${size}-${i}-${who}`) }));
      }
    }
  } finally {
    for (const c of copies) rmSync(c, { recursive: true, force: true });
  }
  return res;
}

/**
 * @param {string} size
 * @returns {Promise<Record<Who, Sample[]>>}
 */
async function benchUpload(size) {
  const { dir } = build(size);
  // Both upload the same injected build (sentry-cli's injection; ours writes the same bytes).
  const injected = join(base, `injected-${size}-${seed}`);
  if (!existsSync(join(injected, ".done"))) {
    freshCopy(dir, `injected-${size}-${seed}`);
    const r = spawnSync(cliBinary, ["sourcemaps", "inject", "dist"], {
      cwd: injected,
      env: baseEnv(),
      stdio: "ignore",
    });
    if (r.status !== 0) throw new Error("sentry-cli inject failed");
    writeFileSync(join(injected, ".done"), "");
  }
  /** @type {Record<Who, Sample[]>} */
  const res = { ours: [], theirs: [] };
  for (let i = 0; i < runs; i++) {
    for (const who of i % 2 ? THEIRS_FIRST : OURS_FIRST) {
      const server = await startServer();
      try {
        const [cmd, args] = tools[who](["sourcemaps", "upload", "dist"]);
        res[who].push(await measure(cmd, args, { env: server.env, cwd: injected }));
      } finally {
        await server.stop();
      }
    }
  }
  return res;
}

/** @type {(xs: number[]) => number} */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
/** @type {Array<{ cmd: string, size: string, info: { files: number, bytes: number }, m: (who: Who, k: keyof Sample) => number, all: Record<Who, Sample[]> }>} */
const rows = [];
for (const size of sizes) {
  const { info } = build(size);
  for (const cmd of what) {
    process.stderr.write(`${cmd} ${size} (${info.files} files, ${(info.bytes / 1e6).toFixed(1)} MB)…\n`);
    const res = cmd === "inject" ? await benchInject(size) : await benchUpload(size);
    /** @type {(who: Who, k: keyof Sample) => number} */
    const m = (who, k) => median(res[who].map((r) => r[k]));
    rows.push({ cmd, size, info, m, all: res });
    /** @type {(who: Who) => string} */
    const runsOf = (who) => res[who].map((r) => `${r.ms.toFixed(0)} ms/${(r.peak / 2 ** 20).toFixed(0)} MB`).join(", ");
    process.stderr.write(`  ours ${runsOf("ours")} | sentry-cli ${runsOf("theirs")}\n`);
  }
}

/** @type {(n: number) => string} */
const mb = (n) => (n / 2 ** 20).toFixed(0);
/** @type {(n: number) => string} */
const s = (n) => (n / 1000).toFixed(2);
console.log(
  `\nMedians of ${runs} alternating runs; node ${process.version}, sentry-cli 3.8.0, ${gnuTime ? "GNU time" : "/proc VmHWM"} for RSS; sentry-ship from ${shipRoot}.\n`,
);
console.log(
  "| command | build | wall s (ours / sentry-cli / ratio) | CPU s (ours / sentry-cli / ratio) | peak RSS MB (ours / sentry-cli) |",
);
console.log("|---|---|---|---|---|");
for (const r of rows) {
  const build = `${r.info.files} files, ${(r.info.bytes / 1e6).toFixed(0)} MB`;
  const wall = `${s(r.m("ours", "ms"))} / ${s(r.m("theirs", "ms"))} / **${(r.m("ours", "ms") / r.m("theirs", "ms")).toFixed(2)}×**`;
  const cpu = gnuTime
    ? `${s(r.m("ours", "cpu"))} / ${s(r.m("theirs", "cpu"))} / ${(r.m("ours", "cpu") / r.m("theirs", "cpu")).toFixed(2)}×`
    : "n/a";
  console.log(`| ${r.cmd} | ${build} | ${wall} | ${cpu} | ${mb(r.m("ours", "peak"))} / ${mb(r.m("theirs", "peak"))} |`);
}
if (what.includes("upload")) {
  console.log("\nWhere upload's time goes (one thread, the whole build; the floor an upload cannot beat):\n");
  console.log(
    "| build | read s | SHA-1 s | deflate (level 4) s | JSON.parse maps s | sum s | ours / sentry-cli wall s |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const size of sizes.filter((x) => x.startsWith("real-"))) {
    const f = uploadFloor(join(build(size).dir, "dist"));
    const r = rows.find((x) => x.cmd === "upload" && x.size === size);
    const sum = f.readMs + f.sha1Ms + f.deflateMs + f.parseMs;
    console.log(
      `| ${size} (${f.files} files, ${(f.bytes / 1e6).toFixed(0)} MB) | ${s(f.readMs)} | ${s(f.sha1Ms)} | ${s(f.deflateMs)} | ${s(f.parseMs)} | ${s(sum)} | ${r ? `${s(r.m("ours", "ms"))} / ${s(r.m("theirs", "ms"))}` : "-"} |`,
    );
  }
}
for (const cmd of what) {
  const small = rows.find((r) => r.cmd === cmd && r.size === "small");
  const large = rows.find((r) => r.cmd === cmd && r.size === "large");
  if (small && large) {
    /** @type {(who: Who) => string} */
    const x = (who) => (large.m(who, "ms") / small.m(who, "ms")).toFixed(1);
    console.log(`\n${cmd}: 10× the files costs sentry-ship ${x("ours")}× the time, sentry-cli ${x("theirs")}×.`);
  }
}
