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
// The last image written is remembered as one SHA-1 per page (20 bytes per page, not a copy of the image: an
// exact comparison with a kept copy is a little faster, but would hold a second image in memory between
// checkpoints; both are cheap beside sql.js's export). The first write after opening compares with tracking.db
// itself, read a slice at a time, so opening does no extra work and holds nothing more. Hashing and comparing run
// in slices that yield to the event loop.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
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

/** The checkpoint image of a store folder, after finishing any interrupted image write; undefined if none. */
export function readImage(dir: string): Uint8Array | undefined {
  redoPages(dir);
  try {
    return readFileSync(join(dir, CHECKPOINT_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Writes successive images of one database to `<dir>/tracking.db`, each as the pages that differ from what the
 * file holds. Writes run one at a time, in call order.
 */
export class ImageWriter {
  private pageSize = 0;
  private length = 0;
  /**
   * Per-page hashes of what tracking.db holds, after a write by this writer; undefined before the first write or
   * after a failed one: the next write then compares with the file itself.
   */
  private hashes: Buffer | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {}

  write(image: Uint8Array): Promise<ImageWriteResult> {
    const result = this.queue.then(() => this.writeNow(image));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async writeNow(image: Uint8Array): Promise<ImageWriteResult> {
    const pageSize = sqlitePageSize(image);
    if (pageSize === undefined || (this.hashes && pageSize !== this.pageSize)) return this.writeWhole(image);
    if (!this.hashes) redoPages(this.dir); // a failed write may have left a durable pages file: finish it first
    const diff = await this.diff(image, pageSize);
    if (!diff) return this.writeWhole(image); // no tracking.db yet
    const { changed, hashes, oldLength } = diff;
    const done = (): void => {
      this.pageSize = pageSize;
      this.length = image.length;
      this.hashes = hashes;
    };
    if (changed.length === 0 && image.length === oldLength) {
      done();
      return { pagesWritten: 0, bytesWritten: 0 };
    }
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
      if (image.length !== oldLength) await db.truncate(image.length);
      await db.sync();
    } finally {
      await db.close();
    }
    await unlink(pagesPath);
    await syncFolder(this.dir);
    done();
    return { pagesWritten: changed.length, bytesWritten: record.length + changed.length * pageSize };
  }

  /**
   * The pages of `image` that differ from tracking.db, and the new image's page hashes. Compares with the hashes
   * of the last write, or else with the file read a slice at a time; undefined when there is no file.
   */
  private async diff(image: Uint8Array, pageSize: number): Promise<{ changed: number[]; hashes: Buffer; oldLength: number } | undefined> {
    const old = this.hashes;
    let file: FileHandle | undefined;
    let oldLength = this.length;
    if (!old) {
      try {
        file = await open(join(this.dir, CHECKPOINT_FILE), 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    }
    try {
      if (file) oldLength = (await file.stat()).size;
      const pages = image.length / pageSize;
      const hashes = Buffer.allocUnsafe(pages * HASH);
      const changed: number[] = [];
      const perSlice = Math.max(1, Math.floor(SLICE_BYTES / pageSize));
      const onDisk = file ? Buffer.allocUnsafe(perSlice * pageSize) : undefined;
      for (let first = 0; first < pages; first += perSlice) {
        if (first > 0) await yieldToLoop();
        const end = Math.min(pages, first + perSlice);
        const read = file && onDisk ? (await file.read(onDisk, 0, (end - first) * pageSize, first * pageSize)).bytesRead : 0;
        for (let p = first; p < end; p++) {
          const page = image.subarray(p * pageSize, (p + 1) * pageSize);
          const at = p * HASH;
          createHash('sha1').update(page).digest().copy(hashes, at);
          let same: boolean;
          if (old) same = (p + 1) * pageSize <= oldLength && hashes.compare(old, at, at + HASH, at, at + HASH) === 0;
          else {
            const from = (p - first) * pageSize;
            same = from + pageSize <= read && onDisk!.compare(page, 0, pageSize, from, from + pageSize) === 0;
          }
          if (!same) changed.push(p);
        }
      }
      return { changed, hashes, oldLength };
    } finally {
      await file?.close();
    }
  }

  /** The first image (or one unlike the last): replaced atomically as a whole file. `hashes` if already known. */
  private async writeWhole(image: Uint8Array, hashes?: Buffer): Promise<ImageWriteResult> {
    this.hashes = undefined;
    // A pages file left by a failed write would be redone over the new image on the next open: finish it first.
    redoPages(this.dir);
    await writeFileAtomic(join(this.dir, CHECKPOINT_FILE), image);
    const pageSize = sqlitePageSize(image);
    // Without hashes, the next write compares with the file just written.
    if (hashes && pageSize) {
      this.pageSize = pageSize;
      this.length = image.length;
      this.hashes = hashes;
    }
    return { pagesWritten: pageSize ? image.length / pageSize : 0, bytesWritten: image.length };
  }
}
