// Whole metric histories read as typed columns and written out as get-history's JSON in pieces.
// A history can hold millions of points: objects per point and one giant string are what made a
// 100,000-point get-history slow, so rows are read into Float64Arrays and serialised a slice at a time,
// each slice as bytes the server can put on the socket while the next one is built. The columns and the
// slices can live in memory reused from one answer to the next (HistoryScratch, see warmPool.ts).
import type { Metric } from '../rest/types';
import type { PointStore } from './points/pointStore';
import { roundedSize, WarmPool } from './warmPool';

/** JSON bytes in order, made as they are taken; a slice may be overwritten by the next one (see historyJsonSlices). */
export type JsonSlices = Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** One metric's points in MLflow's order (timestamp, step, value); `value` is NaN where the point is NaN. */
export interface HistoryColumns {
  readonly key: string;
  readonly length: number;
  readonly step: Float64Array;
  readonly timestamp: Float64Array;
  readonly value: Float64Array;
}

/**
 * Scratch memory for history answers, reused between them: the three read columns and the JSON slice bytes,
 * and the bytes a worker thread writes (parallelHistoryJson.ts). What a worker reads or writes is shared memory.
 */
export class HistoryScratch {
  /** Up to 262,144 points (6 MB) are kept warm; longer histories read into memory of their own. */
  readonly columns = new WarmPool<Float64Array[]>(
    (points) => {
      const size = roundedSize(points, 1024);
      return [0, 1, 2].map(() => new Float64Array(new SharedArrayBuffer(size * Float64Array.BYTES_PER_ELEMENT)));
    },
    (columns) => columns[0].length,
    1 << 18,
  );
  readonly bytes = new WarmPool<Buffer>((size) => Buffer.allocUnsafe(roundedSize(size, 1 << 16)), (b) => b.length, 1 << 22);
  readonly shared = new WarmPool<Uint8Array>((size) => new Uint8Array(new SharedArrayBuffer(roundedSize(size, 1 << 20))), (b) => b.length, 1 << 24, 1);
}

/**
 * One metric's points, sorted in MLflow's order. `into` (three columns, e.g. from HistoryScratch) receives the
 * points when they fit; the result may then be views of it, valid until it is reused.
 */
export function readHistoryColumns(points: PointStore, runId: number, keyId: number, key: string, into?: Float64Array[]): HistoryColumns {
  const { step, timestamp, value } = points.readSeries(runId, keyId, undefined, into);
  const rows = step.length;
  // Points come in stored order (by step); timestamps almost always grow with steps, so MLflow's order rarely needs a sort.
  let sorted = true;
  for (let i = 1; i < rows; i++) {
    if (timestamp[i - 1] > timestamp[i] || (timestamp[i - 1] === timestamp[i] && step[i - 1] > step[i])) sorted = false;
  }
  if (sorted) return { key, length: rows, step: step.subarray(0, rows), timestamp: timestamp.subarray(0, rows), value: value.subarray(0, rows) };
  const order = Array.from({ length: rows }, (_, i) => i).sort((a, b) => timestamp[a] - timestamp[b] || step[a] - step[b] || value[a] - value[b]);
  const pick = (c: Float64Array): Float64Array => Float64Array.from(order, (i) => c[i]);
  return { key, length: rows, step: pick(step), timestamp: pick(timestamp), value: pick(value) };
}

export function historyMetrics(h: HistoryColumns, from = 0, to = h.length): Metric[] {
  const out: Metric[] = new Array<Metric>(Math.max(0, to - from));
  for (let i = from; i < to; i++) out[i - from] = { key: h.key, value: h.value[i], timestamp: h.timestamp[i], step: h.step[i] };
  return out;
}

/** Points per slice: big enough that slices are few, small enough that the first bytes leave early. */
export const SLICE_POINTS = 4096;
/** Bytes a point may take beyond its key and formatted value: the two integers and a non-finite value's name (24 characters at most each), and the field names. */
const POINT_BYTES = 3 * 24 + 40;
/** The longest shortest-round-trip form of a double, e.g. `-2.2250738585072014e-308`. */
const MAX_VALUE_CHARS = 24;

const TIMESTAMP_FIELD = Buffer.from(',"timestamp":');
const STEP_FIELD = Buffer.from(',"step":');

const COMMA = 0x2c;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const ZERO = 0x30;
const MINUS = 0x2d;

/** Writes a safe integer's decimal digits, as JSON.stringify would print it (-0 as 0). */
function writeInteger(out: Uint8Array, pos: number, v: number): number {
  if (v < 0) {
    out[pos++] = MINUS;
    v = -v;
  }
  if (v < 1e8) return writeSmallInteger(out, pos, v);
  // Timestamps have 13 digits: the low eight are written in int32 arithmetic, which is cheaper than doubles.
  const high = Math.floor(v / 1e8);
  pos = writeInteger(out, pos, high);
  let low = v - high * 1e8;
  for (let i = pos + 7; i >= pos; i--) {
    const q = (low / 10) | 0;
    out[i] = ZERO + low - q * 10;
    low = q;
  }
  return pos + 8;
}

/** 0 ≤ v < 1e8. */
function writeSmallInteger(out: Uint8Array, pos: number, v: number): number {
  const end = pos + (v < 10 ? 1 : v < 100 ? 2 : v < 1e3 ? 3 : v < 1e4 ? 4 : v < 1e5 ? 5 : v < 1e6 ? 6 : v < 1e7 ? 7 : 8);
  for (let i = end - 1; i >= pos; i--) {
    const q = (v / 10) | 0;
    out[i] = ZERO + v - q * 10;
    v = q;
  }
  return end;
}

/** ASCII text (a number's shortest round-trip form, or a quoted non-finite name). */
function writeAscii(out: Uint8Array, pos: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[pos++] = text.charCodeAt(i);
  return pos;
}

/** A number in MLflow's protobuf JSON: non-finite values as the strings "NaN", "Infinity", "-Infinity". */
function writeNumber(out: Uint8Array, pos: number, v: number): number {
  if (Number.isSafeInteger(v)) return writeInteger(out, pos, v);
  if (Number.isFinite(v)) return writeAscii(out, pos, String(v));
  return writeAscii(out, pos, Number.isNaN(v) ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"');
}

/**
 * Writes the JSON array of a history (`[{"key":…,"value":…,"timestamp":…,"step":…},…]`, exactly what
 * JSON.stringify makes of the points) one slice of SLICE_POINTS points at a time. No object or string per point
 * is made: a slice's values are formatted by one JSON.stringify of a plain number array (V8's own shortest
 * round-trip form, in C++) and spliced between the field names byte by byte; integers are written digit by
 * digit. This does a long history in a fraction of the time of stringifying point objects.
 */
export class HistoryJsonWriter {
  readonly sliceCount: number;
  /** `{"key":…,"value":`, what every point starts with. */
  private readonly head: Buffer;
  private readonly values: number[] = [];

  constructor(private readonly h: HistoryColumns) {
    this.sliceCount = Math.max(1, Math.ceil(h.length / SLICE_POINTS));
    this.head = Buffer.from(`{"key":${JSON.stringify(h.key)},"value":`, 'utf8');
  }

  /** An upper bound on the bytes of slices [from, to), known before they are formatted. */
  maxBytes(from: number, to: number): number {
    const points = Math.min(this.h.length, to * SLICE_POINTS) - from * SLICE_POINTS;
    // Per point: its formatted value and the comma after it in `formatted`, and the rest; per slice: brackets.
    return points * (this.head.length + POINT_BYTES + MAX_VALUE_CHARS + 1) + 3 * (to - from);
  }

  /** Writes slice `i` into the buffer `take(size)` returns for its exact size bound; returns the bytes written. */
  write(i: number, take: (size: number) => Uint8Array): Uint8Array {
    const { h, values } = this;
    if (h.length === 0) {
      const out = take(2);
      out[0] = 0x5b;
      out[1] = CLOSE_BRACKET;
      return out.subarray(0, 2);
    }
    const start = i * SLICE_POINTS;
    const end = Math.min(h.length, start + SLICE_POINTS);
    values.length = 0;
    for (let p = start; p < end; p++) values.push(h.value[p]);
    // `[v0,v1,…]` (ASCII); a non-finite value appears as `null`, replaced below by MLflow's string for it.
    const formatted = JSON.stringify(values);
    const out = take(formatted.length + (end - start) * (this.head.length + POINT_BYTES) + 2);
    return writeSlice(h, start, end, formatted, out, this.head);
  }
}

/**
 * The slices [from, to) of a history's JSON (all of them by default), each written as it is taken. With `reuse`,
 * every slice is written into one buffer taken from it: a slice is then overwritten by the next, so the consumer
 * must be done with each (e.g. have it flushed to a socket) before taking the next.
 */
export function* historyJsonSlices(h: HistoryColumns, reuse?: WarmPool<Buffer>, from = 0, to?: number): Generator<Uint8Array> {
  const writer = new HistoryJsonWriter(h);
  let buffer: Buffer | undefined;
  const take = (size: number): Buffer => {
    if (!reuse) return Buffer.allocUnsafe(size);
    if (!buffer || buffer.length < size) {
      if (buffer) reuse.give(buffer);
      buffer = reuse.take(size);
    }
    return buffer;
  };
  try {
    for (let i = from; i < (to ?? writer.sliceCount); i++) yield writer.write(i, take);
  } finally {
    if (buffer) reuse?.give(buffer);
  }
}

/** Points [start, end) as JSON into `out`, values taken from `formatted`; returns the bytes written. */
function writeSlice(h: HistoryColumns, start: number, end: number, formatted: string, out: Uint8Array, head: Buffer): Uint8Array {
  let pos = 0;
  let k = 1; // just past the '['
  out[pos++] = start === 0 ? 0x5b /* [ */ : COMMA;
  for (let i = start; i < end; i++) {
    if (i > start) out[pos++] = COMMA;
    out.set(head, pos);
    pos += head.length;
    const v = h.value[i];
    if (Number.isFinite(v)) {
      let c: number;
      while ((c = formatted.charCodeAt(k)) !== COMMA && c !== CLOSE_BRACKET) {
        out[pos++] = c;
        k++;
      }
    } else {
      pos = writeNumber(out, pos, v);
      k += 4; // 'null'
    }
    k++; // the ',' or ']' after the value
    out.set(TIMESTAMP_FIELD, pos);
    pos = writeNumber(out, pos + TIMESTAMP_FIELD.length, h.timestamp[i]);
    out.set(STEP_FIELD, pos);
    pos = writeNumber(out, pos + STEP_FIELD.length, h.step[i]);
    out[pos++] = CLOSE_BRACE;
  }
  if (end === h.length) out[pos++] = CLOSE_BRACKET;
  return out.subarray(0, pos);
}
