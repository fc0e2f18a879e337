// The store's data rules, exercised on real sql.js files in a temp folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrackingStore } from '../../../extension/tracking/store/trackingStore';
import { MlflowError } from '../../../extension/tracking/errors';
import { SCHEMA_VERSION } from '../../../extension/tracking/store/schema';
import type { JsonSlices } from '../../../extension/tracking/store/metricHistory';

async function withStore(fn: (store: TrackingStore, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-store-'));
  const store = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
  try {
    await fn(store, dir);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function rejectsWith(code: string): (err: unknown) => boolean {
  return (err) => err instanceof MlflowError && err.errorCode === code;
}

test('a new store has the Default experiment 0 and keeps itself out of git', async () => {
  await withStore(async (store, dir) => {
    const exp = store.getExperiment('0');
    assert.equal(exp.name, 'Default');
    assert.equal(exp.lifecycle_stage, 'active');
    assert.equal(exp.artifact_location, 'mlflow-artifacts:/0');
    assert.match(readFileSync(join(dir, '.gitignore'), 'utf8'), /^\*$/m);
    assert.ok(existsSync(join(dir, 'tracking.db')));
  });
});

test('latest metric is the greatest (step, timestamp, value); min, max and count follow every new point', async () => {
  await withStore(async (store) => {
    const run = (await store.createRun({ experiment_id: '0' })).info.run_id;
    await store.logBatch({
      run_id: run,
      metrics: [
        { key: 'loss', value: 5, timestamp: 100, step: 2 },
        { key: 'loss', value: 9, timestamp: 999, step: 1 }, // later timestamp but lower step: not latest
        { key: 'loss', value: 1, timestamp: 100, step: 2 }, // same step and time, lower value: not latest
        { key: 'loss', value: -3, timestamp: 50, step: 0 },
      ],
    });
    let [s] = store.getMetricSummaries(run);
    assert.deepEqual({ value: s.value, step: s.step, timestamp: s.timestamp, min: s.min, max: s.max, count: s.count }, { value: 5, step: 2, timestamp: 100, min: -3, max: 9, count: 4 });
    await store.logMetric(run, { key: 'loss', value: 7, timestamp: 10, step: 3 });
    [s] = store.getMetricSummaries(run);
    assert.equal(s.value, 7);
    assert.equal(s.count, 5);
    const latest = store.getRun(run).data.metrics!;
    assert.deepEqual(latest, [{ key: 'loss', value: 7, timestamp: 10, step: 3 }]);
  });
});

test('an identical point is a silent no-op and is not counted twice', async () => {
  await withStore(async (store) => {
    const run = (await store.createRun({})).info.run_id;
    await store.logMetric(run, { key: 'acc', value: 0.5, timestamp: 1, step: 1 });
    await store.logMetric(run, { key: 'acc', value: 0.5, timestamp: 1, step: 1 });
    assert.equal(store.getMetricHistory(run, 'acc').metrics.length, 1);
    assert.equal(store.getMetricSummaries(run)[0].count, 1);
  });
});

test('NaN and infinities are stored and read back; NaN does not disturb min and max', async () => {
  await withStore(async (store) => {
    const run = (await store.createRun({})).info.run_id;
    await store.logBatch({
      run_id: run,
      metrics: [
        { key: 'm', value: NaN, timestamp: 1, step: 0 },
        { key: 'm', value: 2, timestamp: 2, step: 1 },
        { key: 'm', value: Infinity, timestamp: 3, step: 2 },
        { key: 'm', value: -Infinity, timestamp: 4, step: 3 },
        { key: 'n', value: NaN, timestamp: 5, step: 9 },
      ],
    });
    const values = store.getMetricHistory(run, 'm').metrics.map((m) => m.value);
    assert.ok(Number.isNaN(values[0]));
    assert.deepEqual(values.slice(1), [2, Infinity, -Infinity]);
    const [m, n] = store.getMetricSummaries(run);
    assert.equal(m.min, -Infinity);
    assert.equal(m.max, Infinity);
    assert.ok(Number.isNaN(n.value));
    assert.equal(n.min, undefined);
  });
});

test('params are write-once: the same value is accepted, a new value refused and nothing of the batch is kept', async () => {
  await withStore(async (store) => {
    const run = (await store.createRun({})).info.run_id;
    await store.logParam(run, 'lr', '0.1');
    await store.logParam(run, 'lr', '0.1');
    await assert.rejects(
      store.logBatch({ run_id: run, params: [{ key: 'lr', value: '0.2' }], metrics: [{ key: 'x', value: 1, timestamp: 1 }] }),
      rejectsWith('INVALID_PARAMETER_VALUE'),
    );
    assert.deepEqual(store.getRun(run).data.params, [{ key: 'lr', value: '0.1' }]);
    assert.equal(store.getRun(run).data.metrics, undefined);
  });
});

test('the run name and the mlflow.runName tag stay one fact', async () => {
  await withStore(async (store) => {
    const run = await store.createRun({ run_name: 'first' });
    assert.equal(run.info.run_name, 'first');
    assert.ok(run.data.tags!.some((t) => t.key === 'mlflow.runName' && t.value === 'first'));
    await store.setTag(run.info.run_id, 'mlflow.runName', 'second');
    assert.equal(store.getRun(run.info.run_id).info.run_name, 'second');
    await store.updateRun({ run_id: run.info.run_id, run_name: 'third' });
    const after = store.getRun(run.info.run_id);
    assert.equal(after.info.run_name, 'third');
    assert.ok(after.data.tags!.some((t) => t.key === 'mlflow.runName' && t.value === 'third'));
    const generated = await store.createRun({});
    assert.match(generated.info.run_name, /^[a-z]+-[a-z]+-\d{1,3}$/);
    assert.ok(generated.info.run_name.length <= 20);
  });
});

test('deleting an experiment deletes its runs; restoring brings them back; deleted runs refuse writes', async () => {
  await withStore(async (store) => {
    const exp = await store.createExperiment('exp');
    const run = (await store.createRun({ experiment_id: exp })).info.run_id;
    await store.deleteExperiment(exp);
    assert.equal(store.getRun(run).info.lifecycle_stage, 'deleted');
    await assert.rejects(store.logParam(run, 'a', 'b'), rejectsWith('INVALID_PARAMETER_VALUE'));
    await assert.rejects(store.createRun({ experiment_id: exp }), rejectsWith('INVALID_PARAMETER_VALUE'));
    await assert.rejects(store.createExperiment('exp'), rejectsWith('RESOURCE_ALREADY_EXISTS'));
    await store.restoreExperiment(exp);
    assert.equal(store.getRun(run).info.lifecycle_stage, 'active');
    await store.logParam(run, 'a', 'b');
  });
});

test('datasets are deduplicated per experiment, name and digest', async () => {
  await withStore(async (store) => {
    const run = (await store.createRun({})).info.run_id;
    const input = { dataset: { name: 'iris', digest: 'abc', source_type: 'local', source: '{"uri":"x"}' }, tags: [{ key: 'mlflow.data.context', value: 'train' }] };
    await store.logInputs(run, [input], []);
    await store.logInputs(run, [input], []);
    const inputs = store.getRun(run).inputs.dataset_inputs!;
    assert.equal(inputs.length, 1);
    assert.deepEqual(inputs[0].tags, [{ key: 'mlflow.data.context', value: 'train' }]);
    assert.equal(store.db.get<{ n: number }>('SELECT count(*) AS n FROM datasets')!.n, 1);
  });
});

test('schema version is recorded and a newer store is refused with a clear message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-store-'));
  try {
    const store = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
    assert.equal(store.db.get<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'")!.value, String(SCHEMA_VERSION));
    assert.ok(SCHEMA_VERSION >= 1);
    store.db.run("UPDATE meta SET value = '999' WHERE key = 'schema_version'");
    // A write outside the journal reaches the disk with the next image (an idle close writes none).
    await store.checkpoint();
    await store.close();
    await assert.rejects(TrackingStore.open({ dir }), /newer MLflow Workbench \(schema 999/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Slices may be overwritten by the next one (see getMetricHistoryJson), so each is copied as it is taken. */
async function copies(slices: JsonSlices): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const slice of slices) out.push(Buffer.from(slice));
  return out;
}
function iterate(slices: JsonSlices): AsyncIterator<Uint8Array> | Iterator<Uint8Array> {
  return Symbol.asyncIterator in slices ? slices[Symbol.asyncIterator]() : slices[Symbol.iterator]();
}
const text = async (slices: JsonSlices): Promise<string> => Buffer.concat(await copies(slices)).toString('utf8');

test('the history JSON served to REST clients follows every stored point, cached or not', async () => {
  await withStore(async (store) => {
    const run = (await store.createRun({})).info.run_id;
    assert.equal(store.getMetricHistoryJson(run, 'loss'), undefined);
    await store.logBatch({ run_id: run, metrics: [{ key: 'loss', value: 1, timestamp: 10, step: 0 }, { key: 'loss', value: NaN, timestamp: 11, step: 1 }] });
    const first = await text(store.getMetricHistoryJson(run, 'loss')!);
    assert.deepEqual(JSON.parse(first), [
      { key: 'loss', value: 1, timestamp: 10, step: 0 },
      { key: 'loss', value: 'NaN', timestamp: 11, step: 1 },
    ]);
    const second = store.getMetricHistoryJson(run, 'loss')!;
    assert.ok(!Array.isArray(second), 'a history fetched once is not kept');
    assert.equal(await text(second), first);
    const cached = store.getMetricHistoryJson(run, 'loss')!;
    assert.ok(Array.isArray(cached), 'fetched a second time with no new point, it was kept and is served from the cache');
    assert.equal(await text(cached), first);
    await store.logMetric(run, { key: 'loss', value: 1, timestamp: 10, step: 0 }); // identical point: nothing stored
    assert.equal(store.getMetricHistoryJson(run, 'loss'), cached);
    await store.logMetric(run, { key: 'loss', value: 0.5, timestamp: 12, step: 2 });
    const after = JSON.parse(await text(store.getMetricHistoryJson(run, 'loss')!)) as { value: number | string }[];
    assert.deepEqual(after.map((m) => m.value), [1, 'NaN', 0.5]);
    assert.deepEqual(after, JSON.parse(JSON.stringify(store.getMetricHistory(run, 'loss').metrics.map((m) => ({ ...m, value: Number.isNaN(m.value) ? 'NaN' : m.value })))));
  });
});

test('two history answers taken turn by turn do not write over each other', async () => {
  await withStore(async (store) => {
    const run = (await store.createRun({})).info.run_id;
    for (const key of ['a', 'b']) {
      const metrics = Array.from({ length: 1000 }, (_, i) => ({ key, value: key === 'a' ? i : -i - 0.5, timestamp: i, step: i }));
      for (let i = 0; i < 30; i++) await store.logBatch({ run_id: run, metrics: metrics.map((m) => ({ ...m, step: m.step + i * 1000 })) });
    }
    const expected = (key: string): string => JSON.stringify(store.getMetricHistory(run, key).metrics);
    // However each answer is made (one of them may get the worker thread), neither may see the other's bytes.
    const iterators = ['a', 'b'].map((key) => iterate(store.getMetricHistoryJson(run, key)!));
    const taken: Buffer[][] = [[], []];
    for (let open = 2; open > 0; ) {
      open = 0;
      for (const [i, it] of iterators.entries()) {
        const next = await it.next();
        if (!next.done) {
          open++;
          taken[i].push(Buffer.from(next.value));
        }
      }
    }
    assert.ok(taken[0].length > 2, 'several slices each');
    assert.equal(Buffer.concat(taken[0]).toString(), expected('a'));
    assert.equal(Buffer.concat(taken[1]).toString(), expected('b'));
  });
});

test('a long history in slices is the same JSON as the whole list: order, non-finite values, non-ASCII keys', async () => {
  await withStore(async (store) => {
    const run = (await store.createRun({})).info.run_id;
    const specials = [NaN, Infinity, -Infinity, -0, 1e-300, 123456789.12345679, 0.1 + 0.2];
    for (const key of ['long', 'pérte/Δ']) {
      const points = Array.from({ length: 20_000 }, (_, i) => ({
        key,
        value: i % 997 === 0 ? specials[(i / 997) % specials.length] : Math.sin(i) * 1e3,
        // Timestamps that do not follow the steps everywhere: MLflow orders by timestamp, then step, then value.
        timestamp: 1_700_000_000_000 + (i % 3000 === 0 ? -i : i),
        step: i,
      }));
      for (let i = 0; i < points.length; i += 1000) await store.logBatch({ run_id: run, metrics: points.slice(i, i + 1000) });
      const slices = await copies(store.getMetricHistoryJson(run, key)!);
      assert.ok(slices.length > 2, 'answered in several slices');
      const parsed = JSON.parse(Buffer.concat(slices).toString('utf8')) as Array<{ key: string; value: number | string; timestamp: number; step: number }>;
      const expected = store.getMetricHistory(run, key).metrics.map((m) => ({
        ...m,
        value: Number.isNaN(m.value) ? 'NaN' : m.value === Infinity ? 'Infinity' : m.value === -Infinity ? '-Infinity' : m.value,
      }));
      assert.equal(parsed.length, points.length);
      assert.deepEqual(parsed, JSON.parse(JSON.stringify(expected)));
      const times = parsed.map((m) => m.timestamp);
      assert.ok(times.every((t, i) => i === 0 || times[i - 1] <= t), 'ordered by timestamp');
      assert.equal(parsed[0].step, 18_000, 'the earliest timestamp first, whatever its step');
    }
  });
});
