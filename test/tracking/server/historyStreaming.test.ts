// A whole metric history is sent in slices (chunked) while it is being written; over real HTTP the answer must
// be MLflow's JSON to the byte, and a client that goes away mid-answer must not hurt the server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startCliServer, type CliServer } from '../../support/cliServer';

let server: CliServer;
let runId = '';
const POINTS = 40_000;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${server.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, headers: Object.fromEntries(res.headers), text: await res.text() };
}

before(async () => {
  server = await startCliServer();
  runId = (JSON.parse((await call('POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' })).text) as { run: { info: { run_id: string } } }).run.info.run_id;
  for (let b = 0; b < POINTS / 1000; b++) {
    const metrics = Array.from({ length: 1000 }, (_, i) => {
      const step = b * 1000 + i;
      return { key: 'loss', value: step % 4999 === 0 ? 'NaN' : Math.cos(step) / (step + 1), timestamp: 1_700_000_000_000 + step, step };
    });
    assert.equal((await call('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: runId, metrics })).status, 200);
  }
});

after(() => server.stop());

test('get-history of a long metric comes chunked, complete and in order, first from the store and then cached', async () => {
  const fetchHistory = async (): Promise<string> => {
    const r = await call('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss`);
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /application\/json/);
    assert.equal(r.headers['transfer-encoding'], 'chunked');
    return r.text;
  };
  // The first long answer is written by the store's thread alone and starts the helper thread; once a new point
  // arrives the next answer comes from the store again, now with the helper writing its later slices (given the
  // time to start); asked again at the same count, the history is written once more, kept and served from memory.
  const alone = await fetchHistory();
  await new Promise((r) => setTimeout(r, 300));
  await call('POST', '/api/2.0/mlflow/runs/log-metric', { run_id: runId, key: 'loss', value: 1, timestamp: 1_800_000_000_000, step: POINTS });
  const helped = await fetchHistory();
  const kept = await fetchHistory();
  assert.equal(kept, helped, 'the kept answer is the same bytes');
  assert.equal(await fetchHistory(), kept, 'and so is the one served from memory');
  const { metrics } = JSON.parse(helped) as { metrics: Array<{ key: string; value: number | string; timestamp: number; step: number }> };
  assert.equal(metrics.length, POINTS + 1);
  assert.deepEqual(metrics[POINTS], { key: 'loss', value: 1, timestamp: 1_800_000_000_000, step: POINTS });
  assert.deepEqual((JSON.parse(alone) as { metrics: unknown[] }).metrics, metrics.slice(0, POINTS));
  metrics.slice(0, POINTS).forEach((m, step) => {
    assert.equal(m.step, step);
    assert.equal(m.timestamp, 1_700_000_000_000 + step);
    assert.equal(m.key, 'loss');
    if (step % 4999 === 0) assert.equal(m.value, 'NaN');
    else assert.equal(m.value, Math.cos(step) / (step + 1));
  });
  // A page of the same history (max_results) is served by the paged path: the same points.
  const page = JSON.parse((await call('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss&max_results=10`)).text) as { metrics: unknown[] };
  assert.deepEqual(page.metrics, metrics.slice(0, 10));
});

test('a client that hangs up in the middle of a long history leaves the server serving', async () => {
  // A fresh point makes the next answer come from the store again, slice by slice.
  await call('POST', '/api/2.0/mlflow/runs/log-metric', { run_id: runId, key: 'loss', value: 2, timestamp: 1_800_000_000_001, step: POINTS + 1 });
  await new Promise<void>((resolve, reject) => {
    const req = request(`${server.url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss`, { headers: { Authorization: `Bearer ${server.token}` } }, (res) => {
      res.once('data', () => {
        req.destroy(); // gone after the first bytes
        resolve();
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve() : reject(err)));
    req.end();
  });
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(server.proc.exitCode, null, 'the server is still running');
  assert.equal((await call('GET', '/health')).text, 'OK');
  const again = JSON.parse((await call('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss`)).text) as { metrics: unknown[] };
  assert.equal(again.metrics.length, POINTS + 2);
  assert.doesNotMatch(server.stderr(), /Error|ERR_/);
});
