// Append-only segment files `<store>/points/<n>.seg` holding chunks back to back. Only the chunk index
// (metric_chunks, in the sql.js image) says where a chunk is, so the files need no framing of their own.
//
// Durability follows the image: a checkpoint fsyncs the segments, then records their ends (file number and
// length) in the image. On open every segment is cut back to its recorded end and unrecorded files are deleted:
// what lay beyond was written after the last checkpoint, and the journal replays those points again.
import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const SEGMENT_PATTERN = /^(\d+)\.seg$/;
/** A segment's recorded end: [file number, length]. */
export type SegmentEnd = [number, number];

export class SegmentFiles {
  private readonly fds = new Map<number, number>();
  private readonly sizes = new Map<number, number>();
  private readonly dirty = new Set<number>();
  private current = 0;
  private next = 1;
  /** A segment file was created since the last sync: the folder's entry must be made durable too. */
  private created = false;

  constructor(
    readonly dir: string,
    private readonly limitBytes: number,
  ) {}

  /** Brings the folder back to the recorded ends (undefined: none recorded, so no segment is known). */
  recover(recorded: readonly SegmentEnd[] | undefined): void {
    mkdirSync(this.dir, { recursive: true });
    const known = new Map(recorded ?? []);
    for (const name of readdirSync(this.dir)) {
      const m = SEGMENT_PATTERN.exec(name);
      if (!m) continue;
      const n = Number(m[1]);
      this.next = Math.max(this.next, n + 1);
      const end = known.get(n);
      if (end === undefined) {
        unlinkSync(join(this.dir, name));
        continue;
      }
      const fd = openSync(join(this.dir, name), 'r+');
      const size = statSync(join(this.dir, name)).size;
      if (size < end) {
        closeSync(fd);
        throw new Error(`Segment ${name} holds ${size} bytes, fewer than the ${end} the checkpoint recorded.`);
      }
      if (size > end) {
        ftruncateSync(fd, end);
        fsyncSync(fd);
      }
      this.fds.set(n, fd);
      this.sizes.set(n, end);
    }
    for (const [n, end] of known) {
      if (!this.fds.has(n)) throw new Error(`Segment ${n}.seg (${end} bytes) recorded by the checkpoint is missing.`);
      this.next = Math.max(this.next, n + 1);
    }
  }

  /** Appends bytes to the current segment (a new one once it passes the size limit); where they went. */
  append(bytes: Uint8Array): { segment: number; offset: number } {
    let size = this.current ? this.sizes.get(this.current)! : 0;
    if (!this.current || (size > 0 && size + bytes.length > this.limitBytes)) {
      this.current = this.next++;
      this.fds.set(this.current, openSync(this.path(this.current), 'w+'));
      this.sizes.set(this.current, 0);
      this.created = true;
      size = 0;
    }
    const fd = this.fds.get(this.current)!;
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, size + done);
    this.sizes.set(this.current, size + bytes.length);
    this.dirty.add(this.current);
    return { segment: this.current, offset: size };
  }

  read(segment: number, offset: number, length: number): Uint8Array {
    const fd = this.fds.get(segment);
    if (fd === undefined) throw new Error(`Segment ${segment} is not open.`);
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, offset + done);
      if (n === 0) throw new Error(`Segment ${segment} ends before ${offset + length}.`);
      done += n;
    }
    return out;
  }

  /** Starts a new segment for the next append (compaction writes into fresh files). */
  roll(): void {
    this.current = 0;
  }

  /** fsyncs every segment written since the last sync, and the folder when a segment was created. */
  sync(): void {
    for (const n of this.dirty) {
      const fd = this.fds.get(n);
      if (fd !== undefined) fsyncSync(fd);
    }
    this.dirty.clear();
    if (this.created) {
      const fd = openSync(this.dir, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      this.created = false;
    }
  }

  /** Every live segment's end, for the checkpoint to record. */
  ends(): SegmentEnd[] {
    return [...this.sizes].sort((a, b) => a[0] - b[0]);
  }

  totalBytes(): number {
    let t = 0;
    for (const s of this.sizes.values()) t += s;
    return t;
  }

  size(segment: number): number {
    return this.sizes.get(segment) ?? 0;
  }

  get active(): number {
    return this.current;
  }

  /** Forgets a segment (no longer recorded from now on); its file is deleted by unlink once that is durable. */
  retire(segment: number): void {
    const fd = this.fds.get(segment);
    if (fd !== undefined) closeSync(fd);
    this.fds.delete(segment);
    this.sizes.delete(segment);
    this.dirty.delete(segment);
    if (this.current === segment) this.current = 0;
  }

  unlink(segment: number): void {
    try {
      unlinkSync(this.path(segment));
    } catch {
      // already gone
    }
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private path(n: number): string {
    return join(this.dir, `${n}.seg`);
  }
}
