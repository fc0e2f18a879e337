// The unflushed tails at a checkpoint, in one small file `<store>/points/tails-<n>.bin`, so that a checkpoint
// need not flush every tail into a (small) chunk. Layout:
//   "MWTL" | u32 version | u32 records | per record: f64 run id, f64 key id, u32 length, a chunk (codec.ts) |
//   u32 crc32 of all before.
// A record is a piece of one series' tail in the order it was logged; a series' pieces follow each other. Pieces
// encoded for one checkpoint are kept with the tail and written again by the next, so each checkpoint encodes only
// the points logged since the last one.
// The image names the file only after it was fsync'ed, so a named file is complete: a file that does not read back
// is damage, and opening refuses it (as it refuses a segment shorter than its recorded end).
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { decodeChunk, encodeChunk, type ChunkPoints } from './codec';

const MAGIC = 0x4c54574d; // "MWTL" little-endian
const VERSION = 1;
const TAILS_PATTERN = /^tails-(\d+)\.bin$/;

export interface SeriesTail {
  runId: number;
  keyId: number;
  points: ChunkPoints;
}

export const tailsFileName = (n: number): string => `tails-${n}.bin`;

/** The numbers of the tails files in the folder. */
export function tailsFileNumbers(dir: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync(dir)) {
    const m = TAILS_PATTERN.exec(name);
    if (m) out.push(Number(m[1]));
  }
  return out;
}

/** One record: a piece of a series' tail (a series may have several, read back in order). */
export function encodeTailRecord(runId: number, keyId: number, points: ChunkPoints): Uint8Array {
  const chunk = encodeChunk(points);
  const out = new Uint8Array(20 + chunk.length);
  const view = new DataView(out.buffer);
  view.setFloat64(0, runId, true);
  view.setFloat64(8, keyId, true);
  view.setUint32(16, chunk.length, true);
  out.set(chunk, 20);
  return out;
}

/** Unpacks a tails file; throws when it is not whole. */
export function decodeTails(bytes: Uint8Array, name = 'tails file'): SeriesTail[] {
  const fail = (why: string): never => {
    throw new Error(`The checkpoint's ${name} is damaged (${why}); the store cannot be opened without losing points.`);
  };
  if (bytes.length < 16) fail('too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - 4;
  if (crc32(bytes.subarray(0, end)) !== view.getUint32(end, true)) fail('checksum mismatch');
  if (view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== VERSION) fail('unknown format');
  const count = view.getUint32(8, true);
  const out: SeriesTail[] = [];
  let pos = 12;
  for (let i = 0; i < count; i++) {
    if (pos + 20 > end) fail('truncated');
    const runId = view.getFloat64(pos, true);
    const keyId = view.getFloat64(pos + 8, true);
    const length = view.getUint32(pos + 16, true);
    pos += 20;
    if (pos + length > end) fail('truncated');
    out.push({ runId, keyId, points: decodeChunk(bytes.subarray(pos, pos + length)) });
    pos += length;
  }
  if (pos !== end) fail('length');
  return out;
}

/** Reads a named tails file; a missing or damaged one throws (the image that names it relies on it). */
export function readTailsFile(dir: string, name: string): SeriesTail[] {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(join(dir, name));
  } catch {
    throw new Error(`The checkpoint's ${name} is missing from ${dir}; the store cannot be opened without losing points.`);
  }
  return decodeTails(bytes, name);
}

/** Writes header, records and checksum, then fsyncs the file and its folder; a turn of the event loop between slices. */
export async function writeTailsFile(dir: string, name: string, records: readonly Uint8Array[]): Promise<void> {
  const head = new Uint8Array(12);
  const view = new DataView(head.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, records.length, true);
  const fh = await open(join(dir, name), 'w');
  try {
    let crc = crc32(head);
    let at = 0;
    const put = async (bytes: Uint8Array): Promise<void> => {
      let done = 0;
      while (done < bytes.length) done += (await fh.write(bytes, done, bytes.length - done, at + done)).bytesWritten;
      at += bytes.length;
    };
    await put(head);
    // Records in slices of about 1 MB: one write each, checksummed as they go.
    for (let i = 0; i < records.length; ) {
      let size = 0;
      let j = i;
      while (j < records.length && (j === i || size + records[j].length <= 1 << 20)) size += records[j++].length;
      const slice = new Uint8Array(size);
      let pos = 0;
      for (; i < j; i++) {
        slice.set(records[i], pos);
        pos += records[i].length;
      }
      crc = crc32(slice, crc);
      await put(slice);
    }
    const tail = new Uint8Array(4);
    new DataView(tail.buffer).setUint32(0, crc, true);
    await put(tail);
    await fh.sync();
  } finally {
    await fh.close();
  }
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function unlinkTailsFile(dir: string, n: number): void {
  try {
    unlinkSync(join(dir, tailsFileName(n)));
  } catch {
    // already gone
  }
}
