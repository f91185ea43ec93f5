import { chmodSync, existsSync, linkSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  emptyRecoveryFiles,
  encodeUtf8,
  FileReplacer,
  noteListedFolder,
  pendingPath,
  type ReplaceOp,
  recyclesStorage,
  sparePath,
} from "../../src/sourcemaps/atomic-write.js";
import { tempDir } from "../support/runCli.js";

function files(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n), "utf8")]));
}

describe("encodeUtf8", () => {
  it("encodes as Buffer.from does, across the sizes where its buffer grows", () => {
    for (const unit of ["a", "é", "€", "😀", "\ud800"]) {
      for (const n of [0, 1, 100, 16_383, 16_384, 16_385, 65_536, 70_000]) {
        const text = unit.repeat(n);
        expect(encodeUtf8(text).equals(Buffer.from(text, "utf8")), `${unit} × ${n}`).toBe(true);
      }
    }
  });
});

describe("FileReplacer", () => {
  it("replaces a file through its pending file, keeping its permission bits, and leaves nothing behind", () => {
    const dir = tempDir("atomic-");
    const a = join(dir, "a.js");
    writeFileSync(a, "old");
    chmodSync(a, 0o640);
    const ops: string[] = [];
    const r = new FileReplacer({
      recycle: true,
      step: (op: ReplaceOp, p: string) => void ops.push(`${op} ${p.slice(dir.length + 1)}`),
    });
    r.writePending(a, "new content", 0o640);
    expect(files(dir)).toEqual({ "a.js": "old", "a.js.sentry-ship-pending": "new content" });
    r.commit(a, 3);
    expect(files(dir)).toEqual({ "a.js": "new content", "a.js.sentry-ship-spare": "old" });
    r.finish();
    expect(files(dir)).toEqual({ "a.js": "new content" });
    expect(statSync(a).mode & 0o777).toBe(0o640);
    expect(ops).toEqual(["write-pending a.js", "keep-old a.js", "commit a.js", "remove-spare a.js.sentry-ship-spare"]);
  });

  it("gives a carried-over file the new file's permission bits, and content of any size and alphabet", () => {
    const dir = tempDir("atomic-");
    const a = join(dir, "a.js");
    const b = join(dir, "b.js");
    writeFileSync(a, "a".repeat(100));
    writeFileSync(b, "b".repeat(100));
    chmodSync(a, 0o600);
    chmodSync(b, 0o755);
    const r = new FileReplacer({ recycle: true });
    const big = `${"é€😀x".repeat(40_000)}\u{10FFFF}`;
    r.writePending(a, "tiny", 0o600);
    r.commit(a, 100);
    // b's pending file is a's old inode (mode 0600): the mode b had is set on it.
    r.writePending(b, big, 0o755);
    r.commit(b, 100);
    r.finish();
    expect(statSync(a).mode & 0o777).toBe(0o600);
    expect(statSync(b).mode & 0o777).toBe(0o755);
    expect(readFileSync(b, "utf8")).toBe(big);
  });

  it("writes the next file's new content into the storage of the file it replaced", () => {
    const dir = tempDir("atomic-");
    const a = join(dir, "a.js");
    const b = join(dir, "b.js");
    writeFileSync(a, "a".repeat(5000));
    writeFileSync(b, "b".repeat(6000));
    const inodeA = statSync(a).ino;
    const r = new FileReplacer({ recycle: true });
    r.writePending(a, "A".repeat(5100), 0o644);
    r.commit(a, 5000);
    r.writePending(b, "B".repeat(6100), 0o644);
    // b's pending file is a's old inode, overwritten from the start and cut to length.
    expect(statSync(pendingPath(b)).ino).toBe(inodeA);
    r.commit(b, 6000);
    r.finish();
    expect(files(dir)).toEqual({ "a.js": "A".repeat(5100), "b.js": "B".repeat(6100) });
  });

  it("never writes into storage another name still holds: a hard link elsewhere keeps the old content", () => {
    const dir = tempDir("atomic-");
    const a = join(dir, "a.js");
    const b = join(dir, "b.js");
    writeFileSync(a, "old a");
    writeFileSync(b, "old b");
    linkSync(a, join(dir, "elsewhere"));
    const r = new FileReplacer({ recycle: true });
    r.writePending(a, "new a", 0o644);
    r.commit(a, 5);
    r.writePending(b, "new b", 0o644);
    r.commit(b, 5);
    r.finish();
    expect(files(dir)).toEqual({ "a.js": "new a", "b.js": "new b", elsewhere: "old a" });
  });

  it("reuses, then removes, the spares and pending files an interrupted run left", () => {
    const dir = tempDir("atomic-");
    const a = join(dir, "a.js");
    writeFileSync(a, "old");
    writeFileSync(sparePath(join(dir, "gone.js")), "left by a killed run");
    writeFileSync(pendingPath(a), "a half-written pending file");
    const rec = emptyRecoveryFiles();
    noteListedFolder(rec, dir, readdirSync(dir));
    expect(rec.spares).toEqual([sparePath(join(dir, "gone.js"))]);
    expect([...rec.pending]).toEqual([pendingPath(a)]);
    const r = new FileReplacer({ recovery: rec, recycle: true });
    r.writePending(a, "new", 0o644);
    r.commit(a, 3);
    r.finish();
    expect(files(dir)).toEqual({ "a.js": "new" });
  });

  it("cuts reused storage to the new length only when it held more", () => {
    const dir = tempDir("atomic-");
    const [a, b, c] = ["a.js", "b.js", "c.js"].map((n) => join(dir, n)) as [string, string, string];
    writeFileSync(a, "a".repeat(9000));
    writeFileSync(b, "b".repeat(10));
    writeFileSync(c, "c".repeat(10));
    const r = new FileReplacer({ recycle: true });
    r.writePending(a, "A".repeat(9100), 0o644);
    r.commit(a, 9000);
    // b's pending file is a's old storage (9000 bytes), c's is b's (10 bytes).
    r.writePending(b, "B".repeat(20), 0o644);
    r.commit(b, 10);
    r.writePending(c, "C".repeat(30), 0o644);
    r.commit(c, 10);
    r.finish();
    expect(files(dir)).toEqual({ "a.js": "A".repeat(9100), "b.js": "B".repeat(20), "c.js": "C".repeat(30) });
  });

  it("replaces files the plain way when storage is not recycled: a new pending file, no link, no spare", () => {
    const dir = tempDir("atomic-");
    const a = join(dir, "a.js");
    const b = join(dir, "b.js");
    writeFileSync(a, "old a");
    writeFileSync(b, "old b");
    chmodSync(b, 0o600);
    const ops: ReplaceOp[] = [];
    const r = new FileReplacer({ recycle: false, step: (op) => void ops.push(op) });
    r.writePending(a, "new a", 0o644);
    r.commit(a, 5);
    expect(files(dir)).toEqual({ "a.js": "new a", "b.js": "old b" });
    r.writePending(b, "new b, longer", 0o600);
    r.commit(b, 5);
    r.finish();
    expect(files(dir)).toEqual({ "a.js": "new a", "b.js": "new b, longer" });
    expect(statSync(b).mode & 0o777).toBe(0o600);
    expect(ops).toEqual(["write-pending", "commit", "write-pending", "commit"]);
  });

  const tmpfs = readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .map((l) => l.split(" "))
    .find((f) => f[2] === "tmpfs" && f[1] === "/dev/shm")?.[1];
  it.skipIf(tmpfs === undefined)("recycles storage everywhere but on tmpfs", () => {
    expect(recyclesStorage(tmpfs!)).toBe(false);
    const here = readFileSync("/proc/mounts", "utf8").includes(" / ext4 ");
    if (here) expect(recyclesStorage("/")).toBe(true);
    expect(recyclesStorage(join(tmpfs!, "no such folder"))).toBe(true);
  });

  it("removes a pending file on request, and only when there is one", () => {
    const dir = tempDir("atomic-");
    const a = join(dir, "a.js");
    const ops: ReplaceOp[] = [];
    const r = new FileReplacer({ step: (op) => void ops.push(op) });
    r.removePending(a);
    writeFileSync(pendingPath(a), "x");
    r.removePending(a);
    expect(existsSync(pendingPath(a))).toBe(false);
    expect(ops).toEqual(["remove-pending"]);
  });
});
