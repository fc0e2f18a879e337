// The unflushed tails at a checkpoint, in one small file `<store>/points/tails-<n>.bin`, so that a checkpoint
// need not flush every tail into a (small) chunk. Layout:
//   "MWTL" | u32 version | u32 series | per series: f64 run id, f64 key id, u32 length, a chunk (codec.ts) |
//   u32 crc32 of all before.
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

/** Packs the tails (each in the order it is kept in memory). */
export function encodeTails(tails: Iterable<SeriesTail>): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 12;
  let count = 0;
  for (const t of tails) {
    const chunk = encodeChunk(t.points);
    const head = new Uint8Array(20);
    const view = new DataView(head.buffer);
    view.setFloat64(0, t.runId, true);
    view.setFloat64(8, t.keyId, true);
    view.setUint32(16, chunk.length, true);
    parts.push(head, chunk);
    total += 20 + chunk.length;
    count++;
  }
  const out = new Uint8Array(total + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, count, true);
  let pos = 12;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  view.setUint32(pos, crc32(out.subarray(0, pos)), true);
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

/** Writes the file and fsyncs it and its folder (off the event loop). */
export async function writeTailsFile(dir: string, name: string, bytes: Uint8Array): Promise<void> {
  const fh = await open(join(dir, name), 'w');
  try {
    let done = 0;
    while (done < bytes.length) done += (await fh.write(bytes, done, bytes.length - done, done)).bytesWritten;
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
