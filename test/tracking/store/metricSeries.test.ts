// The metric chunks' summaries (schema v6, points/) against a brute-force computation over random histories: steps
// out of order and repeated, identical points logged twice, NaN and ±Infinity, tied values. They must match after
// ingest and after a journal replay (a store reopened from a copy taken without a checkpoint, as after kill -9),
// and the stored points must be exactly the distinct points logged. Then the downsampled series: every bucket's
// first, minimum, maximum and last point are exactly those of its raw points, small ranges come back whole, and
// the time axis works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrackingStore } from '../../../extension/tracking/store/trackingStore';
import { planBuckets } from '../../../extension/tracking/store/seriesReads';
import { SUMMARY_COLUMNS } from '../../../extension/tracking/store/points/summary';
import type { MetricInput } from '../../../extension/tracking/rest/types';

type P = { step: number; ts: number; value: number };

/** A small deterministic PRNG, so a failure names its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A random history in random batches: out-of-order and repeated steps, duplicates, NaN, ±Infinity, ties. */
function randomBatches(seed: number, n: number, maxStep: number): MetricInput[][] {
  const r = rng(seed);
  const points: MetricInput[] = [];
  for (let i = 0; i < n; i++) {
    const u = r();
    const value = u < 0.04 ? NaN : u < 0.06 ? Infinity : u < 0.08 ? -Infinity : u < 0.5 ? Math.floor(r() * 9) - 4 : (r() - 0.5) * 1000;
    const step = r() < 0.1 ? -1 - Math.floor(r() * 40) : Math.floor(r() * maxStep);
    const p = { key: 'm', value, timestamp: 1000 + Math.floor(r() * 50), step };
    points.push(p);
    if (r() < 0.05) points.push({ ...p }); // logged twice: stored once
  }
  // Mostly ascending runs of steps (as training loops log), shuffled a little.
  points.sort((a, b) => (a.step ?? 0) - (b.step ?? 0));
  for (let i = 0; i < points.length / 10; i++) {
    const a = Math.floor(r() * points.length);
    const b = Math.floor(r() * points.length);
    [points[a], points[b]] = [points[b], points[a]];
  }
  const batches: MetricInput[][] = [];
  for (let at = 0; at < points.length; ) {
    const size = 1 + Math.floor(r() * 700);
    batches.push(points.slice(at, at + size));
    at += size;
  }
  return batches;
}

/** The distinct points as the store keeps them (identical points once; NaN is NaN whatever else). */
function distinct(batches: MetricInput[][]): P[] {
  const seen = new Map<string, P>();
  for (const b of batches) for (const m of b) seen.set(`${m.step}|${m.timestamp}|${Number.isNaN(m.value) ? 'NaN' : m.value}`, { step: m.step!, ts: m.timestamp!, value: m.value as number });
  return [...seen.values()];
}

const lexLess = (a: P, b: P): boolean => a.step < b.step || (a.step === b.step && (a.ts < b.ts || (a.ts === b.ts && a.value < b.value)));

/** The brute-force summary of a set of points (metric_chunks' first/last/lo/hi columns are first/last/min/max). */
function summary(points: P[]): Record<string, number | null> {
  const fin = points.filter((p) => Number.isFinite(p.value));
  if (fin.length === 0) {
    const nulls = Object.fromEntries(['first', 'last', 'min', 'max'].flatMap((w) => [`${w}_step`, `${w}_ts`, `${w}_value`]).map((k) => [k, null]));
    return { count: points.length, finite: 0, ...nulls, min_time: null, max_time: null };
  }
  let first = fin[0];
  let last = fin[0];
  let min = fin[0];
  let max = fin[0];
  for (const p of fin) {
    if (lexLess(p, first)) first = p;
    if (lexLess(last, p)) last = p;
    const earlier = (q: P): boolean => p.step < q.step || (p.step === q.step && p.ts < q.ts);
    if (p.value < min.value || (p.value === min.value && earlier(min))) min = p;
    if (p.value > max.value || (p.value === max.value && earlier(max))) max = p;
  }
  const cols = (w: string, p: P) => ({ [`${w}_step`]: p.step, [`${w}_ts`]: p.ts, [`${w}_value`]: p.value });
  return {
    count: points.length,
    finite: fin.length,
    ...cols('first', first),
    ...cols('last', last),
    ...cols('min', min),
    ...cols('max', max),
    min_time: Math.min(...fin.map((p) => p.ts)),
    max_time: Math.max(...fin.map((p) => p.ts)),
  };
}

/** Every chunk's summary equals the brute-force one of its points, and chunks plus tail hold exactly `points`. */
function assertChunks(store: TrackingStore, runId: string, points: P[], when: string): void {
  const run = store.db.get<{ id: number }>('SELECT id FROM runs WHERE run_uuid = ?', [runId])!.id;
  const keyId = store.db.get<{ id: number }>("SELECT id FROM metric_keys WHERE key = 'm'")!.id;
  const names = SUMMARY_COLUMNS.split(', ').map((c) => c.replace(/^lo_/, 'min_').replace(/^hi_/, 'max_'));
  const rows = store.points.chunkRows(run, keyId);
  assert.ok(rows.length > 1, `${when}: several chunks`);
  const held: P[] = [];
  for (const row of rows) {
    const c = store.points.decode(row);
    const pts = Array.from(c.step, (step, i) => ({ step, ts: c.timestamp[i], value: c.value[i] }));
    held.push(...pts);
    const got = Object.fromEntries(names.map((n, i) => [n, row.summary[i]]));
    assert.deepEqual(got, summary(pts), `${when}: chunk ${row.seq}`);
    assert.equal(row.minStep, Math.min(...pts.map((p) => p.step)));
    assert.equal(row.maxStep, Math.max(...pts.map((p) => p.step)));
  }
  const tail = store.points.tailOf(run, keyId);
  if (tail) held.push(...Array.from(tail.step, (step, i) => ({ step, ts: tail.timestamp[i], value: tail.value[i] })));
  const order = (a: P, b: P): number => a.step - b.step || a.ts - b.ts || (Number.isNaN(a.value) ? 0 : a.value) - (Number.isNaN(b.value) ? 0 : b.value) || Number(Number.isNaN(a.value)) - Number(Number.isNaN(b.value));
  const key = (p: P): string => `${p.step}|${p.ts}|${p.value}`;
  assert.deepEqual(held.map(key).sort(), points.map(key).sort(), `${when}: the distinct points, each once`);
  // The store's own ordered read equals the reference order (step, timestamp, value with NaN as 0, NaN last).
  const all = store.getMetricPoints(runId, 'm');
  const want = [...points].sort(order);
  assert.deepEqual(Array.from(all.step, (step, i) => key({ step, ts: all.timestamp[i], value: all.value[i] })), want.map(key), `${when}: read in stored order`);
}

async function openTemp(prefix: string, dir = mkdtempSync(join(tmpdir(), prefix))): Promise<TrackingStore> {
  // Small chunks and a small buffer budget: many chunks, flushed by size and by budget.
  return TrackingStore.open({ dir, checkpointIntervalMs: 0, checkpointBytes: Number.MAX_SAFE_INTEGER, lock: false, pointOptions: { chunkPoints: 700, bufferedPoints: 2000 } });
}

for (const seed of [1, 2, 3]) {
  test(`chunk summaries equal a brute-force computation, after ingest and after a journal replay (seed ${seed})`, async () => {
    const store = await openTemp('mwb-blocks-');
    const copy = mkdtempSync(join(tmpdir(), 'mwb-blocks-copy-'));
    let reopened: TrackingStore | undefined;
    try {
      const runId = (await store.createRun({})).info.run_id;
      const batches = randomBatches(seed, 6000, seed === 3 ? 200_000 : 20_000);
      for (const metrics of batches) await store.logBatch({ run_id: runId, metrics });
      const points = distinct(batches);
      assertChunks(store, runId, points, 'after ingest');
      // A copy of the files as they stand: the first image (no metrics) plus the fsync'ed journal.
      cpSync(store.dir, copy, { recursive: true });
      reopened = await openTemp('', copy);
      assertChunks(reopened, runId, points, 'after replay');
      await reopened.checkpoint();
      assertChunks(reopened, runId, points, 'after a checkpoint');
    } finally {
      await reopened?.close();
      await store.close();
      rmSync(store.dir, { recursive: true, force: true });
      rmSync(copy, { recursive: true, force: true });
    }
  });
}

test('a downsampled series keeps every bucket’s first, minimum, maximum and last point exactly', async () => {
  const store = await openTemp('mwb-series-');
  try {
    const runId = (await store.createRun({})).info.run_id;
    const batches = randomBatches(7, 40_000, 300_000);
    for (const metrics of batches) await store.logBatch({ run_id: runId, metrics });
    const points = distinct(batches).filter((p) => Number.isFinite(p.value));
    const r = rng(99);
    const ranges: Array<[number, number, number]> = [[-40, 300_000, 500], [0, 299_999, 16], [123, 4567, 100], [1000, 1100, 64], [50_000, 50_017, 16]];
    for (let i = 0; i < 20; i++) {
      const a = Math.floor(r() * 300_000);
      ranges.push([a, a + Math.floor(r() * 100_000), 16 + Math.floor(r() * 1000)]);
    }
    let downsampled = 0;
    for (const [minStep, maxStep, w] of ranges) {
      const s = store.getMetricSeries(runId, 'm', { axis: 'step', from: minStep, to: maxStep, buckets: w });
      const inRange = points.filter((p) => p.step >= minStep && p.step <= maxStep);
      const got = s.step.map((step, i) => ({ step, ts: s.timestamp[i], value: s.value[i] }));
      const inside = got.filter((p) => p.step >= minStep && p.step <= maxStep);
      const before = points.filter((p) => p.step < minStep).reduce<P | undefined>((m, p) => (!m || lexLess(m, p) ? p : m), undefined);
      const after = points.filter((p) => p.step > maxStep).reduce<P | undefined>((m, p) => (!m || lexLess(p, m) ? p : m), undefined);
      assert.deepEqual(got[0].step < minStep ? got[0] : undefined, before, `context before [${minStep}, ${maxStep}]`);
      assert.deepEqual(got[got.length - 1].step > maxStep ? got[got.length - 1] : undefined, after, `context after [${minStep}, ${maxStep}]`);
      const sorted = [...inRange].sort((a, b) => (lexLess(a, b) ? -1 : 1));
      if (s.exact) {
        assert.ok(inRange.length <= 4 * w, 'exact only when small');
        assert.deepEqual(inside, sorted, `every point of [${minStep}, ${maxStep}]`);
        continue;
      }
      downsampled++;
      assert.ok(inside.length <= 4 * w, `${inside.length} points for ${w} buckets`);
      const { bucketOf } = planBuckets(minStep, maxStep, w);
      const byBucket = new Map<number, P[]>();
      for (const p of sorted) {
        const b = bucketOf(p.step);
        if (!byBucket.has(b)) byBucket.set(b, []);
        byBucket.get(b)!.push(p);
      }
      const expected: P[] = [];
      for (const b of [...byBucket.keys()].sort((x, y) => x - y)) {
        const sm = summary(byBucket.get(b)!);
        const four = (['first', 'min', 'max', 'last'] as const).map((k) => ({ step: sm[`${k}_step`]!, ts: sm[`${k}_ts`]!, value: sm[`${k}_value`]! }));
        four.sort((x, y) => (lexLess(x, y) ? -1 : lexLess(y, x) ? 1 : 0));
        for (const [i, p] of four.entries()) if (i === 0 || lexLess(four[i - 1], p)) expected.push(p);
      }
      assert.deepEqual(inside, expected, `buckets of [${minStep}, ${maxStep}] / ${w}`);
      assert.ok(byBucket.size > w / 2, 'buckets keep most of the asked resolution');
    }
    assert.ok(downsampled >= ranges.length / 2, `${downsampled} of ${ranges.length} ranges were downsampled`);
  } finally {
    await store.close();
    rmSync(store.dir, { recursive: true, force: true });
  }
});

test('a time window inside a pause of the run gets the points on either side, to draw the line across it', async () => {
  const store = await openTemp('mwb-gap-');
  try {
    const runId = (await store.createRun({})).info.run_id;
    // 20,000 steps, ten seconds apart, with an hour's pause after step 12,287 (a top-level block boundary, so no
    // block spans the pause) and five minutes' pause after step 5,000 (inside blocks).
    const at = (step: number): number => 1_000_000 + step * 10_000 + (step > 5_000 ? 300_000 : 0) + (step >= 12_288 ? 3_600_000_000 : 0);
    for (let b = 0; b < 20; b++) {
      await store.logBatch({ run_id: runId, metrics: Array.from({ length: 1000 }, (_, i) => ({ key: 'm', value: Math.sin(b * 1000 + i), timestamp: at(b * 1000 + i), step: b * 1000 + i })) });
    }
    const points = (from: number, to: number): Array<{ step: number; ts: number }> => {
      const s = store.getMetricSeries(runId, 'm', { axis: 'time', from, to, buckets: 100 });
      return s.step.map((step, i) => ({ step, ts: s.timestamp[i] }));
    };
    const pause = [at(12_287), at(12_288)];
    assert.deepEqual(points(pause[0] + 1000, pause[1] - 1000), [{ step: 12_287, ts: pause[0] }, { step: 12_288, ts: pause[1] }]);
    assert.deepEqual(points(at(0) - 5000, at(0) - 1), [{ step: 0, ts: at(0) }], 'before the first point: only the one after');
    assert.deepEqual(points(at(19_999) + 1, at(19_999) + 5000), [{ step: 19_999, ts: at(19_999) }], 'after the last point: only the one before');
    const across = points(pause[0] - 25_000, pause[1] + 25_000).map((p) => p.step);
    assert.deepEqual(across, [12_284, 12_285, 12_286, 12_287, 12_288, 12_289, 12_290, 12_291], 'a window reaching both sides: its points and one more each side');
    // A pause inside a block: the block's points come back, both sides of the window among them, none inside it.
    const inside = points(at(5_000) + 1000, at(5_001) - 1000);
    assert.ok(inside.some((p) => p.step === 5_000) && inside.some((p) => p.step === 5_001), 'both sides');
    assert.ok(inside.every((p) => p.ts < at(5_000) + 1000 || p.ts > at(5_001) - 1000), 'nothing inside the pause');
  } finally {
    await store.close();
    rmSync(store.dir, { recursive: true, force: true });
  }
});
