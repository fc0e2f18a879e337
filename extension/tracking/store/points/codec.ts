// One chunk: the points of one (run, key) series, sorted, packed. Layout:
//   u8 format | 3 bytes zero | u32 count | count × f64 value (raw, NaN/±Infinity as they are) |
//   steps, then timestamps: the first as a signed varint, the rest as signed varint deltas | u32 crc32 of all before.
// Values come first so that they start 8-byte aligned and decode as one copy. A signed varint is zigzag-like:
// the first byte carries the sign and the magnitude's low 6 bits, later bytes 7 bits each, with plain arithmetic
// (no 32-bit bit operations), exact for any safe integer. A chunk whose steps or timestamps are not all safe
// integers with safe deltas (an int64 beyond 2^53 arrives as the nearest double; two safe integers of opposite
// signs can lie more than 2^53 apart) keeps them as raw doubles instead (format 2). Steps +1 and timestamps a few ms apart cost 10 bytes a point.
import { crc32 } from 'node:zlib';

const FORMAT_VARINT = 1;
const FORMAT_RAW = 2;
const HEADER = 8;

export interface ChunkPoints {
  step: Float64Array;
  timestamp: Float64Array;
  value: Float64Array;
}

/** Largest encoding of one signed varint: 6 + 7·7 bits cover 2^55. */
const MAX_VARINT = 9;

function writeSigned(out: Uint8Array, pos: number, d: number): number {
  const neg = d < 0 ? 1 : 0;
  let m = neg ? -d : d;
  const low = m % 64;
  m = Math.floor(m / 64);
  out[pos++] = (m > 0 ? 0x80 : 0) + low * 2 + neg;
  while (m > 0) {
    const b = m % 128;
    m = Math.floor(m / 128);
    out[pos++] = (m > 0 ? 0x80 : 0) + b;
  }
  return pos;
}

/** Whether every value and every delta between neighbours is a safe integer (then deltas are exact). */
function allSafe(c: Float64Array, from: number, to: number): boolean {
  let prev = 0;
  for (let i = from; i < to; i++) {
    if (!Number.isSafeInteger(c[i]) || Math.abs(c[i] - prev) > Number.MAX_SAFE_INTEGER) return false;
    prev = c[i];
  }
  return true;
}

/** Packs points [from, to) of the three columns (already in the order they are to be read back). */
export function encodeChunk(p: ChunkPoints, from = 0, to = p.step.length): Uint8Array {
  const count = to - from;
  const varint = allSafe(p.step, from, to) && allSafe(p.timestamp, from, to);
  const intBytes = varint ? 2 * count * MAX_VARINT : 16 * count;
  const out = new Uint8Array(HEADER + 8 * count + intBytes + 4);
  const view = new DataView(out.buffer);
  out[0] = varint ? FORMAT_VARINT : FORMAT_RAW;
  view.setUint32(4, count, true);
  new Float64Array(out.buffer, HEADER, count).set(p.value.subarray(from, to));
  let pos = HEADER + 8 * count;
  for (const c of [p.step, p.timestamp]) {
    if (varint) {
      let prev = 0;
      for (let i = from; i < to; i++) {
        pos = writeSigned(out, pos, c[i] - prev);
        prev = c[i];
      }
    } else {
      for (let i = from; i < to; i++, pos += 8) view.setFloat64(pos, c[i], true);
    }
  }
  view.setUint32(pos, crc32(out.subarray(0, pos)), true);
  return out.slice(0, pos + 4);
}

export class ChunkCorruptError extends Error {}

/** Unpacks a chunk; throws ChunkCorruptError when its checksum or layout does not hold. */
export function decodeChunk(bytes: Uint8Array): ChunkPoints {
  if (bytes.length < HEADER + 4) throw new ChunkCorruptError('chunk too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - 4;
  if (crc32(bytes.subarray(0, end)) !== view.getUint32(end, true)) throw new ChunkCorruptError('chunk checksum mismatch');
  const format = bytes[0];
  const count = view.getUint32(4, true);
  if (HEADER + 8 * count > end || (format !== FORMAT_VARINT && format !== FORMAT_RAW)) throw new ChunkCorruptError('chunk layout');
  const value = new Float64Array(count);
  new Uint8Array(value.buffer).set(bytes.subarray(HEADER, HEADER + 8 * count));
  const step = new Float64Array(count);
  const timestamp = new Float64Array(count);
  let pos = HEADER + 8 * count;
  for (const c of [step, timestamp]) {
    if (format === FORMAT_RAW) {
      for (let i = 0; i < count; i++, pos += 8) c[i] = view.getFloat64(pos, true);
      continue;
    }
    let prev = 0;
    for (let i = 0; i < count; i++) {
      let b = bytes[pos++];
      const neg = b & 1;
      let m = (b & 0x7e) / 2;
      let scale = 64;
      while (b & 0x80) {
        if (pos >= end) throw new ChunkCorruptError('chunk varint');
        b = bytes[pos++];
        m += (b & 0x7f) * scale;
        scale *= 128;
      }
      prev += neg ? -m : m;
      c[i] = prev;
    }
  }
  if (pos !== end) throw new ChunkCorruptError('chunk length');
  return { step, timestamp, value };
}
