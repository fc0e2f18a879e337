// A compact level-of-detail summary of one metric history, so a chart of millions of points can be redrawn at
// any zoom without holding or re-reading every point. Points (in step order) are cut into blocks of BLOCK
// consecutive points; each block keeps up to four representative points — first, last, minimum, maximum — and
// its step and time extent. Every extreme of every block survives, so no spike is lost at any zoom level.
//
// A view of x in [from, to] is then planned as either:
//  - 'raw':    few enough points lie in the range: read exactly those (by step range) and downsample them;
//  - 'blocks': too many: downsample the representatives of the blocks inside the range, plus the raw points
//              of the (at most a few) blocks cut by its ends, so the edges are exact too.
// Pure: no I/O; the caller reads the points the plan asks for.

export const BLOCK = 32;
/** Up to this many points per bucket a view reads raw points: past it, block representatives are exact enough. */
export const RAW_POINTS_PER_BUCKET = 16;
/** Edge blocks read raw in a 'blocks' plan; past this (unordered timestamps) the edges stay approximate. */
const MAX_EDGE_BLOCKS = 8;

export type XAxis = 'step' | 'time';

/** Columnar points in step order (then timestamp): what the tracking client returns. */
export interface Points {
  step: Float64Array;
  timestamp: Float64Array;
  value: Float64Array;
}

export interface SeriesBlocks {
  /** Points summarised. */
  count: number;
  /** Representative points of all blocks, block after block, each block's in step order. */
  reps: Points;
  /** Block b's representatives are reps[repStart[b] .. repStart[b + 1]). Length blocks + 1. */
  repStart: Uint32Array;
  firstStep: Float64Array;
  lastStep: Float64Array;
  minTime: Float64Array;
  maxTime: Float64Array;
  /** Points per block (BLOCK except the last). */
  size: Uint32Array;
  /** Whether timestamps never decrease in step order (then time ranges map to step ranges exactly). */
  timeMonotone: boolean;
}

export function emptyPoints(): Points {
  return { step: new Float64Array(0), timestamp: new Float64Array(0), value: new Float64Array(0) };
}

export function slicePoints(p: Points, start: number, end: number): Points {
  return { step: p.step.subarray(start, end), timestamp: p.timestamp.subarray(start, end), value: p.value.subarray(start, end) };
}

export function concatPoints(parts: Points[]): Points {
  const n = parts.reduce((s, p) => s + p.step.length, 0);
  const out = { step: new Float64Array(n), timestamp: new Float64Array(n), value: new Float64Array(n) };
  let at = 0;
  for (const p of parts) {
    out.step.set(p.step, at);
    out.timestamp.set(p.timestamp, at);
    out.value.set(p.value, at);
    at += p.step.length;
  }
  return out;
}

/** Summarises points already in step order. */
export function buildBlocks(p: Points): SeriesBlocks {
  const n = p.step.length;
  const blocks = Math.ceil(n / BLOCK);
  const repIdx: number[] = [];
  const repStart = new Uint32Array(blocks + 1);
  const firstStep = new Float64Array(blocks);
  const lastStep = new Float64Array(blocks);
  const minTime = new Float64Array(blocks);
  const maxTime = new Float64Array(blocks);
  const size = new Uint32Array(blocks);
  let timeMonotone = true;
  for (let b = 0; b < blocks; b++) {
    const start = b * BLOCK;
    const end = Math.min(n, start + BLOCK);
    let lo = -1;
    let hi = -1;
    let tMin = Infinity;
    let tMax = -Infinity;
    for (let i = start; i < end; i++) {
      const v = p.value[i];
      const t = p.timestamp[i];
      if (t < tMin) tMin = t;
      if (t > tMax) tMax = t;
      if (i > 0 && t < p.timestamp[i - 1]) timeMonotone = false;
      if (!Number.isFinite(v)) continue;
      if (lo < 0 || v < p.value[lo]) lo = i;
      if (hi < 0 || v > p.value[hi]) hi = i;
    }
    repStart[b] = repIdx.length;
    // first, min, max, last — deduplicated and kept in step (index) order.
    const picks = [start, lo, hi, end - 1].filter((i, k, all) => i >= 0 && all.indexOf(i) === k).sort((a, c) => a - c);
    repIdx.push(...picks);
    firstStep[b] = p.step[start];
    lastStep[b] = p.step[end - 1];
    minTime[b] = tMin;
    maxTime[b] = tMax;
    size[b] = end - start;
  }
  repStart[blocks] = repIdx.length;
  const reps = { step: new Float64Array(repIdx.length), timestamp: new Float64Array(repIdx.length), value: new Float64Array(repIdx.length) };
  repIdx.forEach((i, k) => {
    reps.step[k] = p.step[i];
    reps.timestamp[k] = p.timestamp[i];
    reps.value[k] = p.value[i];
  });
  return { count: n, reps, repStart, firstStep, lastStep, minTime, maxTime, size, timeMonotone };
}

/** The whole x extent of a summarised series on an axis. */
export function blocksExtent(s: SeriesBlocks, axis: XAxis): { min: number; max: number } {
  const n = s.size.length;
  if (n === 0) return { min: NaN, max: NaN };
  if (axis === 'step') return { min: s.firstStep[0], max: s.lastStep[n - 1] };
  let min = Infinity;
  let max = -Infinity;
  for (let b = 0; b < n; b++) {
    if (s.minTime[b] < min) min = s.minTime[b];
    if (s.maxTime[b] > max) max = s.maxTime[b];
  }
  return { min, max };
}

export type Plan =
  | { kind: 'empty' }
  /** Read points with step in [minStep, maxStep] and downsample them. */
  | { kind: 'raw'; minStep: number; maxStep: number; estimate: number }
  /** Downsample `reps` plus the raw points of each edge step range (read by the caller). */
  | { kind: 'blocks'; reps: Points; edges: Array<{ minStep: number; maxStep: number }> };

/**
 * What to read to draw x in [from, to] (x = step, or timestamp for wall and relative time) with `buckets`
 * buckets. Blocks partly outside the range count fully, so 'raw' may read a little more than the range.
 */
export function planView(s: SeriesBlocks, axis: XAxis, from: number, to: number, buckets: number): Plan {
  // Steps are always in block order; times are when they never go backwards. Then the blocks in view are one
  // contiguous run found by binary search, and everything below is a handful of slices, not a walk over blocks.
  if (axis === 'step' || s.timeMonotone) return planContiguous(s, axis, from, to, buckets);
  return planScattered(s, from, to, buckets);
}

/** First index i in [0, n) with a[i] >= v (n when none): a is non-decreasing. */
function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with a[i] > v (n when none). */
function upperBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function planContiguous(s: SeriesBlocks, axis: XAxis, from: number, to: number, buckets: number): Plan {
  const n = s.size.length;
  if (n === 0) return { kind: 'empty' };
  const lowX = axis === 'step' ? s.firstStep : s.minTime;
  const highX = axis === 'step' ? s.lastStep : s.maxTime;
  const b0 = lowerBound(highX, from); // first block reaching into the view
  const b1 = upperBound(lowX, to) - 1; // last block starting inside it
  if (b0 > b1) {
    // Nothing inside: still draw the segment crossing the view, from the neighbouring blocks.
    const left = b0 - 1;
    const right = b1 + 1;
    if (left < 0 && right >= n) return { kind: 'empty' };
    return { kind: 'raw', minStep: s.firstStep[Math.max(0, left)], maxStep: s.lastStep[Math.min(n - 1, right)], estimate: 2 * BLOCK };
  }
  let estimate = 0;
  for (let b = b0; b <= b1; b++) estimate += s.size[b];
  if (estimate <= RAW_POINTS_PER_BUCKET * buckets) {
    // The neighbours give the context points on each side.
    return { kind: 'raw', minStep: s.firstStep[Math.max(0, b0 - 1)], maxStep: s.lastStep[Math.min(n - 1, b1 + 1)], estimate };
  }
  // Blocks cut by an end are read raw (they also hold the context point there); a block fully inside at an end
  // takes its outer neighbour's representatives for context. So the representatives are one slice.
  const cutLeft = lowX[b0] < from;
  const cutRight = highX[b1] > to;
  const edges: Array<{ minStep: number; maxStep: number }> = [];
  if (cutLeft) edges.push({ minStep: s.firstStep[b0], maxStep: s.lastStep[b0] });
  if (cutRight && (b1 !== b0 || !cutLeft)) edges.push({ minStep: s.firstStep[b1], maxStep: s.lastStep[b1] });
  const start = cutLeft ? b0 + 1 : Math.max(0, b0 - 1);
  const end = cutRight ? b1 - 1 : Math.min(n - 1, b1 + 1);
  const reps = start <= end ? slicePoints(s.reps, s.repStart[start], s.repStart[end + 1]) : emptyPoints();
  return { kind: 'blocks', reps, edges };
}

/** Timestamps that go backwards: blocks in view are found by a walk, edges read raw when there are few. */
function planScattered(s: SeriesBlocks, from: number, to: number, buckets: number): Plan {
  const n = s.size.length;
  const lowX = s.minTime;
  const highX = s.maxTime;
  const overlapping: number[] = [];
  for (let b = 0; b < n; b++) if (highX[b] >= from && lowX[b] <= to) overlapping.push(b);
  if (overlapping.length === 0) {
    const left = lastIndexWhere(n, (b) => highX[b] < from);
    const right = firstIndexWhere(n, (b) => lowX[b] > to);
    const around = [left, right].filter((b) => b >= 0);
    if (around.length === 0) return { kind: 'empty' };
    return { kind: 'raw', minStep: s.firstStep[Math.min(...around)], maxStep: s.lastStep[Math.max(...around)], estimate: 2 * BLOCK };
  }
  const firstB = Math.max(0, overlapping[0] - 1);
  const lastB = Math.min(n - 1, overlapping[overlapping.length - 1] + 1);
  let estimate = 0;
  for (const b of overlapping) estimate += s.size[b];
  if (estimate <= RAW_POINTS_PER_BUCKET * buckets) return { kind: 'raw', minStep: s.firstStep[firstB], maxStep: s.lastStep[lastB], estimate };
  const inside = (b: number): boolean => lowX[b] >= from && highX[b] <= to;
  const edgesB = overlapping.filter((b) => !inside(b));
  const exactEdges = edgesB.length <= MAX_EDGE_BLOCKS;
  const repBlocks = new Set<number>([firstB, lastB, ...overlapping.filter((b) => !exactEdges || inside(b))]);
  if (exactEdges) for (const b of edgesB) repBlocks.delete(b);
  const parts: Points[] = [];
  for (const b of [...repBlocks].sort((a, c) => a - c)) parts.push(slicePoints(s.reps, s.repStart[b], s.repStart[b + 1]));
  return {
    kind: 'blocks',
    reps: concatPoints(parts),
    edges: exactEdges ? edgesB.map((b) => ({ minStep: s.firstStep[b], maxStep: s.lastStep[b] })) : [],
  };
}

function firstIndexWhere(n: number, test: (i: number) => boolean): number {
  for (let i = 0; i < n; i++) if (test(i)) return i;
  return -1;
}

function lastIndexWhere(n: number, test: (i: number) => boolean): number {
  for (let i = n - 1; i >= 0; i--) if (test(i)) return i;
  return -1;
}

/**
 * Extends a summary with points appended at the end (a running run's new steps): `tail` must hold every point
 * with step >= the last block's first step, i.e. the last block re-read plus what is new.
 */
export function appendTail(s: SeriesBlocks, tail: Points): SeriesBlocks {
  const n = s.size.length;
  if (n === 0) return buildBlocks(tail);
  const keep = n - 1;
  const head = buildBlocksPrefix(s, keep);
  const rebuilt = buildBlocks(tail);
  return mergeBlocks(head, rebuilt, s.timeMonotone && rebuilt.timeMonotone && (rebuilt.minTime.length === 0 || keep === 0 || s.maxTime[keep - 1] <= rebuilt.minTime[0]));
}

/** The step from which `appendTail` needs points re-read. */
export function tailStep(s: SeriesBlocks): number | undefined {
  const n = s.size.length;
  return n === 0 ? undefined : s.firstStep[n - 1];
}

function buildBlocksPrefix(s: SeriesBlocks, blocks: number): SeriesBlocks {
  const reps = slicePoints(s.reps, 0, s.repStart[blocks]);
  let count = 0;
  for (let b = 0; b < blocks; b++) count += s.size[b];
  return {
    count,
    reps,
    repStart: s.repStart.subarray(0, blocks + 1),
    firstStep: s.firstStep.subarray(0, blocks),
    lastStep: s.lastStep.subarray(0, blocks),
    minTime: s.minTime.subarray(0, blocks),
    maxTime: s.maxTime.subarray(0, blocks),
    size: s.size.subarray(0, blocks),
    timeMonotone: s.timeMonotone,
  };
}

function mergeBlocks(a: SeriesBlocks, b: SeriesBlocks, timeMonotone: boolean): SeriesBlocks {
  const cat = (x: Float64Array, y: Float64Array): Float64Array => {
    const out = new Float64Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  const na = a.size.length;
  const nb = b.size.length;
  const repStart = new Uint32Array(na + nb + 1);
  repStart.set(a.repStart.subarray(0, na));
  const offset = a.repStart[na];
  for (let i = 0; i <= nb; i++) repStart[na + i] = b.repStart[i] + offset;
  const size = new Uint32Array(na + nb);
  size.set(a.size);
  size.set(b.size, na);
  return {
    count: a.count + b.count,
    reps: concatPoints([a.reps, b.reps]),
    repStart,
    firstStep: cat(a.firstStep, b.firstStep),
    lastStep: cat(a.lastStep, b.lastStep),
    minTime: cat(a.minTime, b.minTime),
    maxTime: cat(a.maxTime, b.maxTime),
    size,
    timeMonotone,
  };
}
