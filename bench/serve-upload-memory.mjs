#!/usr/bin/env node
// Peak memory of `serve` while clients upload large bodies at once: CLIENTS envelopes, each with
// one MIB-MiB attachment, sent together to a spawned `serve` (the built bin/, so `npm run build`
// first). An answer of 503 or 429 is retried after a second, up to 10 times, as sentry-cli retries
// a 503. Prints every upload's statuses and serve's peak RSS (VmHWM, so Linux only).
//
//   node bench/serve-upload-memory.mjs [CLIENTS=5] [MIB=90]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const clients = Number(process.argv[2] ?? 5);
const mib = Number(process.argv[3] ?? 90);
const bin = join(import.meta.dirname, "..", "bin", "sentry-ship.js");

const proc = spawn(process.execPath, [bin, "--json", "serve", "--port", "0"], {
  env: { PATH: process.env.PATH, HOME: mkdtempSync(join(tmpdir(), "ship-bench-")) },
  stdio: ["ignore", "pipe", "inherit"],
});
/** @type {{ dsn: string }} */
const info = await new Promise((resolve, reject) => {
  let buf = "";
  proc.stdout.on("data", (/** @type {Buffer} */ c) => {
    buf += c.toString();
    const nl = buf.indexOf("\n");
    if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
  });
  proc.on("exit", (code) => reject(new Error(`serve exited ${code}`)));
});
const dsn = new URL(info.dsn);
const url = `${dsn.protocol}//${dsn.host}/api${dsn.pathname}/envelope/`;
const auth = `Sentry sentry_version=7, sentry_key=${dsn.username}, sentry_client=bench/1`;

const vmHWM = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
const MB = 1e6;
const before = vmHWM();

const size = mib * 1024 * 1024;
const payload = Buffer.alloc(size, 0x61);
const body = Buffer.concat([
  Buffer.from(`{}\n${JSON.stringify({ type: "attachment", length: size, filename: "big.bin" })}\n`),
  payload,
  Buffer.from("\n"),
]);

/** @param {number} i */
async function upload(i) {
  const statuses = [];
  for (let attempt = 0; attempt < 11; attempt++) {
    try {
      const res = await fetch(url, { method: "POST", body, headers: { "X-Sentry-Auth": auth } });
      await res.arrayBuffer();
      statuses.push(res.status);
      if (res.status !== 503 && res.status !== 429) break;
    } catch (e) {
      const err = /** @type {Error & { cause?: { code?: string } }} */ (e);
      statuses.push(`error: ${err.cause?.code ?? err.message}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return `upload ${i + 1}: ${statuses.join(", ")}`;
}

const t0 = performance.now();
const results = await Promise.all(Array.from({ length: clients }, (_, i) => upload(i)));
const seconds = ((performance.now() - t0) / 1000).toFixed(1);
for (const r of results) console.log(r);
console.log(
  `${clients} × ${mib} MiB in ${seconds} s; serve peak RSS (VmHWM): ${(vmHWM() / MB).toFixed(0)} MB (${(before / MB).toFixed(0)} MB after start)`,
);
proc.kill();
