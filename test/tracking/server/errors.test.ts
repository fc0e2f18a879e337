// Every predictable failure gets MLflow's error JSON with the exact status and error_code the Python client
// depends on (reference §2.1, §2.3, §3, §4, §8.3-4), over real HTTP against the real CLI server. None of them
// may be a 5xx: the Python client retries those for minutes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCliServer, type CliServer } from '../../support/cliServer';
import { API_PREFIX, MlflowRestClient, type HttpResult, type Run } from '../../support/mlflowRestClient';

let server: CliServer;
let c: MlflowRestClient;
let expId: string;
let runId: string;
const UNKNOWN_RUN = '0123456789abcdef0123456789abcdef';

before(async () => {
  server = await startCliServer();
  c = new MlflowRestClient({ trackingUri: server.url, token: server.token });
  expId = (await c.setExperiment('errors')).experiment_id;
  runId = (await c.startRun({ runName: 'target' })).info.run_id;
});

after(async () => {
  await server?.stop();
});

/** Asserts MLflow's error shape: exact status, exact error_code, a non-empty message, JSON content type. */
function assertError(res: HttpResult, status: number, code: string, what: string): void {
  assert.equal(res.status, status, `${what}: expected ${status} ${code}, got ${res.status} ${res.text}`);
  assert.match(String(res.headers['content-type']), /^application\/json/, what);
  const body = res.json<{ error_code?: unknown; message?: unknown }>();
  assert.equal(body.error_code, code, `${what}: ${res.text}`);
  assert.equal(typeof body.message, 'string', what);
  assert.ok((body.message as string).length > 0, what);
}

const post = (endpoint: string, body: unknown): Promise<HttpResult> => c.http('POST', `${API_PREFIX}/${endpoint}`, { json: body });
const get = (endpoint: string, query: Record<string, unknown>): Promise<HttpResult> => c.http('GET', `${API_PREFIX}/${endpoint}`, { query });

async function getRun(id: string): Promise<Run> {
  return c.getRun(id);
}

test('experiments/create with a taken name: 400 RESOURCE_ALREADY_EXISTS, also when that experiment is deleted', async () => {
  assert.equal((await post('experiments/create', { name: 'dup' })).status, 200);
  assertError(await post('experiments/create', { name: 'dup' }), 400, 'RESOURCE_ALREADY_EXISTS', 'duplicate name');
  const id = (await c.getExperimentByName('dup')).experiment_id;
  await c.deleteExperiment(id);
  assertError(await post('experiments/create', { name: 'dup' }), 400, 'RESOURCE_ALREADY_EXISTS', "a deleted experiment's name");
  assertError(await post('experiments/create', { name: 'Default' }), 400, 'RESOURCE_ALREADY_EXISTS', 'the Default experiment');
  // renaming onto a taken name is refused the same way
  const other = (await c.post<{ experiment_id: string }>('experiments/create', { name: 'dup-other' })).experiment_id;
  assertError(await post('experiments/update', { experiment_id: other, new_name: 'errors' }), 400, 'RESOURCE_ALREADY_EXISTS', 'rename onto a taken name');
});

test('experiments/create with a bad name or artifact location: 400', async () => {
  assertError(await post('experiments/create', {}), 400, 'INVALID_PARAMETER_VALUE', 'no name');
  assertError(await post('experiments/create', { name: '' }), 400, 'INVALID_PARAMETER_VALUE', 'empty name');
  assertError(await post('experiments/create', { name: 'x'.repeat(501) }), 400, 'INVALID_PARAMETER_VALUE', 'name of 501 chars');
  assertError(await post('experiments/create', { name: 'runs-loc', artifact_location: 'runs:/abc/model' }), 400, 'INVALID_PARAMETER_VALUE', 'runs: artifact location');
});

test('unknown experiment: 404 RESOURCE_DOES_NOT_EXIST on get and get-by-name', async () => {
  assertError(await get('experiments/get', { experiment_id: '987654' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'get unknown id');
  assertError(await get('experiments/get', { experiment_id: 'not-a-number' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'get non-numeric id');
  const byName = await get('experiments/get-by-name', { experiment_name: 'no such experiment' });
  assertError(byName, 404, 'RESOURCE_DOES_NOT_EXIST', 'get-by-name unknown');
  assertError(await get('experiments/get', {}), 400, 'INVALID_PARAMETER_VALUE', 'get without id');
  assertError(await get('experiments/get-by-name', { experiment_name: '' }), 400, 'INVALID_PARAMETER_VALUE', 'get-by-name with empty name');
  assertError(await post('experiments/delete', { experiment_id: '987654' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'delete unknown');
  assertError(await post('runs/create', { experiment_id: '987654' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'runs/create in unknown experiment');
});

test('unknown run: 404 RESOURCE_DOES_NOT_EXIST for reads and writes', async () => {
  const res = await get('runs/get', { run_id: UNKNOWN_RUN });
  assertError(res, 404, 'RESOURCE_DOES_NOT_EXIST', 'runs/get');
  assert.equal(res.json<{ message: string }>().message, `Run with id=${UNKNOWN_RUN} not found`);
  assertError(await get('runs/get', { run_uuid: UNKNOWN_RUN }), 404, 'RESOURCE_DOES_NOT_EXIST', 'runs/get by run_uuid');
  assertError(await post('runs/log-metric', { run_id: UNKNOWN_RUN, key: 'm', value: 1, timestamp: 1 }), 404, 'RESOURCE_DOES_NOT_EXIST', 'log-metric');
  assertError(await post('runs/log-parameter', { run_id: UNKNOWN_RUN, key: 'p', value: '1' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'log-parameter');
  assertError(await post('runs/set-tag', { run_id: UNKNOWN_RUN, key: 't', value: '1' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'set-tag');
  assertError(await post('runs/log-batch', { run_id: UNKNOWN_RUN, params: [{ key: 'p', value: '1' }] }), 404, 'RESOURCE_DOES_NOT_EXIST', 'log-batch');
  assertError(await post('runs/update', { run_id: UNKNOWN_RUN, status: 'FINISHED' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'update');
  assertError(await post('runs/delete', { run_id: UNKNOWN_RUN }), 404, 'RESOURCE_DOES_NOT_EXIST', 'delete');
  assertError(await post('runs/restore', { run_id: UNKNOWN_RUN }), 404, 'RESOURCE_DOES_NOT_EXIST', 'restore');
  assertError(await get('metrics/get-history', { run_id: UNKNOWN_RUN, metric_key: 'm' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'get-history');
  assertError(await get('artifacts/list', { run_id: UNKNOWN_RUN }), 404, 'RESOURCE_DOES_NOT_EXIST', 'artifacts/list');
  assertError(await get('runs/get', {}), 400, 'INVALID_PARAMETER_VALUE', 'runs/get without run_id');
  assertError(await get('runs/get', { run_id: 'not a run id!' }), 400, 'INVALID_PARAMETER_VALUE', 'malformed run id');
});

test('params are write-once: a changed value is 400 INVALID_PARAMETER_VALUE, the same value again is 200', async () => {
  const id = (await c.post<{ run: Run }>('runs/create', { experiment_id: expId })).run.info.run_id;
  assert.equal((await post('runs/log-parameter', { run_id: id, run_uuid: id, key: 'lr', value: '0.1' })).status, 200);
  assert.equal((await post('runs/log-parameter', { run_id: id, run_uuid: id, key: 'lr', value: '0.1' })).status, 200);
  const changed = await post('runs/log-parameter', { run_id: id, run_uuid: id, key: 'lr', value: '0.2' });
  assertError(changed, 400, 'INVALID_PARAMETER_VALUE', 'changed param');
  assert.match(changed.json<{ message: string }>().message, /Changing param values is not allowed/);
  assertError(await post('runs/log-batch', { run_id: id, params: [{ key: 'lr', value: '0.3' }] }), 400, 'INVALID_PARAMETER_VALUE', 'changed param in a batch');
  assert.equal((await post('runs/log-batch', { run_id: id, params: [{ key: 'lr', value: '0.1' }] })).status, 200);
  assert.deepEqual((await getRun(id)).data.params, [{ key: 'lr', value: '0.1' }]);
});

test('log-batch limits: 1001 metrics, 101 params, 101 tags, >1000 entities → 400 and nothing stored', async () => {
  const id = (await c.post<{ run: Run }>('runs/create', { experiment_id: expId })).run.info.run_id;
  const metrics = (n: number): unknown[] => Array.from({ length: n }, (_, i) => ({ key: 'm', value: i, timestamp: i, step: i }));
  const pairs = (n: number, p: string): unknown[] => Array.from({ length: n }, (_, i) => ({ key: `${p}${i}`, value: 'v' }));
  assertError(await post('runs/log-batch', { run_id: id, metrics: metrics(1001) }), 400, 'INVALID_PARAMETER_VALUE', '1001 metrics');
  assertError(await post('runs/log-batch', { run_id: id, params: pairs(101, 'p') }), 400, 'INVALID_PARAMETER_VALUE', '101 params');
  assertError(await post('runs/log-batch', { run_id: id, tags: pairs(101, 't') }), 400, 'INVALID_PARAMETER_VALUE', '101 tags');
  assertError(await post('runs/log-batch', { run_id: id, metrics: metrics(901), params: pairs(100, 'p') }), 400, 'INVALID_PARAMETER_VALUE', '1001 entities');
  const run = await getRun(id);
  assert.equal(run.data.metrics, undefined);
  assert.equal(run.data.params, undefined);
  assert.deepEqual(run.data.tags?.map((t) => t.key), ['mlflow.runName']);
  // exactly at the limits is fine
  assert.equal((await post('runs/log-batch', { run_id: id, metrics: metrics(1000) })).status, 200);
  assert.equal((await post('runs/log-batch', { run_id: id, params: pairs(100, 'p'), tags: pairs(100, 't') })).status, 200);
});

test('duplicate param keys in one batch: 400', async () => {
  const res = await post('runs/log-batch', { run_id: runId, params: [{ key: 'dup', value: 'a' }, { key: 'dup', value: 'a' }] });
  assertError(res, 400, 'INVALID_PARAMETER_VALUE', 'duplicate param keys');
  assert.match(res.json<{ message: string }>().message, /Duplicate parameter keys/);
});

test('invalid keys: 400 for metrics, params and tags', async () => {
  for (const key of ['bad!key', 'semi;colon', '../up', '/leading', 'trailing/', 'a//b', 'a/./b', '.', 'x'.repeat(251)]) {
    assertError(await post('runs/log-metric', { run_id: runId, key, value: 1, timestamp: 1 }), 400, 'INVALID_PARAMETER_VALUE', `metric key ${key.slice(0, 20)}`);
    assertError(await post('runs/log-batch', { run_id: runId, metrics: [{ key, value: 1, timestamp: 1 }] }), 400, 'INVALID_PARAMETER_VALUE', `batch metric key ${key.slice(0, 20)}`);
    assertError(await post('runs/log-parameter', { run_id: runId, key, value: '1' }), 400, 'INVALID_PARAMETER_VALUE', `param key ${key.slice(0, 20)}`);
    assertError(await post('runs/set-tag', { run_id: runId, key, value: '1' }), 400, 'INVALID_PARAMETER_VALUE', `tag key ${key.slice(0, 20)}`);
  }
  // the allowed charset: word characters, / . - space and :
  assert.equal((await post('runs/log-metric', { run_id: runId, key: 'ok/key.name-1 two:3_é', value: 1, timestamp: 1 })).status, 200);
});

test('invalid metric values, timestamps and steps: 400', async () => {
  const base = { run_id: runId, key: 'm', value: 1, timestamp: 1, step: 0 };
  const cases: Array<[string, Record<string, unknown>]> = [
    ['value missing', { value: undefined }],
    ['value a word', { value: 'abc' }],
    ['value a boolean', { value: true }],
    ['timestamp missing', { timestamp: undefined }],
    ['timestamp negative', { timestamp: -1 }],
    ['timestamp fractional', { timestamp: 1.5 }],
    ['step fractional', { step: 0.5 }],
    ['step a word', { step: 'one' }],
    ['key missing', { key: undefined }],
  ];
  for (const [what, patch] of cases) assertError(await post('runs/log-metric', { ...base, ...patch }), 400, 'INVALID_PARAMETER_VALUE', what);
  assertError(await post('runs/log-batch', { run_id: runId, metrics: [{ key: 'm', value: 1 }] }), 400, 'INVALID_PARAMETER_VALUE', 'batch metric without timestamp');
  assertError(await post('runs/log-batch', { run_id: runId, metrics: 'not a list' }), 400, 'INVALID_PARAMETER_VALUE', 'metrics not a list');
});

test('over-long values: param value > 6000, tag value > 8000, experiment tag value > 5000 → 400', async () => {
  assertError(await post('runs/log-parameter', { run_id: runId, key: 'long', value: 'x'.repeat(6001) }), 400, 'INVALID_PARAMETER_VALUE', 'param 6001');
  assert.equal((await post('runs/log-parameter', { run_id: runId, key: 'long', value: 'x'.repeat(6000) })).status, 200);
  assertError(await post('runs/set-tag', { run_id: runId, key: 'long', value: 'x'.repeat(8001) }), 400, 'INVALID_PARAMETER_VALUE', 'tag 8001');
  assert.equal((await post('runs/set-tag', { run_id: runId, key: 'long', value: 'x'.repeat(8000) })).status, 200);
  assertError(await post('runs/log-batch', { run_id: runId, params: [{ key: 'long2', value: 'x'.repeat(6001) }] }), 400, 'INVALID_PARAMETER_VALUE', 'batch param 6001');
  assertError(
    await post('experiments/set-experiment-tag', { experiment_id: expId, key: 'long', value: 'x'.repeat(5001) }),
    400, 'INVALID_PARAMETER_VALUE', 'experiment tag 5001',
  );
});

test('writes to a deleted run: 400; reads still work; restore makes it writable again', async () => {
  const id = (await c.post<{ run: Run }>('runs/create', { experiment_id: expId })).run.info.run_id;
  await c.post('runs/set-tag', { run_id: id, key: 'keep', value: 'me' });
  await c.deleteRun(id);
  const writes: Array<[string, Record<string, unknown>]> = [
    ['runs/log-metric', { run_id: id, key: 'm', value: 1, timestamp: 1 }],
    ['runs/log-parameter', { run_id: id, key: 'p', value: '1' }],
    ['runs/set-tag', { run_id: id, key: 't', value: '1' }],
    ['runs/delete-tag', { run_id: id, key: 'keep' }],
    ['runs/log-batch', { run_id: id, metrics: [{ key: 'm', value: 1, timestamp: 1 }] }],
    ['runs/update', { run_id: id, status: 'FINISHED', end_time: 5 }],
  ];
  for (const [endpoint, body] of writes) assertError(await post(endpoint, body), 400, 'INVALID_PARAMETER_VALUE', `${endpoint} on a deleted run`);
  assert.equal((await getRun(id)).info.lifecycle_stage, 'deleted');
  await c.restoreRun(id);
  assert.equal((await post('runs/log-parameter', { run_id: id, key: 'p', value: '1' })).status, 200);
});

test('runs/create in a deleted experiment: 400; tags on a deleted experiment: 400', async () => {
  const id = (await c.post<{ experiment_id: string }>('experiments/create', { name: 'to-delete' })).experiment_id;
  await c.deleteExperiment(id);
  assertError(await post('runs/create', { experiment_id: id }), 400, 'INVALID_PARAMETER_VALUE', 'create run in deleted experiment');
  assertError(await post('experiments/set-experiment-tag', { experiment_id: id, key: 'k', value: 'v' }), 400, 'INVALID_PARAMETER_VALUE', 'tag a deleted experiment');
  assertError(await post('experiments/delete', { experiment_id: id }), 400, 'INVALID_PARAMETER_VALUE', 'delete twice');
  assertError(await post('experiments/restore', { experiment_id: expId }), 404, 'RESOURCE_DOES_NOT_EXIST', 'restore an active experiment');
});

test('run_name different from the mlflow.runName tag: 400', async () => {
  const res = await post('runs/create', { experiment_id: expId, run_name: 'one', tags: [{ key: 'mlflow.runName', value: 'two' }] });
  assertError(res, 400, 'INVALID_PARAMETER_VALUE', 'run_name vs tag');
  assert.equal((await post('runs/create', { experiment_id: expId, run_name: 'same', tags: [{ key: 'mlflow.runName', value: 'same' }] })).status, 200);
});

test('absent tags: delete-tag and delete-experiment-tag answer 404', async () => {
  assertError(await post('runs/delete-tag', { run_id: runId, key: 'never-set' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'delete absent run tag');
  assertError(await post('experiments/delete-experiment-tag', { experiment_id: expId, key: 'never-set' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'delete absent experiment tag');
});

test('bad search requests: filter syntax, order_by, max_results, page token, view type → 400', async () => {
  const search = (body: Record<string, unknown>): Promise<HttpResult> => post('runs/search', { experiment_ids: [expId], ...body });
  for (const filter of ['metrics.x >', "params.p = 'a' OR params.q = 'b'", "foo.p = '1'", 'params.p = unquoted', "metrics.x > 'a string'", 'attributes.nope = 1', '(metrics.x > 1)', "tags.t IS NULL"]) {
    assertError(await search({ filter }), 400, 'INVALID_PARAMETER_VALUE', `filter ${filter}`);
  }
  assertError(await search({ order_by: ['metrics.x SIDEWAYS'] }), 400, 'INVALID_PARAMETER_VALUE', 'order_by direction');
  assertError(await search({ order_by: ['nope.x'] }), 400, 'INVALID_PARAMETER_VALUE', 'order_by entity');
  assertError(await search({ max_results: 50001 }), 400, 'INVALID_PARAMETER_VALUE', 'max_results 50001');
  assertError(await search({ max_results: 0 }), 400, 'INVALID_PARAMETER_VALUE', 'max_results 0');
  assert.equal((await search({ max_results: 50000 })).status, 200);
  assertError(await search({ page_token: 'not a token!' }), 400, 'INVALID_PARAMETER_VALUE', 'garbage page token');
  assertError(await search({ page_token: Buffer.from('{"foo": 1}').toString('base64') }), 400, 'INVALID_PARAMETER_VALUE', 'token without offset');
  assertError(await search({ page_token: Buffer.from('not json').toString('base64') }), 400, 'INVALID_PARAMETER_VALUE', 'token not JSON');
  assertError(await search({ run_view_type: 'SOMETIMES' }), 400, 'INVALID_PARAMETER_VALUE', 'bad view type');

  const expSearch = (body: Record<string, unknown>): Promise<HttpResult> => post('experiments/search', body);
  assertError(await expSearch({ filter: 'bogus = 1' }), 400, 'INVALID_PARAMETER_VALUE', 'experiment filter');
  assertError(await expSearch({ max_results: 50001 }), 400, 'INVALID_PARAMETER_VALUE', 'experiments max_results 50001');
  assertError(await expSearch({ page_token: 'xx' }), 400, 'INVALID_PARAMETER_VALUE', 'experiments page token');
  assertError(await expSearch({ order_by: ['tags.x'] }), 400, 'INVALID_PARAMETER_VALUE', 'experiments order_by tag');
  assertError(await get('metrics/get-history', { run_id: runId, metric_key: 'm', max_results: 1, page_token: '%%%' }), 400, 'INVALID_PARAMETER_VALUE', 'history page token');
  assertError(await get('metrics/get-history-bulk-interval', { run_ids: Array.from({ length: 101 }, () => runId), metric_key: 'm' }), 400, 'INVALID_PARAMETER_VALUE', '101 run ids');
  assertError(await get('metrics/get-history-bulk-interval', { metric_key: 'm' }), 400, 'INVALID_PARAMETER_VALUE', 'no run ids');
});

test('malformed bodies: broken JSON, a non-object, wrong or missing Content-Type → 400', async () => {
  const raw = (body: string, contentType?: string): Promise<HttpResult> =>
    c.http('POST', `${API_PREFIX}/runs/create`, { body, headers: contentType === undefined ? {} : { 'Content-Type': contentType } });
  assertError(await raw('{"experiment_id": ', 'application/json'), 400, 'INVALID_PARAMETER_VALUE', 'truncated JSON');
  assertError(await raw('{experiment_id: 0}', 'application/json'), 400, 'INVALID_PARAMETER_VALUE', 'not JSON');
  assertError(await raw('[1, 2]', 'application/json'), 400, 'INVALID_PARAMETER_VALUE', 'a JSON array');
  assertError(await raw('42', 'application/json'), 400, 'INVALID_PARAMETER_VALUE', 'a JSON number');
  assertError(await raw('{}', 'text/plain'), 400, 'INVALID_PARAMETER_VALUE', 'text/plain');
  assertError(await raw('experiment_id=0', 'application/x-www-form-urlencoded'), 400, 'INVALID_PARAMETER_VALUE', 'form encoded');
  assertError(await raw('{}'), 400, 'INVALID_PARAMETER_VALUE', 'no Content-Type');
  assert.equal((await raw('{}', 'application/json; charset=utf-8')).status, 200, 'a charset parameter is fine');
  assert.equal((await raw('', 'application/json')).status, 200, 'no body is {}');
});

test('unknown endpoints: 404; wrong methods: 405, never 5xx', async () => {
  for (const path of [`${API_PREFIX}/nope`, `${API_PREFIX}/runs/nope`, '/ajax-api/2.0/mlflow/nope', '/api/2.0/mlflow-artifacts/nope', '/nope', '/api/2.0/preview/mlflow/runs/get']) {
    const res = await c.http('GET', path);
    assert.equal(res.status, 404, `${path}: ${res.text}`);
  }
  assertError(await c.http('GET', `${API_PREFIX}/nope`), 404, 'ENDPOINT_NOT_FOUND', 'unknown RPC');
  const wrong: Array<[string, string]> = [
    ['GET', 'runs/search'],
    ['POST', 'runs/get'],
    ['GET', 'runs/create'],
    ['PUT', 'runs/log-metric'],
    ['DELETE', 'experiments/create'],
    ['PATCH', 'experiments/search'],
    ['POST', 'metrics/get-history'],
    ['POST', 'artifacts/list'],
  ];
  for (const [method, endpoint] of wrong) {
    const res = await c.http(method, `${API_PREFIX}/${endpoint}`, method === 'GET' ? { query: { run_id: runId } } : { json: {} });
    assert.equal(res.status, 405, `${method} ${endpoint}: ${res.text}`);
    assert.equal(typeof res.json<{ error_code: unknown }>().error_code, 'string', `${method} ${endpoint}`);
  }
});

test('bad enum and integer fields in GET query strings and POST bodies: 400', async () => {
  assertError(await post('runs/update', { run_id: runId, status: 'DONE' }), 400, 'INVALID_PARAMETER_VALUE', 'status DONE');
  assertError(await post('runs/update', { run_id: runId, status: 9 }), 400, 'INVALID_PARAMETER_VALUE', 'status 9');
  assertError(await post('runs/update', { run_id: runId, end_time: 'later' }), 400, 'INVALID_PARAMETER_VALUE', 'end_time a word');
  assertError(await post('runs/create', { experiment_id: expId, start_time: 'now' }), 400, 'INVALID_PARAMETER_VALUE', 'start_time a word');
  assertError(await get('metrics/get-history', { run_id: runId, metric_key: 'm', max_results: 'ten' }), 400, 'INVALID_PARAMETER_VALUE', 'max_results a word');
  assertError(await get('metrics/get-history', { run_id: runId }), 400, 'INVALID_PARAMETER_VALUE', 'no metric_key');
  assertError(await post('runs/log-model', { run_id: runId, model_json: '{not json' }), 400, 'INVALID_PARAMETER_VALUE', 'log-model bad JSON');
  assertError(await post('runs/log-inputs', { run_id: runId, datasets: [{ dataset: { name: 'd' } }] }), 400, 'INVALID_PARAMETER_VALUE', 'log-inputs incomplete dataset');
});

test('a barrage of malformed requests to every RPC never gets a 5xx', async () => {
  const routes = [
    'experiments/create', 'experiments/get', 'experiments/get-by-name', 'experiments/search', 'experiments/update', 'experiments/set-experiment-tag',
    'experiments/delete-experiment-tag', 'runs/create', 'runs/get', 'runs/update', 'runs/log-metric', 'runs/log-parameter', 'runs/set-tag',
    'runs/delete-tag', 'runs/log-batch', 'runs/log-model', 'runs/log-inputs', 'runs/outputs', 'runs/search', 'metrics/get-history',
    'metrics/get-history-bulk-interval', 'metrics/get-history-bulk', 'artifacts/list',
  ];
  const values: unknown[] = [null, true, -1, 1.5, 1e300, '', 'x', '../..', [], [null], {}, [{}], [{ key: null }], [{ key: 'k', value: { o: 1 } }], [{ dataset: {} }]];
  const fields = ['experiment_id', 'run_id', 'key', 'value', 'timestamp', 'step', 'status', 'tags', 'metrics', 'params', 'filter', 'order_by', 'max_results', 'page_token', 'run_ids', 'datasets', 'models', 'model_json', 'start_step'];
  const bad: string[] = [];
  for (const route of routes) {
    for (const field of fields) {
      for (const value of values) {
        const body: Record<string, unknown> = { run_id: runId, experiment_id: expId, key: 'k', value: 'v', timestamp: 1, metric_key: 'k', run_ids: [runId], name: 'barrage', new_name: 'errors', model_json: '{}' };
        body[field] = value;
        const res = await post(route, body);
        if (res.status >= 500) bad.push(`POST ${route} ${field}=${JSON.stringify(value)} → ${res.status} ${res.text.slice(0, 120)}`);
      }
      const res = await get(route, { run_id: runId, experiment_id: expId, metric_key: 'k', run_ids: runId, [field]: ['a', '-1', '1e999', '%'] });
      if (res.status >= 500) bad.push(`GET ${route} ${field} → ${res.status} ${res.text.slice(0, 120)}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('no request in this file was answered with a 5xx, and the server is still healthy', async () => {
  const fivexx = c.calls.filter((x) => x.status >= 500);
  assert.deepEqual(fivexx, []);
  assert.ok(c.calls.length > 100, 'the error paths above really went over HTTP');
  assert.equal((await getRun(runId)).info.run_id, runId);
  assert.equal(server.proc.exitCode, null, 'the server process is still running');
});

test('renaming a deleted experiment keeps MLflow\'s INVALID_STATE code but answers 400, so clients do not retry', async () => {
  const id = (await c.post<{ experiment_id: string }>('experiments/create', { name: 'to-rename-deleted' })).experiment_id;
  await c.deleteExperiment(id);
  assertError(await post('experiments/update', { experiment_id: id, new_name: 'renamed' }), 400, 'INVALID_STATE', 'rename a deleted experiment');
});
