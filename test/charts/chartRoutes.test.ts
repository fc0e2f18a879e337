// Our chart routes over real HTTP (GET /api/2.0/mlflow-workbench/metrics/summaries and /metrics/series): the
// wire shapes, NaN/±Infinity in summaries, errors in MLflow's format, the REST client answering exactly as the
// in-process one, and its fallback to full histories against a server without these routes (a plain MLflow).
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { TrackingClient } from '../../extension/client/trackingClient';
import { rawRequest } from '../support/mlflowRestClient';
import { createRun, logSeries, openStore, T0, type StoreFixture } from '../panels/fixture';

let f: StoreFixture;
let runId: string;
let rest: TrackingClient;
let baseUrl: string;
const N = 50_000;
/** Step 10,000 holds a spike; every 1000th point is NaN, and two more are ±Infinity. */
const valueAt = (i: number): number => (i % 1000 === 999 ? NaN : i === 20_000 ? Infinity : i === 20_001 ? -Infinity : i === 10_000 ? 77 : Math.sin(i / 100));

before(async () => {
  f = await openStore();
  runId = await createRun(f.store, '0', 'routes', { status: 'FINISHED' });
  await logSeries(f.store, runId, 'loss', N, valueAt);
  await logSeries(f.store, runId, 'acc', 10, (i) => i / 10);
  rest = await f.rest();
  baseUrl = rest.target;
});
after(() => f.close());

function get(path: string, token = 'panel-token') {
  return rawRequest(baseUrl, { method: 'GET', path: `/api/2.0/mlflow-workbench/${path}`, headers: { Authorization: `Bearer ${token}` } });
}

describe('chart routes over HTTP', () => {
  it('serves the kept summaries, with ±Infinity as MLflow writes it', async () => {
    const r = await get(`metrics/summaries?run_id=${runId}`);
    assert.equal(r.status, 200);
    const body = r.json<{ summaries: Array<{ key: string; min?: unknown; max?: unknown; count: number; step: number }> }>();
    const loss = body.summaries.find((s) => s.key === 'loss')!;
    assert.equal(loss.count, N);
    assert.equal(loss.step, N - 1);
    assert.equal(loss.min, '-Infinity');
    assert.equal(loss.max, 'Infinity');
  });

  it('serves a downsampled series equal to the store’s, bounded, with the spike', async () => {
    const r = await get(`metrics/series?run_id=${runId}&metric_key=loss&buckets=200`);
    assert.equal(r.status, 200);
    const body = r.json<{ total: number; exact: boolean; step: number[]; value: number[]; extent: Record<string, number> }>();
    assert.deepEqual(body, JSON.parse(JSON.stringify(f.store.getMetricSeries(runId, 'loss', { axis: 'step', buckets: 200 }))));
    assert.equal(body.total, N);
    assert.equal(body.exact, false);
    assert.ok(body.step.length <= 4 * 200 + 2);
    assert.ok(body.value.includes(77), 'the spike survives');
    assert.ok(body.value.every((v) => Number.isFinite(v)), 'NaN and ±Infinity are not plotted');
    // The last step holds NaN: the extent is the plottable points'.
    assert.deepEqual(body.extent, { min_step: 0, max_step: N - 2, min_time: T0, max_time: T0 + (N - 2) * 10 });
  });

  it('answers a zoom on the time axis with every point in it', async () => {
    const from = T0 + 30_000 * 10;
    const r = await get(`metrics/series?run_id=${runId}&metric_key=loss&axis=time&from=${from}&to=${from + 990}&buckets=100`);
    const body = r.json<{ exact: boolean; step: number[] }>();
    assert.equal(body.exact, true);
    const inside = body.step.filter((s) => s >= 30_000 && s <= 30_099);
    assert.deepEqual(inside, Array.from({ length: 100 }, (_, i) => 30_000 + i).filter((s) => s % 1000 !== 999));
  });

  it('refuses bad requests with MLflow’s errors', async () => {
    const missing = await get(`metrics/series?run_id=${runId}&metric_key=loss`);
    assert.equal(missing.status, 400);
    assert.equal(missing.json<{ error_code: string }>().error_code, 'INVALID_PARAMETER_VALUE');
    const axis = await get(`metrics/series?run_id=${runId}&metric_key=loss&buckets=10&axis=pixels`);
    assert.equal(axis.status, 400);
    const unknown = await get('metrics/summaries?run_id=0123456789abcdef0123456789abcdef');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json<{ error_code: string }>().error_code, 'RESOURCE_DOES_NOT_EXIST');
    assert.equal((await get(`metrics/summaries?run_id=${runId}`, 'wrong')).status, 401);
  });

  it('gives the REST client what the in-process client gets', async () => {
    const run = await rest.getRun(runId);
    assert.deepEqual(await rest.metricSummaries(run), await f.inProcess.metricSummaries(run));
    const q = { axis: 'step' as const, from: 1234.5, to: 40_000, buckets: 300 };
    assert.deepEqual(await rest.metricSeries(runId, 'loss', q), await f.inProcess.metricSeries(runId, 'loss', q));
  });

  it('falls back to full histories against a server without our routes', async () => {
    const plain = await f.plainMlflow();
    const run = await plain.getRun(runId);
    assert.equal(await plain.metricSeries(runId, 'loss', { axis: 'step', buckets: 100 }), undefined);
    assert.deepEqual(await plain.metricSummaries(run), await f.inProcess.metricSummaries(run));
  });
});
