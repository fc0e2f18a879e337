// Summaries of sets of points: a chunk's (kept in its index row), a chart bucket's, or a single point's.
//
// A summary records how many points it holds (NaN and ±Infinity included) and, over its finite points only — the
// ones a chart can plot —, the first and last (by step, timestamp, value), the minimum and maximum (ties to the
// earliest step, timestamp) and the time extent. Every field is a pure function of the set of points (merging is
// associative and commutative), so a bucket summed from chunk summaries equals one computed from its points.

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

  /** Merges a row of SUMMARY_COLUMNS (from `at`) without building a summary for it. */
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

/** The summary columns of metric_chunks, in the order mergeRow reads them. */
export const SUMMARY_COLUMNS =
  'count, finite, first_step, first_ts, first_value, last_step, last_ts, last_value, lo_step, lo_ts, lo_value, hi_step, hi_ts, hi_value, min_time, max_time';

/** A summary's values in SUMMARY_COLUMNS order (nulls past `finite` when it has no finite point). */
export function summaryRow(a: BlockAcc): (number | null)[] {
  const has = a.finite > 0;
  const vals = [a.firstStep, a.firstTs, a.firstValue, a.lastStep, a.lastTs, a.lastValue, a.minStep, a.minTs, a.minValue, a.maxStep, a.maxTs, a.maxValue, a.minTime, a.maxTime];
  return [a.count, a.finite, ...vals.map((v) => (has ? v : null))];
}
