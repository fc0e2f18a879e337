// gc (extension/tracking/store/gc.ts): deleted runs and experiments leave for good, with their histories and
// artifacts; the store shrinks on disk; everything else answers byte for byte as before; the purge is journaled.
// Against the real CLI server (route), the CLI's `gc` both ways (owned store → route, free store → direct), and
// the store in process for the journal replay and MLflow's selection rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawRequest } from '../../support/mlflowRestClient';
import { runCli, startCliServer, type CliServer } from '../../support/cliServer';
import { TrackingStore } from '../../../extension/tracking/store/trackingStore';
import type { GcResponse } from '../../../extension/tracking/rest/types';
import { LoggedModelStore } from '../../../extension/loggedModels/loggedModelStore';
import { TraceStore } from '../../../extension/traces/traceStore';

const auth = (s: CliServer): Record<string, string> => ({ Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' });

async function post<T>(s: CliServer, path: string, body: unknown, prefix = '/api/2.0/mlflow/'): Promise<T> {
  const r = await rawRequest(s.url, { method: 'POST', path: `${prefix}${path}`, headers: auth(s), body: JSON.stringify(body) });
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  return r.json<T>();
}

async function get(s: CliServer, path: string, prefix = '/api/2.0/mlflow/'): Promise<{ status: number; text: string }> {
  return rawRequest(s.url, { method: 'GET', path: `${prefix}${path}`, headers: auth(s) });
}

interface Fixture {
  keep: string[];
  gone: string[];
  expKeep: string;
  expGone: string;
  expGoneRuns: string[];
}

const KEYS = ['loss', 'acc', 'lr'];
const POINTS = 4000;

/** Two experiments of runs with histories, params, tags and an artifact each; half of one's runs and all of the other deleted. */
async function populate(s: CliServer): Promise<Fixture> {
  const mkExp = async (name: string): Promise<string> => (await post<{ experiment_id: string }>(s, 'experiments/create', { name })).experiment_id;
  const mkRun = async (exp: string, i: number): Promise<string> => {
    const run = (await post<{ run: { info: { run_id: string } } }>(s, 'runs/create', { experiment_id: exp, start_time: 1_700_000_000_000 + i, run_name: `r${i}` })).run.info.run_id;
    for (let b = 0; b < (POINTS * KEYS.length) / 1000; b++) {
      const metrics = Array.from({ length: 1000 }, (_, j) => {
        const n = b * 1000 + j;
        return { key: KEYS[n % KEYS.length], value: Math.sin(n + i), timestamp: 1_700_000_000_000 + n, step: Math.floor(n / KEYS.length) };
      });
      await post(s, 'runs/log-batch', { run_id: run, metrics });
    }
    await post(s, 'runs/log-batch', { run_id: run, params: [{ key: 'i', value: String(i) }], tags: [{ key: 't', value: `v${i}` }] });
    const put = await rawRequest(s.url, {
      method: 'PUT',
      path: `/api/2.0/mlflow-artifacts/artifacts/${exp}/${run}/artifacts/model/weights.bin`,
      headers: { Authorization: `Bearer ${s.token}` },
      body: Buffer.alloc(20_000, i),
    });
    assert.equal(put.status, 200, put.text);
    return run;
  };
  const expKeep = await mkExp('keep');
  const expGone = await mkExp('gone');
  const runs: string[] = [];
  for (let i = 0; i < 8; i++) runs.push(await mkRun(expKeep, i));
  const expGoneRuns = [await mkRun(expGone, 100), await mkRun(expGone, 101)];
  const gone = runs.filter((_, i) => i % 2 === 1);
  for (const run of gone) await post(s, 'runs/delete', { run_id: run });
  await post(s, 'experiments/delete', { experiment_id: expGone });
  return { keep: runs.filter((_, i) => i % 2 === 0), gone, expKeep, expGone, expGoneRuns };
}

/** Every answer about what stays: runs/get, each history, the summaries, searches of runs and experiments. */
async function snapshot(s: CliServer, f: Fixture): Promise<string[]> {
  const out: string[] = [];
  for (const run of f.keep) {
    out.push((await get(s, `runs/get?run_id=${run}`)).text);
    for (const key of KEYS) out.push((await get(s, `metrics/get-history?run_id=${run}&metric_key=${key}`)).text);
    out.push((await get(s, `metrics/summaries?run_id=${run}`, '/api/2.0/mlflow-workbench/')).text);
    out.push((await get(s, `metrics/series?run_id=${run}&metric_key=loss&buckets=100`, '/api/2.0/mlflow-workbench/')).text);
    out.push((await get(s, `artifacts/list?run_id=${run}&path=model`)).text);
  }
  out.push(JSON.stringify(await post(s, 'runs/search', { experiment_ids: [f.expKeep], max_results: 1000 })));
  out.push(JSON.stringify(await post(s, 'runs/search', { experiment_ids: [f.expKeep], filter: 'metrics.loss > 0', order_by: ['params.i DESC'] })));
  out.push(JSON.stringify(await post(s, 'experiments/search', { max_results: 100 })));
  return out;
}

async function assertGone(s: CliServer, f: Fixture): Promise<void> {
  for (const run of [...f.gone, ...f.expGoneRuns]) {
    assert.equal((await get(s, `runs/get?run_id=${run}`)).status, 404, `run ${run} still answers`);
    assert.equal((await get(s, `metrics/get-history?run_id=${run}&metric_key=loss`)).status, 404);
  }
  assert.equal((await get(s, `experiments/get?experiment_id=${f.expGone}`)).status, 404);
  const deleted = await post<{ runs?: unknown[] }>(s, 'runs/search', { experiment_ids: [f.expKeep, f.expGone], run_view_type: 'DELETED_ONLY' });
  assert.equal(deleted.runs, undefined, 'the deleted view is empty');
  const artifacts = join(s.storeDir, 'artifacts');
  for (const run of f.gone) assert.ok(!existsSync(join(artifacts, f.expKeep, run)), `artifacts of ${run} remain`);
  assert.ok(!existsSync(join(artifacts, f.expGone)), 'the deleted experiment keeps its artifact folder');
  for (const run of f.keep) assert.ok(existsSync(join(artifacts, f.expKeep, run, 'artifacts/model/weights.bin')));
}

test('gc through the route: deleted runs and experiments go with histories and artifacts, the store shrinks, the rest answers byte for byte, kill -9 keeps it', async () => {
  let s = await startCliServer();
  const { storeDir } = s;
  try {
    const f = await populate(s);
    await s.stop({ keep: true }); // a graceful stop writes the image: its size is the store's before gc
    s = await startCliServer({ storeDir });
    const before = await snapshot(s, f);
    const dbBefore = statSync(join(storeDir, 'tracking.db')).size;
    const pointsBefore = pointBytes(storeDir);

    const dry = await post<GcResponse>(s, 'gc', { dry_run: true }, '/api/2.0/mlflow-workbench/');
    assert.equal(dry.dry_run, true);
    assert.deepEqual(new Set(dry.run_ids), new Set([...f.gone, ...f.expGoneRuns]));
    assert.deepEqual(dry.experiment_ids, [f.expGone]);
    assert.equal((await get(s, `runs/get?run_id=${f.gone[0]}`)).status, 200, 'a dry run removes nothing');

    const result = await post<GcResponse>(s, 'gc', {}, '/api/2.0/mlflow-workbench/');
    assert.deepEqual(new Set(result.run_ids), new Set([...f.gone, ...f.expGoneRuns]));
    assert.deepEqual(result.experiment_ids, [f.expGone]);
    assert.equal(result.artifact_folders, f.gone.length + 1); // the experiment's folder holds its runs' folders
    assert.ok(result.bytes_after < result.bytes_before, `store ${result.bytes_before} → ${result.bytes_after}`);
    await s.kill9(); // right after the answer: the purge must already be durable
    s = await startCliServer({ storeDir });

    // 10 runs of 12 were removed (4 of 8 kept, plus the deleted experiment's 2): their points' bytes go, and the
    // image (a fixed page per table at this size, the points live outside it) does not grow.
    const pointsAfter = pointBytes(storeDir);
    assert.ok(pointsBefore > 0 && pointsAfter < pointsBefore * 0.6, `point files ${pointsBefore} → ${pointsAfter} bytes`);
    const dbAfter = statSync(join(storeDir, 'tracking.db')).size;
    assert.ok(dbAfter <= dbBefore, `tracking.db ${dbBefore} → ${dbAfter} bytes`);
    await assertGone(s, f);
    assert.deepEqual(await snapshot(s, f), before);

    // Nothing deleted: gc removes nothing and answers so; new runs after gc work as ever.
    const again = await post<GcResponse>(s, 'gc', {}, '/api/2.0/mlflow-workbench/');
    assert.deepEqual([again.run_ids, again.experiment_ids, again.logged_model_ids], [[], [], []]);
    const fresh = (await post<{ run: { info: { run_id: string } } }>(s, 'runs/create', { experiment_id: f.expKeep })).run.info.run_id;
    await post(s, 'runs/log-metric', { run_id: fresh, key: 'loss', value: 1, timestamp: 1, step: 0 });
    const h = JSON.parse((await get(s, `metrics/get-history?run_id=${fresh}&metric_key=loss`)).text) as { metrics: unknown[] };
    assert.equal(h.metrics.length, 1, 'a new run (which may take a removed run’s internal id) has only its own points');
  } finally {
    await s.stop();
  }
});

test("gc refuses as mlflow gc does: a named run that is not deleted, an active experiment, a bad --older-than; nothing removed then", async () => {
  const s = await startCliServer();
  try {
    const exp = (await post<{ experiment_id: string }>(s, 'experiments/create', { name: 'e' })).experiment_id;
    const active = (await post<{ run: { info: { run_id: string } } }>(s, 'runs/create', { experiment_id: exp })).run.info.run_id;
    const deleted = (await post<{ run: { info: { run_id: string } } }>(s, 'runs/create', { experiment_id: exp })).run.info.run_id;
    await post(s, 'runs/delete', { run_id: deleted });
    const gc = (body: unknown) => rawRequest(s.url, { method: 'POST', path: '/api/2.0/mlflow-workbench/gc', headers: auth(s), body: JSON.stringify(body) });

    let r = await gc({ run_ids: [deleted, active] });
    assert.equal(r.status, 400);
    assert.equal(r.json<{ message: string }>().message, `Run ${active} is not in \`deleted\` lifecycle stage. Only runs in \`deleted\` lifecycle stage can be deleted.`);
    assert.equal((await get(s, `runs/get?run_id=${deleted}`)).status, 200, 'a refused gc removes nothing');
    r = await gc({ experiment_ids: exp });
    assert.equal(r.status, 400);
    assert.match(r.json<{ message: string }>().message, new RegExp(`^Experiments \\['${exp}'\\] are not in the deleted lifecycle stage`));
    r = await gc({ experiment_ids: '999' });
    assert.equal(r.status, 404);
    r = await gc({ older_than: '3x' });
    assert.equal(r.status, 400);
    assert.match(r.json<{ message: string }>().message, /Could not parse any time information from '3x'/);
    r = await gc({ run_ids: 'nope' });
    assert.equal(r.status, 404);
    // --older-than: the run was deleted a moment ago, so a day's age selects nothing, and naming it is refused.
    const old = await post<GcResponse>(s, 'gc', { older_than: '1d' }, '/api/2.0/mlflow-workbench/');
    assert.deepEqual(old.run_ids, []);
    r = await gc({ older_than: '1d', run_ids: deleted });
    assert.equal(r.status, 400);
    assert.match(r.json<{ message: string }>().message, /is not older than the required age\. Only runs older than 1d can be deleted\./);
    // Named and deleted: removed; the active run stays.
    const named = await post<GcResponse>(s, 'gc', { run_ids: deleted }, '/api/2.0/mlflow-workbench/');
    assert.deepEqual(named.run_ids, [deleted]);
    assert.equal((await get(s, `runs/get?run_id=${deleted}`)).status, 404);
    assert.equal((await get(s, `runs/get?run_id=${active}`)).status, 200);
  } finally {
    await s.stop();
  }
});

test('the CLI gc: through the owning server when one holds the store, on the store itself otherwise', async () => {
  const s = await startCliServer();
  try {
    const exp = (await post<{ experiment_id: string }>(s, 'experiments/create', { name: 'cli' })).experiment_id;
    const mk = async (): Promise<string> => (await post<{ run: { info: { run_id: string } } }>(s, 'runs/create', { experiment_id: exp })).run.info.run_id;
    const a = await mk();
    const b = await mk();
    await post(s, 'runs/delete', { run_id: a });
    await post(s, 'runs/delete', { run_id: b });

    const owned = await runCli(['gc', '--store', s.storeDir, '--run-ids', a]);
    assert.equal(owned.code, 0, owned.stderr);
    assert.match(owned.stdout, new RegExp(`Run with ID ${a} has been permanently deleted\\.`));
    assert.match(owned.stdout, new RegExp(`through the server of process ${s.proc.pid} on port ${s.port}`));
    assert.equal((await get(s, `runs/get?run_id=${a}`)).status, 404, 'the server itself no longer has the run');
    assert.equal((await get(s, `runs/get?run_id=${b}`)).status, 200);

    const refused = await runCli(['gc', '--store', s.storeDir, '--experiment-ids', exp]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /are not in the deleted lifecycle stage/);

    await s.stop({ keep: true });
    const dry = await runCli(['gc', '--store', s.storeDir, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, new RegExp(`Run with ID ${b} would be permanently deleted\\.`));
    const direct = await runCli(['gc', '--store', s.storeDir]);
    assert.equal(direct.code, 0, direct.stderr);
    assert.match(direct.stdout, new RegExp(`Run with ID ${b} has been permanently deleted\\.`));
    assert.doesNotMatch(direct.stdout, /through the server/);
    assert.match(direct.stdout, /gc removed 1 runs, 0 experiments, 0 logged models/);
    const store = await TrackingStore.open({ dir: s.storeDir, checkpointIntervalMs: 0 });
    try {
      assert.deepEqual(store.db.get('SELECT count(*) AS n FROM runs WHERE experiment_id = ?', [Number(exp)]), { n: 0 });
    } finally {
      await store.close();
    }
  } finally {
    await s.stop();
  }
});

test('the purge op is journaled: a store that crashed before any checkpoint replays it, every table row gone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-gc-journal-'));
  const copy = `${dir}-copy`;
  try {
    const store = await TrackingStore.open({ dir: join(dir, 's'), lock: false, checkpointIntervalMs: 0 });
    const exp = await store.createExperiment('j');
    const runs: string[] = [];
    for (let i = 0; i < 4; i++) {
      const run = (await store.createRun({ experiment_id: exp })).info.run_id;
      await store.logBatch({ run_id: run, metrics: Array.from({ length: 300 }, (_, j) => ({ key: 'm', value: j, timestamp: j, step: j })), params: [{ key: 'p', value: 'v' }], tags: [{ key: 't', value: 'v' }] });
      await store.logInputs(run, [{ dataset: { name: 'd', digest: 'x', source_type: 'local', source: 's' }, tags: [{ key: 'k', value: 'v' }] }], undefined);
      runs.push(run);
    }
    await store.deleteRun(runs[0]);
    await store.deleteRun(runs[1]);
    // The op as gc commits it, with no checkpoint after: only the journal carries it.
    await store.commitOp({ t: 'purge', runs: [runs[0], runs[1]], experiments: [], loggedModels: [] });
    cpSync(join(dir, 's'), copy, { recursive: true }); // the files as a kill -9 would leave them
    const reopened = await TrackingStore.open({ dir: copy, lock: false, checkpointIntervalMs: 0 });
    const ids = (uuids: string[]) => uuids.map((u) => `'${u}'`).join(',');
    const count = (sql: string) => reopened.db.get<{ n: number }>(sql)!.n;
    assert.equal(count(`SELECT count(*) AS n FROM runs WHERE run_uuid IN (${ids(runs.slice(0, 2))})`), 0);
    assert.equal(count(`SELECT count(*) AS n FROM runs WHERE run_uuid IN (${ids(runs.slice(2))})`), 2);
    for (const table of ['params', 'tags', 'latest_metrics', 'run_inputs', 'input_tags']) {
      assert.equal(count(`SELECT count(DISTINCT run_id) AS n FROM ${table}`), 2, table);
    }
    assert.equal(reopened.getMetricHistory(runs[2], 'm').metrics.length, 300);
    assert.equal(reopened.getMetricHistory(runs[3], 'm').metrics.length, 300);
    await reopened.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(copy, { recursive: true, force: true });
  }
});

test("a purged experiment takes its logged models, traces, datasets and tags along; a deleted logged model elsewhere goes too; other experiments' rows stay", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-gc-mlflow3-'));
  try {
    const store = await TrackingStore.open({ dir, lock: false, checkpointIntervalMs: 0 });
    const models = new LoggedModelStore(store);
    const traces = new TraceStore(store);
    const fill = async (name: string): Promise<{ exp: string; run: string; model: string }> => {
      const exp = await store.createExperiment(name, undefined, [{ key: 'team', value: name }]);
      const run = (await store.createRun({ experiment_id: exp })).info.run_id;
      const model = (await models.createLoggedModel({ experiment_id: exp, name: 'm', source_run_id: run, params: [{ key: 'p', value: '1' }], tags: [{ key: 't', value: '1' }] })).info.model_id;
      await store.logBatch({ run_id: run, metrics: [{ key: 'acc', value: 0.5, timestamp: 1, step: 0, model_id: model }] });
      await store.logInputs(run, [{ dataset: { name: `d-${name}`, digest: 'x', source_type: 'local', source: 's' } }], [{ model_id: model }]);
      await traces.startTrace({
        trace_id: `tr-${name}`, trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
        request_time: '2024-01-01T00:00:00Z', state: 'OK', tags: { k: 'v' }, trace_metadata: { a: 'b' },
      });
      return { exp, run, model };
    };
    const gone = await fill('gone');
    const kept = await fill('kept');
    const loose = (await models.createLoggedModel({ experiment_id: kept.exp, name: 'loose' })).info.model_id;
    await models.deleteLoggedModel(loose);
    await store.deleteExperiment(gone.exp);
    const result = await store.gc();
    assert.deepEqual(result.experiment_ids, [gone.exp]);
    assert.deepEqual(result.run_ids, [gone.run]);
    assert.deepEqual(result.logged_model_ids, [loose]);
    const left = (table: string): string[] =>
      store.db.rows(`SELECT * FROM ${table}`).map((r) => JSON.stringify(r));
    const mentions = (id: string | number): string[] =>
      ['experiments', 'experiment_tags', 'runs', 'datasets', 'logged_models', 'logged_model_params', 'logged_model_tags', 'logged_model_metrics', 'traces', 'trace_tags', 'trace_metadata', 'model_inputs']
        .flatMap((t) => left(t).filter((row) => row.includes(JSON.stringify(id)) || row.includes(`"${id}"`)).map((row) => `${t}: ${row}`));
    assert.deepEqual(mentions(gone.run), []);
    assert.deepEqual(mentions(gone.model), []);
    assert.deepEqual(mentions(loose), []);
    assert.deepEqual(mentions('tr-gone'), []);
    assert.deepEqual(mentions('d-gone'), []);
    assert.equal(store.db.get<{ n: number }>('SELECT count(*) AS n FROM experiments WHERE experiment_id = ?', [Number(gone.exp)])!.n, 0);
    // The other experiment keeps every row of each kind.
    assert.ok(mentions(kept.run).length >= 2 && mentions(kept.model).length >= 4 && mentions('tr-kept').length >= 1 && mentions('d-kept').length === 1, mentions(kept.model).join('\n'));
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The metric points' files (segments and the tails file): what gc must shrink with the histories it removes. */
function pointBytes(storeDir: string): number {
  const points = join(storeDir, 'points');
  const files = existsSync(points) ? readdirSync(points) : [];
  return files.reduce((n, f) => n + statSync(join(points, f)).size, 0);
}
