// Logged models live in the tracking store's database and journal: they must come back identical after a clean
// restart (checkpoint) and after a kill -9 right after the acknowledgements (journal replay); and a store
// written before logged models existed (schema v3) must migrate and keep everything it held.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCliServer, type CliServer } from '../support/cliServer';
import { rawRequest } from '../support/mlflowRestClient';
import { downgradeSchema } from '../support/schemaDowngrade';
import { TrackingStore } from '../../extension/tracking/store/trackingStore';
import { loadSqlJs } from '../../extension/tracking/store/sqlite';
import { CHECKPOINT_FILE } from '../../extension/tracking/store/durability';
import { SCHEMA_VERSION } from '../../extension/tracking/store/schema';
import type { LoggedModel } from '../../extension/tracking/rest/types';
import { Api } from './api';

const LM = '/api/2.0/mlflow/logged-models';
const servers: CliServer[] = [];
const dirs: string[] = [];

after(async () => {
  for (const s of servers) await s.stop({ keep: true });
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(storeDir?: string): Promise<Api> {
  const server = await startCliServer(storeDir ? { storeDir } : {});
  servers.push(server);
  dirs.push(server.tempDir);
  return new Api(server);
}

interface Snapshot {
  active: LoggedModel[];
  deleted: LoggedModel;
  run: unknown;
  version: unknown;
  file: string;
}

async function snapshot(api: Api, exp: string, deletedId: string, runId: string, fileModel: LoggedModel): Promise<Snapshot> {
  const file = await rawRequest(api.server.url, {
    method: 'GET',
    path: `/api/2.0/mlflow-artifacts/artifacts/${exp}/models/${fileModel.info.model_id}/artifacts/MLmodel`,
    headers: { Authorization: `Bearer ${api.server.token}` },
  });
  return {
    active: (await api.search({ experiment_ids: [exp], max_results: 100 })).models ?? [],
    deleted: (await api.ok<{ model: LoggedModel }>('GET', `${LM}/${deletedId}?allow_deleted=true`)).model,
    run: (await api.ok('GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`)).run,
    version: (await api.ok('GET', '/api/2.0/mlflow/model-versions/get?name=durable&version=1')).model_version,
    file: `${file.status} ${file.text}`,
  };
}

test('logged models survive a clean restart and a kill -9 right after acknowledged writes', async () => {
  const first = await start();
  const exp = await first.createExperiment('lm-durable');
  const runId = await first.createRun(exp);
  const made: LoggedModel[] = [];
  for (let i = 0; i < 4; i++) {
    made.push(await first.createModel({ experiment_id: exp, name: `d${i}`, source_run_id: runId, params: [{ key: 'i', value: String(i) }], tags: [{ key: 't', value: String(i) }] }));
  }
  await first.ok('PATCH', `${LM}/${made[0].info.model_id}`, { status: 'LOGGED_MODEL_READY' });
  await first.ok('PATCH', `${LM}/${made[1].info.model_id}/tags`, { tags: [{ key: 'extra', value: 'x' }] });
  await first.ok('DELETE', `${LM}/${made[1].info.model_id}/tags/t`);
  await first.ok('POST', `${LM}/${made[2].info.model_id}/params`, { params: [{ key: 'late', value: 'p' }] });
  await first.ok('POST', '/api/2.0/mlflow/runs/log-metric', { run_id: runId, key: 'acc', value: 0.7, timestamp: 5, step: 1, model_id: made[0].info.model_id });
  await first.ok('POST', '/api/2.0/mlflow/runs/outputs', { run_id: runId, models: [{ model_id: made[0].info.model_id, step: 1 }] });
  await first.ok('DELETE', `${LM}/${made[3].info.model_id}`);
  await first.ok('POST', '/api/2.0/mlflow/registered-models/create', { name: 'durable' });
  await first.ok('POST', '/api/2.0/mlflow/model-versions/create', { name: 'durable', source: `models:/${made[0].info.model_id}`, model_id: made[0].info.model_id });
  const put = await rawRequest(first.server.url, {
    method: 'PUT',
    path: `/api/2.0/mlflow-artifacts/artifacts/${exp}/models/${made[0].info.model_id}/artifacts/MLmodel`,
    headers: { Authorization: `Bearer ${first.server.token}` },
    body: 'flavors: {}\n',
  });
  assert.equal(put.status, 200);
  const before = await snapshot(first, exp, made[3].info.model_id, runId, made[0]);
  assert.equal(before.active.length, 3);
  assert.equal(before.file, '200 flavors: {}\n');
  assert.ok(before.active.find((m) => m.info.model_id === made[0].info.model_id)?.info.tags?.some((t) => t.key === 'mlflow.modelVersions'));

  // 1. clean stop (checkpoint), restart on the same store
  await first.server.stop({ keep: true });
  const second = await start(first.server.storeDir);
  assert.deepEqual(await snapshot(second, exp, made[3].info.model_id, runId, made[0]), before);

  // 2. more acknowledged writes that exist only in the journal, then a crash
  const late = await second.createModel({ experiment_id: exp, name: 'late', source_run_id: runId });
  await second.ok('PATCH', `${LM}/${late.info.model_id}`, { status: 3 });
  await second.ok('PATCH', `${LM}/${made[2].info.model_id}/tags`, { tags: [{ key: 'after', value: 'restart' }] });
  await second.ok('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: runId, metrics: [{ key: 'f1', value: 0.5, timestamp: 6, step: 2, model_id: late.info.model_id, dataset_name: 'v', dataset_digest: 'd' }] });
  await second.ok('DELETE', `${LM}/${made[0].info.model_id}`);
  const beforeCrash = await snapshot(second, exp, made[0].info.model_id, runId, made[0]);
  await second.server.kill9();

  const third = await start(first.server.storeDir);
  assert.deepEqual(await snapshot(third, exp, made[0].info.model_id, runId, made[0]), beforeCrash, 'journal replay rebuilds the logged models exactly');
  // Ids and the model's folder still work after the replay.
  const after = await third.createModel({ experiment_id: exp, name: 'after' });
  assert.notEqual(after.info.model_id, late.info.model_id);
  assert.equal((await third.search({ experiment_ids: [exp], filter: "name = 'late'" })).models?.[0].data?.metrics?.[0].dataset_digest, 'd');
  assert.ok(third.statuses.every((s) => s < 500) && second.statuses.every((s) => s < 500) && first.statuses.every((s) => s < 500));
});

test('a store written at schema v3 (before logged models) migrates to the current schema and keeps its data', async () => {
  const root = mkdtempSync(join(tmpdir(), 'mwb-lm-migrate-'));
  dirs.push(root);
  const dir = join(root, 'store');
  const old = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
  const exp = await old.createExperiment('pre-v4');
  const run = (await old.createRun({ experiment_id: exp })).info.run_id;
  await old.logBatch({ run_id: run, metrics: [{ key: 'loss', value: 0.25, timestamp: 1, step: 0 }], params: [{ key: 'p', value: 'v' }] });
  await old.logOutputs(run, [{ model_id: 'm-0123456789abcdef0123456789abcdef', step: 0 }]);
  const runBefore = old.getRun(run);
  await old.close();
  const SQL = await loadSqlJs();
  const db = new SQL.Database(readFileSync(join(dir, CHECKPOINT_FILE)));
  await downgradeSchema(db, 3);
  assert.equal(db.exec("SELECT count(*) FROM sqlite_master WHERE name LIKE 'logged_model%'")[0].values[0][0], 0, 'the v3 image has no logged-model tables');
  writeFileSync(join(dir, CHECKPOINT_FILE), db.export());
  db.close();

  const api = await start(dir);
  const got = await api.ok<{ run: unknown }>('GET', `/api/2.0/mlflow/runs/get?run_id=${run}`);
  assert.deepEqual(got.run, runBefore, 'the run, its metrics, params and outputs are intact');
  const m = await api.createModel({ experiment_id: exp, name: 'migrated', source_run_id: run });
  assert.equal((await api.search({ experiment_ids: [exp] })).models?.[0].info.model_id, m.info.model_id);
  await api.server.stop({ keep: true });
  const image = new SQL.Database(readFileSync(join(dir, CHECKPOINT_FILE)));
  assert.equal(String(image.exec("SELECT value FROM meta WHERE key = 'schema_version'")[0].values[0][0]), String(SCHEMA_VERSION));
  assert.equal(image.exec('SELECT count(*) FROM logged_models')[0].values[0][0], 1);
  image.close();
});
