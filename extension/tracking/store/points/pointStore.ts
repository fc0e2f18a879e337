// Metric points outside sql.js: per (run, key) series, sorted chunks in append-only segment files
// (segments.ts, codec.ts), indexed by the sql.js table metric_chunks with per-chunk summaries; the newest points
// of each series wait in an in-memory tail (the journal covers them) until it fills or until the buffered total
// passes its budget (the largest tails go first). A checkpoint does not flush the tails (that would cut every series
// into a chunk per checkpoint, so the index would grow with the number of checkpoints): it writes them all into one
// small tails file (tailsFile.ts) that its image names and that open loads back. Decoded chunks are kept in a
// byte-budgeted LRU (chunkCache.ts).
//
// Points are kept in the order the former `metrics` table's key gave them — (step, timestamp, value, is_nan) with
// NaN stored as value 0 — and a point equal to a stored one in all of those is ignored, as its INSERT OR IGNORE
// was. -0 is stored as 0, as SQLite did. Adding points is staged per op: they reach the tails only when the op
// succeeds (commitStaged), so a failing op leaves nothing behind.
import { performance } from 'node:perf_hooks';
import type { Sqlite } from '../sqlite';
import { ChunkCache } from './chunkCache';
import { decodeChunk, encodeChunk, type ChunkPoints } from './codec';
import { SegmentFiles, type SegmentEnd } from './segments';
import { BlockAcc, SUMMARY_COLUMNS, summaryRow } from './summary';
import { encodeTailRecord, readTailsFile, tailsFileName, tailsFileNumbers, unlinkTailsFile, writeTailsFile, type SeriesTail } from './tailsFile';

export interface PointStoreOptions {
  /** The segments' folder, `<store>/points`. */
  dir: string;
  /** Budget of decoded chunks kept in memory (default 64 MiB). */
  cacheBytes?: number;
  /** Points per chunk a tail is flushed at (default 4096). */
  chunkPoints?: number;
  /**
   * Points buffered in all tails together before the largest are flushed (default 1,048,576: 24 bytes a point, at
   * most twice that with the tails' spare capacity, plus ≈ 10 bytes a point of tails-file records; 1,000 series
   * written in turn then flush chunks of ≈ 2,000 points). Every checkpoint writes them all into the tails file.
   */
  bufferedPoints?: number;
  /** A segment file is closed for appends past this size (default 64 MiB). */
  segmentBytes?: number;
}

export const DEFAULT_POINT_CACHE_BYTES = 64 * 1024 * 1024;
const META_SEGMENTS = 'point_segments';
/** The tails file the image's checkpoint wrote (absent: every tail was empty). */
const META_TAILS = 'point_tails';
export const DEFAULT_BUFFERED_POINTS = 1 << 20;
const LOWEST = -Number.MAX_VALUE;
const HIGHEST = Number.MAX_VALUE;

/** A tail as a checkpoint found it: its first n points go into the tails file. */
interface TailSnapshot {
  runId: number;
  keyId: number;
  points: Points;
  n: number;
}

/** One metric_chunks row (its summary columns are kept in `summary`, in SUMMARY_COLUMNS order). */
export interface ChunkRow {
  seq: number;
  segment: number;
  offset: number;
  length: number;
  count: number;
  finite: number;
  minStep: number;
  maxStep: number;
  minTs: number;
  maxTs: number;
  /** The row from `count` on, SUMMARY_COLUMNS order, for BlockAcc.mergeRow. */
  summary: (number | null)[];
}

const CHUNK_SELECT = `SELECT seq, segment, offset, length, min_step, max_step, min_ts, max_ts, ${SUMMARY_COLUMNS} FROM metric_chunks`;

function toChunkRow(r: unknown[]): ChunkRow {
  const n = r as number[];
  return { seq: n[0], segment: n[1], offset: n[2], length: n[3], minStep: n[4], maxStep: n[5], minTs: n[6], maxTs: n[7], count: n[8], finite: n[9], summary: (r as (number | null)[]).slice(8) };
}

/** Ordering of stored points: step, timestamp, value with NaN as 0, then NaN after a real 0. Negative: a first. */
export function comparePoints(s1: number, t1: number, v1: number, s2: number, t2: number, v2: number): number {
  if (s1 !== s2) return s1 < s2 ? -1 : 1;
  if (t1 !== t2) return t1 < t2 ? -1 : 1;
  const n1 = v1 !== v1 ? 1 : 0;
  const n2 = v2 !== v2 ? 1 : 0;
  const a = n1 ? 0 : v1;
  const b = n2 ? 0 : v2;
  if (a !== b) return a < b ? -1 : 1;
  return n1 - n2;
}

const samePoint = (s1: number, t1: number, v1: number, s2: number, t2: number, v2: number): boolean =>
  s1 === s2 && t1 === t2 && (v1 === v2 || (Number.isNaN(v1) && Number.isNaN(v2)));

/** What a series' flushed chunks say about it: their greatest (step, timestamp) and their last seq. */
interface ChunkTop {
  maxStep: number;
  maxTs: number;
  seq: number;
}

function foldChunkTop(top: ChunkTop | undefined, seq: number, maxStep: number, maxTs: number): ChunkTop {
  if (!top) return { maxStep, maxTs, seq };
  const greater = maxStep > top.maxStep || (maxStep === top.maxStep && maxTs > top.maxTs);
  return { maxStep: greater ? maxStep : top.maxStep, maxTs: greater ? maxTs : top.maxTs, seq: Math.max(top.seq, seq) };
}

/** A growable set of points in three columns. */
// Series start without memory of their own: a store of 10,000 runs opens tens of thousands of series at once.
const NO_POINTS = new Float64Array(0);

class Points {
  step: Float64Array = NO_POINTS;
  timestamp: Float64Array = NO_POINTS;
  value: Float64Array = NO_POINTS;
  n = 0;
  /** Tails-file records of points [0, recorded), encoded by earlier checkpoints (points below n never change). */
  records: Uint8Array[] = [];
  recorded = 0;

  push(s: number, t: number, v: number): void {
    if (this.n === this.step.length) {
      const grow = (c: Float64Array): Float64Array => {
        const bigger = new Float64Array(Math.max(16, c.length * 2));
        bigger.set(c);
        return bigger;
      };
      this.step = grow(this.step);
      this.timestamp = grow(this.timestamp);
      this.value = grow(this.value);
    }
    this.step[this.n] = s;
    this.timestamp[this.n] = t;
    this.value[this.n++] = v;
  }

  view(): ChunkPoints {
    return { step: this.step.subarray(0, this.n), timestamp: this.timestamp.subarray(0, this.n), value: this.value.subarray(0, this.n) };
  }
}

interface Series {
  runId: number;
  keyId: number;
  tail: Points;
  staged: Points;
  /** The greatest (step, timestamp) stored, flushed or in the tail; a point past it is new without a lookup. */
  maxStep: number;
  maxTs: number;
  stagedMaxStep: number;
  stagedMaxTs: number;
  /** The greatest step of any flushed chunk: only a point at or below it can equal a flushed one. */
  flushedMaxStep: number;
  nextSeq: number;
  /** Identities of the tail's and staged points, built on the first lookup that needs it. */
  seen: Set<string> | undefined;
  stagedKeys: string[];
  /** Listed in stagedSeries for the op being applied. */
  inOp: boolean;
}

const identity = (s: number, t: number, v: number): string => `${s}|${t}|${v}`;

export class PointStore {
  private readonly segments: SegmentFiles;
  private readonly cache: ChunkCache;
  private readonly chunkPoints: number;
  private readonly bufferedBudget: number;
  private readonly series = new Map<number, Map<number, Series>>();
  private readonly stagedSeries: Series[] = [];
  private buffered = 0;
  private retired: number[] = [];
  /** The next tails file's number (past every file found on open, so a name is never reused). */
  private nextTails = 1;
  /** Points were added or removed since the last checkpoint's prepare. */
  private changed = false;
  /** Makes the current index durable (the tracking store's checkpoint); compaction waits on it. */
  durable: () => Promise<void> = () => Promise.resolve();

  constructor(
    private readonly db: Sqlite,
    options: PointStoreOptions,
  ) {
    this.segments = new SegmentFiles(options.dir, options.segmentBytes ?? 64 * 1024 * 1024);
    this.cache = new ChunkCache(options.cacheBytes ?? DEFAULT_POINT_CACHE_BYTES);
    this.chunkPoints = options.chunkPoints ?? 4096;
    this.bufferedBudget = options.bufferedPoints ?? DEFAULT_BUFFERED_POINTS;
  }

  /** Cuts the segment files back to the ends the image recorded (none recorded: no segment is known). */
  recover(): void {
    const hasMeta = this.db.get("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
    const text = hasMeta ? this.db.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', [META_SEGMENTS])?.value : undefined;
    this.segments.recover(text === undefined ? undefined : (JSON.parse(text) as SegmentEnd[]));
  }

  /**
   * Loads the tails file the image names (missing or damaged: throws) and deletes the others; after the schema
   * migrations (the tails need metric_chunks), before the journal replays what came after.
   */
  loadTails(): void {
    const numbers = tailsFileNumbers(this.segments.dir);
    this.nextTails = Math.max(0, ...numbers) + 1;
    const named = this.db.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', [META_TAILS])?.value;
    if (named) {
      const tails = readTailsFile(this.segments.dir, named);
      // One pass over the index for every series' flushed top, not a query per series.
      const tops = new Map<string, ChunkTop>();
      for (const [runId, keyId, seq, maxStep, maxTs] of this.db.rows('SELECT run_id, key_id, seq, max_step, max_step_ts FROM metric_chunks') as number[][]) {
        const id = `${runId}:${keyId}`;
        tops.set(id, foldChunkTop(tops.get(id), seq, maxStep, maxTs));
      }
      for (const t of tails) this.loadTail(t, tops.get(`${t.runId}:${t.keyId}`) ?? null);
    }
    // Files the image does not name: older ones, or one whose checkpoint never wrote its image.
    for (const n of numbers) if (tailsFileName(n) !== named) unlinkTailsFile(this.segments.dir, n);
  }

  /** A series' tail as a checkpoint left it. */
  private loadTail(t: SeriesTail, top: ChunkTop | null): void {
    const s = this.seriesOf(t.runId, t.keyId, top);
    const { step, timestamp, value } = t.points;
    // The decoded columns are the tail's own (decodeChunk allocates them): adopted, not copied point by point.
    const adopt = s.tail.n === 0;
    if (adopt) {
      s.tail.step = step;
      s.tail.timestamp = timestamp;
      s.tail.value = value;
      s.tail.n = step.length;
    }
    for (let i = 0; i < step.length; i++) {
      if (!adopt) s.tail.push(step[i], timestamp[i], value[i]);
      if (step[i] > s.maxStep || (step[i] === s.maxStep && timestamp[i] > s.maxTs)) {
        s.maxStep = step[i];
        s.maxTs = timestamp[i];
      }
    }
    s.stagedMaxStep = s.maxStep;
    s.stagedMaxTs = s.maxTs;
    this.buffered += step.length;
  }

  // ---- ingest -------------------------------------------------------------------------------------

  /** `known`: the series' flushed top read in bulk (null: it has no chunk); otherwise it is looked up. */
  private seriesOf(runId: number, keyId: number, known?: ChunkTop | null): Series {
    let byKey = this.series.get(runId);
    if (!byKey) this.series.set(runId, (byKey = new Map()));
    let s = byKey.get(keyId);
    if (s) return s;
    let top = known ?? undefined;
    if (known === undefined) {
      for (const [seq, step, ts] of this.db.rows('SELECT seq, max_step, max_step_ts FROM metric_chunks WHERE run_id = ? AND key_id = ?', [runId, keyId]) as number[][]) {
        top = foldChunkTop(top, seq, step, ts);
      }
    }
    const { maxStep, maxTs, seq } = top ?? { maxStep: -Infinity, maxTs: -Infinity, seq: -1 };
    s = {
      runId, keyId, tail: new Points(), staged: new Points(),
      maxStep, maxTs, stagedMaxStep: maxStep, stagedMaxTs: maxTs, flushedMaxStep: maxStep,
      nextSeq: seq + 1, seen: undefined, stagedKeys: [], inOp: false,
    };
    byKey.set(keyId, s);
    return s;
  }

  /**
   * Stages a point of the op being applied; false when the series already holds it (then it is not added and
   * must not be counted). `value` NaN for a NaN point.
   */
  stage(runId: number, keyId: number, step: number, ts: number, value: number): boolean {
    const s = this.seriesOf(runId, keyId);
    const v = value === 0 ? 0 : value; // -0 is 0, as SQLite kept it
    if (!s.inOp) {
      s.inOp = true;
      this.stagedSeries.push(s);
    }
    if (step > s.stagedMaxStep || (step === s.stagedMaxStep && ts > s.stagedMaxTs)) {
      s.stagedMaxStep = step;
      s.stagedMaxTs = ts;
      s.staged.push(step, ts, v);
      if (s.seen) {
        const id = identity(step, ts, v);
        s.seen.add(id);
        s.stagedKeys.push(id);
      }
      return true;
    }
    const seen = this.seenOf(s);
    const id = identity(step, ts, v);
    if (seen.has(id)) return false;
    if (step <= s.flushedMaxStep && this.inChunks(s, step, ts, v)) return false;
    seen.add(id);
    s.stagedKeys.push(id);
    s.staged.push(step, ts, v);
    return true;
  }

  private seenOf(s: Series): Set<string> {
    if (s.seen) return s.seen;
    const seen = new Set<string>();
    for (const p of [s.tail, s.staged]) for (let i = 0; i < p.n; i++) seen.add(identity(p.step[i], p.timestamp[i], p.value[i]));
    for (let i = 0; i < s.staged.n; i++) s.stagedKeys.push(identity(s.staged.step[i], s.staged.timestamp[i], s.staged.value[i]));
    s.seen = seen;
    return seen;
  }

  /** Whether a flushed chunk holds the point: only chunks whose step range covers it are read. */
  private inChunks(s: Series, step: number, ts: number, v: number): boolean {
    for (const row of this.chunkRows(s.runId, s.keyId, step, step)) {
      const c = this.decode(row);
      // Chunks are sorted: binary search for the first point not before it.
      let lo = 0;
      let hi = c.step.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (comparePoints(c.step[mid], c.timestamp[mid], c.value[mid], step, ts, v) < 0) lo = mid + 1;
        else hi = mid;
      }
      if (lo < c.step.length && samePoint(c.step[lo], c.timestamp[lo], c.value[lo], step, ts, v)) return true;
    }
    return false;
  }

  /** The op succeeded: its staged points join the tails (which may flush). */
  commitStaged(): void {
    if (this.stagedSeries.length === 0) return;
    this.changed = true;
    for (const s of this.stagedSeries) {
      const { staged, tail } = s;
      for (let i = 0; i < staged.n; i++) tail.push(staged.step[i], staged.timestamp[i], staged.value[i]);
      this.buffered += staged.n;
      staged.n = 0;
      s.stagedKeys = [];
      s.maxStep = s.stagedMaxStep;
      s.maxTs = s.stagedMaxTs;
      s.inOp = false;
      if (tail.n >= this.chunkPoints) this.flush(s);
    }
    this.stagedSeries.length = 0;
    if (this.buffered > this.bufferedBudget) this.flushLargest();
  }

  /** The op failed: its staged points are dropped. */
  discardStaged(): void {
    for (const s of this.stagedSeries) {
      if (s.seen) for (const id of s.stagedKeys) s.seen.delete(id);
      s.stagedKeys = [];
      s.staged.n = 0;
      s.stagedMaxStep = s.maxStep;
      s.stagedMaxTs = s.maxTs;
      s.inOp = false;
    }
    this.stagedSeries.length = 0;
  }

  /**
   * Flushes the largest tails until the buffered points are 1/16 of the budget below it: small bursts (a flush is
   * synchronous), yet with many series written in turn the tails still reach ≈ 2 × budget / series before they go.
   */
  private flushLargest(): void {
    const tails: Series[] = [];
    for (const byKey of this.series.values()) for (const s of byKey.values()) if (s.tail.n > 0) tails.push(s);
    tails.sort((a, b) => b.tail.n - a.tail.n);
    for (const s of tails) {
      if (this.buffered <= this.bufferedBudget - this.bufferedBudget / 16) break;
      this.flush(s);
    }
  }

  /** Writes a series' tail as one chunk. */
  private flush(s: Series): void {
    const { tail } = s;
    if (tail.n === 0) return;
    const p = sortedCopy(tail.view());
    this.writeChunk(s, p);
    this.buffered -= tail.n;
    // A fresh, small tail: a thousand idle series must not each keep a chunk's worth of memory.
    s.tail = new Points();
    s.seen = undefined;
  }

  /** Appends sorted points as one chunk of the series and indexes it. */
  private writeChunk(s: Series, p: ChunkPoints): void {
    const n = p.step.length;
    const bytes = encodeChunk(p);
    const at = this.segments.append(bytes);
    const acc = new BlockAcc();
    let minTs = Infinity;
    let maxTs = -Infinity;
    let maxStepTs = -Infinity;
    const maxStep = p.step[n - 1];
    for (let i = 0; i < n; i++) {
      acc.add(p.step[i], p.timestamp[i], p.value[i]);
      if (p.timestamp[i] < minTs) minTs = p.timestamp[i];
      if (p.timestamp[i] > maxTs) maxTs = p.timestamp[i];
      if (p.step[i] === maxStep && p.timestamp[i] > maxStepTs) maxStepTs = p.timestamp[i];
    }
    this.db.statement(
      `INSERT INTO metric_chunks(run_id, key_id, seq, segment, offset, length, min_step, max_step, max_step_ts, min_ts, max_ts, ${SUMMARY_COLUMNS})
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run([s.runId, s.keyId, s.nextSeq++, at.segment, at.offset, bytes.length, p.step[0], maxStep, maxStepTs, minTs, maxTs, ...summaryRow(acc)]);
    if (maxStep > s.flushedMaxStep) s.flushedMaxStep = maxStep;
    this.cache.set(`${at.segment}:${at.offset}`, { step: p.step.slice(), timestamp: p.timestamp.slice(), value: p.value.slice() });
  }

  /** Writes already sorted points of one series straight into chunks (the v6 migration). */
  importSorted(runId: number, keyId: number, p: ChunkPoints): void {
    const s = this.seriesOf(runId, keyId);
    this.changed = true;
    for (let from = 0; from < p.step.length; from += this.chunkPoints) {
      const to = Math.min(p.step.length, from + this.chunkPoints);
      this.writeChunk(s, { step: p.step.subarray(from, to), timestamp: p.timestamp.subarray(from, to), value: p.value.subarray(from, to) });
    }
    this.series.get(runId)?.delete(keyId); // reloaded from the index when next touched
  }

  // ---- checkpoint -------------------------------------------------------------------------------

  /**
   * Segments fsync'ed and their ends recorded in meta; a new tails file named in meta, holding every non-empty
   * tail as it is now (the state of the image exported next). `tails` resolves once that file and its folder are
   * fsync'ed: the image must not be written before. `retired`: the segments the image drops.
   */
  prepareCheckpoint(): { retired: number[]; tails: Promise<void> } {
    this.segments.sync();
    this.db.run('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)', [META_SEGMENTS, JSON.stringify(this.segments.ends())]);
    this.changed = false;
    const retired = [...this.retired];
    if (this.buffered === 0) {
      this.db.run('DELETE FROM meta WHERE key = ?', [META_TAILS]);
      return { retired, tails: Promise.resolve() };
    }
    const name = tailsFileName(this.nextTails++);
    // Only the tails' lengths are taken now: a tail's points below its length never change (pushes go past it, a
    // flush or a drop replaces the whole Points), so the file can be encoded after the image is exported.
    const snapshot: TailSnapshot[] = [];
    for (const byKey of this.series.values()) for (const s of byKey.values()) if (s.tail.n > 0) snapshot.push({ runId: s.runId, keyId: s.keyId, points: s.tail, n: s.tail.n });
    this.db.run('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)', [META_TAILS, name]);
    return { retired, tails: this.writeTails(name, snapshot) };
  }

  /** Encodes what each tail gained since the last checkpoint (slices of ≈ 5 ms), then writes the file. */
  private async writeTails(name: string, snapshot: TailSnapshot[]): Promise<void> {
    const records: Uint8Array[] = [];
    let since = performance.now();
    for (const { runId, keyId, points: p, n } of snapshot) {
      if (p.recorded < n) {
        const from = p.recorded;
        p.records.push(encodeTailRecord(runId, keyId, { step: p.step.subarray(from, n), timestamp: p.timestamp.subarray(from, n), value: p.value.subarray(from, n) }));
        p.recorded = n;
      }
      for (const r of p.records) records.push(r);
      if (performance.now() - since > 5) {
        await new Promise((resolve) => setImmediate(resolve));
        since = performance.now();
      }
    }
    await writeTailsFile(this.segments.dir, name, records);
  }

  /** The image is durable: the segments it no longer names (`retired`) and every tails file but its own go. */
  checkpointDone(retired: number[]): void {
    for (const n of retired) this.segments.unlink(n);
    this.retired = this.retired.filter((n) => !retired.includes(n));
    const own = this.db.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', [META_TAILS])?.value;
    for (const n of tailsFileNumbers(this.segments.dir)) if (tailsFileName(n) !== own) unlinkTailsFile(this.segments.dir, n);
  }

  /** Points were added or removed since the last checkpoint (an idle close writes nothing). */
  get changedSinceCheckpoint(): boolean {
    return this.changed;
  }

  // ---- reads -----------------------------------------------------------------------------------

  /** A series' chunks that may hold steps in [lo, hi], in the order they were written. */
  chunkRows(runId: number, keyId: number, lo = LOWEST, hi = HIGHEST): ChunkRow[] {
    return this.db
      .rows(`${CHUNK_SELECT} WHERE run_id = ? AND key_id = ? AND max_step >= ? AND min_step <= ? ORDER BY seq`, [runId, keyId, Math.max(lo, LOWEST), Math.min(hi, HIGHEST)])
      .map(toChunkRow);
  }

  /** A chunk's points (sorted), through the cache. */
  decode(row: ChunkRow): ChunkPoints {
    const key = `${row.segment}:${row.offset}`;
    let c = this.cache.get(key);
    if (!c) {
      c = decodeChunk(this.segments.read(row.segment, row.offset, row.length));
      this.cache.set(key, c);
    }
    return c;
  }

  /** The series' unflushed points, unsorted (a view valid until the next write). */
  tailOf(runId: number, keyId: number): ChunkPoints | undefined {
    const s = this.series.get(runId)?.get(keyId);
    return s && s.tail.n > 0 ? s.tail.view() : undefined;
  }

  /**
   * A series' points (only steps in `range` when given) in stored order. `into` (three columns) receives them when
   * they fit; the result may then be views of it.
   */
  readSeries(runId: number, keyId: number, range?: { minStep: number; maxStep: number }, into?: Float64Array[]): ChunkPoints {
    const lo = range?.minStep ?? -Infinity;
    const hi = range?.maxStep ?? Infinity;
    const parts: ChunkPoints[] = this.chunkRows(runId, keyId, lo, hi).map((r) => this.decode(r));
    const tail = this.tailOf(runId, keyId);
    if (tail) parts.push(sortedCopy(tail));
    let total = 0;
    for (const p of parts) total += p.step.length;
    const [step, timestamp, value] = into && into[0].length >= total ? into : [0, 1, 2].map(() => new Float64Array(total));
    // Every part is sorted (chunks are written sorted, the tail is sorted above): the range is one slice of each,
    // copied whole, and the answer is sorted unless two neighbouring parts overlap.
    let n = 0;
    let sorted = true;
    let last = -1;
    for (const p of parts) {
      const from = lo === -Infinity ? 0 : firstStepAtLeast(p.step, lo);
      const to = hi === Infinity ? p.step.length : firstStepAtLeast(p.step, hi, true);
      if (from >= to) continue;
      if (sorted && last >= 0 && comparePoints(step[last], timestamp[last], value[last], p.step[from], p.timestamp[from], p.value[from]) > 0) sorted = false;
      step.set(p.step.subarray(from, to), n);
      timestamp.set(p.timestamp.subarray(from, to), n);
      value.set(p.value.subarray(from, to), n);
      n += to - from;
      last = n - 1;
    }
    const out = { step: step.subarray(0, n), timestamp: timestamp.subarray(0, n), value: value.subarray(0, n) };
    if (sorted) return out;
    const order = sortOrder(out);
    const copy = { step: out.step.slice(), timestamp: out.timestamp.slice(), value: out.value.slice() };
    for (let i = 0; i < n; i++) {
      const j = order[i];
      out.step[i] = copy.step[j];
      out.timestamp[i] = copy.timestamp[j];
      out.value[i] = copy.value[j];
    }
    return out;
  }

  /** Points in memory waiting for a flush (tests, stats). */
  get bufferedPoints(): number {
    return this.buffered;
  }

  get cacheBytes(): number {
    return this.cache.usedBytes;
  }

  get segmentBytes(): number {
    return this.segments.totalBytes();
  }

  // ---- gc ------------------------------------------------------------------------------------------

  /** Removes the runs' series: index rows, tails and staged points. Their bytes stay in the segments until compact. */
  dropRuns(runIds: number[]): void {
    this.changed = true;
    for (const runId of runIds) {
      const byKey = this.series.get(runId);
      if (byKey) {
        for (const s of byKey.values()) {
          this.buffered -= s.tail.n;
          s.staged.n = 0;
        }
        this.series.delete(runId);
      }
      this.db.run('DELETE FROM metric_chunks WHERE run_id = ?', [runId]);
    }
    for (let i = this.stagedSeries.length - 1; i >= 0; i--) if (runIds.includes(this.stagedSeries[i].runId)) this.stagedSeries.splice(i, 1);
  }

  /**
   * Copies the live chunks of every segment that holds dead bytes into new segments and repoints the index; the
   * old files are deleted once a checkpoint has made the new index durable (a crash before that keeps the old
   * index, whose files are still there).
   */
  async compact(): Promise<{ bytesBefore: number; bytesAfter: number }> {
    const bytesBefore = this.segments.totalBytes();
    const live = new Map<number, number>(this.db.rows('SELECT segment, sum(length) FROM metric_chunks GROUP BY segment').map((r) => [r[0] as number, r[1] as number]));
    const victims = this.segments.ends().filter(([n, size]) => (live.get(n) ?? 0) < size).map(([n]) => n);
    if (victims.length === 0) return { bytesBefore, bytesAfter: bytesBefore };
    this.changed = true;
    this.segments.roll();
    for (const n of victims) {
      // One segment at a time, with a turn of the event loop between: ops keep flowing meanwhile (their chunks
      // may land in the same new segment; a series dropped meanwhile just leaves nothing to repoint).
      this.db.run('SAVEPOINT compact');
      try {
        const update = this.db.statement('UPDATE metric_chunks SET segment = ?, offset = ? WHERE run_id = ? AND key_id = ? AND seq = ?');
        for (const [runId, keyId, seq, offset, length] of this.db.rows('SELECT run_id, key_id, seq, offset, length FROM metric_chunks WHERE segment = ? ORDER BY offset', [n]) as number[][]) {
          const at = this.segments.append(this.segments.read(n, offset, length));
          update.run([at.segment, at.offset, runId, keyId, seq]);
          this.cache.delete(`${n}:${offset}`);
        }
        this.db.run('RELEASE compact');
      } catch (err) {
        this.db.run('ROLLBACK TO compact');
        this.db.run('RELEASE compact');
        throw err;
      }
      this.segments.retire(n);
      this.retired.push(n);
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.segments.roll();
    await this.durable();
    return { bytesBefore, bytesAfter: this.segments.totalBytes() };
  }

  close(): void {
    this.segments.close();
  }
}

/** The permutation that puts points in stored order. */
function sortOrder(p: ChunkPoints): Uint32Array {
  const order = new Uint32Array(p.step.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const { step, timestamp, value } = p;
  return order.sort((a, b) => comparePoints(step[a], timestamp[a], value[a], step[b], timestamp[b], value[b]) || a - b);
}

/** The points in stored order, in new arrays. */
/** The first index whose step is ≥ `bound` (> `bound` when `after`), in steps sorted ascending. */
function firstStepAtLeast(steps: Float64Array, bound: number, after = false): number {
  let a = 0;
  let b = steps.length;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (steps[mid] < bound || (after && steps[mid] === bound)) a = mid + 1;
    else b = mid;
  }
  return a;
}

function sortedCopy(p: ChunkPoints): ChunkPoints {
  const n = p.step.length;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (comparePoints(p.step[i - 1], p.timestamp[i - 1], p.value[i - 1], p.step[i], p.timestamp[i], p.value[i]) > 0) sorted = false;
  if (sorted) return { step: p.step.slice(), timestamp: p.timestamp.slice(), value: p.value.slice() };
  const order = sortOrder(p);
  return {
    step: Float64Array.from(order, (i) => p.step[i]),
    timestamp: Float64Array.from(order, (i) => p.timestamp[i]),
    value: Float64Array.from(order, (i) => p.value[i]),
  };
}
