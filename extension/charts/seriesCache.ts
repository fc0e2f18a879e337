// The extension side of the charts. Where the tracking client can downsample (the in-process store, or our
// workspace server over REST), every view — full range or zoomed, by step or by time — is one `metricSeries`
// call answered from the store's chunk summaries: no history is read whole. Against a plain MLflow server the
// cache reads each history once, keeps a block summary of it (seriesBlocks.ts) and answers views from that,
// extending running runs by their new tail. No vscode: the bench and the tests drive it with a real store.
import type { MetricPoints, MetricSeries, StepRange, TrackingClient } from '../client/trackingClient';
import type { Run } from '../tracking/rest/types';
import type { SeriesData } from './messages';
import { clampBuckets, countInRange, downsampleIndices } from './downsample';
import {
  appendTail, blocksExtent, buildBlocks, planView, slicePoints, tailStep, concatPoints, type Points, type SeriesBlocks, type XAxis,
} from './seriesBlocks';

export type XMode = 'step' | 'wall' | 'relative';

/** One run's line in one chart, downsampled; x in the chart's units (step, epoch ms, or ms since run start). */
export interface SeriesView {
  runId: string;
  key: string;
  x: number[];
  y: number[];
  step: number[];
  /** Points in the whole history. */
  total: number;
  /** True when every point in the requested range is present (no downsampling happened). */
  exact: boolean;
  /** The full x extent of the history, in the same units as x. */
  extent: { min: number; max: number };
}

/** What the cache needs from a tracking client. */
export type PointSource = Pick<TrackingClient, 'metricPoints' | 'metricSummaries' | 'rangedMetricReads' | 'metricSeries'>;

/** Series up to this size keep their raw points in memory: zooms then need no read at all. */
const KEEP_RAW_POINTS = 65_536;
/** Bytes of summaries and raw points the cache may hold before it forgets the least recently used. */
const DEFAULT_BUDGET_BYTES = 256 * 1024 * 1024;

interface Entry {
  blocks: SeriesBlocks;
  /** The whole history, when kept (small series, or a client that cannot read ranges). */
  raw?: Points;
  /** Change detector for clients without point counts: the latest point as the run reports it. */
  latest: string;
  bytes: number;
}

const entryKey = (runId: string, key: string): string => `${runId}\u0000${key}`;

function latestSignature(run: Run, key: string): string {
  const m = run.data.metrics?.find((x) => x.key === key);
  return m ? `${m.step}|${m.timestamp}|${String(m.value)}` : '';
}

function bytesOf(blocks: SeriesBlocks, raw: Points | undefined): number {
  return blocks.reps.step.length * 24 + blocks.size.length * 44 + (raw ? raw.step.length * 24 : 0);
}

/** Points with step in [minStep, maxStep] of a step-ordered history, without copying. */
export function sliceSteps(p: Points, range: StepRange): Points {
  const lower = (v: number): number => {
    let lo = 0;
    let hi = p.step.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (p.step[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const start = lower(range.minStep);
  let end = lower(range.maxStep);
  while (end < p.step.length && p.step[end] <= range.maxStep) end++;
  return slicePoints(p, start, end);
}

export class SeriesCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();
  private bytes = 0;
  /** Whether the client downsamples (undefined until its first answer). */
  private seriesReads: boolean | undefined;
  /** Per series served by `metricSeries`: its point count when last drawn, and its extent (for relative time). */
  private readonly served = new Map<string, { total: number; extent?: MetricSeries['extent'] }>();

  constructor(
    private readonly client: PointSource,
    private readonly budgetBytes = DEFAULT_BUDGET_BYTES,
  ) {}

  /** Drops everything (e.g. the session switched stores). */
  clear(): void {
    this.entries.clear();
    this.loading.clear();
    this.served.clear();
    this.seriesReads = undefined;
    this.bytes = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  private remember(k: string, e: Entry): Entry {
    const old = this.entries.get(k);
    if (old) this.bytes -= old.bytes;
    this.entries.delete(k); // re-insert: Map order is the LRU order
    this.entries.set(k, e);
    this.bytes += e.bytes;
    for (const [victim, v] of this.entries) {
      if (this.bytes <= this.budgetBytes || victim === k) break;
      this.entries.delete(victim);
      this.bytes -= v.bytes;
    }
    return e;
  }

  private async load(run: Run, key: string): Promise<Entry> {
    const k = entryKey(run.info.run_id, key);
    const pending = this.loading.get(k);
    if (pending) return pending;
    const p = (async () => {
      const points = await this.client.metricPoints(run.info.run_id, key);
      const blocks = buildBlocks(points);
      const raw = !this.client.rangedMetricReads || points.step.length <= KEEP_RAW_POINTS ? points : undefined;
      return this.remember(k, { blocks, raw, latest: latestSignature(run, key), bytes: bytesOf(blocks, raw) });
    })();
    this.loading.set(k, p);
    try {
      return await p;
    } finally {
      this.loading.delete(k);
    }
  }

  private async entry(run: Run, key: string): Promise<Entry> {
    const k = entryKey(run.info.run_id, key);
    const hit = this.entries.get(k);
    if (hit) {
      this.entries.delete(k);
      this.entries.set(k, hit);
      return hit;
    }
    return this.load(run, key);
  }

  /**
   * Brings a cached series up to date with a run that may have logged more (a running run's live tail).
   * Returns true when the series changed. With step-ranged reads only the tail is read; otherwise the whole
   * history is read again when the run's latest point moved.
   */
  async refresh(run: Run, key: string): Promise<boolean> {
    const k = entryKey(run.info.run_id, key);
    const served = this.served.get(k);
    if (served) {
      // Views read the store each time: only say whether there is more to draw.
      const count = (await this.client.metricSummaries(run)).find((s) => s.key === key)?.count ?? 0;
      if (count === served.total) return false;
      served.total = count;
      return true;
    }
    const e = this.entries.get(k);
    if (!e) return false;
    if (!this.client.rangedMetricReads) {
      const latest = latestSignature(run, key);
      if (latest === e.latest) return false;
      this.entries.delete(k);
      this.bytes -= e.bytes;
      await this.load(run, key);
      return true;
    }
    const summary = (await this.client.metricSummaries(run)).find((s) => s.key === key);
    const count = summary?.count ?? 0;
    if (count === e.blocks.count) return false;
    const from = tailStep(e.blocks);
    let blocks: SeriesBlocks;
    let raw: Points | undefined;
    if (from === undefined || count < e.blocks.count) {
      const points = await this.client.metricPoints(run.info.run_id, key);
      blocks = buildBlocks(points);
      raw = points.step.length <= KEEP_RAW_POINTS ? points : undefined;
    } else {
      const tail = await this.client.metricPoints(run.info.run_id, key, { minStep: from, maxStep: Number.MAX_SAFE_INTEGER });
      blocks = appendTail(e.blocks, tail);
      if (blocks.count !== count) {
        // A point landed before the tail (steps logged out of order): start over rather than guess.
        const points = await this.client.metricPoints(run.info.run_id, key);
        blocks = buildBlocks(points);
        raw = points.step.length <= KEEP_RAW_POINTS ? points : undefined;
      } else if (e.raw && blocks.count <= KEEP_RAW_POINTS) {
        raw = concatPoints([sliceSteps(e.raw, { minStep: -Infinity, maxStep: from - 1 }), tail]);
      }
    }
    this.remember(k, { blocks, raw, latest: latestSignature(run, key), bytes: bytesOf(blocks, raw) });
    return true;
  }

  private async readRange(run: Run, key: string, e: Entry, range: StepRange): Promise<Points> {
    if (e.raw) return sliceSteps(e.raw, range);
    return this.client.metricPoints(run.info.run_id, key, range);
  }

  /**
   * One run's series for a chart: x in [from, to] (whole history when absent) in `mode`'s units, downsampled
   * to `buckets` buckets, every bucket's extremes kept.
   */
  async view(run: Run, key: string, mode: XMode, buckets: number, range?: { from: number; to: number }): Promise<SeriesView> {
    if (this.seriesReads !== false) {
      const v = await this.viewFromStore(run, key, mode, clampBuckets(buckets), range);
      if (v) return v;
    }
    const e = await this.entry(run, key);
    const axis: XAxis = mode === 'step' ? 'step' : 'time';
    const offset = mode === 'relative' ? runStart(run, e.blocks) : 0;
    const full = blocksExtent(e.blocks, axis);
    const from = range ? range.from + offset : full.min;
    const to = range ? range.to + offset : full.max;
    const w = clampBuckets(buckets);
    const base = { runId: run.info.run_id, key, total: e.blocks.count, extent: { min: full.min - offset, max: full.max - offset } };
    if (e.blocks.count === 0 || !(to >= from)) return { ...base, x: [], y: [], step: [], exact: true };
    const plan = planView(e.blocks, axis, from, to, w);
    let points: Points;
    let exact: boolean;
    if (plan.kind === 'empty') return { ...base, x: [], y: [], step: [], exact: true };
    if (plan.kind === 'raw') {
      points = await this.readRange(run, key, e, { minStep: plan.minStep, maxStep: plan.maxStep });
      exact = true;
    } else {
      const edges = await Promise.all(plan.edges.map((r) => this.readRange(run, key, e, r)));
      points = concatPoints([plan.reps, ...edges]);
      exact = false;
    }
    const xs = axis === 'step' ? points.step : points.timestamp;
    // Raw points are thinned past four per bucket: then the view is no longer every point.
    if (exact && countInRange(xs, points.value, from, to) > 4 * w) exact = false;
    return { ...base, ...drawn(xs, points.value, points.step, offset, from, to, w), exact };
  }

  /** A view answered by the client's downsampling; undefined when the client cannot. */
  private async viewFromStore(run: Run, key: string, mode: XMode, w: number, range?: { from: number; to: number }): Promise<SeriesView | undefined> {
    const runId = run.info.run_id;
    const k = entryKey(runId, key);
    const axis = mode === 'step' ? 'step' : 'time';
    let offset = 0;
    if (mode === 'relative') {
      // Relative time counts from the run's start, or from its first point when the start is unknown.
      let extent = this.served.get(k)?.extent;
      if (run.info.start_time === undefined && !extent && range) extent = (await this.client.metricSeries(runId, key, { axis, buckets: 16 }))?.extent;
      offset = run.info.start_time ?? extent?.min_time ?? 0;
    }
    const s = await this.client.metricSeries(runId, key, { axis, from: range && range.from + offset, to: range && range.to + offset, buckets: w });
    this.seriesReads = s !== undefined;
    if (!s) return undefined;
    if (mode === 'relative' && run.info.start_time === undefined && !range) offset = s.extent?.min_time ?? 0;
    this.served.set(k, { total: s.total, extent: s.extent });
    const full = !s.extent
      ? { min: NaN, max: NaN }
      : axis === 'step'
        ? { min: s.extent.min_step, max: s.extent.max_step }
        : { min: s.extent.min_time, max: s.extent.max_time };
    const base = { runId, key, total: s.total, extent: { min: full.min - offset, max: full.max - offset } };
    const from = range ? range.from + offset : full.min;
    const to = range ? range.to + offset : full.max;
    if (!(to >= from)) return { ...base, x: [], y: [], step: [], exact: true };
    const xs = axis === 'step' ? s.step : s.timestamp;
    // At most four points per bucket came back: this only drops what lies outside [from, to] on the time axis
    // and picks the context point on each side.
    return { ...base, ...drawn(xs, s.value, s.step, offset, from, to, w), exact: s.exact && countInRange(xs, s.value, from, to) <= 4 * w };
  }

  /** Every point with x in [from, to] (the whole history when absent), for CSV export at full fidelity. */
  async points(run: Run, key: string, mode: XMode, range?: { from: number; to: number }): Promise<MetricPoints> {
    const kept = this.entries.get(entryKey(run.info.run_id, key))?.raw;
    const steps = range && mode === 'step' && this.client.rangedMetricReads ? { minStep: Math.ceil(range.from), maxStep: Math.floor(range.to) } : undefined;
    const all = kept ?? (await this.client.metricPoints(run.info.run_id, key, steps));
    if (!range) return all;
    const offset = mode === 'relative' ? (run.info.start_time ?? firstTime(all)) : 0;
    const xs = mode === 'step' ? all.step : all.timestamp;
    const keep: number[] = [];
    for (let i = 0; i < xs.length; i++) if (xs[i] >= range.from + offset && xs[i] <= range.to + offset) keep.push(i);
    const pick = (a: Float64Array): Float64Array => Float64Array.from(keep, (i) => a[i]);
    return { step: pick(all.step), timestamp: pick(all.timestamp), value: pick(all.value) };
  }
}

type Column = ArrayLike<number>;

/** The points downsampling keeps for x in [from, to], as the chart's x (shifted by `offset`), y and step. */
function drawn(xs: Column, ys: Column, steps: Column, offset: number, from: number, to: number, w: number): { x: number[]; y: number[]; step: number[] } {
  const idx = downsampleIndices(xs, ys, from, to, w);
  const x = new Array<number>(idx.length);
  const y = new Array<number>(idx.length);
  const step = new Array<number>(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i];
    x[i] = xs[j] - offset;
    y[i] = ys[j];
    step[i] = steps[j];
  }
  return { x, y, step };
}

function firstTime(p: MetricPoints): number {
  let min = Infinity;
  for (let i = 0; i < p.timestamp.length; i++) if (p.timestamp[i] < min) min = p.timestamp[i];
  return Number.isFinite(min) ? min : 0;
}

/** Relative time counts from the run's start, or from its first point when the start is unknown. */
function runStart(run: Run, blocks: SeriesBlocks): number {
  if (run.info.start_time !== undefined) return run.info.start_time;
  const e = blocksExtent(blocks, 'time');
  return Number.isFinite(e.min) ? e.min : 0;
}

const caches = new WeakMap<object, SeriesCache>();

/** One cache per client, shared by every panel: a second chart of the same runs opens warm; a new client starts clean. */
export function seriesCacheFor(client: PointSource): SeriesCache {
  let c = caches.get(client);
  if (!c) caches.set(client, (c = new SeriesCache(client)));
  return c;
}

/** The wire form of a view; `step` only when x is not already the step. */
export function toSeriesData(v: SeriesView, withStep: boolean): SeriesData {
  // An empty series' extent is NaN, which reaches the webview as null (JSON): the type says so.
  const d: SeriesData = { runId: v.runId, x: v.x, y: v.y, total: v.total, exact: v.exact, extent: v.extent };
  if (withStep) d.step = v.step;
  return d;
}

