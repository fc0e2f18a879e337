// The two TrackingClient implementations must behave the same: every case runs against InProcessClient (the
// window owning the store) and RestClient (another window, over real HTTP to the real server on that store).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientError, isEndpointMissing, isNotFound } from '../../extension/client/clientError';
import { InProcessClient } from '../../extension/client/inProcessClient';
import { InProcessRegistryClient } from '../../extension/client/inProcessRegistry';
import { RestClient } from '../../extension/client/restClient';
import { errorFromBody, joinUrl, queryString, RestTransport } from '../../extension/client/restTransport';
import type { TrackingClient } from '../../extension/client/trackingClient';
import { startTrackingServer, type RunningServer } from '../../extension/tracking/server/trackingServer';
import { TrackingStore } from '../../extension/tracking/store/trackingStore';
import { RegistryStore } from '../../extension/registry/registryStore';

interface Fixture {
  store: TrackingStore;
  server: RunningServer;
  dir: string;
  clients: Record<'in-process' | 'rest', TrackingClient>;
}

async function open(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-clients-'));
  const store = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
  const token = 'secret-token';
  const server = await startTrackingServer({ store, token });
  return {
    store,
    server,
    dir,
    clients: {
      'in-process': new InProcessClient(store, new InProcessRegistryClient(new RegistryStore(store))),
      rest: new RestClient({ baseUri: server.url, token }),
    },
  };
}

async function close(f: Fixture): Promise<void> {
  await f.server.close();
  await f.store.close();
  rmSync(f.dir, { recursive: true, force: true });
}

async function logRun(store: TrackingStore, experimentId: string, name: string, losses: number[], parent?: string): Promise<string> {
  const tags = [{ key: 'team', value: 'vision' }];
  if (parent) tags.push({ key: 'mlflow.parentRunId', value: parent });
  const run = await store.createRun({ experiment_id: experimentId, run_name: name, tags, start_time: 1_700_000_000_000 });
  const id = run.info.run_id;
  await store.logBatch({
    run_id: id,
    params: [{ key: 'lr', value: '0.01' }],
    metrics: losses.map((value, step) => ({ key: 'loss', value, timestamp: 1_700_000_000_000 + step, step })),
  });
  return id;
}

for (const kind of ['in-process', 'rest'] as const) {
  describe(`${kind} client`, () => {
    let f: Fixture;
    let client: TrackingClient;
    before(async () => {
      f = await open();
      client = f.clients[kind];
    });
    after(() => close(f));

    test('experiments: create, rename, delete, restore, with view types', async () => {
      const id = await client.createExperiment(`exp-${kind}`);
      await client.renameExperiment(id, `renamed-${kind}`);
      assert.equal((await client.getExperiment(id)).name, `renamed-${kind}`);
      await client.deleteExperiment(id);
      const active = await client.searchExperiments({ viewType: 'ACTIVE_ONLY', maxResults: 100 });
      assert.ok(!active.items.some((e) => e.experiment_id === id));
      const deleted = await client.searchExperiments({ viewType: 'DELETED_ONLY', maxResults: 100 });
      assert.deepEqual(deleted.items.map((e) => e.experiment_id), [id]);
      await client.restoreExperiment(id);
      assert.equal((await client.getExperiment(id)).lifecycle_stage, 'active');
    });

    test('errors keep MLflow codes: a duplicate name, an unknown run', async () => {
      await client.createExperiment(`dup-${kind}`);
      await assert.rejects(client.createExperiment(`dup-${kind}`), (e) => e instanceof ClientError && e.code === 'RESOURCE_ALREADY_EXISTS');
      await assert.rejects(client.getRun('0123456789abcdef0123456789abcdef'), (e) => isNotFound(e));
    });

    test('runs: search pages, rename, tags, note, delete and restore', async () => {
      const exp = await client.createExperiment(`runs-${kind}`);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await logRun(f.store, exp, `r${i}`, [1, 0.5]));
      const first = await client.searchRuns({ experimentIds: [exp], viewType: 'ACTIVE_ONLY', maxResults: 3 });
      assert.equal(first.items.length, 3);
      assert.ok(first.next_page_token);
      const second = await client.searchRuns({ experimentIds: [exp], viewType: 'ACTIVE_ONLY', maxResults: 3, pageToken: first.next_page_token });
      assert.equal(second.items.length, 2);
      assert.equal(second.next_page_token, undefined);
      assert.deepEqual(new Set([...first.items, ...second.items].map((r) => r.info.run_id)), new Set(ids));

      await client.renameRun(ids[0], 'renamed');
      await client.setRunTag(ids[0], 'mlflow.note.content', 'a *note*');
      await client.setRunTag(ids[0], 'owner', 'me');
      await client.deleteRunTag(ids[0], 'owner');
      const run = await client.getRun(ids[0]);
      assert.equal(run.info.run_name, 'renamed');
      assert.equal(run.data.tags?.find((t) => t.key === 'mlflow.note.content')?.value, 'a *note*');
      assert.equal(run.data.tags?.find((t) => t.key === 'owner'), undefined);

      await client.deleteRun(ids[1]);
      const active = await client.searchRuns({ experimentIds: [exp], viewType: 'ACTIVE_ONLY', maxResults: 100 });
      assert.equal(active.items.length, 4);
      await client.restoreRun(ids[1]);
      assert.equal((await client.getRun(ids[1])).info.lifecycle_stage, 'active');
    });

    test('nested runs are found by their parent tag', async () => {
      const exp = await client.createExperiment(`nested-${kind}`);
      const parent = await logRun(f.store, exp, 'parent', [1]);
      const child = await logRun(f.store, exp, 'child', [1], parent);
      const page = await client.searchRuns({ experimentIds: [exp], filter: `tags.mlflow.parentRunId = '${parent}'`, viewType: 'ACTIVE_ONLY', maxResults: 10 });
      assert.deepEqual(page.items.map((r) => r.info.run_id), [child]);
    });

    test('metric summaries give latest, min, max and count', async () => {
      const exp = await client.createExperiment(`metrics-${kind}`);
      const id = await logRun(f.store, exp, 'm', [0.9, 0.2, 0.5, 0.4]);
      const [loss] = await client.metricSummaries(await client.getRun(id));
      assert.equal(loss.key, 'loss');
      assert.equal(loss.value, 0.4);
      assert.equal(loss.step, 3);
      assert.equal(loss.min, 0.2);
      assert.equal(loss.max, 0.9);
      assert.equal(loss.count, 4);
      // A new point must show on the next read (the REST client caches per latest point).
      await f.store.logMetric(id, { key: 'loss', value: 0.05, timestamp: 1_800_000_000_000, step: 4 });
      const [after] = await client.metricSummaries(await client.getRun(id));
      assert.deepEqual([after.value, after.min, after.count], [0.05, 0.05, 5]);
    });

    test('artifacts: list folders and files, read bytes', async () => {
      const exp = await client.createExperiment(`artifacts-${kind}`);
      const id = await logRun(f.store, exp, 'a', [1]);
      const base = `${f.server.url}/api/2.0/mlflow-artifacts/artifacts/${exp}/${id}/artifacts`;
      for (const [path, body] of [['model/MLmodel', 'flavors: {}\n'], ['notes.txt', 'hello']]) {
        const res = await fetch(`${base}/${path}`, { method: 'PUT', body, headers: { Authorization: 'Bearer secret-token' } });
        assert.equal(res.status, 200);
      }
      const root = await client.listArtifacts(id);
      assert.deepEqual(root.map((x) => [x.path, x.is_dir]).sort(), [['model', true], ['notes.txt', false]]);
      assert.deepEqual((await client.listArtifacts(id, 'model')).map((x) => x.path), ['model/MLmodel']);
      assert.equal(Buffer.from(await client.readArtifact(id, 'model/MLmodel')).toString(), 'flavors: {}\n');
      const local = client.localArtifactPath(await client.getRun(id), 'notes.txt');
      if (kind === 'in-process') assert.equal(local, join(f.dir, 'artifacts', exp, id, 'artifacts', 'notes.txt'));
      else assert.equal(local, undefined);
    });

    test('registry: register a run folder, alias it, move stages, describe, delete', async () => {
      const exp = await client.createExperiment(`registry-${kind}`);
      const runId = await logRun(f.store, exp, 'trained', [1]);
      const run = await client.getRun(runId);
      const reg = client.registry;
      const name = `clf-${kind}`;
      await reg.createRegisteredModel(name, 'a classifier');
      const v1 = await reg.createModelVersion({ name, source: `${run.info.artifact_uri}/model`, runId });
      const v2 = await reg.createModelVersion({ name, source: `${run.info.artifact_uri}/model`, runId });
      assert.deepEqual([v1.version, v2.version], ['1', '2']);
      await reg.setAlias(name, 'champion', '1');
      await reg.transitionStage(name, '2', 'Staging', false);
      await reg.updateModelVersion(name, '2', 'candidate');
      const versions = await reg.searchModelVersions({ name, maxResults: 10 });
      assert.deepEqual(versions.items.map((v) => v.version), ['2', '1']);
      assert.deepEqual(versions.items[1].aliases, ['champion']);
      assert.equal(versions.items[0].current_stage, 'Staging');
      assert.equal(versions.items[0].description, 'candidate');
      assert.equal(versions.items[1].run_id, runId);
      const models = await reg.searchRegisteredModels({ maxResults: 100 });
      const model = models.items.find((m) => m.name === name);
      assert.deepEqual(model?.aliases, [{ alias: 'champion', version: '1' }]);
      await assert.rejects(reg.setAlias(name, 'latest', '1'), (e) => e instanceof ClientError && e.code === 'INVALID_PARAMETER_VALUE');
      await reg.deleteAlias(name, 'champion');
      await reg.deleteModelVersion(name, '1');
      assert.deepEqual((await reg.searchModelVersions({ name, maxResults: 10 })).items.map((v) => v.version), ['2']);
      await reg.renameRegisteredModel(name, `${name}-renamed`);
      await reg.deleteRegisteredModel(`${name}-renamed`);
      assert.ok(!(await reg.searchRegisteredModels({ maxResults: 100 })).items.some((m) => m.name.startsWith(name)));
    });

    test('gc: a dry run names what would go; gc with those ids removes exactly them; an active run named is refused', async () => {
      const exp = await client.createExperiment(`gc-${kind}`);
      const keep = await logRun(f.store, exp, 'keep', [1, 2]);
      const gone = await logRun(f.store, exp, 'gone', [3, 4]);
      await client.deleteRun(gone);
      const preview = await client.gc({ dry_run: true });
      assert.equal(preview.dry_run, true);
      assert.ok(preview.run_ids.includes(gone) && !preview.run_ids.includes(keep));
      assert.equal((await client.getRun(gone)).info.lifecycle_stage, 'deleted', 'a dry run removes nothing');
      await assert.rejects(client.gc({ run_ids: [keep] }), (e) => e instanceof ClientError && e.code === 'INVALID_PARAMETER_VALUE' && /not in `deleted` lifecycle stage/.test(e.message));
      const done = await client.gc({ run_ids: [gone], experiment_ids: [], logged_model_ids: [] });
      assert.deepEqual([done.run_ids, done.experiment_ids, done.logged_model_ids, done.dry_run], [[gone], [], [], false]);
      assert.ok(done.bytes_before > 0 && done.bytes_after > 0);
      await assert.rejects(client.getRun(gone), (e) => isNotFound(e));
      assert.equal((await client.getRun(keep)).info.lifecycle_stage, 'active');
    });
  });
}

test('the REST client refuses a wrong token with UNAUTHENTICATED', async () => {
  const f = await open();
  try {
    const wrong = new RestClient({ baseUri: f.server.url, token: 'nope' });
    await assert.rejects(wrong.searchExperiments({ viewType: 'ALL', maxResults: 1 }), (e) => e instanceof ClientError && e.code === 'UNAUTHENTICATED');
  } finally {
    await close(f);
  }
});

test('an unreachable server is UNREACHABLE, not a hang', async () => {
  const f = await open();
  const url = f.server.url;
  await close(f);
  const client = new RestClient({ baseUri: url });
  await assert.rejects(client.searchExperiments({ viewType: 'ALL', maxResults: 1 }), (e) => e instanceof ClientError && e.code === 'UNREACHABLE');
});

test('a route the server lacks is ENDPOINT_NOT_FOUND, whether it answers MLflow JSON or a bare 404', async () => {
  const f = await open();
  try {
    const http = new RestTransport({ baseUri: f.server.url, token: 'secret-token' });
    await assert.rejects(http.get('api/2.0/mlflow/no-such/route'), (e) => isEndpointMissing(e));
  } finally {
    await close(f);
  }
  assert.ok(isEndpointMissing(errorFromBody(404, '<!doctype html><title>404 Not Found</title>')));
  assert.equal(errorFromBody(404, '{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"x"}').code, 'RESOURCE_DOES_NOT_EXIST');
});

test('a tracking URI with a path prefix keeps it (a server behind a reverse proxy)', async () => {
  assert.equal(joinUrl('https://host/mlflow/', 'api/2.0/mlflow/runs/get'), 'https://host/mlflow/api/2.0/mlflow/runs/get');
  assert.equal(queryString({ run_ids: ['a', 'b'], key: 'x y', skip: undefined }), '?run_ids=a&run_ids=b&key=x+y');
  assert.throws(() => new RestClient({ baseUri: 'databricks://profile' }), /Unsupported tracking URI scheme/);
});
