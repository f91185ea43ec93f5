#!/usr/bin/env node
// `sourcemaps upload`: sentry-ship against sentry-cli 3.8.0 on the same generated build, against
// an in-process embedded server whose chunk store is emptied before every run (so each run uploads
// everything). Alternating runs; medians of wall time, CPU time (user+sys) and peak RSS, measured
// with GNU time when /usr/bin/time exists, else by sampling /proc. CPU time is the steadier figure
// on a busy machine.
// Run after `npm run build`:  node bench/sourcemaps-upload.mjs [files=400] [runs=5]
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const files = Number(process.argv[2] ?? 400);
const runs = Number(process.argv[3] ?? 5);
const cliBinary = (() => {
  try {
    const pkg = require.resolve(`@sentry/cli-${process.platform}-${process.arch}/package.json`);
    return join(dirname(pkg), "bin", "sentry-cli");
  } catch {
    return join(dirname(require.resolve("@sentry/cli/package.json")), "bin", "sentry-cli");
  }
})();

/** A deterministic pseudo-minified module of about `size` bytes and its map. */
function makeModule(i, size) {
  let rand = i * 2654435761 % 4294967296;
  const next = () => (rand = (rand * 1103515245 + 12345) % 2147483648);
  const parts = [];
  const segs = [];
  let len = 0;
  let col = 0;
  while (len < size) {
    const name = `f${next() % 9973}`;
    const stmt = `function ${name}(a,b){return a*${next() % 100}+b};`;
    parts.push(stmt);
    segs.push(col === 0 ? "AAAA" : "SAASA");
    col += stmt.length;
    len += stmt.length;
  }
  const js = `${parts.join("")}\n//# sourceMappingURL=m${i}.js.map\n`;
  const map = JSON.stringify({
    version: 3,
    file: `m${i}.js`,
    sources: [`../src/m${i}.ts`],
    sourcesContent: [parts.join("\n")],
    names: ["x"],
    mappings: segs.join(","),
  });
  return { js, map };
}

function generate(dir) {
  for (let i = 0; i < files / 2; i++) {
    const sub = join(dir, "dist", `chunk${i % 10}`);
    mkdirSync(sub, { recursive: true });
    const { js, map } = makeModule(i, 8000 + (i % 7) * 3000);
    writeFileSync(join(sub, `m${i}.js`), js);
    writeFileSync(join(sub, `m${i}.js.map`), map);
  }
}

function peakOf(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /VmHWM:\s+(\d+) kB/.exec(s);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const gnuTime = existsSync("/usr/bin/time") && spawnSync("/usr/bin/time", ["-v", "true"]).status === 0;

function run(cmd, args, env, cwd) {
  if (gnuTime) {
    args = ["-v", cmd, ...args];
    cmd = "/usr/bin/time";
  }
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, cwd, stdio: ["ignore", "ignore", "pipe"] });
    let peak = 0;
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setInterval(() => (peak = Math.max(peak, peakOf(child.pid))), 5);
    child.on("exit", (code) => {
      clearInterval(timer);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) return reject(new Error(`${cmd} exited ${code}: ${stderr}`));
      let cpu = NaN;
      if (gnuTime) {
        const num = (re) => Number(re.exec(stderr)?.[1] ?? NaN);
        peak = num(/Maximum resident set size \(kbytes\): (\d+)/) * 1024;
        cpu = (num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/)) * 1000;
      }
      resolve({ ms, peak, cpu });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { startServer } = await import(pathToFileURL(join(root, "dist", "server", "index.js")).href);
const server = await startServer();
const work = mkdtempSync(join(tmpdir(), "ship-bench-upload-"));
try {
  generate(work);
  const env = {
    PATH: process.env.PATH,
    HOME: work,
    SENTRY_URL: `${server.url}/`,
    SENTRY_AUTH_TOKEN: server.token,
    SENTRY_ORG: "acme",
    SENTRY_PROJECT: "frontend",
    SENTRY_DISABLE_UPDATE_CHECK: "1",
  };
  const inj = spawnSync(cliBinary, ["sourcemaps", "inject", "dist"], { cwd: work, env, stdio: "ignore" });
  if (inj.status !== 0) throw new Error("sentry-cli inject failed");
  const bytes = spawnSync("du", ["-sb", join(work, "dist")], { encoding: "utf8" }).stdout.split("\t")[0];
  const reset = () => {
    server.state.chunks.clear();
    server.state.assembles.clear();
    server.state.bundles.length = 0;
    server.state.requests.length = 0;
  };
  const ours = { ms: [], peak: [], cpu: [] };
  const theirs = { ms: [], peak: [], cpu: [] };
  for (let i = 0; i < runs; i++) {
    reset();
    const a = await run(process.execPath, [join(root, "bin", "sentry-ship.js"), "sourcemaps", "upload", "dist"], env, work);
    ours.ms.push(a.ms);
    ours.peak.push(a.peak);
    ours.cpu.push(a.cpu);
    reset();
    const b = await run(cliBinary, ["sourcemaps", "upload", "dist"], env, work);
    theirs.ms.push(b.ms);
    theirs.peak.push(b.peak);
    theirs.cpu.push(b.cpu);
  }
  const mb = (n) => (n / (1024 * 1024)).toFixed(1);
  console.log(`sourcemaps upload: ${files} files, ${(Number(bytes) / 1e6).toFixed(1)} MB, median of ${runs} alternating runs`);
  console.log("| measure | sentry-ship | sentry-cli 3.8.0 | ratio |");
  console.log("|---|---:|---:|---:|");
  console.log(`| wall time (ms) | ${median(ours.ms).toFixed(0)} | ${median(theirs.ms).toFixed(0)} | ${(median(ours.ms) / median(theirs.ms)).toFixed(2)} |`);
  if (gnuTime) console.log(`| CPU time (ms) | ${median(ours.cpu).toFixed(0)} | ${median(theirs.cpu).toFixed(0)} | ${(median(ours.cpu) / median(theirs.cpu)).toFixed(2)} |`);
  console.log(`| peak RSS (MB) | ${mb(median(ours.peak))} | ${mb(median(theirs.peak))} | ${(median(ours.peak) / median(theirs.peak)).toFixed(2)} |`);
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
