// Traces live in the tracking store's database and journal: every acknowledged trace write survives a kill -9
// (journal replay) and a clean restart (checkpoint), and a store written before traces existed (schema v3)
// migrates to v5 with its runs intact and takes traces. TraceStore, the API the views use, reads the same.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCliServer, type CliServer } from '../support/cliServer';
import { MlflowRestClient } from '../support/mlflowRestClient';
import { downgradeSchema } from '../support/schemaDowngrade';
import { loadSqlJs } from '../../extension/tracking/store/sqlite';
import { CHECKPOINT_FILE } from '../../extension/tracking/store/durability';
import { SCHEMA_VERSION } from '../../extension/tracking/store/schema';
import { TrackingStore } from '../../extension/tracking/store/trackingStore';
import { TraceStore } from '../../extension/traces/traceStore';
import type { TraceInfo } from '../../extension/tracking/rest/types';
import { TraceClient, traceDataJson, traceId, V3 } from './traceClient';

const servers: CliServer[] = [];
const tempDirs: string[] = [];

after(async () => {
  for (const s of servers) await s.stop({ keep: true });
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

async function start(storeDir?: string): Promise<{ server: CliServer; c: TraceClient; rest: MlflowRestClient }> {
  const server = await startCliServer(storeDir ? { storeDir } : {});
  servers.push(server);
  tempDirs.push(server.tempDir);
  const rest = new MlflowRestClient({ trackingUri: server.url, token: server.token });
  return { server, c: new TraceClient(rest), rest };
}

async function snapshot(c: TraceClient, experiments: string[]): Promise<TraceInfo[]> {
  const ids = await c.searchIds(experiments, { maxResults: 2 });
  const infos: TraceInfo[] = [];
  for (const id of ids) infos.push(await c.get(id));
  return infos;
}

const T0 = Date.UTC(2026, 5, 1);

test('acknowledged trace writes survive kill -9 and a clean restart; TraceStore reads them and their spans', async () => {
  const a = await start();
  const exp = (await a.rest.setExperiment('durable')).experiment_id;
  for (let i = 0; i < 6; i++) {
    const info = await a.c.start({ id: traceId(i, 7), experimentId: exp, time: T0 + i, durationMs: i * 10, name: `t${i}`, state: i % 2 ? 'ERROR' : 'OK' });
    await a.c.uploadData(info, traceDataJson(info.trace_id));
  }
  await a.c.ok('PATCH', `/api/2.0/mlflow/traces/${traceId(1, 7)}/tags`, { key: 'reviewed', value: 'yes' });
  await a.c.ok('PATCH', `/api/2.0/mlflow/traces/${traceId(2, 7)}/tags`, { key: 'gone', value: 'soon' });
  await a.c.ok('DELETE', `/api/2.0/mlflow/traces/${traceId(2, 7)}/tags`, { key: 'gone' });
  await a.c.ok('POST', '/api/2.0/mlflow/traces/delete-traces', { experiment_id: exp, request_ids: [traceId(5, 7)] });
  // the last write is acknowledged, then the process dies without a checkpoint
  await a.c.start({ id: traceId(9, 7), experimentId: exp, time: T0 + 9, name: 'last' });
  const before = await snapshot(a.c, [exp]);
  assert.equal(before.length, 6);
  await a.server.kill9();

  const b = await start(a.server.storeDir);
  assert.deepEqual(await snapshot(b.c, [exp]), before, 'journal replay after kill -9');
  assert.equal((await b.c.get(traceId(1, 7))).tags!.reviewed, 'yes');
  assert.equal((await b.c.get(traceId(2, 7))).tags!.gone, undefined);
  await b.server.stop({ keep: true });

  const c = await start(a.server.storeDir);
  assert.deepEqual(await snapshot(c.c, [exp]), before, 'clean restart');
  await c.server.stop({ keep: true });

  // The views' in-process API over the same store.
  const store = await TrackingStore.open({ dir: a.server.storeDir, checkpointIntervalMs: 0, lock: false });
  try {
    const traces = new TraceStore(store);
    assert.deepEqual(traces.getTraceInfo(traceId(3, 7)), before.find((t) => t.trace_id === traceId(3, 7)));
    const page = traces.searchTraces({ locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }], max_results: 4 });
    assert.deepEqual(page.traces.map((t) => t.trace_id), before.slice(0, 4).map((t) => t.trace_id));
    assert.ok(page.next_page_token);
    const data = traces.readTraceData(traceId(3, 7));
    assert.deepEqual(data?.spans.map((s) => [s.name, s.parent_span_id ?? null, s.status?.code]), [
      ['outer', null, 'STATUS_CODE_OK'],
      ['inner', 'dhNr6wtWf3Q=', 'STATUS_CODE_OK'],
      ['failing', 'dhNr6wtWf3Q=', 'STATUS_CODE_ERROR'],
    ]);
    assert.deepEqual(await traces.readTraceDataAsync(traceId(3, 7)), data);
    assert.equal(traces.readTraceData(traceId(9, 7)), undefined, 'no spans uploaded for this one');
    assert.equal(await traces.readTraceDataAsync(traceId(9, 7)), undefined);
    assert.equal(traces.readTraceData(traceId(5, 7)), undefined, 'deleted');
    assert.throws(() => traces.getTraceInfo(traceId(5, 7)), /not found/);
    const runTraces = traces.searchTraces({ locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }], filter: "name = 't3'" });
    assert.deepEqual(runTraces.traces.map((t) => t.trace_id), [traceId(3, 7)]);
  } finally {
    await store.close();
  }
});

test('a schema v3 store (before logged models and traces) migrates to v5, keeps its runs and takes traces', async () => {
  const a = await start();
  const exp = (await a.rest.setExperiment('old-store')).experiment_id;
  const run = await a.rest.startRun({ runName: 'kept' });
  await a.rest.logMetric('loss', 0.5);
  await a.server.stop({ keep: true });

  const SQL = await loadSqlJs();
  const file = join(a.server.storeDir, CHECKPOINT_FILE);
  const db = new SQL.Database(readFileSync(file));
  await downgradeSchema(db, 3);
  assert.equal(db.exec("SELECT count(*) FROM sqlite_master WHERE name IN ('traces', 'trace_tags', 'trace_metadata')")[0].values[0][0], 0);
  writeFileSync(file, db.export());
  db.close();

  const b = await start(a.server.storeDir);
  const got = await b.rest.getRun(run.info.run_id);
  assert.equal(got.info.run_name, 'kept');
  assert.equal(got.data.metrics?.[0]?.value, 0.5);
  const info = await b.c.start({ id: traceId(1, 8), experimentId: exp, time: T0, name: 'after-migration' });
  assert.deepEqual(await b.c.searchIds([exp]), [info.trace_id]);
  assert.equal((await b.c.raw('GET', `${V3}/${info.trace_id}`)).status, 200);
  await b.server.stop({ keep: true });
  const reopened = new SQL.Database(readFileSync(file));
  assert.equal(reopened.exec("SELECT value FROM meta WHERE key = 'schema_version'")[0].values[0][0], String(SCHEMA_VERSION));
  reopened.close();
});
