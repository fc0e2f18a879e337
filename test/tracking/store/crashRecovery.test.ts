// kill -9 in the middle of heavy ingestion: every acknowledged metric is there after a restart on the same
// store, and the store opens cleanly (the stale owner lock is taken over).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { rawRequest } from '../../support/mlflowRestClient';
import { startCliServer, type CliServer } from '../../support/cliServer';

function post(server: CliServer, path: string, body: unknown) {
  return rawRequest(server.url, {
    method: 'POST',
    path: `/api/2.0/mlflow/${path}`,
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

test('SIGKILL during ingestion loses no acknowledged write', async () => {
  const first = await startCliServer({ args: ['--checkpoint-bytes', '2000000'] }); // small: checkpoints happen mid-flight too
  let second: CliServer | undefined;
  try {
    const created = await post(first, 'runs/create', { experiment_id: '0', run_name: 'crash' });
    const runId = created.json<{ run: { info: { run_id: string } } }>().run.info.run_id;
    const acknowledged: number[] = []; // batch numbers whose log-batch returned 200
    let stop = false;
    let nextBatch = 0;
    const writer = async (): Promise<void> => {
      while (!stop) {
        const b = nextBatch++;
        const metrics = Array.from({ length: 500 }, (_, i) => ({ key: `k${b % 3}`, value: b * 1000 + i, timestamp: 1_700_000_000_000 + b, step: b * 1000 + i }));
        try {
          const r = await post(first, 'runs/log-batch', { run_id: runId, metrics, params: [{ key: `p${b}`, value: String(b) }] });
          if (r.status === 200) acknowledged.push(b);
          else throw new Error(`unexpected ${r.status}: ${r.text}`);
        } catch (err) {
          if (!stop) throw err;
          return; // the connection died with the server: not acknowledged
        }
      }
    };
    const writers = Array.from({ length: 4 }, () => writer());
    // Let it ingest for a while, then pull the plug while requests are in flight.
    while (acknowledged.length < 150) await new Promise((r) => setTimeout(r, 20));
    stop = true;
    await first.kill9();
    await Promise.allSettled(writers);
    assert.ok(acknowledged.length >= 150);

    // Metric points were flushed into segment files (checkpoints ran mid-flight); bytes written after the last one
    // are cut off on open and come back from the journal.
    assert.ok(readdirSync(join(first.storeDir, 'points')).some((n) => n.endsWith('.seg')), 'segments written');
    second = await startCliServer({ storeDir: first.storeDir, token: first.token });
    const run = await rawRequest(second.url, {
      method: 'GET',
      path: `/api/2.0/mlflow/runs/get?run_id=${runId}`,
      headers: { Authorization: `Bearer ${second.token}` },
    });
    assert.equal(run.status, 200);
    const params = new Map(run.json<{ run: { data: { params: { key: string; value: string }[] } } }>().run.data.params.map((p) => [p.key, p.value]));
    const steps = new Set<number>();
    for (const key of ['k0', 'k1', 'k2']) {
      const h = await rawRequest(second.url, {
        method: 'GET',
        path: `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${key}`,
        headers: { Authorization: `Bearer ${second.token}` },
      });
      assert.equal(h.status, 200);
      for (const m of h.json<{ metrics?: { step: number; value: number }[] }>().metrics ?? []) {
        assert.equal(m.value, m.step, 'values are intact');
        steps.add(m.step);
      }
    }
    for (const b of acknowledged) {
      assert.equal(params.get(`p${b}`), String(b), `param of acknowledged batch ${b}`);
      for (const i of [0, 499]) assert.ok(steps.has(b * 1000 + i), `metric of acknowledged batch ${b}`);
    }
    // Each key's count (latest_metrics) is its history's length: nothing counted twice or lost in replay.
    const summaries = await rawRequest(second.url, {
      method: 'GET',
      path: `/api/2.0/mlflow-workbench/metrics/summaries?run_id=${runId}`,
      headers: { Authorization: `Bearer ${second.token}` },
    });
    const counted = summaries.json<{ summaries: { count: number }[] }>().summaries.reduce((t, m) => t + m.count, 0);
    assert.equal(counted, steps.size);
    // Every batch is all-or-nothing: 500 points per batch present.
    assert.equal(steps.size % 500, 0);
    // And the recovered store keeps working.
    const more = await post(second, 'runs/log-metric', { run_id: runId, key: 'after', value: 1, timestamp: 1, step: 0 });
    assert.equal(more.status, 200);
  } finally {
    await second?.stop();
    await first.stop();
  }
});

test('SIGKILL again and again while checkpoints write pages in place: every acknowledged write survives each restart', async (t) => {
  // Checkpoints every few batches, so kills land before, inside and after image writes; each restart's first
  // checkpoint compares against the image it read back, so later checkpoints are incremental page writes.
  const args = ['--checkpoint-bytes', '300000'];
  let server = await startCliServer({ args });
  const { storeDir, token } = server;
  const servers: CliServer[] = [server];
  try {
    const created = await post(server, 'runs/create', { experiment_id: '0', run_name: 'kill-loop' });
    const runId = created.json<{ run: { info: { run_id: string } } }>().run.info.run_id;
    const acknowledged: number[] = [];
    let nextBatch = 0;
    let pagesFilesSeen = 0;
    for (let round = 0; round < 4; round++) {
      await writeUntilKilled(server, acknowledged, 60, () => {
        const b = nextBatch++;
        const metrics = Array.from({ length: 500 }, (_, i) => ({ key: `k${b % 3}`, value: b * 1000 + i, timestamp: 1_700_000_000_000 + b, step: b * 1000 + i }));
        return { batch: b, body: { run_id: runId, metrics, params: [{ key: `p${b}`, value: String(b) }] } };
      });
      if (existsSync(join(storeDir, 'tracking.db.pages'))) pagesFilesSeen++;

      server = await startCliServer({ storeDir, token, args });
      servers.push(server);
      const run = await rawRequest(server.url, { method: 'GET', path: `/api/2.0/mlflow/runs/get?run_id=${runId}`, headers: { Authorization: `Bearer ${token}` } });
      assert.equal(run.status, 200);
      const params = new Map(run.json<{ run: { data: { params: { key: string; value: string }[] } } }>().run.data.params.map((p) => [p.key, p.value]));
      const steps = new Set<number>();
      for (const key of ['k0', 'k1', 'k2']) {
        const h = await rawRequest(server.url, { method: 'GET', path: `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${key}`, headers: { Authorization: `Bearer ${token}` } });
        assert.equal(h.status, 200);
        for (const m of h.json<{ metrics?: { step: number; value: number }[] }>().metrics ?? []) {
          assert.equal(m.value, m.step, 'values are intact');
          steps.add(m.step);
        }
      }
      for (const b of acknowledged) {
        assert.equal(params.get(`p${b}`), String(b), `round ${round}: param of acknowledged batch ${b}`);
        for (const i of [0, 499]) assert.ok(steps.has(b * 1000 + i), `round ${round}: metric of acknowledged batch ${b}`);
      }
      assert.equal(steps.size % 500, 0, 'batches are all-or-nothing');
    }
    t.diagnostic(`${acknowledged.length} batches acknowledged over 4 kills; a pages file was left by ${pagesFilesSeen} of them`);
  } finally {
    for (const s of servers.reverse()) await s.stop();
  }
});

test('SIGKILL while 100 series are written together: the tails file each checkpoint writes loses no acknowledged point', async (t) => {
  // Small batches across 100 series: tails rarely fill a chunk, so most points live in the tails (journal + the
  // tails file of the last checkpoint); kills land before, inside and after tails-file and image writes.
  const args = ['--checkpoint-bytes', '200000'];
  let server = await startCliServer({ args });
  const { storeDir, token } = server;
  const servers: CliServer[] = [server];
  const KEYS = 100;
  try {
    const created = await post(server, 'runs/create', { experiment_id: '0', run_name: 'tails' });
    const runId = created.json<{ run: { info: { run_id: string } } }>().run.info.run_id;
    const acknowledged: number[] = [];
    let nextBatch = 0;
    let tailsFilesSeen = 0;
    for (let round = 0; round < 3; round++) {
      await writeUntilKilled(server, acknowledged, 150, () => {
        const b = nextBatch++;
        const metrics = Array.from({ length: KEYS * 2 }, (_, i) => ({ key: `k${i % KEYS}`, value: b * 10 + (i >= KEYS ? 1 : 0), timestamp: 1_700_000_000_000 + b, step: b * 10 + (i >= KEYS ? 1 : 0) }));
        return { batch: b, body: { run_id: runId, metrics } };
      });
      if (readdirSync(join(storeDir, 'points')).some((n) => n.startsWith('tails-'))) tailsFilesSeen++;

      server = await startCliServer({ storeDir, token, args });
      servers.push(server);
      let total = 0;
      for (let k = 0; k < KEYS; k++) {
        const h = await rawRequest(server.url, { method: 'GET', path: `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=k${k}`, headers: { Authorization: `Bearer ${token}` } });
        assert.equal(h.status, 200);
        const steps = new Set<number>();
        for (const m of h.json<{ metrics?: { step: number; value: number }[] }>().metrics ?? []) {
          assert.equal(m.value, m.step, 'values are intact');
          steps.add(m.step);
        }
        for (const b of acknowledged) assert.ok(steps.has(b * 10) && steps.has(b * 10 + 1), `round ${round}: k${k} of acknowledged batch ${b}`);
        total += steps.size;
      }
      assert.equal(total % (KEYS * 2), 0, 'batches are all-or-nothing');
    }
    assert.ok(tailsFilesSeen > 0, 'checkpoints wrote tails files');
    t.diagnostic(`${acknowledged.length} batches acknowledged over 3 kills`);
  } finally {
    for (const s of servers.reverse()) await s.stop();
  }
});

/**
 * Four writers post log-batch bodies to `server` until at least `minAcks` more batches are acknowledged, then, at
 * a random moment within 300 ms, the server is killed with SIGKILL; acknowledged batch numbers land in `acknowledged`.
 */
async function writeUntilKilled(server: CliServer, acknowledged: number[], minAcks: number, next: () => { batch: number; body: object }): Promise<void> {
  let stop = false;
  const ackedBefore = acknowledged.length;
  const writer = async (): Promise<void> => {
    while (!stop) {
      const { batch, body } = next();
      try {
        const r = await post(server, 'runs/log-batch', body);
        if (r.status === 200) acknowledged.push(batch);
        else throw new Error(`unexpected ${r.status}: ${r.text}`);
      } catch (err) {
        if (!stop) throw err;
        return;
      }
    }
  };
  const writers = Array.from({ length: 4 }, () => writer());
  while (acknowledged.length < ackedBefore + minAcks) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, Math.random() * 300));
  stop = true;
  await server.kill9();
  await Promise.allSettled(writers);
}
