// Append-only write-ahead journal. A write is acknowledged only after the bytes holding it are fdatasync'ed;
// appends that arrive while a flush is in flight share the next flush (group commit).
//
// Record layout: u32 payload length | u32 crc32(payload) | payload (UTF-8 JSON). Replay stops at the first
// short or corrupt record and truncates the file there, so a torn tail never prevents opening.
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readFileSync, fdatasync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

const HEADER = 8;
/** fdatasync runs inline while its moving average stays below this; otherwise on the thread pool. */
const SYNC_INLINE_BELOW_MS = 1;

export interface JournalEntry<T> {
  lsn: number;
  op: T;
}

export class Journal<T> {
  private pending: Buffer[] = [];
  private waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private flushing = false;
  private failed: Error | undefined;
  private bytes: number;
  private syncCostMs = 0;

  private constructor(
    readonly path: string,
    private readonly fd: number,
  ) {
    this.bytes = fstatSync(fd).size;
  }

  /** Opens (or creates) a journal file for appending. Call `Journal.replay` on it first. */
  static open<T>(path: string): Journal<T> {
    return new Journal<T>(path, openSync(path, 'a'));
  }

  /** Reads every intact record; cuts a torn or corrupt tail off the file. */
  static replay<T>(path: string): JournalEntry<T>[] {
    let buf: Buffer;
    try {
      buf = readFileSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const entries: JournalEntry<T>[] = [];
    let pos = 0;
    while (pos + HEADER <= buf.length) {
      const len = buf.readUInt32LE(pos);
      const sum = buf.readUInt32LE(pos + 4);
      const end = pos + HEADER + len;
      if (end > buf.length) break;
      const payload = buf.subarray(pos + HEADER, end);
      if (crc32(payload) !== sum) break;
      try {
        entries.push(JSON.parse(payload.toString('utf8')) as JournalEntry<T>);
      } catch {
        break;
      }
      pos = end;
    }
    if (pos < buf.length) {
      const fd = openSync(path, 'r+');
      try {
        ftruncateSync(fd, pos);
        fdatasyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    return entries;
  }

  get size(): number {
    return this.bytes;
  }

  /** Queues a record; the promise resolves once it is on stable storage. */
  append(entry: JournalEntry<T>): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const payload = Buffer.from(JSON.stringify(entry), 'utf8');
    const header = Buffer.allocUnsafe(HEADER);
    header.writeUInt32LE(payload.length, 0);
    header.writeUInt32LE(crc32(payload), 4);
    this.pending.push(header, payload);
    this.bytes += HEADER + payload.length;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.flushing) this.flush();
    return done;
  }

  private flush(): void {
    if (this.pending.length === 0) {
      // Waiters queued by drain() with nothing new to write are already durable.
      for (const w of this.waiters) w.resolve();
      this.waiters = [];
      return;
    }
    this.flushing = true;
    const data = Buffer.concat(this.pending);
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    const finish = (err: Error | null): void => {
      this.flushing = false;
      if (err) {
        // A journal that failed to write can no longer promise durability: refuse everything after it.
        this.failed = err;
        for (const w of waiters) w.reject(err);
        for (const w of this.waiters) w.reject(err);
        this.waiters = [];
        this.pending = [];
        return;
      }
      for (const w of waiters) w.resolve();
      this.flush();
    };
    // The write itself only copies into the page cache, so it is done synchronously; the fdatasync is the slow
    // part and runs on the thread pool, one hop instead of two.
    try {
      let offset = 0;
      while (offset < data.length) offset += writeSync(this.fd, data, offset, data.length - offset);
    } catch (err) {
      finish(err as Error);
      return;
    }
    if (this.syncCostMs < SYNC_INLINE_BELOW_MS) {
      // On a fast disk an inline fdatasync is cheaper than a thread-pool round trip. Finishing in setImmediate
      // lets requests that arrived meanwhile be applied first, so they share the next flush.
      const started = performance.now();
      try {
        fdatasyncSync(this.fd);
      } catch (err) {
        finish(err as Error);
        return;
      }
      this.noteSyncCost(performance.now() - started);
      setImmediate(() => finish(null));
    } else {
      // A slow disk must not stall the event loop (in VS Code: the shared extension host).
      const started = performance.now();
      fdatasync(this.fd, (syncErr) => {
        this.noteSyncCost(performance.now() - started);
        finish(syncErr);
      });
    }
  }

  /** A moving average, so one slow sync (a new file's metadata, a busy disk) does not flip the mode. */
  private noteSyncCost(ms: number): void {
    this.syncCostMs = 0.9 * this.syncCostMs + 0.1 * ms;
  }

  /** Waits until everything appended so far is durable. */
  async drain(): Promise<void> {
    if (!this.flushing && this.pending.length === 0) return;
    await new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Synchronous append for shutdown paths. */
  appendSync(entry: JournalEntry<T>): void {
    const payload = Buffer.from(JSON.stringify(entry), 'utf8');
    const header = Buffer.allocUnsafe(HEADER);
    header.writeUInt32LE(payload.length, 0);
    header.writeUInt32LE(crc32(payload), 4);
    writeSync(this.fd, Buffer.concat([header, payload]));
    fdatasyncSync(this.fd);
    this.bytes += HEADER + payload.length;
  }

  async close(): Promise<void> {
    await this.drain();
    closeSync(this.fd);
  }
}
