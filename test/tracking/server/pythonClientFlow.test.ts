// The MLflow Python client's whole call sequence, replayed over real HTTP against the real CLI server:
// set_experiment, start_run (+ nested), log_param(s), log_metric(s) with NaN/±Infinity, set_tag, artifacts,
// end_run, search_runs, metric history, delete/restore, experiments/search, both API prefixes and the
// response conventions the Python client's parser depends on (reference §2, §2.7, §3, §4, §8).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startCliServer, type CliServer } from '../../support/cliServer';
import {
  AJAX_PREFIX, API_PREFIX, MlflowApiError, MlflowRestClient, USER_AGENT, fromWireDouble, rawRequest, type Run,
} from '../../support/mlflowRestClient';

let server: CliServer;
const clients: MlflowRestClient[] = [];

/** A client as `MLFLOW_TRACKING_URI=<url> MLFLOW_TRACKING_TOKEN=<token> python train.py` would make it. */
function client(opts: { apiPrefix?: string; now?: () => number } = {}): MlflowRestClient {
  const c = new MlflowRestClient({ trackingUri: server.url, token: server.token, user: 'alice', sourceName: '/home/alice/train.py', ...opts });
  clients.push(c);
  return c;
}

/** A deterministic clock: each call is one second later, so start_time orders are stable. */
function ticking(start = 1_700_000_000_000): () => number {
  let t = start;
  return () => (t += 1000);
}

const tagsOf = (run: Run): Record<string, string> => Object.fromEntries((run.data.tags ?? []).map((t) => [t.key, t.value]));
const paramsOf = (run: Run): Record<string, string> => Object.fromEntries((run.data.params ?? []).map((t) => [t.key, t.value]));
const metricOf = (run: Run, key: string): number | undefined => run.data.metrics?.find((m) => m.key === key)?.value;

before(async () => {
  server = await startCliServer();
});

after(async () => {
  await server?.stop();
});

test('the test client sends what the Python client sends (headers, query encoding, JSON body)', async () => {
  const seen: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders; body: string }> = [];
  const capture = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => capture.listen(0, '127.0.0.1', r));
  try {
    const c = new MlflowRestClient({ trackingUri: `http://127.0.0.1:${(capture.address() as AddressInfo).port}`, token: 's3cret' });
    await c.get('metrics/get-history-bulk-interval', { run_ids: ['a', 'b'], metric_key: 'a b+c/é', max_results: 5 });
    await c.post('runs/log-metric', { run_id: 'r', key: 'k', value: 'NaN', timestamp: 1, step: 0, note: 'é' });
    assert.equal(seen[0].method, 'GET');
    assert.equal(seen[0].url, '/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=a&run_ids=b&metric_key=a+b%2Bc%2F%C3%A9&max_results=5');
    assert.equal(seen[0].headers['content-type'], undefined, 'requests sends no Content-Type on a GET');
    assert.equal(seen[0].body, '');
    for (const s of seen) {
      assert.equal(s.headers['user-agent'], USER_AGENT);
      assert.equal(s.headers.authorization, 'Bearer s3cret');
    }
    assert.equal(seen[1].method, 'POST');
    assert.equal(seen[1].headers['content-type'], 'application/json');
    assert.equal(seen[1].body, '{"run_id": "r", "key": "k", "value": "NaN", "timestamp": 1, "step": 0, "note": "\\u00e9"}');
  } finally {
    capture.close();
  }
});

test('/health and /version answer plain text', async () => {
  const health = await rawRequest(server.url, { method: 'GET', path: '/health' });
  assert.equal(health.status, 200);
  assert.equal(health.text, 'OK');
  const c = client();
  const version = await c.http('GET', '/version');
  assert.equal(version.status, 200);
  assert.match(version.text, /^\d+\.\d+\.\d+/);
});

test('set_experiment: get-by-name → RESOURCE_DOES_NOT_EXIST → create → get; the second time only get-by-name', async () => {
  const c = client();
  const exp = await c.setExperiment('flow-set-experiment');
  assert.deepEqual(
    c.calls.map((x) => [x.method, x.path.split('?')[0], x.status]),
    [
      ['GET', `${API_PREFIX}/experiments/get-by-name`, 404],
      ['POST', `${API_PREFIX}/experiments/create`, 200],
      ['GET', `${API_PREFIX}/experiments/get`, 200],
    ],
  );
  assert.equal(exp.name, 'flow-set-experiment');
  assert.equal(typeof exp.experiment_id, 'string');
  assert.match(exp.experiment_id, /^\d+$/);
  assert.equal(exp.lifecycle_stage, 'active');
  assert.equal(exp.artifact_location, `mlflow-artifacts:/${exp.experiment_id}`);
  assert.equal(typeof exp.creation_time, 'number');
  assert.equal(typeof exp.last_update_time, 'number');
  assert.equal('tags' in exp, false, 'an experiment without tags has no tags key');

  const again = client();
  const same = await again.setExperiment('flow-set-experiment');
  assert.equal(same.experiment_id, exp.experiment_id);
  assert.deepEqual(again.calls.map((x) => x.status), [200]);
});

test('a whole training script: start_run, nested run, params, metrics, tags, artifacts, end_run', async () => {
  const c = client();
  const exp = await c.setExperiment('flow-training');

  // start_run(run_name=..., tags=...)
  const parent = await c.startRun({ runName: 'parent-run', tags: { team: 'vision', 'release.stage': 'dev' }, description: 'the parent' });
  const id = parent.info.run_id;
  assert.match(id, /^[0-9a-f]{32}$/);
  assert.equal(parent.info.run_uuid, id);
  assert.equal(parent.info.run_name, 'parent-run');
  assert.equal(parent.info.experiment_id, exp.experiment_id);
  assert.equal(parent.info.user_id, 'alice');
  assert.equal(parent.info.status, 'RUNNING');
  assert.equal(parent.info.lifecycle_stage, 'active');
  assert.equal(parent.info.artifact_uri, `mlflow-artifacts:/${exp.experiment_id}/${id}/artifacts`);
  assert.equal(typeof parent.info.start_time, 'number');
  assert.equal(parent.info.end_time, undefined);
  assert.deepEqual(tagsOf(parent), {
    'mlflow.user': 'alice',
    'mlflow.source.name': '/home/alice/train.py',
    'mlflow.source.type': 'LOCAL',
    'mlflow.runName': 'parent-run',
    'mlflow.note.content': 'the parent',
    team: 'vision',
    'release.stage': 'dev',
  });
  assert.equal(parent.data.params, undefined);
  assert.equal(parent.data.metrics, undefined);

  // start_run(nested=True)
  const child = await c.startRun({ runName: 'child-run', nested: true });
  assert.equal(tagsOf(child)['mlflow.parentRunId'], id);
  assert.equal(c.activeRunId(), child.info.run_id);
  await c.logMetric('child_metric', 1, { timestamp: 10 });
  const childEnd = await c.endRun();
  assert.equal(childEnd.status, 'FINISHED');
  assert.equal(c.activeRunId(), id);
  const nested = await c.searchRuns({ filter: `tags.mlflow.parentRunId = '${id}'` });
  assert.deepEqual(nested.runs.map((r) => r.info.run_id), [child.info.run_id]);

  // log_param / log_params (one runs/log-batch request)
  await c.logParam('learning_rate', 0.01);
  await c.logParam('learning_rate', 0.01); // same value again is fine
  assert.equal(await c.logParams({ batch_size: 32, optimizer: 'adam', use_bn: true, empty: '' }), 1);

  // log_metric with steps, log_metrics (batch), NaN and infinities sent as strings
  for (let step = 0; step < 5; step++) await c.logMetric('loss', 1 / (step + 1), { step, timestamp: 1000 + step });
  assert.equal(await c.logMetrics({ acc: 0.91, f1: 0.88 }, { step: 4, timestamp: 2000 }), 1);
  await c.logMetric('nan_metric', NaN, { timestamp: 3000 });
  await c.logMetric('pos_inf', Infinity, { timestamp: 3000 });
  await c.logMetric('neg_inf', -Infinity, { timestamp: 3000 });
  await c.logMetrics({ batch_nan: NaN, batch_inf: Infinity }, { timestamp: 3000, step: 1 });

  // set_tag (overwrites)
  await c.setTag('team', 'vision-v2');
  await c.setTags({ 'data.version': '3' });

  // artifacts through the proxy
  const text = 'hello from log_text\n';
  const blob = randomBytes(70_000);
  await c.logText(text, 'notes/readme.txt');
  await c.logArtifactBytes('weights.bin', blob, 'model');
  await c.logArtifactBytes('config.json', '{"layers": 3}');
  // the first artifact call of a run fetches the run (runs/get) for its artifact_uri; then only PUTs
  assert.deepEqual(
    c.calls.slice(-4).map((x) => [x.method, x.path.split('?')[0], x.status]),
    [
      ['GET', `${API_PREFIX}/runs/get`, 200],
      ['PUT', `/api/2.0/mlflow-artifacts/artifacts/${exp.experiment_id}/${id}/artifacts/notes/readme.txt`, 200],
      ['PUT', `/api/2.0/mlflow-artifacts/artifacts/${exp.experiment_id}/${id}/artifacts/model/weights.bin`, 200],
      ['PUT', `/api/2.0/mlflow-artifacts/artifacts/${exp.experiment_id}/${id}/artifacts/config.json`, 200],
    ],
  );
  const puts = c.calls.filter((x) => x.method === 'PUT').map((x) => x.path);
  assert.deepEqual(puts, [
    `/api/2.0/mlflow-artifacts/artifacts/${exp.experiment_id}/${id}/artifacts/notes/readme.txt`,
    `/api/2.0/mlflow-artifacts/artifacts/${exp.experiment_id}/${id}/artifacts/model/weights.bin`,
    `/api/2.0/mlflow-artifacts/artifacts/${exp.experiment_id}/${id}/artifacts/config.json`,
  ]);

  // artifacts/list (tracking API): paths carry the requested prefix
  const rootList = await c.listArtifactsViaTracking(id);
  assert.equal(rootList.root_uri, parent.info.artifact_uri);
  assert.deepEqual(rootList.files, [
    { path: 'config.json', is_dir: false, file_size: 13 },
    { path: 'model', is_dir: true },
    { path: 'notes', is_dir: true },
  ]);
  const modelList = await c.listArtifactsViaTracking(id, 'model');
  assert.deepEqual(modelList.files, [{ path: 'model/weights.bin', is_dir: false, file_size: blob.length }]);
  assert.deepEqual(await c.listArtifactsViaTracking(id, 'no-such-dir'), { root_uri: parent.info.artifact_uri });

  // the proxy list: basenames only; the client prefixes them
  const proxied = await c.listArtifacts('notes');
  assert.deepEqual(proxied.raw, { files: [{ path: 'readme.txt', is_dir: false, file_size: Buffer.byteLength(text) }] });
  assert.deepEqual(proxied.files, [{ path: 'notes/readme.txt', is_dir: false, file_size: Buffer.byteLength(text) }]);
  assert.deepEqual((await c.listArtifacts()).raw.files?.map((f) => f.path), ['config.json', 'model', 'notes']);
  assert.deepEqual((await c.listArtifacts('missing')).raw, {});

  // download: identical bytes, safe headers
  const got = await c.downloadArtifact('model/weights.bin');
  assert.ok(got.body.equals(blob), 'downloaded bytes equal the uploaded ones');
  assert.equal(got.headers['x-content-type-options'], 'nosniff');
  assert.match(String(got.headers['content-disposition']), /^attachment; filename="?weights\.bin"?$/);
  const note = await c.downloadArtifact('notes/readme.txt');
  assert.equal(note.text, text);
  assert.match(String(note.headers['content-type']), /^text\/plain/);
  assert.match(String(note.headers['content-disposition']), /^attachment; filename="?readme\.txt"?$/);
  assert.equal(note.headers['x-content-type-options'], 'nosniff');
  await assert.rejects(c.downloadArtifact('notes/missing.txt'), (e: unknown) => e instanceof MlflowApiError && e.status === 404);

  // end_run: runs/get, then runs/update FINISHED + end_time
  const before = c.calls.length;
  const info = await c.endRun();
  assert.deepEqual(
    c.calls.slice(before).map((x) => [x.method, x.path.split('?')[0]]),
    [
      ['GET', `${API_PREFIX}/runs/get`],
      ['POST', `${API_PREFIX}/runs/update`],
    ],
  );
  assert.equal(info.status, 'FINISHED');
  assert.equal(typeof info.end_time, 'number');
  assert.ok(info.end_time! >= info.start_time!);
  assert.equal(info.run_id, id);
  assert.equal(info.run_uuid, id);

  // read everything back as the client parses it
  const run = await c.getRun(id);
  assert.equal(run.info.status, 'FINISHED');
  assert.deepEqual(paramsOf(run), { learning_rate: '0.01', batch_size: '32', optimizer: 'adam', use_bn: 'True', empty: '' });
  assert.equal(tagsOf(run).team, 'vision-v2');
  assert.equal(tagsOf(run)['data.version'], '3');
  assert.equal(metricOf(run, 'loss'), 0.2);
  assert.equal(metricOf(run, 'acc'), 0.91);
  assert.ok(Number.isNaN(metricOf(run, 'nan_metric')));
  assert.equal(metricOf(run, 'pos_inf'), Infinity);
  assert.equal(metricOf(run, 'neg_inf'), -Infinity);
  assert.ok(Number.isNaN(metricOf(run, 'batch_nan')));
  assert.equal(metricOf(run, 'batch_inf'), Infinity);
  assert.deepEqual(run.data.metrics?.find((m) => m.key === 'loss'), { key: 'loss', value: 0.2, timestamp: 1004, step: 4 });

  // ... and as they travel: non-finite doubles are the strings, never null
  const raw = (await c.http('GET', `${API_PREFIX}/runs/get`, { query: { run_id: id } })).json<{ run: { data: { metrics: Array<{ key: string; value: unknown }> } } }>();
  const wire = Object.fromEntries(raw.run.data.metrics.map((m) => [m.key, m.value]));
  assert.equal(wire.nan_metric, 'NaN');
  assert.equal(wire.pos_inf, 'Infinity');
  assert.equal(wire.neg_inf, '-Infinity');
  assert.equal(wire.batch_nan, 'NaN');
  assert.equal(wire.batch_inf, 'Infinity');
  const history = await c.getMetricHistory(id, 'nan_metric');
  assert.equal(history.length, 1);
  assert.ok(Number.isNaN(history[0].value));
  const historyRaw = await c.http('GET', `${API_PREFIX}/metrics/get-history`, { query: { run_id: id, metric_key: 'neg_inf' } });
  assert.equal(historyRaw.text, `{"metrics":[{"key":"neg_inf","value":"-Infinity","timestamp":3000,"step":0}]}`);
});

test('log_batch chunking: 2500 metrics and 150 params go out as ≤1000-entity requests and all arrive', async () => {
  const c = client();
  await c.setExperiment('flow-chunking');
  const run = await c.startRun();
  const metrics = Array.from({ length: 2500 }, (_, i) => ({ key: `m${i % 5}`, value: i, timestamp: 10_000 + i, step: i }));
  const params = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p${i}`, `v${i}`]));
  const requests = await c.logBatch({ metrics, params });
  // zip(params[0:100], params[100:150]) topped up with metrics: 100+900, 50+950; then the last 650 metrics.
  assert.equal(requests, 3);
  const got = await c.getRun(run.info.run_id);
  assert.equal(got.data.params?.length, 150);
  for (let k = 0; k < 5; k++) assert.equal((await c.getMetricHistory(run.info.run_id, `m${k}`)).length, 500);
  await c.endRun();
});

test('resuming a run (start_run(run_id=...)) sets RUNNING and keeps the old end_time', async () => {
  const c = client();
  await c.setExperiment('flow-resume');
  const run = await c.startRun({ runName: 'resumable' });
  const ended = await c.endRun('KILLED');
  assert.equal(ended.status, 'KILLED');
  const resumed = await c.startRun({ runId: run.info.run_id, tags: { resumed: 'yes' } });
  assert.equal(resumed.info.status, 'RUNNING');
  assert.equal(resumed.info.end_time, ended.end_time);
  assert.equal(tagsOf(resumed).resumed, 'yes');
  const final = await c.endRun('FAILED');
  assert.equal(final.status, 'FAILED');
});

test('search_runs: filters on metrics, params, tags and attributes; order_by; paging with tokens', async () => {
  const c = client({ now: ticking() });
  const exp = await c.setExperiment('flow-search');
  const spec = [
    { name: 'r0', acc: 0.2, model: 'cnn', team: 'vision', finish: true },
    { name: 'r1', acc: 0.9, model: 'cnn', team: 'vision-x', finish: true },
    { name: 'r2', acc: 0.7, model: 'rnn', team: 'nlp', finish: false },
    { name: 'r3', acc: 0.5, model: 'cnn', team: 'speech', finish: true },
    { name: 'r4', acc: 0.95, model: 'mlp', team: 'vision', finish: false },
  ];
  const ids: Record<string, string> = {};
  for (const s of spec) {
    const run = await c.startRun({ runName: s.name, tags: { team: s.team } });
    ids[s.name] = run.info.run_id;
    await c.logParam('model', s.model);
    await c.logMetric('acc', s.acc, { timestamp: 1, step: 1 });
    if (s.finish) await c.endRun();
    else c.abandonRun(); // left RUNNING, as a crashed script leaves it
  }
  const names = (runs: Run[]): string[] => runs.map((r) => r.info.run_name);
  const search = async (filter: string, orderBy?: string[]): Promise<string[]> => names((await c.searchRuns({ experimentIds: [exp.experiment_id], filter, orderBy })).runs);

  // default order: start_time DESC (then run_id)
  assert.deepEqual(await search(''), ['r4', 'r3', 'r2', 'r1', 'r0']);
  assert.deepEqual(await search('metrics.acc > 0.6'), ['r4', 'r2', 'r1']);
  assert.deepEqual(await search('metrics.acc >= 0.5 AND metrics.acc < 0.9'), ['r3', 'r2']);
  assert.deepEqual(await search("params.model = 'cnn'"), ['r3', 'r1', 'r0']);
  assert.deepEqual(await search("params.model != 'cnn'"), ['r4', 'r2']);
  assert.deepEqual(await search("tags.team LIKE 'vision%'"), ['r4', 'r1', 'r0']);
  assert.deepEqual(await search("tags.team LIKE 'VISION%'"), [], 'LIKE is case-sensitive');
  assert.deepEqual(await search("tags.team ILIKE 'VISION%'"), ['r4', 'r1', 'r0']);
  assert.deepEqual(await search("attributes.status = 'FINISHED'"), ['r3', 'r1', 'r0']);
  assert.deepEqual(await search("attributes.status = 'RUNNING' and params.model = 'rnn'"), ['r2']);
  assert.deepEqual(await search("tags.mlflow.runName = 'r3'"), ['r3']);
  assert.deepEqual(await search(`attributes.run_id IN ('${ids.r0}', '${ids.r4}')`), ['r4', 'r0']);
  assert.deepEqual(await search('metrics.missing > 0'), [], 'a run lacking the key never matches');
  assert.deepEqual(await search("params.missing != 'x'"), [], 'not even for !=');

  // order_by
  assert.deepEqual(await search('', ['metrics.acc DESC']), ['r4', 'r1', 'r2', 'r3', 'r0']);
  assert.deepEqual(await search('', ['metrics.acc']), ['r0', 'r3', 'r2', 'r1', 'r4']);
  assert.deepEqual(await search('', ['params.model ASC', 'metrics.acc DESC']), ['r1', 'r3', 'r0', 'r4', 'r2']);
  assert.deepEqual(await search('', ['attributes.start_time ASC']), ['r0', 'r1', 'r2', 'r3', 'r4']);

  // paging: small pages, follow the tokens, no token on the last page, same runs as one page
  const all = await c.searchRuns({ experimentIds: [exp.experiment_id], orderBy: ['metrics.acc DESC'] });
  assert.equal(all.pages, 1);
  const paged = await c.searchRuns({ experimentIds: [exp.experiment_id], orderBy: ['metrics.acc DESC'], pageSize: 2 });
  assert.equal(paged.pages, 3);
  assert.equal(paged.tokens.length, 2);
  assert.deepEqual(names(paged.runs), names(all.runs));
  const last = await c.post<Record<string, unknown>>('runs/search', { experiment_ids: [exp.experiment_id], max_results: 2, page_token: paged.tokens[1], order_by: ['metrics.acc DESC'] });
  assert.equal((last.runs as Run[]).length, 1);
  assert.equal('next_page_token' in last, false, 'the last page carries no token');
  const exact = await c.post<Record<string, unknown>>('runs/search', { experiment_ids: [exp.experiment_id], max_results: 5 });
  assert.equal((exact.runs as Run[]).length, 5);

  // nothing found: an empty object
  const none = await c.http('POST', `${API_PREFIX}/runs/search`, { json: { experiment_ids: [exp.experiment_id], filter: "params.model = 'nope'" } });
  assert.equal(none.status, 200);
  assert.equal(none.text, '{}');
});

test('get_metric_history is ordered by timestamp, step, value, and pages with tokens', async () => {
  const c = client();
  await c.setExperiment('flow-history');
  const run = await c.startRun();
  const points = [
    { value: 1, timestamp: 300, step: 0 },
    { value: 2, timestamp: 100, step: 5 },
    { value: 3, timestamp: 100, step: 1 },
    { value: 0.5, timestamp: 100, step: 1 },
    { value: 9, timestamp: 200, step: 2 },
    { value: -4, timestamp: 50, step: 7 },
  ];
  await c.logBatch({ metrics: points.map((p) => ({ key: 'h', ...p })) });
  const expected = [
    { key: 'h', value: -4, timestamp: 50, step: 7 },
    { key: 'h', value: 0.5, timestamp: 100, step: 1 },
    { key: 'h', value: 3, timestamp: 100, step: 1 },
    { key: 'h', value: 2, timestamp: 100, step: 5 },
    { key: 'h', value: 9, timestamp: 200, step: 2 },
    { key: 'h', value: 1, timestamp: 300, step: 0 },
  ];
  assert.deepEqual(await c.getMetricHistory(run.info.run_id, 'h'), expected);
  const before = c.calls.length;
  assert.deepEqual(await c.getMetricHistory(run.info.run_id, 'h', 4), expected);
  assert.equal(c.calls.length - before, 2, 'two pages of 4');
  assert.equal((await c.http('GET', `${API_PREFIX}/metrics/get-history`, { query: { run_id: run.info.run_id, metric_key: 'never-logged' } })).text, '{}');
  await c.endRun();
});

test('get-history-bulk-interval: sampled steps shared by the runs, each run keeping its ends', async () => {
  const c = client();
  await c.setExperiment('flow-bulk');
  const a = (await c.startRun({ runName: 'a' })).info.run_id;
  await c.logBatch({ metrics: Array.from({ length: 10 }, (_, i) => ({ key: 'curve', value: i * 10, timestamp: 100 + i, step: i })) });
  await c.endRun();
  const b = (await c.startRun({ runName: 'b' })).info.run_id;
  await c.logBatch({ metrics: Array.from({ length: 5 }, (_, i) => ({ key: 'curve', value: -i, timestamp: 100 + i, step: i })) });
  await c.endRun();

  type Bulk = { metrics?: Array<{ key: string; value: number; timestamp: number; step: number; run_id: string }> };
  const bulk = (q: Record<string, unknown>): Promise<Bulk> => c.get<Bulk>('metrics/get-history-bulk-interval', { run_ids: [a, b], metric_key: 'curve', ...q });
  const stepsOf = (res: Bulk, run: string): number[] => (res.metrics ?? []).filter((m) => m.run_id === run).map((m) => m.step);

  // everything fits: all points, run by run in request order, ordered by step
  const all = await bulk({});
  assert.equal(all.metrics?.length, 15);
  assert.deepEqual(all.metrics?.map((m) => m.run_id), [...Array(10).fill(a), ...Array(5).fill(b)]);
  assert.deepEqual(all.metrics?.[3], { key: 'curve', value: 30, timestamp: 103, step: 3, run_id: a });

  // a window
  const window = await bulk({ start_step: 2, end_step: 6 });
  assert.deepEqual(stepsOf(window, a), [2, 3, 4, 5, 6]);
  assert.deepEqual(stepsOf(window, b), [2, 3, 4]);

  // sampling: 10 steps into 4 → S[0], S[2], S[5], S[7], the last, plus every run's boundaries; capped per run
  const sampled = await bulk({ max_results: 4 });
  assert.deepEqual(stepsOf(sampled, a), [0, 2, 4, 5]);
  assert.deepEqual(stepsOf(sampled, b), [0, 2, 4]);

  // start without end, start after end, too many results → 400
  for (const q of [{ start_step: 1 }, { start_step: 5, end_step: 1 }, { max_results: 2501 }]) {
    await assert.rejects(bulk(q), (e: unknown) => e instanceof MlflowApiError && e.status === 400 && e.errorCode === 'INVALID_PARAMETER_VALUE');
  }
});

test('the latest metric is the greatest (step, timestamp, value), in runs/get and in search', async () => {
  const c = client();
  const exp = await c.setExperiment('flow-latest');
  const id = (await c.startRun()).info.run_id;
  const latest = async (): Promise<unknown> => (await c.getRun(id)).data.metrics?.find((m) => m.key === 'x');
  await c.logMetric('x', 5, { step: 2, timestamp: 100 });
  await c.logMetric('x', 9, { step: 1, timestamp: 999 }); // later timestamp, lower step: not latest
  await c.logMetric('x', 1, { step: 2, timestamp: 100 }); // same step and time, lower value: not latest
  assert.deepEqual(await latest(), { key: 'x', value: 5, timestamp: 100, step: 2 });
  await c.logMetric('x', 7, { step: 2, timestamp: 100 }); // same step and time, greater value
  assert.deepEqual(await latest(), { key: 'x', value: 7, timestamp: 100, step: 2 });
  await c.logMetric('x', -1, { step: 2, timestamp: 200 }); // same step, later timestamp
  assert.deepEqual(await latest(), { key: 'x', value: -1, timestamp: 200, step: 2 });
  await c.logMetric('x', -5, { step: 3, timestamp: 1 }); // greater step wins over everything
  assert.deepEqual(await latest(), { key: 'x', value: -5, timestamp: 1, step: 3 });
  const found = await c.searchRuns({ experimentIds: [exp.experiment_id], filter: 'metrics.x = -5' });
  assert.deepEqual(found.runs.map((r) => r.info.run_id), [id]);
  assert.deepEqual((await c.searchRuns({ experimentIds: [exp.experiment_id], filter: 'metrics.x = 9' })).runs, []);
  await c.endRun();
});

test('an identical metric point is ignored (log-metric and log-batch)', async () => {
  const c = client();
  await c.setExperiment('flow-identical');
  const id = (await c.startRun()).info.run_id;
  await c.logMetric('dup', 0.5, { step: 1, timestamp: 42 });
  await c.logMetric('dup', 0.5, { step: 1, timestamp: 42 });
  await c.logBatch({ metrics: [{ key: 'dup', value: 0.5, step: 1, timestamp: 42 }, { key: 'dup', value: 0.5, step: 1, timestamp: 42 }] });
  assert.deepEqual(await c.getMetricHistory(id, 'dup'), [{ key: 'dup', value: 0.5, timestamp: 42, step: 1 }]);
  await c.logMetric('dup', 0.5, { step: 2, timestamp: 42 }); // a different step is a new point
  assert.equal((await c.getMetricHistory(id, 'dup')).length, 2);
  await c.endRun();
});

test('delete and restore runs; view types ACTIVE_ONLY, DELETED_ONLY, ALL', async () => {
  const c = client({ now: ticking(1_800_000_000_000) });
  const exp = await c.setExperiment('flow-delete-runs');
  const keep = (await c.startRun({ runName: 'keep' })).info.run_id;
  await c.endRun();
  const gone = (await c.startRun({ runName: 'gone' })).info.run_id;
  await c.endRun();
  await c.deleteRun(gone);
  assert.equal((await c.getRun(gone)).info.lifecycle_stage, 'deleted', 'runs/get still returns a deleted run');
  const view = async (runViewType: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL'): Promise<string[]> =>
    (await c.searchRuns({ experimentIds: [exp.experiment_id], runViewType })).runs.map((r) => r.info.run_id);
  assert.deepEqual(await view('ACTIVE_ONLY'), [keep]);
  assert.deepEqual(await view('DELETED_ONLY'), [gone]);
  assert.deepEqual(await view('ALL'), [gone, keep]);
  // run_view_type given as its enum number works too
  const byNumber = await c.post<{ runs?: Run[] }>('runs/search', { experiment_ids: [exp.experiment_id], run_view_type: 2 });
  assert.deepEqual(byNumber.runs?.map((r) => r.info.run_id), [gone]);
  await c.restoreRun(gone);
  assert.equal((await c.getRun(gone)).info.lifecycle_stage, 'active');
  assert.deepEqual(await view('ACTIVE_ONLY'), [gone, keep]);
  assert.deepEqual(await view('DELETED_ONLY'), []);
});

test('delete and restore experiments (with their runs); experiments/search view types, filter, order and paging', async () => {
  const c = client();
  const a = await c.setExperiment('flow-exp-a');
  const runA = (await c.startRun()).info.run_id;
  await c.endRun();
  const b = await c.setExperiment('flow-exp-b');
  await c.deleteExperiment(a.experiment_id);
  const deleted = await c.getExperiment(a.experiment_id);
  assert.equal(deleted.lifecycle_stage, 'deleted');
  assert.equal((await c.getExperimentByName('flow-exp-a')).lifecycle_stage, 'deleted', 'get-by-name finds deleted experiments');
  assert.equal((await c.getRun(runA)).info.lifecycle_stage, 'deleted', "the experiment's runs are deleted with it");
  await assert.rejects(c.setExperiment('flow-exp-a'), /Cannot set a deleted experiment/);

  const names = async (viewType: string, filter = "name LIKE 'flow-exp-%'"): Promise<string[]> =>
    (await c.searchExperiments({ viewType, filter, orderBy: ['name ASC'] })).experiments.map((e) => e.name);
  assert.deepEqual(await names('ACTIVE_ONLY'), ['flow-exp-b']);
  assert.deepEqual(await names('DELETED_ONLY'), ['flow-exp-a']);
  assert.deepEqual(await names('ALL'), ['flow-exp-a', 'flow-exp-b']);
  assert.ok((await names('ACTIVE_ONLY', '')).includes('Default'));

  await c.restoreExperiment(a.experiment_id);
  assert.equal((await c.getExperiment(a.experiment_id)).lifecycle_stage, 'active');
  assert.equal((await c.getRun(runA)).info.lifecycle_stage, 'active');
  assert.deepEqual(await names('ACTIVE_ONLY'), ['flow-exp-a', 'flow-exp-b']);

  // paging: one experiment per page, tokens followed to the end
  const paged = await c.searchExperiments({ filter: "name LIKE 'flow-exp-%'", orderBy: ['name DESC'], pageSize: 1 });
  assert.deepEqual(paged.experiments.map((e) => e.name), ['flow-exp-b', 'flow-exp-a']);
  assert.equal(paged.pages, 2);
  // experiments/search is also a GET, with repeated order_by keys
  const viaGet = await c.get<{ experiments?: Array<{ name: string }> }>('experiments/search', {
    filter: "name LIKE 'flow-exp-%'", order_by: ['name DESC'], max_results: 10, view_type: 'ALL',
  });
  assert.deepEqual(viaGet.experiments?.map((e) => e.name), ['flow-exp-b', 'flow-exp-a']);
  assert.equal(b.lifecycle_stage, 'active');
});

test('both /api/2.0/mlflow/ and /ajax-api/2.0/mlflow/ serve the same RPCs', async () => {
  const ajax = client({ apiPrefix: AJAX_PREFIX });
  const exp = await ajax.setExperiment('flow-ajax');
  assert.ok(ajax.calls.every((x) => x.path.startsWith(`${AJAX_PREFIX}/`)));
  const run = await ajax.startRun({ runName: 'via-ajax' });
  await ajax.logParam('p', 'v');
  await ajax.logMetric('m', 1.5, { timestamp: 5 });
  await ajax.endRun();
  const api = client();
  const viaApi = await api.http('GET', `${API_PREFIX}/runs/get`, { query: { run_id: run.info.run_id } });
  const viaAjax = await ajax.http('GET', `${AJAX_PREFIX}/runs/get`, { query: { run_id: run.info.run_id } });
  assert.equal(viaApi.status, 200);
  assert.equal(viaAjax.text, viaApi.text);
  assert.equal((await api.getExperimentByName('flow-ajax')).experiment_id, exp.experiment_id);
});

test('response conventions: 200 + JSON object, empty fields omitted, {} for empty, int64 as numbers, enums as names', async () => {
  const c = client();
  const exp = await c.setExperiment('flow-conventions');
  const created = await c.http('POST', `${API_PREFIX}/runs/create`, { json: { experiment_id: exp.experiment_id, start_time: 1234567890123, run_name: 'bare' } });
  assert.equal(created.status, 200);
  assert.match(String(created.headers['content-type']), /^application\/json/);
  const body = created.json<{ run: { info: Record<string, unknown>; data: Record<string, unknown> } }>();
  const { info, data } = body.run;
  assert.equal(info.run_id, info.run_uuid, 'run info carries run_id and run_uuid, equal');
  assert.equal(info.status, 'RUNNING', 'enums by name');
  assert.equal(info.experiment_id, exp.experiment_id, 'experiment ids are strings');
  assert.equal(info.start_time, 1234567890123);
  assert.match(created.text, /"start_time":1234567890123[,}]/, 'int64 as a JSON number, not a string');
  assert.equal('end_time' in info, false, 'unset end_time is omitted');
  assert.equal('params' in data, false, 'a run with no params has no params key');
  assert.equal('metrics' in data, false, 'a run with no metrics has no metrics key');
  assert.deepEqual(data.tags, [{ key: 'mlflow.runName', value: 'bare' }], 'the server stores the run name as the mlflow.runName tag');
  const runId = info.run_id as string;

  // empty responses are exactly {}
  for (const [endpoint, payload] of [
    ['runs/log-parameter', { run_id: runId, key: 'k', value: 'v' }],
    ['runs/log-metric', { run_id: runId, key: 'm', value: 1, timestamp: '1700000000000', step: '3' }],
    ['runs/set-tag', { run_id: runId, key: 't', value: 'x' }],
    ['runs/delete-tag', { run_id: runId, key: 't' }],
    ['runs/log-batch', { run_id: runId }],
    ['experiments/set-experiment-tag', { experiment_id: exp.experiment_id, key: 'owner', value: 'alice' }],
  ] as const) {
    const res = await c.http('POST', `${API_PREFIX}/${endpoint}`, { json: payload });
    assert.equal(res.status, 200, `${endpoint}: ${res.text}`);
    assert.equal(res.text, '{}', endpoint);
  }
  // int64 given as decimal strings was accepted and is sent back as numbers
  const history = await c.http('GET', `${API_PREFIX}/metrics/get-history`, { query: { run_id: runId, metric_key: 'm' } });
  assert.equal(history.text, '{"metrics":[{"key":"m","value":1,"timestamp":1700000000000,"step":3}]}');
  // experiment tags appear once set; numbers for times
  const expRaw = await c.http('GET', `${API_PREFIX}/experiments/get`, { query: { experiment_id: exp.experiment_id } });
  assert.match(expRaw.text, /"creation_time":\d+/);
  assert.deepEqual(expRaw.json<{ experiment: { tags: unknown } }>().experiment.tags, [{ key: 'owner', value: 'alice' }]);
  // an update returns run_info only; status by enum number is accepted
  const updated = await c.http('POST', `${API_PREFIX}/runs/update`, { json: { run_id: runId, status: 3, end_time: 1234567899999 } });
  assert.deepEqual(Object.keys(updated.json()), ['run_info']);
  assert.equal(updated.json<{ run_info: { status: string; end_time: number } }>().run_info.status, 'FINISHED');
  assert.equal(updated.json<{ run_info: { status: string; end_time: number } }>().run_info.end_time, 1234567899999);
  // a GET without a query string reads a JSON body instead
  const getWithBody = await c.http('GET', `${API_PREFIX}/experiments/get`, { json: { experiment_id: exp.experiment_id } });
  assert.equal(getWithBody.status, 200);
  assert.equal(getWithBody.json<{ experiment: { name: string } }>().experiment.name, 'flow-conventions');
  // a JSON string body (old clients) is decoded twice
  const doubly = await c.http('POST', `${API_PREFIX}/runs/set-tag`, {
    body: JSON.stringify(JSON.stringify({ run_id: runId, key: 'old', value: 'client' })),
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
  assert.equal(doubly.status, 200, doubly.text);
  assert.equal(tagsOf(await c.getRun(runId)).old, 'client');
  // a generated run name when none is given, stored in both places
  const generated = (await c.post<{ run: Run }>('runs/create', { experiment_id: exp.experiment_id })).run;
  assert.match(generated.info.run_name, /^[a-z]+-[a-z]+-\d+$/);
  assert.equal(tagsOf(generated)['mlflow.runName'], generated.info.run_name);
  assert.equal(fromWireDouble('-Infinity'), -Infinity);
  // a search with no hits is an empty object for experiments too
  const noExperiments = await c.http('POST', `${API_PREFIX}/experiments/search`, { json: { max_results: 10, filter: "name = 'no such experiment'" } });
  assert.equal(noExperiments.text, '{}');
});

test('no request of this file was answered with a 5xx (the Python client would retry it for minutes)', () => {
  const calls = clients.flatMap((x) => x.calls);
  assert.ok(calls.length > 200, `${calls.length} calls were checked`);
  assert.deepEqual(calls.filter((x) => x.status >= 500), []);
});

test('SIGTERM stops the CLI server cleanly: exit code 0, the store lock released, the data durable', async () => {
  const code = await server.stop({ keep: true });
  assert.equal(code, 0, server.stderr());
  assert.equal(existsSync(join(server.storeDir, 'owner.lock')), false, 'the owner lock is released');
  const reopened = await startCliServer({ storeDir: server.storeDir });
  try {
    const c = new MlflowRestClient({ trackingUri: reopened.url, token: reopened.token });
    const exp = await c.getExperimentByName('flow-training');
    const found = await c.searchRuns({ experimentIds: [exp.experiment_id], filter: "attributes.run_name = 'parent-run'" });
    assert.equal(found.runs.length, 1);
    assert.equal(found.runs[0].data.params?.length, 5);
    assert.equal((await c.downloadArtifact('notes/readme.txt', found.runs[0].info.run_id)).text, 'hello from log_text\n');
  } finally {
    await reopened.stop();
  }
});
