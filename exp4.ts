import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrackingStore } from './extension/tracking/store/trackingStore';
import { logLongMetric, T0 } from './test/panels/seed';
(async () => {
  const store = await TrackingStore.open({ dir: mkdtempSync(join(tmpdir(), 'x-')), checkpointIntervalMs: 0, lock: false, checkpointBytes: 1e15 });
  const ids: string[] = [];
  for (let r = 0; r < 10; r++) {
    const run = await store.createRun({ experiment_id: '0', start_time: T0 });
    await logLongMetric(store, run.info.run_id, 'loss', 1_000_000, 100_000 * r + 12_345, r + 1);
    ids.push(run.info.run_id);
  }
  await new Promise((r) => setTimeout(r, 1000)); (globalThis as { gc?: () => void }).gc?.();
  console.log('pages', store.db.rows('PRAGMA page_count'), store.db.rows('SELECT level, count(*) FROM metric_blocks GROUP BY level'));
  for (let pass = 0; pass < 3; pass++) {
    const times: string[] = [];
    const t0 = performance.now();
    for (const id of ids) {
      const a = performance.now();
      store.getMetricSeries(id, 'loss', { axis: 'step', buckets: 1000 });
      times.push((performance.now() - a).toFixed(0));
    }
    console.log('pass', pass, (performance.now() - t0).toFixed(0), times.join(' '));
  }
  process.exit(0);
})();
