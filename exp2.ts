import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrackingStore } from './extension/tracking/store/trackingStore';
import { logLongMetric } from './test/panels/seed';
import { BLOCK_COLUMNS, accFromRow } from './extension/tracking/store/metricBlocks';
(async () => {
  const store = await TrackingStore.open({ dir: mkdtempSync(join(tmpdir(), 'x-')), checkpointIntervalMs: 0, lock: false, checkpointBytes: 1e15 });
  const run = await store.createRun({ experiment_id: '0' });
  await logLongMetric(store, run.info.run_id, 'loss', 1_000_000, 5, 1);
  const db = store.db;
  const t = (label: string, fn: () => number) => { for (let k = 0; k < 3; k++) { const t0 = performance.now(); const n = fn(); console.log(label, n, (performance.now() - t0).toFixed(1)); } };
  const q = (sql: string, params: number[], make: boolean) => () => {
    const s = db.statement(sql); s.bind(params); let n = 0;
    while (s.step()) { const r = s.get(); if (make) accFromRow(r, 1); n++; } s.reset(); return n;
  };
  t('level1 all cols', q(`SELECT block, ${BLOCK_COLUMNS} FROM metric_blocks WHERE run_id=1 AND key_id=1 AND level=1 AND block BETWEEN ? AND ?`, [28125, 34375], false));
  t('level1 all cols+acc', q(`SELECT block, ${BLOCK_COLUMNS} FROM metric_blocks WHERE run_id=1 AND key_id=1 AND level=1 AND block BETWEEN ? AND ?`, [28125, 34375], true));
  t('level1 4 cols', q(`SELECT block, min_value, max_value, count FROM metric_blocks WHERE run_id=1 AND key_id=1 AND level=1 AND block BETWEEN ? AND ?`, [28125, 34375], false));
  t('raw 10k', q(`SELECT step, timestamp, value, is_nan FROM metrics WHERE run_id=1 AND key_id=1 AND step BETWEEN ? AND ?`, [495000, 505000], false));
  t('sql agg', q(`SELECT (block*16 - 450000)/100 AS b, min(min_value), max(max_value), sum(count) FROM metric_blocks WHERE run_id=1 AND key_id=1 AND level=1 AND block BETWEEN ? AND ? GROUP BY b`, [28125, 34375], false));
  t('sql agg bare', q(`SELECT (block*16 - 450000)/100 AS b, min(min_value), min_step, min_ts FROM metric_blocks WHERE run_id=1 AND key_id=1 AND level=1 AND block BETWEEN ? AND ? GROUP BY b`, [28125, 34375], false));
  console.log(db.rows(`EXPLAIN QUERY PLAN SELECT (block*16 - 450000)/100 AS b, min(min_value), min_step, min_ts FROM metric_blocks WHERE run_id=1 AND key_id=1 AND level=1 AND block BETWEEN ? AND ? GROUP BY b`, [28125, 34375]));
  process.exit(0);
})();
