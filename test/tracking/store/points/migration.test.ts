// The v6 migration on a store written by the version before it (test/fixtures/store-v5: a checkpoint image plus a
// journal tail left by SIGKILL): the real CLI server opens a copy, and every REST answer recorded from the old
// version — each history (whole, twice for the cached path, and paged), runs, searches, summaries, series, bulk
// reads, the registry and a logged model — is the same. Then a larger v5 image (made from a v6 store by putting
// its points back into a `metrics` table) migrates to a much smaller one holding the same histories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawRequest } from '../../../support/mlflowRestClient';
import { REPO_ROOT, startCliServer } from '../../../support/cliServer';
import { loadSqlJs } from '../../../../extension/tracking/store/sqlite';
import { CHECKPOINT_FILE } from '../../../../extension/tracking/store/durability';
import { TrackingStore } from '../../../../extension/tracking/store/trackingStore';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'store-v5');

interface Recorded {
  answers: Record<string, { status: number; body: unknown }>;
}

test('a v5 store (image + journal tail) migrates to v6 and answers every REST call as before', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mwb-v5-'));
  const storeDir = join(tmp, 'store');
  cpSync(join(FIXTURE, 'store'), storeDir, { recursive: true });
  const imageBefore = statSync(join(storeDir, 'tracking.db')).size;
  const { answers } = JSON.parse(readFileSync(join(FIXTURE, 'answers.json'), 'utf8')) as Recorded;
  const server = await startCliServer({ storeDir, token: 't' });
  try {
    for (const [path, want] of Object.entries(answers)) {
      const fetches = path.includes('get-history?') && !path.includes('max_results') ? 2 : 1;
      for (let i = 0; i < fetches; i++) {
        const r = await rawRequest(server.url, { method: 'GET', path, headers: { Authorization: 'Bearer t' } });
        assert.equal(r.status, want.status, `${path}: status`);
        assert.deepEqual(JSON.parse(r.text), want.body, `${path}${i ? ' (second fetch)' : ''}`);
      }
    }
    assert.ok(Object.keys(answers).length > 50, 'the fixture recorded its answers');
  } finally {
    await server.stop({ keep: true });
  }
  try {
    // After a graceful stop: schema 6, no metrics or metric_blocks, the points in segments, an image no larger.
    const SQL = await loadSqlJs();
    const db = new SQL.Database(readFileSync(join(storeDir, 'tracking.db')));
    const tables = db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0].values.map((r) => r[0]);
    assert.ok(tables.includes('metric_chunks') && !tables.includes('metrics') && !tables.includes('metric_blocks'), String(tables));
    assert.equal(db.exec("SELECT value FROM meta WHERE key = 'schema_version'")[0].values[0][0], '6');
    const chunks = Number(db.exec('SELECT sum(count) FROM metric_chunks')[0].values[0][0]);
    assert.ok(chunks > 500, `${chunks} points in chunks`);
    db.close();
    assert.ok(readdirSync(join(storeDir, 'points')).some((n) => n.endsWith('.seg')));
    const imageAfter = statSync(join(storeDir, 'tracking.db')).size;
    assert.ok(imageAfter <= imageBefore, `image ${imageBefore} → ${imageAfter} bytes`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('the v6 migration moves a large v5 image\'s points into chunks and vacuums the image', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-v5-large-'));
  try {
    let store = await TrackingStore.open({ dir, lock: false, checkpointIntervalMs: 0 });
    const runs: string[] = [];
    for (let r = 0; r < 4; r++) {
      const run = (await store.createRun({})).info.run_id;
      runs.push(run);
      for (let b = 0; b < 20; b++) {
        const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i % 2}`, value: i % 7 === 0 ? NaN : Math.cos(b * 1000 + i), timestamp: 1_700_000_000_000 + (b * 1000 + i) * 3, step: (b * 1000 + i) >> 1 }));
        await store.logBatch({ run_id: run, metrics });
      }
    }
    const histories = runs.flatMap((run) => ['k0', 'k1'].map((k) => JSON.stringify(store.getMetricHistory(run, k))));
    const summaries = runs.map((run) => JSON.stringify(store.getMetricSummaries(run)));
    await store.close();
    // Back to v5: the points into a `metrics` table, metric_chunks, the segments and the tails file gone.
    const SQL = await loadSqlJs();
    const db = new SQL.Database(readFileSync(join(dir, CHECKPOINT_FILE)));
    db.exec(`CREATE TABLE metrics(run_id INTEGER NOT NULL, key_id INTEGER NOT NULL, step INTEGER NOT NULL, timestamp INTEGER NOT NULL,
      value REAL NOT NULL, is_nan INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(run_id, key_id, step, timestamp, value, is_nan)) WITHOUT ROWID`);
    const keyIds = new Map(db.exec('SELECT key, id FROM metric_keys')[0].values.map((r) => [r[0] as string, r[1] as number]));
    const runIds = new Map(db.exec('SELECT run_uuid, id FROM runs')[0].values.map((r) => [r[0] as string, r[1] as number]));
    const insert = db.prepare('INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?)');
    db.exec('BEGIN');
    for (const run of runs) {
      for (const k of ['k0', 'k1']) {
        for (const m of (JSON.parse(histories[runs.indexOf(run) * 2 + Number(k[1])]) as { metrics: { value: number | null; timestamp: number; step: number }[] }).metrics) {
          const nan = m.value === null; // JSON.stringify wrote NaN as null
          insert.run([runIds.get(run)!, keyIds.get(k)!, m.step, m.timestamp, nan ? 0 : (m.value as number), nan ? 1 : 0]);
        }
      }
    }
    db.exec('COMMIT');
    insert.free();
    db.exec("DROP TABLE metric_chunks; DELETE FROM meta WHERE key IN ('point_segments', 'point_tails'); UPDATE meta SET value = '5' WHERE key = 'schema_version'");
    writeFileSync(join(dir, CHECKPOINT_FILE), db.export());
    db.close();
    rmSync(join(dir, 'points'), { recursive: true, force: true });
    const before = statSync(join(dir, CHECKPOINT_FILE)).size;
    store = await TrackingStore.open({ dir, lock: false, checkpointIntervalMs: 0 });
    try {
      const after = statSync(join(dir, CHECKPOINT_FILE)).size;
      assert.ok(after * 4 < before, `image ${before} → ${after} bytes`);
      assert.deepEqual(runs.flatMap((run) => ['k0', 'k1'].map((k) => JSON.stringify(store.getMetricHistory(run, k)))), histories);
      assert.deepEqual(runs.map((run) => JSON.stringify(store.getMetricSummaries(run))), summaries);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
