// Per-block summaries of metric histories, kept on ingest so that a chart of millions of points is drawn from a
// few thousand rows instead of a scan. A block is an aligned step range: at level L (1..4) block b holds the
// 4^(L+2) steps from b·4^(L+2), so blocks of 64, 256, 1024 and 4096 steps. Aligned step ranges (not point counts) keep
// a block's identity fixed when steps arrive out of order, so one upsert per touched block per batch keeps the
// table current; the levels nest, so any step range is covered exactly by whole blocks of some levels plus a
// few raw points at its ends; and a factor of 4 between levels means a chart bucket is drawn from 1 to 4 blocks
// (more only past 16,384 steps a bucket). Every block a batch touches is one upsert, the price ingest pays; a
// finest level of 16 steps would double the rows a typical batch writes, so zooms below 64 steps a bucket read
// raw points instead.
//
// A block records how many points it holds (NaN and ±Infinity included) and, over its finite points only — the
// ones a chart can plot —, the first and last (by step, timestamp, value), the minimum and maximum (ties to the
// earliest step, timestamp) and the time extent. Every field is a pure function of the set of points in the
// block (merging is associative and commutative), so ingest order, journal replay and the v3 backfill all give
// exactly the same rows.
import type { Sqlite } from './sqlite';

export const BLOCK_LEVELS = [1, 2, 3, 4] as const;
export const TOP_LEVEL = 4;
/** Steps per block at `level` (0 = one step: raw points). */
export const blockSize = (level: number): number => (level === 0 ? 1 : 4 ** (level + 2));
const SIZES = BLOCK_LEVELS.map(blockSize);

/** One summary: a block, a bucket of blocks, or a single point. Fields past `count` are meaningless while finite = 0. */
export class BlockAcc {
  count = 0;
  finite = 0;
  firstStep = 0;
  firstTs = 0;
  firstValue = 0;
  lastStep = 0;
  lastTs = 0;
  lastValue = 0;
  minStep = 0;
  minTs = 0;
  minValue = 0;
  maxStep = 0;
  maxTs = 0;
  maxValue = 0;
  minTime = 0;
  maxTime = 0;

  /** Adds one point; `value` NaN or ±Infinity only counts. */
  add(step: number, ts: number, value: number): void {
    this.count++;
    if (!Number.isFinite(value)) return;
    if (this.finite++ === 0) {
      this.firstStep = this.lastStep = this.minStep = this.maxStep = step;
      this.firstTs = this.lastTs = this.minTs = this.maxTs = this.minTime = this.maxTime = ts;
      this.firstValue = this.lastValue = this.minValue = this.maxValue = value;
      return;
    }
    this.fold(step, ts, value, step, ts, value, step, ts, value, step, ts, value, ts, ts);
  }

  /** Merges another summary into this one. */
  merge(o: BlockAcc): void {
    const count = this.count + o.count;
    if (o.finite === 0) {
      this.count = count;
      return;
    }
    if (this.finite === 0) {
      Object.assign(this, o);
      this.count = count;
      return;
    }
    this.count = count;
    this.finite += o.finite;
    this.fold(o.firstStep, o.firstTs, o.firstValue, o.lastStep, o.lastTs, o.lastValue, o.minStep, o.minTs, o.minValue, o.maxStep, o.maxTs, o.maxValue, o.minTime, o.maxTime);
  }

  /** Merges a row of BLOCK_COLUMNS (from `at`) without building a summary for it. */
  mergeRow(row: ArrayLike<unknown>, at = 0): void {
    const finite = row[at + 1] as number;
    this.count += row[at] as number;
    if (finite === 0) return;
    const r = row as ArrayLike<number>;
    if (this.finite === 0) {
      this.finite = finite;
      this.firstStep = r[at + 2];
      this.firstTs = r[at + 3];
      this.firstValue = r[at + 4];
      this.lastStep = r[at + 5];
      this.lastTs = r[at + 6];
      this.lastValue = r[at + 7];
      this.minStep = r[at + 8];
      this.minTs = r[at + 9];
      this.minValue = r[at + 10];
      this.maxStep = r[at + 11];
      this.maxTs = r[at + 12];
      this.maxValue = r[at + 13];
      this.minTime = r[at + 14];
      this.maxTime = r[at + 15];
      return;
    }
    this.finite += finite;
    this.fold(r[at + 2], r[at + 3], r[at + 4], r[at + 5], r[at + 6], r[at + 7], r[at + 8], r[at + 9], r[at + 10], r[at + 11], r[at + 12], r[at + 13], r[at + 14], r[at + 15]);
  }

  private fold(
    fs: number, ft: number, fv: number, ls: number, lt: number, lv: number,
    ns: number, nt: number, nv: number, xs: number, xt: number, xv: number, t0: number, t1: number,
  ): void {
    if (fs < this.firstStep || (fs === this.firstStep && (ft < this.firstTs || (ft === this.firstTs && fv < this.firstValue)))) {
      this.firstStep = fs;
      this.firstTs = ft;
      this.firstValue = fv;
    }
    if (ls > this.lastStep || (ls === this.lastStep && (lt > this.lastTs || (lt === this.lastTs && lv > this.lastValue)))) {
      this.lastStep = ls;
      this.lastTs = lt;
      this.lastValue = lv;
    }
    if (nv < this.minValue || (nv === this.minValue && (ns < this.minStep || (ns === this.minStep && nt < this.minTs)))) {
      this.minStep = ns;
      this.minTs = nt;
      this.minValue = nv;
    }
    if (xv > this.maxValue || (xv === this.maxValue && (xs < this.maxStep || (xs === this.maxStep && xt < this.maxTs)))) {
      this.maxStep = xs;
      this.maxTs = xt;
      this.maxValue = xv;
    }
    if (t0 < this.minTime) this.minTime = t0;
    if (t1 > this.maxTime) this.maxTime = t1;
  }
}

export const BLOCK_COLUMNS =
  'count, finite, first_step, first_ts, first_value, last_step, last_ts, last_value, min_step, min_ts, min_value, max_step, max_ts, max_value, min_time, max_time';

// The merge above, in SQL: SET expressions all see the old row, so each CASE compares old against excluded.
const NEW_FIRST = 'excluded.finite > 0 AND (finite = 0 OR (excluded.first_step, excluded.first_ts, excluded.first_value) < (first_step, first_ts, first_value))';
const NEW_LAST = 'excluded.finite > 0 AND (finite = 0 OR (excluded.last_step, excluded.last_ts, excluded.last_value) > (last_step, last_ts, last_value))';
const NEW_MIN = 'excluded.finite > 0 AND (finite = 0 OR excluded.min_value < min_value OR (excluded.min_value = min_value AND (excluded.min_step, excluded.min_ts) < (min_step, min_ts)))';
const NEW_MAX = 'excluded.finite > 0 AND (finite = 0 OR excluded.max_value > max_value OR (excluded.max_value = max_value AND (excluded.max_step, excluded.max_ts) < (max_step, max_ts)))';
const pick = (cond: string, cols: string[]): string => cols.map((c) => `${c} = CASE WHEN ${cond} THEN excluded.${c} ELSE ${c} END`).join(',\n  ');

const UPSERT_BLOCK = `
INSERT INTO metric_blocks(run_id, key_id, level, block, ${BLOCK_COLUMNS})
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(run_id, key_id, level, block) DO UPDATE SET
  ${pick(NEW_FIRST, ['first_step', 'first_ts', 'first_value'])},
  ${pick(NEW_LAST, ['last_step', 'last_ts', 'last_value'])},
  ${pick(NEW_MIN, ['min_step', 'min_ts', 'min_value'])},
  ${pick(NEW_MAX, ['max_step', 'max_ts', 'max_value'])},
  min_time = CASE WHEN excluded.finite = 0 THEN min_time WHEN finite = 0 THEN excluded.min_time ELSE min(min_time, excluded.min_time) END,
  max_time = CASE WHEN excluded.finite = 0 THEN max_time WHEN finite = 0 THEN excluded.max_time ELSE max(max_time, excluded.max_time) END,
  count = count + excluded.count,
  finite = finite + excluded.finite`;

/** Per metric key: per level, the blocks a batch touched, and the last one touched (batches are mostly in step order). */
interface KeyBlocks {
  levels: Map<number, BlockAcc>[];
  lastBlock: number[];
  lastAcc: (BlockAcc | undefined)[];
}

/**
 * Collects the new points of one op for one run and writes each touched block once: a batch of 1000 points in
 * step order touches about 70 blocks, not 4000.
 */
export class BlockBatch {
  private readonly keys = new Map<number, KeyBlocks>();

  add(keyId: number, step: number, ts: number, value: number): void {
    let k = this.keys.get(keyId);
    if (!k) {
      k = { levels: SIZES.map(() => new Map()), lastBlock: SIZES.map(() => NaN), lastAcc: SIZES.map(() => undefined) };
      this.keys.set(keyId, k);
    }
    for (let i = 0; i < SIZES.length; i++) {
      const b = Math.floor(step / SIZES[i]);
      let acc = k.lastBlock[i] === b ? k.lastAcc[i] : undefined;
      if (!acc) {
        acc = k.levels[i].get(b);
        if (!acc) k.levels[i].set(b, (acc = new BlockAcc()));
        k.lastBlock[i] = b;
        k.lastAcc[i] = acc;
      }
      acc.add(step, ts, value);
    }
  }

  get empty(): boolean {
    return this.keys.size === 0;
  }

  flush(db: Sqlite, runId: number): void {
    if (this.keys.size === 0) return;
    const upsert = db.statement(UPSERT_BLOCK);
    const row: (number | null)[] = new Array(20).fill(null);
    row[0] = runId;
    for (const [keyId, k] of this.keys) {
      row[1] = keyId;
      for (let i = 0; i < SIZES.length; i++) {
        row[2] = BLOCK_LEVELS[i];
        for (const [block, a] of k.levels[i]) {
          row[3] = block;
          row[4] = a.count;
          row[5] = a.finite;
          const has = a.finite > 0;
          const vals = [a.firstStep, a.firstTs, a.firstValue, a.lastStep, a.lastTs, a.lastValue, a.minStep, a.minTs, a.minValue, a.maxStep, a.maxTs, a.maxValue, a.minTime, a.maxTime];
          for (let c = 0; c < vals.length; c++) row[6 + c] = has ? vals[c] : null;
          upsert.run(row);
        }
      }
    }
    this.keys.clear();
  }
}

/** Builds every block from the points already stored (the v3 migration of an existing store). */
export function backfillMetricBlocks(db: Sqlite): void {
  const stmt = db.db.prepare('SELECT run_id, key_id, step, timestamp, value, is_nan FROM metrics');
  let batch = new BlockBatch();
  let run = -1;
  let points = 0;
  try {
    while (stmt.step()) {
      const [runId, keyId, step, ts, value, isNan] = stmt.get() as number[];
      // Flush per run (rows come clustered by run), and every so often within a long one, to bound memory.
      if ((runId !== run || points >= 1_000_000) && !batch.empty) {
        batch.flush(db, run);
        batch = new BlockBatch();
        points = 0;
      }
      run = runId;
      batch.add(keyId, step, ts, isNan ? NaN : value);
      points++;
    }
  } finally {
    stmt.free();
  }
  batch.flush(db, run);
}
