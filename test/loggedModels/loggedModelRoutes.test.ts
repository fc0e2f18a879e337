// Every logged-model route over real HTTP against the real CLI server: the answers MLflow 3.11 gives (shapes,
// defaults, soft deletion, error codes), the model's files through the artifact proxy, metrics logged with a
// model_id, runs' outputs, and the registry's versions made from a logged model.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCliServer, type CliServer } from '../support/cliServer';
import { rawRequest } from '../support/mlflowRestClient';
import type { LoggedModel } from '../../extension/tracking/rest/types';
import { Api } from './api';

const LM = '/api/2.0/mlflow/logged-models';
let server: CliServer;
let api: Api;
let exp: string;
let runId: string;

before(async () => {
  server = await startCliServer();
  api = new Api(server);
  exp = await api.createExperiment('lm-routes');
  runId = await api.createRun(exp);
});

after(async () => {
  assert.ok(api.statuses.every((s) => s < 500), `no 5xx answered: ${api.statuses.join(',')}`);
  await server.stop();
});

test('create answers the model as MLflow does: PENDING, id m-<32 hex>, location under the experiment, params and tags by key', async () => {
  const before = Date.now();
  const m = await api.createModel({
    experiment_id: exp,
    name: 'clf',
    source_run_id: runId,
    params: [{ key: 'C', value: '1.0' }, { key: 'alpha', value: '0.1' }],
    tags: [{ key: 'z', value: '1' }, { key: 'a', value: '2' }],
  });
  assert.match(m.info.model_id, /^m-[0-9a-f]{32}$/);
  assert.equal(m.info.experiment_id, exp);
  assert.equal(m.info.name, 'clf');
  assert.equal(m.info.artifact_uri, `mlflow-artifacts:/${exp}/models/${m.info.model_id}/artifacts`);
  assert.equal(m.info.status, 'LOGGED_MODEL_PENDING');
  assert.equal(m.info.model_type, '', 'an absent model_type is answered as the empty string');
  assert.equal(m.info.source_run_id, runId);
  assert.ok(m.info.creation_timestamp_ms >= before && m.info.creation_timestamp_ms <= Date.now());
  assert.equal(m.info.last_updated_timestamp_ms, m.info.creation_timestamp_ms);
  assert.deepEqual(m.info.tags, [{ key: 'a', value: '2' }, { key: 'z', value: '1' }]);
  assert.deepEqual(m.data, { params: [{ key: 'C', value: '1.0' }, { key: 'alpha', value: '0.1' }] });
  assert.equal('status_message' in m.info, false);
  assert.deepEqual(await api.getModel(m.info.model_id), m);
  // The same route under /ajax-api, as MLflow serves it.
  assert.deepEqual((await api.ok<{ model: LoggedModel }>('GET', `/ajax-api/2.0/mlflow/logged-models/${m.info.model_id}`)).model, m);
});

test('create without a name generates one; without run or params the answer has an empty source_run_id and data', async () => {
  const m = await api.createModel({ experiment_id: exp });
  assert.match(m.info.name, /^[a-z]+-[a-z]+-\d{1,3}$/);
  assert.equal(m.info.source_run_id, '');
  assert.deepEqual(m.data, {});
  assert.equal(m.info.tags, undefined);
});

test('create: bad names, missing or unknown experiments answer MLflow errors', async () => {
  for (const name of ['a/b', 'a.b', 'a:b', 'a%b', "a'b", 'a"b']) {
    const a = await api.req('POST', LM, { experiment_id: exp, name });
    assert.equal(a.status, 400, name);
    assert.equal(a.body.error_code, 'INVALID_PARAMETER_VALUE');
    assert.match(a.body.message ?? '', /Invalid model name/);
  }
  const missing = await api.req('POST', LM, { name: 'x' });
  assert.deepEqual([missing.status, missing.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
  const unknown = await api.req('POST', LM, { experiment_id: '98765', name: 'x' });
  assert.deepEqual([unknown.status, unknown.body.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
  const gone = await api.createExperiment('lm-gone');
  await api.ok('POST', '/api/2.0/mlflow/experiments/delete', { experiment_id: gone });
  const deleted = await api.req('POST', LM, { experiment_id: gone, name: 'x' });
  assert.deepEqual([deleted.status, deleted.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
  const notJson = await api.req('POST', LM, '{not json');
  assert.equal(notJson.status, 400);
  const badParams = await api.req('POST', LM, { experiment_id: exp, params: 'C=1' });
  assert.deepEqual([badParams.status, badParams.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
});

test('get of an unknown id is 404 RESOURCE_DOES_NOT_EXIST with MLflow\'s message', async () => {
  const a = await api.req('GET', `${LM}/m-00000000000000000000000000000000`);
  assert.equal(a.status, 404);
  assert.equal(a.body.error_code, 'RESOURCE_DOES_NOT_EXIST');
  assert.equal(a.body.message, "Logged model with ID 'm-00000000000000000000000000000000' not found.");
});

test('finalize sets READY or UPLOAD_FAILED (by name or number) and bumps last_updated; bad statuses are 400', async () => {
  const m = await api.createModel({ experiment_id: exp, name: 'fin' });
  await new Promise((r) => setTimeout(r, 5));
  const ready = await api.ok<{ model: LoggedModel }>('PATCH', `${LM}/${m.info.model_id}`, { model_id: m.info.model_id, status: 'LOGGED_MODEL_READY' });
  assert.equal(ready.model.info.status, 'LOGGED_MODEL_READY');
  assert.ok(ready.model.info.last_updated_timestamp_ms > m.info.last_updated_timestamp_ms);
  assert.equal(ready.model.info.creation_timestamp_ms, m.info.creation_timestamp_ms);
  const failed = await api.ok<{ model: LoggedModel }>('PATCH', `${LM}/${m.info.model_id}`, { model_id: m.info.model_id, status: 3 });
  assert.equal(failed.model.info.status, 'LOGGED_MODEL_UPLOAD_FAILED');
  assert.equal((await api.getModel(m.info.model_id)).info.status, 'LOGGED_MODEL_UPLOAD_FAILED');
  for (const status of [undefined, 'DONE', '']) {
    const a = await api.req('PATCH', `${LM}/${m.info.model_id}`, { model_id: m.info.model_id, status });
    assert.deepEqual([a.status, a.body.error_code], [400, 'INVALID_PARAMETER_VALUE'], String(status));
  }
  // A number outside the enum is read by MLflow's protobuf parser as the default: UNSPECIFIED.
  for (const status of [7, -1]) {
    const a = await api.ok<{ model: LoggedModel }>('PATCH', `${LM}/${m.info.model_id}`, { model_id: m.info.model_id, status });
    assert.equal(a.model.info.status, 'LOGGED_MODEL_STATUS_UNSPECIFIED', String(status));
  }
  const unknown = await api.req('PATCH', `${LM}/m-ffffffffffffffffffffffffffffffff`, { status: 'LOGGED_MODEL_READY' });
  assert.deepEqual([unknown.status, unknown.body.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
});

test('tags: set (upsert, by key), delete one; deleting a missing tag or on a missing model is 404', async () => {
  const m = await api.createModel({ experiment_id: exp, name: 'tagged', tags: [{ key: 'k', value: 'v0' }] });
  const id = m.info.model_id;
  assert.deepEqual(await api.ok('PATCH', `${LM}/${id}/tags`, { tags: [{ key: 'k', value: 'v1' }, { key: 'b', value: '2' }] }), {});
  assert.deepEqual((await api.getModel(id)).info.tags, [{ key: 'b', value: '2' }, { key: 'k', value: 'v1' }]);
  assert.deepEqual(await api.ok('DELETE', `${LM}/${id}/tags/k`), {});
  assert.deepEqual((await api.getModel(id)).info.tags, [{ key: 'b', value: '2' }]);
  const again = await api.req('DELETE', `${LM}/${id}/tags/k`);
  assert.deepEqual([again.status, again.body.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
  assert.equal(again.body.message, `No tag with key 'k' found for model with ID '${id}'.`);
  // A key with a slash or dot, percent-encoded in the path.
  await api.ok('PATCH', `${LM}/${id}/tags`, { tags: [{ key: 'a/b.c', value: 'x' }] });
  await api.ok('DELETE', `${LM}/${id}/tags/${encodeURIComponent('a/b.c')}`);
  assert.deepEqual((await api.getModel(id)).info.tags, [{ key: 'b', value: '2' }]);
  const noModel = await api.req('PATCH', `${LM}/m-11111111111111111111111111111111/tags`, { tags: [{ key: 'a', value: 'b' }] });
  assert.deepEqual([noModel.status, noModel.body.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
  const badTags = await api.req('PATCH', `${LM}/${id}/tags`, { tags: { k: 'v' } });
  assert.deepEqual([badTags.status, badTags.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
});

test('params: logged after creation; a key already logged, even with the same value, is BAD_REQUEST as in MLflow', async () => {
  const m = await api.createModel({ experiment_id: exp, name: 'params', params: [{ key: 'a', value: '1' }] });
  const id = m.info.model_id;
  assert.deepEqual(await api.ok('POST', `${LM}/${id}/params`, { model_id: id, params: [{ key: 'b', value: '2' }, { key: 'c', value: '3' }] }), {});
  assert.deepEqual((await api.getModel(id)).data?.params, [{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'c', value: '3' }]);
  for (const params of [[{ key: 'a', value: '9' }], [{ key: 'd', value: '4' }, { key: 'a', value: '1' }]]) {
    const again = await api.req('POST', `${LM}/${id}/params`, { model_id: id, params });
    assert.deepEqual([again.status, again.body.error_code], [400, 'BAD_REQUEST'], JSON.stringify(params));
  }
  assert.deepEqual((await api.getModel(id)).data?.params, [{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'c', value: '3' }], 'a refused request changes nothing');
  const dupInCreate = await api.req('POST', LM, { experiment_id: exp, params: [{ key: 'x', value: '1' }, { key: 'x', value: '2' }] });
  assert.deepEqual([dupInCreate.status, dupInCreate.body.error_code], [400, 'BAD_REQUEST']);
  const unknown = await api.req('POST', `${LM}/m-22222222222222222222222222222222/params`, { params: [{ key: 'a', value: '1' }] });
  assert.deepEqual([unknown.status, unknown.body.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
});

test('delete is soft: get is 404 unless allow_deleted, search skips it, tags and finalize still reach it', async () => {
  const m = await api.createModel({ experiment_id: exp, name: 'doomed' });
  const id = m.info.model_id;
  assert.deepEqual(await api.ok('DELETE', `${LM}/${id}`), {});
  const gone = await api.req('GET', `${LM}/${id}`);
  assert.deepEqual([gone.status, gone.body.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
  const kept = await api.ok<{ model: LoggedModel }>('GET', `${LM}/${id}?allow_deleted=true`);
  assert.equal(kept.model.info.model_id, id);
  assert.ok(kept.model.info.last_updated_timestamp_ms >= m.info.last_updated_timestamp_ms);
  const found = await api.search({ experiment_ids: [exp], max_results: 1000 });
  assert.ok(!(found.models ?? []).some((x) => x.info.model_id === id));
  await api.ok('PATCH', `${LM}/${id}/tags`, { tags: [{ key: 'after', value: 'delete' }] });
  assert.equal((await api.ok<{ model: LoggedModel }>('PATCH', `${LM}/${id}`, { status: 'LOGGED_MODEL_READY' })).model.info.status, 'LOGGED_MODEL_READY');
  assert.deepEqual(await api.ok('DELETE', `${LM}/${id}`), {}, 'deleting again is allowed, as in MLflow');
  const unknown = await api.req('DELETE', `${LM}/m-33333333333333333333333333333333`);
  assert.deepEqual([unknown.status, unknown.body.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
});

test('unknown methods and sub-paths are not 5xx', async () => {
  const m = await api.createModel({ experiment_id: exp, name: 'methods' });
  const put = await api.req('PUT', `${LM}/${m.info.model_id}`, {});
  assert.ok(put.status === 405 || put.status === 404, String(put.status));
  const nowhere = await api.req('GET', `${LM}/${m.info.model_id}/nowhere`);
  assert.equal(nowhere.status, 404);
  assert.equal(nowhere.body.error_code, 'ENDPOINT_NOT_FOUND');
});

async function put(path: string, body: string): Promise<number> {
  const r = await rawRequest(server.url, {
    method: 'PUT',
    path: `/api/2.0/mlflow-artifacts/artifacts/${path}`,
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/octet-stream' },
    body,
  });
  api.statuses.push(r.status);
  return r.status;
}

async function get(path: string): Promise<{ status: number; text: string }> {
  const r = await rawRequest(server.url, { method: 'GET', path, headers: { Authorization: `Bearer ${server.token}` } });
  api.statuses.push(r.status);
  return { status: r.status, text: r.text };
}

test("the model's files: uploaded, listed and downloaded under its location; traversal and unknown models refused", async () => {
  const m = await api.createModel({ experiment_id: exp, name: 'files' });
  const id = m.info.model_id;
  const root = `${exp}/models/${id}/artifacts`;
  assert.equal(await put(`${root}/MLmodel`, 'flavors: {}\n'), 200);
  assert.equal(await put(`${root}/sub/model.pkl`, 'pickle-bytes'), 200);
  const listed = await get(`/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(root)}`);
  assert.equal(listed.status, 200);
  assert.deepEqual(JSON.parse(listed.text), { files: [{ path: 'MLmodel', is_dir: false, file_size: 12 }, { path: 'sub', is_dir: true }] });
  assert.deepEqual(await get(`/api/2.0/mlflow-artifacts/artifacts/${root}/sub/model.pkl`), { status: 200, text: 'pickle-bytes' });
  // MLflow's own listing route for a logged model.
  const dirs = await api.ok(`GET`, `${LM}/${id}/artifacts/directories`);
  assert.deepEqual(dirs, { root_uri: m.info.artifact_uri, files: [{ path: 'MLmodel', is_dir: false, file_size: 12 }, { path: 'sub', is_dir: true }] });
  const subDir = await api.ok(`GET`, `${LM}/${id}/artifacts/directories?artifact_directory_path=sub`);
  assert.deepEqual(subDir, { root_uri: m.info.artifact_uri, files: [{ path: 'sub/model.pkl', is_dir: false, file_size: 12 }] });
  // Traversal out of the model's folder, encoded or not, is refused and writes nothing.
  for (const evil of [`${root}/../../../x`, `${root}/%2e%2e/%2e%2e/x`, `${exp}/models/${id}/../../0/x`]) {
    const status = await put(evil, 'evil');
    assert.ok(status === 400 || status === 404, `${evil}: ${status}`);
  }
  const traversalList = await api.req('GET', `${LM}/${id}/artifacts/directories?artifact_directory_path=${encodeURIComponent('../..')}`);
  assert.equal(traversalList.status, 400);
  // A model id that does not exist, or exists in another experiment, owns no folder.
  assert.equal(await put(`${exp}/models/m-44444444444444444444444444444444/artifacts/MLmodel`, 'x'), 404);
  assert.equal((await get(`/api/2.0/mlflow-artifacts/artifacts/${exp}/models/m-44444444444444444444444444444444/artifacts/MLmodel`)).status, 404);
  assert.equal(await put(`0/models/${id}/artifacts/MLmodel`, 'x'), 404);
  const unknownDirs = await api.req('GET', `${LM}/m-44444444444444444444444444444444/artifacts/directories`);
  assert.equal(unknownDirs.status, 404);
});

test('metrics logged with a model_id become the model\'s metrics; the run keeps its own history unchanged', async () => {
  const run = await api.createRun(exp);
  const m = await api.createModel({ experiment_id: exp, name: 'scored', source_run_id: run });
  const id = m.info.model_id;
  await api.ok('POST', '/api/2.0/mlflow/runs/log-metric', { run_id: run, key: 'acc', value: 0.5, timestamp: 10, step: 0 });
  await api.ok('POST', '/api/2.0/mlflow/runs/log-metric', { run_id: run, key: 'acc', value: 0.8, timestamp: 20, step: 1, model_id: id });
  await api.ok('POST', '/api/2.0/mlflow/runs/log-batch', {
    run_id: run,
    metrics: [
      { key: 'f1', value: 0.7, timestamp: 30, step: 1, model_id: id, dataset_name: 'val', dataset_digest: 'abc' },
      { key: 'f1', value: 0.7, timestamp: 30, step: 1, model_id: id, dataset_name: 'val', dataset_digest: 'abc' },
      { key: 'loss', value: 'NaN', timestamp: 30, step: 1, model_id: id },
    ],
  });
  const model = await api.getModel(id);
  assert.deepEqual(model.data?.metrics, [
    { key: 'acc', value: 0.8, timestamp: 20, step: 1, model_id: id, run_id: run },
    { key: 'f1', value: 0.7, timestamp: 30, step: 1, dataset_name: 'val', dataset_digest: 'abc', model_id: id, run_id: run },
    { key: 'loss', value: 0, timestamp: 30, step: 1, model_id: id, run_id: run },
  ]);
  const history = await api.ok<{ metrics: unknown[] }>('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${run}&metric_key=acc`);
  assert.deepEqual(history.metrics, [{ key: 'acc', value: 0.5, timestamp: 10, step: 0 }, { key: 'acc', value: 0.8, timestamp: 20, step: 1 }]);
  const r = await api.ok<{ run: { data: { metrics: { key: string; model_id?: string }[] } } }>('GET', `/api/2.0/mlflow/runs/get?run_id=${run}`);
  assert.ok(r.run.data.metrics.every((x) => x.model_id === undefined), 'run metrics carry no model_id');
  const bad = await api.req('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: run, metrics: [{ key: 'x', value: 1, timestamp: 1, step: 0, model_id: 5 }] });
  assert.deepEqual([bad.status, bad.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
  // A dataset is named by both its name and digest, or not at all; the whole batch is refused otherwise.
  const half = await api.req('POST', '/api/2.0/mlflow/runs/log-batch', {
    run_id: run,
    metrics: [{ key: 'half', value: 1, timestamp: 40, step: 2, model_id: id }, { key: 'half', value: 2, timestamp: 41, step: 2, model_id: id, dataset_name: 'val' }],
  });
  assert.deepEqual([half.status, half.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
  assert.equal(half.body.message, 'Both dataset_name and dataset_digest must be provided if one is provided');
  assert.equal((await api.getModel(id)).data?.metrics?.length, 3);
  const halfHistory = await api.ok('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${run}&metric_key=half`);
  assert.deepEqual(halfHistory, {}, 'nothing of a refused batch reaches the run');
});

test('runs answer inputs and outputs as MLflow 3 does (create: no outputs; get and search: outputs always)', async () => {
  const created = await api.ok<{ run: Record<string, unknown> }>('POST', '/api/2.0/mlflow/runs/create', { experiment_id: exp });
  assert.deepEqual(created.run.inputs, {});
  assert.equal('outputs' in created.run, false);
  const run = (created.run.info as { run_id: string }).run_id;
  const got = await api.ok<{ run: Record<string, unknown> }>('GET', `/api/2.0/mlflow/runs/get?run_id=${run}`);
  assert.deepEqual([got.run.inputs, got.run.outputs], [{}, {}]);
  const m = await api.createModel({ experiment_id: exp, name: 'out', source_run_id: run });
  await api.ok('POST', '/api/2.0/mlflow/runs/outputs', { run_id: run, models: [{ model_id: m.info.model_id, step: 0 }] });
  await api.ok('POST', '/api/2.0/mlflow/runs/log-inputs', { run_id: run, models: [{ model_id: m.info.model_id }] });
  const after = await api.ok<{ run: Record<string, unknown> }>('GET', `/api/2.0/mlflow/runs/get?run_id=${run}`);
  assert.deepEqual(after.run.outputs, { model_outputs: [{ model_id: m.info.model_id, step: 0 }] });
  assert.deepEqual(after.run.inputs, { model_inputs: [{ model_id: m.info.model_id }] });
  const searched = await api.ok<{ runs: Record<string, unknown>[] }>('POST', '/api/2.0/mlflow/runs/search', { experiment_ids: [exp], filter: `attributes.run_id = '${run}'` });
  assert.deepEqual(searched.runs[0].outputs, after.run.outputs);
});

test('registry: a version made from a logged model takes its run and location, and is listed in mlflow.modelVersions', async () => {
  const m = await api.createModel({ experiment_id: exp, name: 'reg', source_run_id: runId });
  const id = m.info.model_id;
  await api.ok('POST', '/api/2.0/mlflow/registered-models/create', { name: 'lm-reg' });
  const mv = await api.ok<{ model_version: Record<string, unknown> }>('POST', '/api/2.0/mlflow/model-versions/create', { name: 'lm-reg', source: `models:/${id}`, model_id: id });
  assert.equal(mv.model_version.version, '1');
  assert.equal(mv.model_version.source, `models:/${id}`);
  assert.equal(mv.model_version.run_id, runId, 'the run comes from the logged model');
  assert.equal(mv.model_version.status, 'READY');
  assert.equal('model_id' in mv.model_version, false, 'MLflow 3.11 does not answer model_id on versions');
  const tag = (await api.getModel(id)).info.tags?.find((t) => t.key === 'mlflow.modelVersions');
  assert.equal(tag?.value, '[{"name": "lm-reg", "version": 1}]');
  assert.equal((await api.getModel(id)).info.last_updated_timestamp_ms, m.info.last_updated_timestamp_ms, 'tags do not bump last_updated');
  const uri = await api.ok<{ artifact_uri: string }>('GET', '/api/2.0/mlflow/model-versions/get-download-uri?name=lm-reg&version=1');
  assert.equal(uri.artifact_uri, m.info.artifact_uri);
  // A second version of another registered model from the same logged model appends to the tag.
  await api.ok('POST', '/api/2.0/mlflow/registered-models/create', { name: 'lm-reg2' });
  await api.ok('POST', '/api/2.0/mlflow/model-versions/create', { name: 'lm-reg2', source: `models:/${id}`, model_id: id });
  const tag2 = (await api.getModel(id)).info.tags?.find((t) => t.key === 'mlflow.modelVersions');
  assert.equal(tag2?.value, '[{"name": "lm-reg", "version": 1}, {"name": "lm-reg2", "version": 1}]');
  // Our resolver answers models:/m-<id> with the logged model's location.
  const resolved = await api.ok('GET', `/api/2.0/mlflow-workbench/model-uris/resolve?uri=${encodeURIComponent(`models:/${id}`)}`);
  assert.deepEqual(resolved, { name: 'reg', model_id: id, artifact_uri: m.info.artifact_uri, run_id: runId });
  // A version of a version (models:/name/1) still resolves through the registry.
  const nested = await api.ok<{ model_version: Record<string, unknown> }>('POST', '/api/2.0/mlflow/model-versions/create', { name: 'lm-reg', source: 'models:/lm-reg/1' });
  assert.equal((await api.ok<{ artifact_uri: string }>('GET', `/api/2.0/mlflow/model-versions/get-download-uri?name=lm-reg&version=${String(nested.model_version.version)}`)).artifact_uri, m.info.artifact_uri);
  // The MLflow 2 path is unchanged.
  const v2 = await api.ok<{ model_version: Record<string, unknown> }>('POST', '/api/2.0/mlflow/model-versions/create', { name: 'lm-reg', source: `runs:/${runId}/model`, run_id: runId });
  assert.equal(v2.model_version.run_id, runId);
  assert.equal(
    (await api.ok<{ artifact_uri: string }>('GET', `/api/2.0/mlflow/model-versions/get-download-uri?name=lm-reg&version=${String(v2.model_version.version)}`)).artifact_uri,
    `mlflow-artifacts:/${exp}/${runId}/artifacts/model`,
  );
});

test('registry: unknown or deleted logged models are 404, traversal in a source with model_id is 400', async () => {
  await api.ok('POST', '/api/2.0/mlflow/registered-models/create', { name: 'lm-reg-errors' });
  const ghost = 'm-55555555555555555555555555555555';
  const bySource = await api.req('POST', '/api/2.0/mlflow/model-versions/create', { name: 'lm-reg-errors', source: `models:/${ghost}` });
  assert.deepEqual([bySource.status, bySource.body.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
  const byId = await api.req('POST', '/api/2.0/mlflow/model-versions/create', { name: 'lm-reg-errors', source: `runs:/${runId}/model`, model_id: ghost });
  assert.deepEqual([byId.status, byId.body.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
  const m = await api.createModel({ experiment_id: exp, name: 'reg-deleted' });
  await api.ok('DELETE', `${LM}/${m.info.model_id}`);
  const deleted = await api.req('POST', '/api/2.0/mlflow/model-versions/create', { name: 'lm-reg-errors', source: `models:/${m.info.model_id}`, model_id: m.info.model_id });
  assert.deepEqual([deleted.status, deleted.body.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
  const live = await api.createModel({ experiment_id: exp, name: 'reg-live' });
  const traversal = await api.req('POST', '/api/2.0/mlflow/model-versions/create', {
    name: 'lm-reg-errors',
    source: `mlflow-artifacts:/${exp}/models/${live.info.model_id}/artifacts/../../../etc`,
    model_id: live.info.model_id,
  });
  assert.deepEqual([traversal.status, traversal.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
  const versions = await api.ok<{ model_versions?: unknown[] }>('GET', `/api/2.0/mlflow/model-versions/search?filter=${encodeURIComponent("name='lm-reg-errors'")}`);
  assert.equal(versions.model_versions, undefined, 'no refused request created a version');
  const resolve = await api.req('GET', `/api/2.0/mlflow-workbench/model-uris/resolve?uri=${encodeURIComponent(`models:/${ghost}`)}`);
  assert.equal(resolve.status, 404);
});
