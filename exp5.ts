import { loadSqlJs, Sqlite } from './extension/tracking/store/sqlite';
import { MIGRATIONS } from './extension/tracking/store/schema';
import { applyOp, MetricKeys, toJournalNumber, type Op } from './extension/tracking/store/operations';
import { BlockBatch } from './extension/tracking/store/metricBlocks';
(async () => {
  const SQL = await loadSqlJs();
  const origAdd = BlockBatch.prototype.add, origFlush = BlockBatch.prototype.flush;
  const run = (mode: string): number => {
    BlockBatch.prototype.add = mode === 'none' ? () => undefined : origAdd;
    BlockBatch.prototype.flush = mode === 'full' ? origFlush : () => undefined;
    const db = new Sqlite(new SQL.Database());
    db.exec('PRAGMA page_size = 16384; PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536;');
    for (const m of MIGRATIONS) db.exec(m);
    db.run("INSERT INTO experiments VALUES (0,'d','x','active',0,0)");
    const keys = new MetricKeys(db);
    for (let r = 0; r < 100; r++) applyOp(db, keys, { t: 'createRun', run: `r${r}`, experimentId: 0, name: '', userId: '', startTime: 0, artifactUri: '', tags: [] });
    const ops: Op[] = Array.from({ length: 500 }, (_, b) => ({ t: 'logBatch', run: `r${b % 100}`, params: [], tags: [], metrics: Array.from({ length: 1000 }, (_, i) => [`m${i % 10}`, toJournalNumber(Math.random()), 1_700_000_000_000 + b, Math.floor(b / 100) * 100 + Math.floor(i / 10)] as [string, number, number, number]) }));
    db.run('BEGIN');
    const c0 = process.cpuUsage();
    for (const op of ops) applyOp(db, keys, op);
    const c = process.cpuUsage(c0);
    db.run('COMMIT');
    return (c.user + c.system) / 1000;
  };
  for (let k = 0; k < 3; k++) console.log(['none', 'add', 'full'].map((m) => `${m} ${run(m).toFixed(0)}ms`).join('  '));
})();
