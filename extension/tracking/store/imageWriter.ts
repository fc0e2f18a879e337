// Incremental checkpoints: a new image of the database is compared page by page with the last one written, and
// only the pages that changed reach the disk, through a double-write file so that tracking.db, rewritten in
// place, is never left torn.
//
// One write: the changed pages and the new file length go to `tracking.db.pages` (header, records of page number
// + bytes, CRC32 over it all), which is fsync'ed with its folder; only then are the pages written into
// tracking.db at their offsets, the file cut or grown to the new length and fsync'ed, and the pages file removed.
// A crash before the pages file is durable leaves tracking.db untouched (the torn pages file fails its CRC and is
// dropped on open); a crash after it leaves a complete pages file that `readImage` writes again into tracking.db
// (idempotent) before reading it.
//
// The last image is remembered as one SHA-1 per page (20 bytes per page, not a copy of the image): comparing two
// copies is a little faster, but would keep a second image in memory between checkpoints, and both are cheap
// beside sql.js's export itself. Hashing runs in slices that yield to the event loop.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { CHECKPOINT_FILE, fsyncDir, writeFileAtomic } from './durability';

export const PAGES_FILE = `${CHECKPOINT_FILE}.pages`;

const MAGIC = Buffer.from('MWBPAGES', 'latin1');
/** magic (8) | page size u32 | record count u32 | image length u64 */
const HEADER = 24;
const RECORD_HEAD = 4;
const HASH = 20;
/** Bytes hashed between two yields to the event loop (≈ 3 ms here). */
const SLICE_BYTES = 4 * 1024 * 1024;

export interface ImageWriteResult {
  /** Pages written into tracking.db (every page when the image was written whole). */
  pagesWritten: number;
  /** Bytes written to disk: the pages file plus the pages in place, or the whole image. */
  bytesWritten: number;
}

/** SQLite's page size from the image header, or undefined when the bytes are not a whole SQLite image. */
export function sqlitePageSize(image: Uint8Array): number | undefined {
  if (image.length < 100 || Buffer.from(image.buffer, image.byteOffset, 16).toString('latin1') !== 'SQLite format 3\0') return undefined;
  const raw = (image[16] << 8) | image[17];
  const size = raw === 1 ? 65536 : raw;
  if (size < 512 || (size & (size - 1)) !== 0 || image.length % size !== 0) return undefined;
  return size;
}

/** fsyncDir off the event loop: a folder's fsync can take milliseconds on a busy disk. */
async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** One SHA-1 per page, `HASH` bytes each, computed in slices that yield between them. */
async function hashPages(image: Uint8Array, pageSize: number): Promise<Buffer> {
  const pages = image.length / pageSize;
  const hashes = Buffer.allocUnsafe(pages * HASH);
  const perSlice = Math.max(1, Math.floor(SLICE_BYTES / pageSize));
  for (let p = 0; p < pages; p++) {
    if (p > 0 && p % perSlice === 0) await yieldToLoop();
    createHash('sha1').update(image.subarray(p * pageSize, (p + 1) * pageSize)).digest().copy(hashes, p * HASH);
  }
  return hashes;
}

/**
 * Builds the double-write file for `pages` of `image` (header, records, CRC32 of everything before it) into
 * `out`, pausing after every slice of SLICE_BYTES so that an async caller can yield between them.
 */
function* encodeSteps(image: Uint8Array, pageSize: number, pages: number[], out: Buffer): Generator<void> {
  MAGIC.copy(out, 0);
  out.writeUInt32LE(pageSize, 8);
  out.writeUInt32LE(pages.length, 12);
  out.writeBigUInt64LE(BigInt(image.length), 16);
  let crc = crc32(out.subarray(0, HEADER));
  let at = HEADER;
  let sliceStart = at;
  for (const p of pages) {
    out.writeUInt32LE(p, at);
    out.set(image.subarray(p * pageSize, (p + 1) * pageSize), at + RECORD_HEAD);
    at += RECORD_HEAD + pageSize;
    if (at - sliceStart >= SLICE_BYTES) {
      crc = crc32(out.subarray(sliceStart, at), crc);
      sliceStart = at;
      yield;
    }
  }
  crc = crc32(out.subarray(sliceStart, at), crc);
  out.writeUInt32LE(crc, at);
}

const encodedLength = (pageSize: number, count: number): number => HEADER + count * (RECORD_HEAD + pageSize) + 4;

/** The double-write file for `pages` of `image`, in one synchronous step (tests build crash states with it). */
export function encodePages(image: Uint8Array, pageSize: number, pages: number[]): Buffer {
  const out = Buffer.allocUnsafe(encodedLength(pageSize, pages.length));
  for (const _ of encodeSteps(image, pageSize, pages, out));
  return out;
}

interface PagesFile {
  pageSize: number;
  length: number;
  records: Array<{ page: number; bytes: Buffer }>;
}

/** A complete, CRC-valid pages file, or undefined for a torn or foreign one. */
export function decodePages(buf: Buffer): PagesFile | undefined {
  if (buf.length < HEADER + 4 || !buf.subarray(0, 8).equals(MAGIC)) return undefined;
  const pageSize = buf.readUInt32LE(8);
  const count = buf.readUInt32LE(12);
  const length = Number(buf.readBigUInt64LE(16));
  if (pageSize < 512 || pageSize > 65536 || length % pageSize !== 0) return undefined;
  const end = HEADER + count * (RECORD_HEAD + pageSize);
  if (buf.length !== end + 4 || crc32(buf.subarray(0, end)) !== buf.readUInt32LE(end)) return undefined;
  const records: PagesFile['records'] = [];
  for (let at = HEADER; at < end; at += RECORD_HEAD + pageSize) {
    const page = buf.readUInt32LE(at);
    if ((page + 1) * pageSize > length) return undefined;
    records.push({ page, bytes: buf.subarray(at + RECORD_HEAD, at + RECORD_HEAD + pageSize) });
  }
  return { pageSize, length, records };
}

/**
 * Finishes an image write a crash interrupted: a complete pages file is written (again) into tracking.db, a torn
 * one is dropped; either way the pages file is gone afterwards. Returns whether pages were redone.
 */
export function redoPages(dir: string): boolean {
  const pagesPath = join(dir, PAGES_FILE);
  let buf: Buffer;
  try {
    buf = readFileSync(pagesPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const file = decodePages(buf);
  const dbPath = join(dir, CHECKPOINT_FILE);
  // A pages file is only ever written over an existing image; without one it cannot be applied.
  const redo = file !== undefined && existsSync(dbPath);
  if (redo) {
    const fd = openSync(dbPath, 'r+');
    try {
      for (const { page, bytes } of file.records) writeSync(fd, bytes, 0, bytes.length, page * file.pageSize);
      ftruncateSync(fd, file.length);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  unlinkSync(pagesPath);
  fsyncDir(dir);
  return redo;
}

/**
 * The checkpoint image of a store folder, after finishing any interrupted image write; undefined if none.
 * A plain Uint8Array, not a Buffer: sql.js keeps a Buffer it is opened with as its file (Buffer's `slice` does
 * not copy) and would change the bytes an ImageWriter is still hashing as the image on disk.
 */
export function readImage(dir: string): Uint8Array | undefined {
  redoPages(dir);
  try {
    const bytes = readFileSync(join(dir, CHECKPOINT_FILE));
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Writes successive images of one database to `<dir>/tracking.db`, each as the pages that differ from the last.
 * Writes run one at a time, in call order. `known` is the image on disk when the writer starts (as `readImage`
 * returned it; hashed in the background, so nothing may change it); without it the first write replaces the file
 * whole.
 */
export class ImageWriter {
  private pageSize = 0;
  private length = 0;
  /** Per-page hashes of what tracking.db holds; undefined when unknown (nothing written yet, or a write failed). */
  private hashes: Buffer | undefined;
  private queue: Promise<unknown>;

  constructor(
    readonly dir: string,
    known?: Uint8Array,
  ) {
    this.queue = known ? this.remember(known).catch(() => undefined) : Promise.resolve();
  }

  write(image: Uint8Array): Promise<ImageWriteResult> {
    const result = this.queue.then(() => this.writeNow(image));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async remember(image: Uint8Array): Promise<void> {
    const pageSize = sqlitePageSize(image);
    this.hashes = undefined;
    if (pageSize === undefined) return;
    const hashes = await hashPages(image, pageSize);
    this.pageSize = pageSize;
    this.length = image.length;
    this.hashes = hashes;
  }

  private async writeNow(image: Uint8Array): Promise<ImageWriteResult> {
    const pageSize = sqlitePageSize(image);
    const old = this.hashes;
    if (!old || pageSize === undefined || pageSize !== this.pageSize) return this.writeWhole(image);
    const pages = image.length / pageSize;
    const oldPages = this.length / pageSize;
    const hashes = Buffer.allocUnsafe(pages * HASH);
    const changed: number[] = [];
    const perSlice = Math.max(1, Math.floor(SLICE_BYTES / pageSize));
    for (let p = 0; p < pages; p++) {
      if (p > 0 && p % perSlice === 0) await yieldToLoop();
      const at = p * HASH;
      createHash('sha1').update(image.subarray(p * pageSize, (p + 1) * pageSize)).digest().copy(hashes, at);
      if (p >= oldPages || hashes.compare(old, at, at + HASH, at, at + HASH) !== 0) changed.push(p);
    }
    if (changed.length === 0 && image.length === this.length) return { pagesWritten: 0, bytesWritten: 0 };
    // Twice the changed bytes (pages file, then in place) against the image once: past half, replace it whole.
    if (2 * changed.length * pageSize >= image.length) return this.writeWhole(image, hashes);
    this.hashes = undefined; // until tracking.db holds this image for sure
    const record = Buffer.allocUnsafe(encodedLength(pageSize, changed.length));
    for (const _ of encodeSteps(image, pageSize, changed, record)) await yieldToLoop();
    const pagesPath = join(this.dir, PAGES_FILE);
    const pagesFile = await open(pagesPath, 'w', 0o600);
    try {
      await pagesFile.writeFile(record);
      await pagesFile.sync();
    } finally {
      await pagesFile.close();
    }
    await syncFolder(this.dir);
    // The pages are durable: tracking.db may now be rewritten in place. Runs of adjacent pages go as one write.
    const db = await open(join(this.dir, CHECKPOINT_FILE), 'r+');
    try {
      for (let i = 0; i < changed.length; ) {
        let j = i + 1;
        while (j < changed.length && changed[j] === changed[j - 1] + 1) j++;
        const from = changed[i] * pageSize;
        const to = (changed[j - 1] + 1) * pageSize;
        await db.write(image, from, to - from, from);
        i = j;
      }
      if (image.length !== this.length) await db.truncate(image.length);
      await db.sync();
    } finally {
      await db.close();
    }
    await unlink(pagesPath);
    await syncFolder(this.dir);
    this.pageSize = pageSize;
    this.length = image.length;
    this.hashes = hashes;
    return { pagesWritten: changed.length, bytesWritten: record.length + changed.length * pageSize };
  }

  /** The first image (or one unlike the last): replaced atomically as a whole file. `hashes` if already known. */
  private async writeWhole(image: Uint8Array, hashes?: Buffer): Promise<ImageWriteResult> {
    this.hashes = undefined;
    // A pages file left by a failed write would be redone over the new image on the next open: finish it first.
    redoPages(this.dir);
    await writeFileAtomic(join(this.dir, CHECKPOINT_FILE), image);
    const pageSize = sqlitePageSize(image);
    if (hashes && pageSize) {
      this.pageSize = pageSize;
      this.length = image.length;
      this.hashes = hashes;
    } else await this.remember(image);
    return { pagesWritten: pageSize ? image.length / pageSize : 0, bytesWritten: image.length };
  }
}
