// Chart reads of one metric: step-ranged points, columnar (no object per point), and a downsampled series
// answered from the block summaries (metricBlocks.ts), so a 1,000,000-point history costs a few thousand rows.
//
// Downsampling: the range [minStep, maxStep] is cut into `buckets` buckets whose edges are moved onto multiples
// of the chosen level's block size S (the coarsest S at most 1.25 buckets wide). Every block of that level then
// lies in exactly one bucket, so a bucket's first, minimum, maximum and last point are those of its blocks:
// exact, though read from summaries. The range's ends, which cut blocks, are covered by finer levels and, at
// last, by at most 63 raw steps on each side. A range holding few points is answered with all of them.
// Buckets narrower than 64/1.25 steps are answered from the raw points.
import type { GetMetricSeriesResponse, SeriesAxis } from '../rest/types';
import { BLOCK_COLUMNS, BlockAcc, blockSize, TOP_LEVEL } from './metricBlocks';
import type { Sqlite } from './sqlite';

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
/**
 * A level's blocks may be this much wider than a bucket: buckets snapped onto them keep at least 80 % of the
 * asked resolution, and a view reads up to 4 times fewer rows (1,000 buckets over 1,000,000 steps: 977 blocks
 * of 1024 steps rather than 3,907 of 256).
 */
const MAX_BLOCKS_PER_BUCKET_WIDTH = 1.25;
/** Up to this many finite points per bucket, a range is answered with every point. */
const RAW_PER_BUCKET = 4;
const MAX_FINITE = 1.7976931348623157e308;

/** Every point of a metric (only steps in `range` when given), from the clustered (run, key, step) key. */
export function readMetricPointsColumnar(db: Sqlite, runId: number, keyId: number, range?: StepBounds): ColumnarPoints {
  const ranged = range !== undefined;
  const where = ranged ? 'run_id = ? AND key_id = ? AND step BETWEEN ? AND ?' : 'run_id = ? AND key_id = ?';
  const params = ranged ? [runId, keyId, range.minStep, range.maxStep] : [runId, keyId];
  // Stepped through as typed columns (sqlite.ts): no array per row, which halves a long read.
  const { rows, columns } = db.numericColumns(`SELECT step, timestamp, value, is_nan FROM metrics WHERE ${where} ORDER BY step, timestamp, value`, params, 4);
  const [step, timestamp, value, isNan] = columns;
  for (let i = 0; i < rows; i++) if (isNan[i]) value[i] = NaN;
  return { step: step.subarray(0, rows), timestamp: timestamp.subarray(0, rows), value: value.subarray(0, rows) };
}

/** Where covered pieces go: the summary that a piece starting at `start` merges into. */
type Sink = (start: number) => BlockAcc;

/** Points of a step range, each merged into its sink. */
function visitRaw(db: Sqlite, runId: number, keyId: number, lo: number, hi: number, sink: Sink): void {
  const { rows, columns } = db.numericColumns('SELECT step, timestamp, value, is_nan FROM metrics WHERE run_id = ? AND key_id = ? AND step BETWEEN ? AND ?', [runId, keyId, lo, hi], 4, Math.min(hi - lo + 1, 65_536));
  const [step, ts, value, isNan] = columns;
  for (let i = 0; i < rows; i++) sink(step[i]).add(step[i], ts[i], isNan[i] ? NaN : value[i]);
}

/** Covers steps [lo, hi] exactly with whole blocks of `level` and below, in step order. */
function cover(db: Sqlite, runId: number, keyId: number, lo: number, hi: number, level: number, sink: Sink): void {
  if (lo > hi) return;
  if (level === 0) return visitRaw(db, runId, keyId, lo, hi, sink);
  const size = blockSize(level);
  const first = Math.ceil(lo / size);
  const last = Math.floor((hi + 1) / size) - 1;
  if (first > last) return cover(db, runId, keyId, lo, hi, level - 1, sink);
  cover(db, runId, keyId, lo, first * size - 1, level - 1, sink);
  const stmt = db.statement(`SELECT block, ${BLOCK_COLUMNS} FROM metric_blocks WHERE run_id = ? AND key_id = ? AND level = ? AND block BETWEEN ? AND ?`);
  try {
    stmt.bind([runId, keyId, level, first, last]);
    while (stmt.step()) {
      const row = stmt.get();
      sink((row[0] as number) * size).mergeRow(row, 1);
    }
  } finally {
    stmt.reset();
  }
  cover(db, runId, keyId, (last + 1) * size, hi, level - 1, sink);
}

type Extent = NonNullable<GetMetricSeriesResponse['extent']>;

/** The finite points' extent, from the top level's few rows. */
export function readSeriesExtent(db: Sqlite, runId: number, keyId: number): Extent | undefined {
  const r = db.rows(
    'SELECT min(first_step), max(last_step), min(min_time), max(max_time) FROM metric_blocks WHERE run_id = ? AND key_id = ? AND level = ? AND finite > 0',
    [runId, keyId, TOP_LEVEL],
  )[0];
  if (!r || r[0] === null) return undefined;
  return { min_step: r[0] as number, max_step: r[1] as number, min_time: r[2] as number, max_time: r[3] as number };
}

/**
 * The narrowest step bounds found, level by level, around every finite point with a timestamp in [from, to]:
 * exact when timestamps grow with steps, never too narrow otherwise. Undefined when no block reaches the range.
 */
export function stepsForTime(db: Sqlite, runId: number, keyId: number, from: number, to: number): StepBounds | undefined {
  const end = (dir: 'ASC' | 'DESC'): number | undefined => {
    let lo = -Number.MAX_VALUE;
    let hi = Number.MAX_VALUE;
    let found = false;
    for (let level = TOP_LEVEL; level >= 1; level--) {
      const size = blockSize(level);
      const block = db.get<{ block: number }>(
        `SELECT block FROM metric_blocks WHERE run_id = ? AND key_id = ? AND level = ? AND block BETWEEN ? AND ?
         AND finite > 0 AND max_time >= ? AND min_time <= ? ORDER BY block ${dir} LIMIT 1`,
        [runId, keyId, level, Math.floor(lo / size), Math.floor(hi / size), from, to],
      )?.block;
      if (block === undefined) break; // a coarser block matched only by its extent: keep its bounds
      found = true;
      lo = block * size;
      hi = lo + size - 1;
    }
    if (!found) return undefined;
    const step = db.get<{ step: number }>(
      `SELECT step FROM metrics WHERE run_id = ? AND key_id = ? AND step BETWEEN ? AND ? AND timestamp BETWEEN ? AND ?
       AND is_nan = 0 AND value BETWEEN ? AND ? ORDER BY step ${dir} LIMIT 1`,
      [runId, keyId, lo, hi, from, to, -MAX_FINITE, MAX_FINITE],
    )?.step;
    return step ?? (dir === 'ASC' ? lo : hi);
  };
  const minStep = end('ASC');
  const maxStep = end('DESC');
  return minStep === undefined || maxStep === undefined ? undefined : { minStep, maxStep };
}

/** The nearest finite point before `step` (dir DESC) or after it (ASC). */
function neighbour(db: Sqlite, runId: number, keyId: number, step: number, dir: 'ASC' | 'DESC'): [number, number, number] | undefined {
  const r = db.rows(
    `SELECT step, timestamp, value FROM metrics WHERE run_id = ? AND key_id = ? AND step ${dir === 'ASC' ? '>' : '<'} ?
     AND is_nan = 0 AND value BETWEEN ? AND ? ORDER BY step ${dir}, timestamp ${dir}, value ${dir} LIMIT 1`,
    [runId, keyId, step, -MAX_FINITE, MAX_FINITE],
  )[0];
  return r ? [r[0] as number, r[1] as number, r[2] as number] : undefined;
}

/**
 * The last finite point before `from` and the first after `to` in time, each looked for in the last (first) top-level
 * block that reaches past that edge: exact when timestamps grow with steps, as for stepsForTime.
 */
function timeNeighbours(db: Sqlite, runId: number, keyId: number, from: number, to: number): Array<[number, number, number]> {
  const size = blockSize(TOP_LEVEL);
  const side = (dir: 'ASC' | 'DESC', edge: number): [number, number, number] | undefined => {
    const [blockEdge, pointEdge] = dir === 'DESC' ? ['min_time < ?', 'timestamp < ?'] : ['max_time > ?', 'timestamp > ?'];
    const block = db.get<{ block: number }>(
      `SELECT block FROM metric_blocks WHERE run_id = ? AND key_id = ? AND level = ? AND finite > 0 AND ${blockEdge} ORDER BY block ${dir} LIMIT 1`,
      [runId, keyId, TOP_LEVEL, edge],
    )?.block;
    if (block === undefined) return undefined;
    const r = db.rows(
      `SELECT step, timestamp, value FROM metrics WHERE run_id = ? AND key_id = ? AND step BETWEEN ? AND ? AND is_nan = 0
       AND value BETWEEN ? AND ? AND ${pointEdge} ORDER BY timestamp ${dir}, step ${dir}, value ${dir} LIMIT 1`,
      [runId, keyId, block * size, block * size + size - 1, -MAX_FINITE, MAX_FINITE, edge],
    )[0];
    return r ? [r[0] as number, r[1] as number, r[2] as number] : undefined;
  };
  return [side('DESC', from), side('ASC', to)].filter((p): p is [number, number, number] => p !== undefined);
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
export function readMetricSeries(db: Sqlite, runId: number, keyId: number, total: number, q: SeriesQuery): GetMetricSeriesResponse {
  const out = new SeriesOut();
  const extent = readSeriesExtent(db, runId, keyId);
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
    bounds = stepsForTime(db, runId, keyId, from, to);
    if (!bounds) {
      // No point in the window (e.g. zoomed into a pause of the run): the points on either side draw the line across.
      for (const p of timeNeighbours(db, runId, keyId, from, to)) out.push(...p);
      return answer(true);
    }
  } else {
    bounds = { minStep: Math.ceil(q.from ?? extent.min_step), maxStep: Math.floor(q.to ?? extent.max_step) };
  }
  const { minStep, maxStep } = bounds;
  const before = neighbour(db, runId, keyId, minStep, 'DESC');
  if (before) out.push(...before);
  const exact = minStep > maxStep || downsample(db, runId, keyId, minStep, maxStep, w, out);
  const after = neighbour(db, runId, keyId, maxStep, 'ASC');
  if (after) out.push(...after);
  return answer(exact);
}

/**
 * How [minStep, maxStep] is cut into `w` buckets: the level read (0 = raw points) and the bucket of a step. The
 * bucket edges are the nominal ones moved up to multiples of the level's block size, so all steps of one block
 * share a bucket.
 */
export function planBuckets(minStep: number, maxStep: number, w: number): { level: number; bucketOf: (step: number) => number } {
  const width = (maxStep - minStep + 1) / w;
  let level = TOP_LEVEL;
  while (level > 0 && blockSize(level) > width * MAX_BLOCKS_PER_BUCKET_WIDTH) level--;
  const size = blockSize(level);
  return {
    level,
    bucketOf: (step) => Math.max(0, Math.min(w - 1, Math.floor((Math.floor(step / size) * size - minStep) / width))),
  };
}

/** Appends the range's points to `out`: all of them (returns true) or per bucket its four (returns false). */
function downsample(db: Sqlite, runId: number, keyId: number, minStep: number, maxStep: number, w: number, out: SeriesOut): boolean {
  const { level, bucketOf } = planBuckets(minStep, maxStep, w);
  const buckets: (BlockAcc | undefined)[] = new Array(w);
  const sink: Sink = (start) => (buckets[bucketOf(start)] ??= new BlockAcc());
  let finite = 0;
  let raw: ColumnarPoints | undefined;
  if (level === 0) {
    // Buckets narrower than the finest block: the points themselves are few enough to read.
    raw = readMetricPointsColumnar(db, runId, keyId, { minStep, maxStep });
    for (let i = 0; i < raw.value.length; i++) if (Number.isFinite(raw.value[i])) finite++;
    if (finite > RAW_PER_BUCKET * w) for (let i = 0; i < raw.value.length; i++) sink(raw.step[i]).add(raw.step[i], raw.timestamp[i], raw.value[i]);
  } else {
    cover(db, runId, keyId, minStep, maxStep, level, sink);
    for (const b of buckets) if (b) finite += b.finite;
    if (finite <= RAW_PER_BUCKET * w) raw = readMetricPointsColumnar(db, runId, keyId, { minStep, maxStep });
  }
  if (finite <= RAW_PER_BUCKET * w && raw) {
    for (let i = 0; i < raw.step.length; i++) if (Number.isFinite(raw.value[i])) out.push(raw.step[i], raw.timestamp[i], raw.value[i]);
    return true;
  }
  for (const b of buckets) if (b && b.finite > 0) out.pushBucket(b);
  return false;
}
