/**
 * Uploaded chunks of one organization, keyed by SHA-1. Without `--data` they are kept in memory;
 * with it they are written to `<data>/chunks/<org id>/<sha1>` as they arrive and read back when a
 * bundle is assembled, so memory holds only their names. Either way the total is capped
 * (`limits.chunkStoreBytes`, shared by every organization of one server).
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeAtomic } from "./write-atomic.js";

export interface ChunkBudget {
  used: number;
  readonly limit: number;
}

export class ChunkStore {
  private readonly memory = new Map<string, Buffer>();
  private readonly onDisk = new Map<string, number>();

  constructor(
    private readonly budget: ChunkBudget,
    /** Folder for this organization's chunks (with `--data`), else undefined. */
    private readonly dir?: string,
  ) {}

  has(sha1: string): boolean {
    return this.memory.has(sha1) || this.onDisk.has(sha1);
  }

  get(sha1: string): Buffer | undefined {
    const m = this.memory.get(sha1);
    if (m) return m;
    if (!this.dir || !this.onDisk.has(sha1)) return undefined;
    try {
      return readFileSync(join(this.dir, sha1));
    } catch {
      return undefined;
    }
  }

  /** Would storing `bytes` more stay within the cap? */
  fits(bytes: number): boolean {
    return this.budget.used + bytes <= this.budget.limit;
  }

  /** Store a chunk (a no-op when it is already stored). Throws on a write failure. */
  set(sha1: string, data: Buffer): this {
    if (this.has(sha1)) return this;
    if (this.dir) {
      writeAtomic(join(this.dir, sha1), data);
      this.onDisk.set(sha1, data.length);
    } else {
      this.memory.set(sha1, Buffer.from(data));
    }
    this.budget.used += data.length;
    return this;
  }

  get size(): number {
    return this.memory.size + this.onDisk.size;
  }

  /** Forget chunks left on disk by an earlier run (they are not trusted across restarts). */
  static clearFolder(dir: string): void {
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
}
