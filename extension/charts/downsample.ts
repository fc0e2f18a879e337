// Spike-preserving downsampling (the M4 scheme: per pixel-wide bucket keep the first, last, minimum and maximum
// point). A line drawn through those points is pixel-identical to one drawn through every point, so a single
// NaN-free spike among a million points is never lost — unlike fixed-count sampling, which MLflow's UI uses.
// Pure: arrays in, indices out, so callers map indices to steps, timestamps or values as they need.

/** A bucket count the webview may ask for; anything outside is clamped (bounded work, bounded output). */
export const MIN_BUCKETS = 16;
export const MAX_BUCKETS = 4096;

export function clampBuckets(buckets: number): number {
  if (!Number.isFinite(buckets)) return 1000;
  return Math.max(MIN_BUCKETS, Math.min(MAX_BUCKETS, Math.round(buckets)));
}

/** Most points one downsampled series can hold: four per bucket plus one context point on each side. */
export function maxOutput(buckets: number): number {
  return 4 * clampBuckets(buckets) + 2;
}

/**
 * Indices of the points to draw for x in [from, to] with `buckets` buckets, ascending by x (ties by index).
 * - Points whose y is not finite (NaN, ±Infinity) cannot be plotted and are skipped.
 * - When the range holds at most 4 points per bucket, every point in it is returned (full fidelity).
 * - Otherwise each bucket contributes its first and last point by x and its minimum and maximum by y.
 * - The nearest plottable point just outside each end is added, so the line reaches the chart's edges.
 * The input need not be sorted by x (timestamps may go backwards relative to steps).
 */
export function downsampleIndices(x: ArrayLike<number>, y: ArrayLike<number>, from: number, to: number, buckets: number): Uint32Array {
  const n = Math.min(x.length, y.length);
  const w = clampBuckets(buckets);
  let inRange = 0;
  let sorted = true;
  let before = -1;
  let after = -1;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    if (i > 0 && xi < x[i - 1]) sorted = false;
    if (!Number.isFinite(y[i]) || Number.isNaN(xi)) continue;
    if (xi < from) {
      if (before < 0 || xi > x[before]) before = i;
    } else if (xi > to) {
      if (after < 0 || xi < x[after]) after = i;
    } else inRange++;
  }
  const picked: number[] = [];
  if (before >= 0) picked.push(before);
  if (inRange <= 4 * w) {
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      if (xi >= from && xi <= to && Number.isFinite(y[i])) picked.push(i);
    }
  } else {
    // Per bucket: first (min x), last (max x), min y, max y; -1 = empty.
    const first = new Int32Array(w).fill(-1);
    const last = new Int32Array(w).fill(-1);
    const lo = new Int32Array(w).fill(-1);
    const hi = new Int32Array(w).fill(-1);
    const span = to - from;
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      const yi = y[i];
      if (!(xi >= from && xi <= to) || !Number.isFinite(yi)) continue;
      // A zero-width range (one distinct x) puts everything in bucket 0.
      const b = span > 0 ? Math.min(w - 1, Math.floor(((xi - from) / span) * w)) : 0;
      if (first[b] < 0) {
        first[b] = last[b] = lo[b] = hi[b] = i;
        continue;
      }
      if (xi < x[first[b]]) first[b] = i;
      if (xi >= x[last[b]]) last[b] = i;
      if (yi < y[lo[b]]) lo[b] = i;
      if (yi > y[hi[b]]) hi[b] = i;
    }
    for (let b = 0; b < w; b++) {
      if (first[b] < 0) continue;
      // Up to four distinct indices, kept in x order below.
      const set = [first[b], lo[b], hi[b], last[b]];
      for (let k = 0; k < 4; k++) if (set.indexOf(set[k]) === k) picked.push(set[k]);
    }
  }
  if (after >= 0) picked.push(after);
  const out = Uint32Array.from(picked);
  // Buckets are already in x order; within one, and for unsorted input, order by x then index.
  if (!sorted || inRange > 4 * w) out.sort((a, b) => x[a] - x[b] || a - b);
  return out;
}

/** Smallest and largest finite x (NaN when there is none): the full range of a series. */
export function extent(x: ArrayLike<number>): { min: number; max: number } {
  let min = NaN;
  let max = NaN;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!Number.isFinite(v)) continue;
    if (!(v >= min)) min = v;
    if (!(v <= max)) max = v;
  }
  return { min, max };
}

/** Plottable points with x in [from, to]: tells a caller whether downsampling will thin them. */
export function countInRange(x: ArrayLike<number>, y: ArrayLike<number>, from: number, to: number): number {
  let n = 0;
  const len = Math.min(x.length, y.length);
  for (let i = 0; i < len; i++) if (x[i] >= from && x[i] <= to && Number.isFinite(y[i])) n++;
  return n;
}
