import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrackingStore } from './extension/tracking/store/trackingStore';
import { logLongMetric } from './test/panels/seed';
import { InProcessClient } from './extension/client/inProcessClient';
import { SeriesCache } from './extension/charts/seriesCache';
(async () => {
  const store = await TrackingStore.open({ dir: mkdtempSync(join(tmpdir(), 'x-')), checkpointIntervalMs: 0, lock: false, checkpointBytes: 1e15 });
  const run = await store.createRun({ experiment_id: '0' });
  await logLongMetric(store, run.info.run_id, 'loss', 1_000_000, 5, 1);
  const client = new InProcessClient(store, undefined as never);
  const cache = new SeriesCache(client);
  const r = await client.getRun(run.info.run_id);
  for (const [label, from, to] of [['full', undefined, undefined], ['10%', 450000, 550000], ['1%', 495000, 505000]] as const) {
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      const s = store.getMetricSeries(run.info.run_id, 'loss', { axis: 'step', from, to, buckets: 1000 });
      const t1 = performance.now();
      const v = await cache.view(r, 'loss', 'step', 1000, from === undefined ? undefined : { from, to: to! });
      const t2 = performance.now();
      JSON.stringify(v);
      const t3 = performance.now();
      console.log(label, s.step.length, 'store', (t1 - t0).toFixed(1), 'view', (t2 - t1).toFixed(1), 'json', (t3 - t2).toFixed(1));
    }
  }
  process.exit(0);
})();
