// logged-models/search over real HTTP: MLflow 3's logged-model filter grammar (attributes, metrics, params, tags;
// string and numeric comparators), datasets, order_by objects (columns, latest metric values, missing last),
// paging with MLflow's tokens, and its errors. Expectations are computed from the models themselves.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCliServer, type CliServer } from '../support/cliServer';
import type { LoggedModel } from '../../extension/tracking/rest/types';
import { Api } from './api';

let server: CliServer;
let api: Api;
let exp: string;
let other: string;
let runs: string[];
let models: LoggedModel[] = [];

const SEARCH = '/api/2.0/mlflow/logged-models/search';

before(async () => {
  server = await startCliServer();
  api = new Api(server);
  exp = await api.createExperiment('lm-search');
  other = await api.createExperiment('lm-search-other');
  runs = [await api.createRun(exp), await api.createRun(exp)];
  for (let i = 0; i < 12; i++) {
    const m = await api.createModel({
      experiment_id: exp,
      name: i % 4 === 0 ? `Big${i}` : `m${i}`,
      source_run_id: runs[i % 2],
      params: [{ key: 'lr', value: String(i % 3 === 0 ? '0.1' : '0.01') }],
      tags: i % 2 ? [{ key: 'team', value: 'a' }, { key: 'mlflow.user', value: `u${i % 3}` }] : [{ key: 'team', value: 'b' }],
    });
    const id = m.info.model_id;
    // acc: two points, the later (by timestamp) is the latest; models 10 and 11 have none.
    if (i < 10) {
      await api.ok('POST', '/api/2.0/mlflow/runs/log-batch', {
        run_id: runs[i % 2],
        metrics: [
          { key: 'acc', value: i / 10, timestamp: 100, step: 0, model_id: id },
          { key: 'acc', value: (10 - i) / 20, timestamp: 200, step: 1, model_id: id },
          { key: 'auc', value: i, timestamp: 100, step: 0, model_id: id, dataset_name: i % 2 ? 'val' : 'test', dataset_digest: i % 4 === 1 ? 'd1' : 'd2' },
        ],
      });
    }
    if (i % 3 === 0) await api.ok('PATCH', `/api/2.0/mlflow/logged-models/${id}`, { status: 'LOGGED_MODEL_READY' });
    await new Promise((r) => setTimeout(r, 3)); // distinct creation times
  }
  await api.createModel({ experiment_id: other, name: 'elsewhere' });
  const deleted = await api.createModel({ experiment_id: exp, name: 'deleted-one' });
  await api.ok('DELETE', `/api/2.0/mlflow/logged-models/${deleted.info.model_id}`);
  const all = await api.search({ experiment_ids: [exp], max_results: 100 });
  models = all.models ?? [];
});

after(async () => {
  assert.ok(api.statuses.every((s) => s < 500), `no 5xx answered: ${api.statuses.join(',')}`);
  await server.stop();
});

const ids = (list: LoggedModel[] | undefined): string[] => (list ?? []).map((m) => m.info.model_id);
const tag = (m: LoggedModel, k: string): string | undefined => m.info.tags?.find((t) => t.key === k)?.value;
const param = (m: LoggedModel, k: string): string | undefined => m.data?.params?.find((t) => t.key === k)?.value;
const points = (m: LoggedModel, k: string) => (m.data?.metrics ?? []).filter((x) => x.key === k);
const latest = (m: LoggedModel, k: string): number | undefined =>
  [...points(m, k)].sort((a, b) => b.timestamp - a.timestamp || b.step - a.step)[0]?.value;
const byCreationDesc = (a: LoggedModel, b: LoggedModel): number => b.info.creation_timestamp_ms - a.info.creation_timestamp_ms || (a.info.model_id < b.info.model_id ? -1 : 1);

async function filtered(filter: string, extra: Record<string, unknown> = {}): Promise<string[]> {
  return ids((await api.search({ experiment_ids: [exp], filter, max_results: 100, ...extra })).models);
}

test('default: active models of the requested experiments, newest first, with their data', async () => {
  assert.equal(models.length, 12, 'the deleted model and the other experiment are left out');
  assert.deepEqual(ids(models), ids([...models].sort(byCreationDesc)));
  const both = await api.search({ experiment_ids: [exp, other], max_results: 100 });
  assert.equal(both.models?.length, 13);
  assert.deepEqual(await api.search({ experiment_ids: [] }), {}, 'no experiments, no models');
  const missing = await api.req('POST', SEARCH, {});
  assert.deepEqual([missing.status, missing.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
  const m = models.find((x) => x.info.name === 'm5')!;
  assert.deepEqual(m.data?.params, [{ key: 'lr', value: '0.01' }]);
  assert.equal(points(m, 'acc').length, 2);
});

test('string attributes: =, !=, LIKE (case-sensitive), ILIKE, IN, NOT IN; quotes trimmed as MLflow trims them', async () => {
  const names = (pred: (n: string) => boolean): string[] => ids(models.filter((m) => pred(m.info.name)));
  assert.deepEqual(await filtered("name = 'm5'"), names((n) => n === 'm5'));
  assert.deepEqual(await filtered('name = m5'), names((n) => n === 'm5'), 'an unquoted word is a value too');
  assert.deepEqual(await filtered('name = "m5"'), [], 'double quotes are not trimmed');
  assert.deepEqual(await filtered("name != 'm5'"), names((n) => n !== 'm5'));
  assert.deepEqual(await filtered("name LIKE 'big%'"), []);
  assert.deepEqual(await filtered("name LIKE 'Big%'"), names((n) => n.startsWith('Big')));
  assert.deepEqual(await filtered("name ILIKE 'big%'"), names((n) => n.startsWith('Big')));
  assert.deepEqual(await filtered("name LIKE 'm_'"), names((n) => /^m.$/.test(n)));
  assert.deepEqual(await filtered("name IN ('m1', 'm2', 'nope')"), names((n) => n === 'm1' || n === 'm2'));
  assert.deepEqual(await filtered("name NOT IN ('m1', 'm2')"), names((n) => n !== 'm1' && n !== 'm2'));
  const target = models[3];
  assert.deepEqual(await filtered(`model_id = '${target.info.model_id}'`), [target.info.model_id]);
  assert.deepEqual(await filtered(`attributes.source_run_id = '${runs[1]}'`), ids(models.filter((m) => m.info.source_run_id === runs[1])));
  // status is stored as the enum's number, as in MLflow: a numeric string compares equal.
  assert.deepEqual(await filtered("status = '2'"), ids(models.filter((m) => m.info.status === 'LOGGED_MODEL_READY')));
});

test('numeric attributes and aliases: creation_time, creation_timestamp, last_updated_timestamp', async () => {
  const sorted = [...models].sort((a, b) => a.info.creation_timestamp_ms - b.info.creation_timestamp_ms);
  const pivot = sorted[5].info.creation_timestamp_ms;
  const after = ids(models.filter((m) => m.info.creation_timestamp_ms > pivot));
  assert.deepEqual(await filtered(`creation_time > ${pivot}`), after);
  assert.deepEqual(await filtered(`creation_timestamp > ${pivot}`), after);
  assert.deepEqual(await filtered(`creation_timestamp_ms <= ${pivot}`), ids(models.filter((m) => m.info.creation_timestamp_ms <= pivot)));
  assert.deepEqual(await filtered(`last_updated_timestamp >= 0`), ids(models));
});

test('metrics, params, tags: any point of a metric matches; keys may be dotted or backticked; AND combines', async () => {
  assert.deepEqual(await filtered('metrics.acc > 0.45'), ids(models.filter((m) => points(m, 'acc').some((p) => p.value > 0.45))));
  assert.deepEqual(await filtered('metrics.`acc` = 0'), ids(models.filter((m) => points(m, 'acc').some((p) => p.value === 0))));
  assert.deepEqual(await filtered('metrics.missing > 0'), []);
  assert.deepEqual(await filtered("params.lr = '0.1'"), ids(models.filter((m) => param(m, 'lr') === '0.1')));
  assert.deepEqual(await filtered("tags.team = 'a'"), ids(models.filter((m) => tag(m, 'team') === 'a')));
  assert.deepEqual(await filtered("tags.mlflow.user IN ('u1')"), ids(models.filter((m) => tag(m, 'mlflow.user') === 'u1')));
  assert.deepEqual(await filtered("tags.`mlflow.user` LIKE 'u%'"), ids(models.filter((m) => tag(m, 'mlflow.user')?.startsWith('u'))));
  assert.deepEqual(
    await filtered("tags.team = 'a' AND params.lr = '0.01' AND metrics.acc >= 0.2"),
    ids(models.filter((m) => tag(m, 'team') === 'a' && param(m, 'lr') === '0.01' && points(m, 'acc').some((p) => p.value >= 0.2))),
  );
});

test('datasets restrict metric filters; without a metric filter they keep models with a metric on them; no digest means none', async () => {
  const onDataset = (m: LoggedModel, name: string, digest: string | undefined): boolean =>
    (m.data?.metrics ?? []).some((p) => p.dataset_name === name && p.dataset_digest === digest);
  assert.deepEqual(await filtered('', { datasets: [{ dataset_name: 'val', dataset_digest: 'd1' }] }), ids(models.filter((m) => onDataset(m, 'val', 'd1'))));
  assert.deepEqual(await filtered('', { datasets: [{ dataset_name: 'val' }] }), [], 'a dataset without digest names metrics without one, and there are none');
  assert.deepEqual(
    await filtered('', { datasets: [{ dataset_name: 'val', dataset_digest: 'd1' }, { dataset_name: 'test', dataset_digest: 'd2' }] }),
    ids(models.filter((m) => onDataset(m, 'val', 'd1') || onDataset(m, 'test', 'd2'))),
  );
  assert.deepEqual(
    await filtered('metrics.auc >= 4', { datasets: [{ dataset_name: 'test', dataset_digest: 'd2' }] }),
    ids(models.filter((m) => (m.data?.metrics ?? []).some((p) => p.key === 'auc' && p.value >= 4 && p.dataset_name === 'test' && p.dataset_digest === 'd2'))),
  );
  const noName = await api.req('POST', SEARCH, { experiment_ids: [exp], datasets: [{ dataset_digest: 'd1' }] });
  assert.deepEqual([noName.status, noName.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
});

test('order_by: columns, latest metric values with missing last, several keys, creation time as the last key', async () => {
  const order = async (orderBy: unknown[]): Promise<string[]> => ids((await api.search({ experiment_ids: [exp], order_by: orderBy, max_results: 100 })).models);
  const byName = [...models].sort((a, b) => (a.info.name < b.info.name ? -1 : a.info.name > b.info.name ? 1 : byCreationDesc(a, b)));
  assert.deepEqual(await order([{ field_name: 'name' }]), ids(byName));
  assert.deepEqual(await order([{ field_name: 'name', ascending: false }]), ids([...models].sort((a, b) => (a.info.name < b.info.name ? 1 : -1))));
  assert.deepEqual(await order([{ field_name: 'creation_time', ascending: true }]), ids([...models].sort((a, b) => a.info.creation_timestamp_ms - b.info.creation_timestamp_ms)));
  const byAcc = (asc: boolean) => (a: LoggedModel, b: LoggedModel): number => {
    const x = latest(a, 'acc');
    const y = latest(b, 'acc');
    if (x === undefined || y === undefined) return x === y ? byCreationDesc(a, b) : x === undefined ? 1 : -1;
    return (asc ? x - y : y - x) || byCreationDesc(a, b);
  };
  assert.deepEqual(await order([{ field_name: 'metrics.acc', ascending: true }]), ids([...models].sort(byAcc(true))));
  assert.deepEqual(await order([{ field_name: 'metrics.acc', ascending: false }]), ids([...models].sort(byAcc(false))));
  const auc = (m: LoggedModel, name: string): number | undefined => points(m, 'auc').find((p) => p.dataset_name === name)?.value;
  const byValAuc = [...models].sort((a, b) => {
    const x = auc(a, 'val');
    const y = auc(b, 'val');
    if (x === undefined || y === undefined) return x === y ? byCreationDesc(a, b) : x === undefined ? 1 : -1;
    return y - x || byCreationDesc(a, b);
  });
  assert.deepEqual(await order([{ field_name: 'metrics.auc', ascending: false, dataset_name: 'val' }]), ids(byValAuc));
  // params cannot order; a column then a metric can.
  const bad = await api.req('POST', SEARCH, { experiment_ids: [exp], order_by: [{ field_name: 'params.lr' }] });
  assert.deepEqual([bad.status, bad.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
  assert.match(bad.body.message ?? '', /Only metrics are supported/);
  assert.deepEqual(
    await order([{ field_name: 'status', ascending: false }, { field_name: 'metrics.acc' }]),
    ids([...models].sort((a, b) => (a.info.status === b.info.status ? byAcc(true)(a, b) : a.info.status < b.info.status ? 1 : -1))),
  );
});

test('paging: pages of max_results chain to the whole answer; a token only fits its own request', async () => {
  const full = ids(models);
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await api.search({ experiment_ids: [exp], max_results: 5, ...(token ? { page_token: token } : {}) });
    seen.push(...ids(page.models));
    token = page.next_page_token;
    pages++;
  } while (token);
  assert.equal(pages, 3);
  assert.deepEqual(seen, full);
  const first = await api.search({ experiment_ids: [exp], max_results: 5 });
  const wrongFilter = await api.req('POST', SEARCH, { experiment_ids: [exp], max_results: 5, filter: "name = 'm1'", page_token: first.next_page_token });
  assert.deepEqual([wrongFilter.status, wrongFilter.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
  const wrongExp = await api.req('POST', SEARCH, { experiment_ids: [other], max_results: 5, page_token: first.next_page_token });
  assert.deepEqual([wrongExp.status, wrongExp.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
  const wrongOrder = await api.req('POST', SEARCH, { experiment_ids: [exp], max_results: 5, order_by: [{ field_name: 'name' }], page_token: first.next_page_token });
  assert.deepEqual([wrongOrder.status, wrongOrder.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
  const garbage = await api.req('POST', SEARCH, { experiment_ids: [exp], page_token: '%%%not-a-token' });
  assert.deepEqual([garbage.status, garbage.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
  // Without max_results the answer holds at most 50 (the proto default MLflow's handler reads).
  assert.equal((await api.search({ experiment_ids: [exp] })).models?.length, 12);
});

test('malformed searches answer INVALID_PARAMETER_VALUE, never 5xx', async () => {
  for (const filter of [
    'foo.bar = 1',
    "metrics.acc LIKE 'x'",
    "name > 'a'",
    "metrics.acc > 'abc'",
    "nonexistent_column = 'x'",
    "name = 'a' OR name = 'b'",
    'name =',
    "creation_time = 'yesterday'",
    "params.lr < '1'",
  ]) {
    const a = await api.req('POST', SEARCH, { experiment_ids: [exp], filter });
    assert.deepEqual([a.status, a.body.error_code], [400, 'INVALID_PARAMETER_VALUE'], filter);
  }
  for (const body of [
    { experiment_ids: ['abc'] },
    { experiment_ids: [exp], order_by: [{ field_name: 'nope' }] },
    { experiment_ids: [exp], order_by: [{ ascending: true }] },
    { experiment_ids: [exp], order_by: 'name' },
    { experiment_ids: [exp], max_results: -3 },
    { experiment_ids: [exp], max_results: 'ten' },
    { experiment_ids: [exp], datasets: 'val' },
  ]) {
    const a = await api.req('POST', SEARCH, body);
    assert.deepEqual([a.status, a.body.error_code], [400, 'INVALID_PARAMETER_VALUE'], JSON.stringify(body));
  }
});
