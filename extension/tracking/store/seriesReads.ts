// Chart reads of one metric: step-ranged points, columnar (no object per point), and a downsampled series
// answered from the chunk summaries of the point store (points/), so a long history costs few decoded chunks.
//
// Downsampling: the range [minStep, maxStep] is cut into `buckets` equal buckets of steps. A chunk whose steps lie
// wholly inside one bucket contributes its summary (points/summary.ts); only chunks straddling a bucket edge or
// the range's ends, and the unflushed tail, are read point by point. So each bucket's first, minimum, maximum and
// last point are exact. A range holding few points is answered with all of them.
import type { GetMetricSeriesResponse, SeriesAxis } from '../rest/types';
import type { ChunkPoints } from './points/codec';
import type { ChunkRow, PointStore } from './points/pointStore';
import { BlockAcc } from './points/summary';

/** One metric's points, columnar, in step order (then timestamp, value); NaN stays NaN. */
export interface ColumnarPoints {
  step: Float64Array;
  timestamp: Float64Array;
  value: Float64Array;
}

export interface StepBounds {
  minStep: number;
  maxStep: number;
}

export interface SeriesQuery {
  axis: SeriesAxis;
  /** Inclusive x range (steps, or epoch ms on the time axis); the whole history when absent. */
  from?: number;
  to?: number;
  buckets: number;
}

export const MIN_SERIES_BUCKETS = 16;
export const MAX_SERIES_BUCKETS = 4096;
/** Up to this many finite points per bucket, a range is answered with every point. */
const RAW_PER_BUCKET = 4;

/** Every point of a metric (only steps in `range` when given), in stored order (step, timestamp, value). */
export function readMetricPointsColumnar(points: PointStore, runId: number, keyId: number, range?: StepBounds): ColumnarPoints {
  return points.readSeries(runId, keyId, range);
}

type Point = [number, number, number];
type Extent = NonNullable<GetMetricSeriesResponse['extent']>;

// Indexes into ChunkRow.summary (SUMMARY_COLUMNS).
const FINITE = 1;
const FIRST_STEP = 2;
const LAST_STEP = 5;
const MIN_TIME = 14;
const MAX_TIME = 15;
const num = (r: ChunkRow, i: number): number => r.summary[i] as number;

/** A series' pieces: its chunks (decoded only when asked) and its tail. */
class Pieces {
  readonly rows: ChunkRow[];
  readonly tail: ChunkPoints | undefined;

  constructor(
    readonly points: PointStore,
    readonly runId: number,
    readonly keyId: number,
    lo?: number,
    hi?: number,
  ) {
    this.rows = points.chunkRows(runId, keyId, lo, hi);
    this.tail = points.tailOf(runId, keyId);
  }

  /** Visits the finite points of a chunk. */
  each(p: ChunkPoints, visit: (step: number, ts: number, value: number) => void): void {
    for (let i = 0; i < p.step.length; i++) if (Number.isFinite(p.value[i])) visit(p.step[i], p.timestamp[i], p.value[i]);
  }
}

/** The finite points' extent: chunk summaries plus the tail. */
function extentOf(pc: Pieces): Extent | undefined {
  let e: Extent | undefined;
  const widen = (s0: number, s1: number, t0: number, t1: number): void => {
    if (!e) e = { min_step: s0, max_step: s1, min_time: t0, max_time: t1 };
    else {
      e.min_step = Math.min(e.min_step, s0);
      e.max_step = Math.max(e.max_step, s1);
      e.min_time = Math.min(e.min_time, t0);
      e.max_time = Math.max(e.max_time, t1);
    }
  };
  for (const r of pc.rows) if (num(r, FINITE) > 0) widen(num(r, FIRST_STEP), num(r, LAST_STEP), num(r, MIN_TIME), num(r, MAX_TIME));
  if (pc.tail) pc.each(pc.tail, (s, t) => widen(s, s, t, t));
  return e;
}

/** The least and greatest step of a finite point with a timestamp in [from, to] (exact); undefined when none. */
function stepsForTime(pc: Pieces, from: number, to: number): StepBounds | undefined {
  const rows = pc.rows.filter((r) => num(r, FINITE) > 0 && num(r, MIN_TIME) <= to && num(r, MAX_TIME) >= from);
  let lo = Infinity;
  let hi = -Infinity;
  const take = (s: number, t: number): void => {
    if (t < from || t > to) return;
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  };
  if (pc.tail) pc.each(pc.tail, take);
  // The lowest step: chunks in order of their first step, until none can hold a lower one; the highest alike.
  for (const r of [...rows].sort((a, b) => a.minStep - b.minStep)) {
    if (r.minStep >= lo) break;
    pc.each(pc.points.decode(r), take);
  }
  for (const r of [...rows].sort((a, b) => b.maxStep - a.maxStep)) {
    if (r.maxStep <= hi) break;
    pc.each(pc.points.decode(r), take);
  }
  return lo === Infinity ? undefined : { minStep: lo, maxStep: hi };
}

const lexLess = (a: Point, b: Point): boolean => a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])));

/** The nearest finite point before `step` (dir DESC: the greatest below it) or after it (ASC: the least above). */
function neighbour(pc: Pieces, step: number, dir: 'ASC' | 'DESC'): Point | undefined {
  let best: Point | undefined;
  const take = (s: number, t: number, v: number): void => {
    if (dir === 'DESC' ? s >= step : s <= step) return;
    const p: Point = [s, t, v];
    if (!best || (dir === 'DESC' ? lexLess(best, p) : lexLess(p, best))) best = p;
  };
  if (pc.tail) pc.each(pc.tail, take);
  const rows = pc.rows.filter((r) => num(r, FINITE) > 0 && (dir === 'DESC' ? r.minStep < step : r.maxStep > step));
  if (dir === 'DESC') rows.sort((a, b) => b.maxStep - a.maxStep);
  else rows.sort((a, b) => a.minStep - b.minStep);
  for (const r of rows) {
    if (best && (dir === 'DESC' ? r.maxStep < best[0] : r.minStep > best[0])) break;
    pc.each(pc.points.decode(r), take);
  }
  return best;
}

/**
 * The last finite point before `from` and the first after `to` in time (ordered by timestamp, step, value), to
 * draw the line across a window with no point in it.
 */
function timeNeighbours(pc: Pieces, from: number, to: number): Point[] {
  const before = (a: Point, b: Point): boolean => a[1] < b[1] || (a[1] === b[1] && (a[0] < b[0] || (a[0] === b[0] && a[2] < b[2])));
  const side = (dir: 'ASC' | 'DESC'): Point | undefined => {
    let best: Point | undefined;
    const take = (s: number, t: number, v: number): void => {
      if (dir === 'DESC' ? t >= from : t <= to) return;
      const p: Point = [s, t, v];
      if (!best || (dir === 'DESC' ? before(best, p) : before(p, best))) best = p;
    };
    if (pc.tail) pc.each(pc.tail, take);
    const rows = pc.rows.filter((r) => num(r, FINITE) > 0 && (dir === 'DESC' ? num(r, MIN_TIME) < from : num(r, MAX_TIME) > to));
    if (dir === 'DESC') rows.sort((a, b) => num(b, MAX_TIME) - num(a, MAX_TIME));
    else rows.sort((a, b) => num(a, MIN_TIME) - num(b, MIN_TIME));
    for (const r of rows) {
      if (best && (dir === 'DESC' ? num(r, MAX_TIME) < best[1] : num(r, MIN_TIME) > best[1])) break;
      pc.each(pc.points.decode(r), take);
    }
    return best;
  };
  return [side('DESC'), side('ASC')].filter((p): p is Point => p !== undefined);
}

class SeriesOut {
  readonly step: number[] = [];
  readonly timestamp: number[] = [];
  readonly value: number[] = [];

  push(step: number, ts: number, value: number): void {
    this.step.push(step);
    this.timestamp.push(ts);
    this.value.push(value);
  }

  /** A bucket's first, minimum, maximum and last point, each once, in (step, timestamp, value) order. */
  pushBucket(a: BlockAcc): void {
    const pts: Array<[number, number, number]> = [
      [a.firstStep, a.firstTs, a.firstValue],
      [a.minStep, a.minTs, a.minValue],
      [a.maxStep, a.maxTs, a.maxValue],
      [a.lastStep, a.lastTs, a.lastValue],
    ];
    pts.sort((p, q) => p[0] - q[0] || p[1] - q[1] || p[2] - q[2]);
    for (let i = 0; i < pts.length; i++) {
      const p = pts[i];
      const prev = pts[i - 1];
      if (prev && prev[0] === p[0] && prev[1] === p[1] && prev[2] === p[2]) continue;
      this.push(p[0], p[1], p[2]);
    }
  }
}

/** A chart's line for one metric (see the top of the file); `total` counts every point of the history. */
export function readMetricSeries(points: PointStore, runId: number, keyId: number, total: number, q: SeriesQuery): GetMetricSeriesResponse {
  const out = new SeriesOut();
  const pc = new Pieces(points, runId, keyId);
  const extent = extentOf(pc);
  const answer = (exact: boolean): GetMetricSeriesResponse => {
    const r: GetMetricSeriesResponse = { total, exact, step: out.step, timestamp: out.timestamp, value: out.value };
    if (extent) r.extent = extent;
    return r;
  };
  if (!extent) return answer(true);
  const w = Math.max(MIN_SERIES_BUCKETS, Math.min(MAX_SERIES_BUCKETS, Math.round(Number.isFinite(q.buckets) ? q.buckets : 1000)));
  let bounds: StepBounds | undefined;
  if (q.axis === 'time') {
    const from = q.from ?? extent.min_time;
    const to = q.to ?? extent.max_time;
    bounds = stepsForTime(pc, from, to);
    if (!bounds) {
      // No point in the window (e.g. zoomed into a pause of the run): the points on either side draw the line across.
      for (const p of timeNeighbours(pc, from, to)) out.push(...p);
      return answer(true);
    }
  } else {
    bounds = { minStep: Math.ceil(q.from ?? extent.min_step), maxStep: Math.floor(q.to ?? extent.max_step) };
  }
  const { minStep, maxStep } = bounds;
  const before = neighbour(pc, minStep, 'DESC');
  if (before) out.push(...before);
  const exact = minStep > maxStep || downsample(pc, minStep, maxStep, w, out);
  const after = neighbour(pc, maxStep, 'ASC');
  if (after) out.push(...after);
  return answer(exact);
}

/** How [minStep, maxStep] is cut into `w` equal buckets of steps: the bucket of a step. */
export function planBuckets(minStep: number, maxStep: number, w: number): { bucketOf: (step: number) => number } {
  const width = (maxStep - minStep + 1) / w;
  return { bucketOf: (step) => Math.max(0, Math.min(w - 1, Math.floor((step - minStep) / width))) };
}

/** Appends the range's points to `out`: all of them (returns true) or per bucket its four (returns false). */
function downsample(pc: Pieces, minStep: number, maxStep: number, w: number, out: SeriesOut): boolean {
  const { bucketOf } = planBuckets(minStep, maxStep, w);
  const buckets: (BlockAcc | undefined)[] = new Array(w);
  const add = (s: number, t: number, v: number): void => {
    if (s >= minStep && s <= maxStep) (buckets[bucketOf(s)] ??= new BlockAcc()).add(s, t, v);
  };
  for (const r of pc.rows) {
    if (r.maxStep < minStep || r.minStep > maxStep) continue;
    const b = bucketOf(r.minStep);
    if (r.minStep >= minStep && r.maxStep <= maxStep && bucketOf(r.maxStep) === b) {
      // Wholly inside one bucket: its summary is that of its points.
      (buckets[b] ??= new BlockAcc()).mergeRow(r.summary);
      continue;
    }
    const p = pc.points.decode(r);
    for (let i = 0; i < p.step.length; i++) add(p.step[i], p.timestamp[i], p.value[i]);
  }
  if (pc.tail) for (let i = 0; i < pc.tail.step.length; i++) add(pc.tail.step[i], pc.tail.timestamp[i], pc.tail.value[i]);
  let finite = 0;
  for (const b of buckets) if (b) finite += b.finite;
  if (finite <= RAW_PER_BUCKET * w) {
    const raw = pc.points.readSeries(pc.runId, pc.keyId, { minStep, maxStep });
    for (let i = 0; i < raw.step.length; i++) if (Number.isFinite(raw.value[i])) out.push(raw.step[i], raw.timestamp[i], raw.value[i]);
    return true;
  }
  for (const b of buckets) if (b && b.finite > 0) out.pushBucket(b);
  return false;
}
