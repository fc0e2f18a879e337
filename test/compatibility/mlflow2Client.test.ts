// The real MLflow 2.7.1 Python client against our server and against the real MLflow 2.7.1 server, side by
// side (issue #11): python/mlflow2_workflow.py runs the 2.x scenario in full (experiments, runs and nested runs,
// params, metrics with NaN/±inf and history, tags, artifacts up, listed and down, a sklearn model logged and
// registered, loaded by version, alias and stage, runs and model versions searched, deletes and restores)
// through a recording proxy in front of each server. Every step must pass against ours with the same results
// as against MLflow, and every exchange must match MLflow's field by field except the volatile fields and
// known differences listed below.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { startCliServer, type CliServer } from '../support/cliServer';
import { ABSENT, compareExchanges, formatDifferences, type KnownDifference, type VolatileField } from '../support/exchangeDiff';
import { dumpExchanges, skipUnlessMlflow, startRealMlflowServer, type RealServer } from '../support/realMlflow';
import { failedSteps, runWorkflow, stepDifferences, stepValue, type Side } from './workflow';

const SCRIPT = join(__dirname, 'python', 'mlflow2_workflow.py');

/** Values that legitimately differ between two servers (or two runs of the client): presence and type still compared. */
const VOLATILE: VolatileField[] = [
  { key: /(^|_)(time|timestamp)$|_time_|_ms$|_nano$|duration/, reason: 'clock times and durations of each run' },
  { key: /^file_size$/, reason: 'artifact sizes: MLmodel and traces.json embed ids and times' },
];

/** Differences from MLflow 2.7.1 we accept, each with its reason. Anything else fails the comparison. */
const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    route: /^POST \/api\/2\.0\/mlflow\/runs\/create/,
    path: '$.run.inputs',
    when: (ours, theirs) => isDeepStrictEqual(ours, {}) && theirs === ABSENT,
    reason: 'MLflow 3 answers a new run with empty inputs; we speak 3.x, and the 2.7.1 client ignores the empty message',
  },
  {
    route: /^(GET \/api\/2\.0\/mlflow\/runs\/get|POST \/api\/2\.0\/mlflow\/runs\/search)/,
    path: '**.outputs',
    when: (ours, theirs) => isDeepStrictEqual(ours, {}) && theirs === ABSENT,
    reason: "MLflow 3 answers a run with its (here empty) outputs, the logged models; we speak 3.x, and the 2.7.1 client ignores the field",
  },
  {
    route: /./,
    path: '**.metrics[*].value',
    when: (ours, theirs) => (ours === 'Infinity' && theirs === Number.MAX_VALUE) || (ours === '-Infinity' && theirs === -Number.MAX_VALUE),
    reason: "MLflow's SQL store clamps ±inf to ±1.797e308 on write (its file store keeps them); we keep the logged value",
  },
  {
    route: /registered-models\/get-latest-versions|model-versions\/search/,
    path: '$.model_versions[*].aliases',
    when: (_ours, theirs) => theirs === ABSENT,
    reason: "we list a version's aliases in search and get-latest-versions too (the model page and tree read them); MLflow leaves them empty there",
  },
];

describe('the real MLflow 2.7.1 client: our server vs MLflow 2.7.1', { ...skipUnlessMlflow('2.7.1'), timeout: 600_000 }, () => {
  let ours: CliServer | undefined;
  let real: RealServer | undefined;
  let oursSide: Side;
  let realSide: Side;

  before(async () => {
    [ours, real] = await Promise.all([startCliServer(), startRealMlflowServer('2.7.1')]);
    // Both clients at once: the machine may have two cores, and each side waits on its server half the time.
    [oursSide, realSide] = await Promise.all([runWorkflow('2.7.1', SCRIPT, ours.url, ours.token), runWorkflow('2.7.1', SCRIPT, real.url, undefined)]);
    dumpExchanges('mlflow2', oursSide.exchanges, realSide.exchanges);
  });

  after(async () => {
    await Promise.all([ours?.stop(), real?.stop()]);
  });

  test('the workflow passes every step against the real MLflow 2.7.1 server (the harness itself is sound)', () => {
    assert.deepEqual(failedSteps(realSide), [], 'steps failing against MLflow itself');
    assert.equal(realSide.results.length, 44, 'every step reported');
  });

  test('every step passes against our server', () => {
    const failed = failedSteps(oursSide);
    assert.deepEqual(failed, [], `failing steps against our server:\n${failed.join('\n')}`);
  });

  test('the steps give the same results as against MLflow, and the right ones', () => {
    // ±inf: see KNOWN_DIFFERENCES (MLflow's SQL store clamps them)
    const differing = stepDifferences(oursSide, realSide, [], ['non_finite_latest']);
    assert.deepEqual(differing, [], `steps whose results differ:\n${differing.join('\n')}`);
    for (const load of ['load_models_version', 'load_runs_uri', 'load_models_alias', 'load_models_stage']) {
      assert.equal(stepValue(oursSide, load), true, `${load} predicts what the trained model predicts`);
    }
    assert.deepEqual(stepValue(oursSide, 'metric_history'), [[0, 1], [1, 0.5], [2, 1 / 3], [3, 0.25], [4, 0.2]]);
    assert.deepEqual(stepValue(oursSide, 'metric_history_nan'), ['nan']);
    assert.deepEqual(stepValue(oursSide, 'non_finite_latest'), ['inf', '-inf']);
    assert.deepEqual(stepValue(realSide, 'non_finite_latest'), [Number.MAX_VALUE, -Number.MAX_VALUE]);
    assert.deepEqual(stepValue(oursSide, 'download_artifacts'), { 'a.csv': 'x,y\n1,2\n', 'deep/b.json': '{"b": 1}', 'notes.txt': 'hello artifacts\n' });
    assert.deepEqual(stepValue(oursSide, 'search_runs_filter_order'), [['parent', 0.75], ['child', 0.5]]);
    assert.deepEqual(stepValue(oursSide, 'deleted_run_listed'), ['child']);
    assert.deepEqual(stepValue(oursSide, 'search_model_versions'), [['1', 'Staging', true]]);
  });

  test('our server never answers 5xx', () => {
    const bad = oursSide.exchanges.filter((e) => e.status >= 500).map((e) => `${e.method} ${e.path} → ${e.status} ${JSON.stringify(e.responseBody)}`);
    assert.deepEqual(bad, []);
  });

  test('every request gets the same answer as from MLflow 2.7.1, field by field', (t) => {
    const c = compareExchanges(oursSide.exchanges, realSide.exchanges, { volatile: VOLATILE, known: KNOWN_DIFFERENCES, baseDirs: [ours!.tempDir, real!.tempDir] });
    for (const a of c.accepted) t.diagnostic(`accepted: ${a.diff.route} ${a.diff.path} (${a.reason})`);
    for (const k of c.unused) t.diagnostic(`known difference not seen this time: ${k.route} ${k.path}`);
    assert.equal(c.unexpected.length, 0, `responses differ from MLflow 2.7.1's:\n${formatDifferences(c.unexpected)}`);
    assert.ok(c.paired > 50, `only ${c.paired} exchanges paired`);
  });
});
