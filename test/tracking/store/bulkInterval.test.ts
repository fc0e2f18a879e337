// get-history-bulk-interval's sampling (reference §2.4): one shared step sample across runs, every run's
// first and last step kept, all values at a chosen step returned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrackingStore } from '../../../extension/tracking/store/trackingStore';
import { MlflowError } from '../../../extension/tracking/errors';

test('bulk interval samples shared steps, keeps each run’s boundaries and every point at a chosen step', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-bulk-'));
  const store = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
  try {
    const a = (await store.createRun({})).info.run_id;
    const b = (await store.createRun({})).info.run_id;
    // Run a: steps 0..99; run b: steps 50..149 plus a second value at step 60.
    await store.logBatch({ run_id: a, metrics: Array.from({ length: 100 }, (_, s) => ({ key: 'loss', value: s, timestamp: 1000 + s, step: s })) });
    await store.logBatch({ run_id: b, metrics: Array.from({ length: 100 }, (_, i) => ({ key: 'loss', value: -i, timestamp: 1000 + i, step: 50 + i })) });
    await store.logMetric(b, { key: 'loss', value: 42, timestamp: 5000, step: 60 });

    // All 150 distinct steps fit: everything comes back, in request order, ordered by step then timestamp.
    const all = store.getMetricHistoryBulkInterval([b, a], 'loss');
    assert.equal(all.length, 201);
    assert.equal(all[0].run_id, b);
    assert.deepEqual(all.filter((m) => m.run_id === b && m.step === 60).map((m) => m.value), [-10, 42]);

    // 150 steps, max_results 10: steps S[floor(i*150/10)] = 0,15,…,135, plus the last (149), plus every run's
    // boundaries (0, 99, 50, 149). The set is shared: run a also gets its point at b's first step, 50.
    const sampled = store.getMetricHistoryBulkInterval([a, b], 'loss', undefined, undefined, 10);
    const stepsOf = (points: typeof sampled, run: string): number[] => points.filter((m) => m.run_id === run).map((m) => m.step);
    assert.deepEqual(stepsOf(sampled, a), [0, 15, 30, 45, 50, 60, 75, 90, 99]);
    assert.deepEqual(stepsOf(sampled, b), [50, 60, 60, 75, 90, 99, 105, 120, 135, 149]);

    // A window [40, 60] with max_results 3: S = 40..60 (21 steps) → 40, 47, 54, the last 60, and b's first
    // step 50; each run's answer is capped at max_results points, in step order.
    const windowed = store.getMetricHistoryBulkInterval([a, b], 'loss', 40, 60, 3);
    assert.deepEqual(stepsOf(windowed, a), [40, 47, 50]);
    assert.deepEqual(stepsOf(windowed, b), [50, 54, 60]);

    for (const bad of [
      () => store.getMetricHistoryBulkInterval([a], 'loss', 5, undefined),
      () => store.getMetricHistoryBulkInterval([a], 'loss', 9, 3),
      () => store.getMetricHistoryBulkInterval([a], 'loss', undefined, undefined, 2501),
      () => store.getMetricHistoryBulkInterval(Array.from({ length: 101 }, () => a), 'loss'),
      () => store.getMetricHistoryBulkInterval([], 'loss'),
    ]) {
      assert.throws(bad, (err: unknown) => err instanceof MlflowError && err.httpStatus === 400);
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
