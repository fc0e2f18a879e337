// The real MLflow 3.11 Python client against our server and against the real MLflow 3.11 server, side by side
// (issue #11): python/mlflow3_workflow.py runs the typical MLflow 3 workflow (params and metrics, a sklearn
// model logged as an MLflow 3 logged model and registered, a metric linked to it, the model loaded by every
// URI form, model versions, a traced function with nested spans and an exception, traces searched, tagged and
// deleted) once through a recording proxy in front of each server. Every step must pass against ours with
// the same results as against MLflow, and every exchange must match MLflow's field by field except the
// volatile fields and known differences listed below.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { startCliServer, type CliServer } from '../support/cliServer';
import { compareExchanges, formatDifferences, type KnownDifference, type VolatileField } from '../support/exchangeDiff';
import { dumpExchanges, markedJson, runPython, skipUnlessMlflow, startRealMlflowServer, startRecordingProxy, type Exchange, type RealServer, type RecordingProxy } from '../support/realMlflow';

const SCRIPT = join(__dirname, 'python', 'mlflow3_workflow.py');

/** Values that legitimately differ between two servers (or two runs of the client): presence and type still compared. */
const VOLATILE: VolatileField[] = [
  { key: /(^|_)(time|timestamp)$|_time_|_ms$|_nano$|duration/, reason: 'clock times and durations of each run' },
  { key: /^file_size$/, reason: 'artifact sizes: MLmodel and traces.json embed ids and times' },
];

/**
 * Differences from MLflow 3.11 we accept, each with its reason. Anything else fails the comparison.
 */
const KNOWN_DIFFERENCES: KnownDifference[] = [];

interface StepResult {
  step: string;
  ok: boolean;
  value?: unknown;
  error?: string;
}

interface Side {
  results: StepResult[];
  exchanges: Exchange[];
  stderr: string;
}

async function runWorkflow(target: string, token: string | undefined): Promise<Side> {
  let proxy: RecordingProxy | undefined;
  try {
    proxy = await startRecordingProxy(target);
    const r = await runPython('3.11', SCRIPT, { trackingUri: proxy.url, token, timeoutMs: 240_000 });
    assert.equal(r.code, 0, `the workflow script failed:\n${r.stderr.slice(-4000)}`);
    return { results: markedJson<StepResult[]>(r.stdout), exchanges: proxy.exchanges, stderr: r.stderr };
  } finally {
    await proxy?.close();
  }
}

/** Step values with the run's own ids replaced, for comparing the two sides' results. */
function comparable(results: StepResult[]): unknown[] {
  return results.map((r) => ({ step: r.step, ok: r.ok, value: r.step === 'set_experiment' || r.step === 'last_active_trace_id' ? typeof r.value : r.value }));
}

describe('the real MLflow 3.11 client: our server vs MLflow 3.11', { ...skipUnlessMlflow('3.11'), timeout: 600_000 }, () => {
  let ours: CliServer | undefined;
  let real: RealServer | undefined;
  let oursSide: Side;
  let realSide: Side;

  before(async () => {
    [ours, real] = await Promise.all([startCliServer(), startRealMlflowServer('3.11')]);
    // Both clients at once: the machine may have two cores, and each side waits on its server half the time.
    [oursSide, realSide] = await Promise.all([runWorkflow(ours.url, ours.token), runWorkflow(real.url, undefined)]);
    dumpExchanges('mlflow3', oursSide.exchanges, realSide.exchanges);
  });

  after(async () => {
    await Promise.all([ours?.stop(), real?.stop()]);
  });

  test('the workflow passes every step against the real MLflow 3.11 server (the harness itself is sound)', () => {
    const failed = realSide.results.filter((r) => !r.ok);
    assert.deepEqual(failed, [], 'steps failing against MLflow itself');
    assert.equal(realSide.results.length, 25, 'every step reported');
  });

  test('every step passes against our server', () => {
    const failed = oursSide.results.filter((r) => !r.ok).map((r) => `${r.step}: ${r.error}`);
    assert.deepEqual(failed, [], `failing steps against our server:\n${failed.join('\n')}`);
  });

  test('the steps give the same results as against MLflow, and the right ones', () => {
    const a = comparable(oursSide.results);
    const b = comparable(realSide.results);
    const differing = b.map((x, i) => [x, a[i]]).filter(([x, y]) => !isDeepStrictEqual(x, y)).map(([x, y]) => `ours ${JSON.stringify(y)}\n  mlflow ${JSON.stringify(x)}`);
    assert.deepEqual(differing, [], `steps whose results differ:\n${differing.join('\n')}`);
    const value = (step: string): unknown => oursSide.results.find((r) => r.step === step)?.value;
    for (const load of ['load_models_version', 'load_models_alias', 'load_models_model_id', 'load_runs_uri']) {
      assert.equal(value(load), true, `${load} predicts what the trained model predicts`);
    }
    assert.deepEqual(value('search_logged_models_filter'), ['model']);
    const trace = value('get_trace') as { spans: string[]; children_of_root: string[]; failing_status: string; failing_has_exception_event: boolean };
    assert.deepEqual(trace.spans, ['double', 'failing', 'pipeline']);
    assert.deepEqual(trace.children_of_root, ['double', 'failing']);
    assert.equal(trace.failing_status, 'SpanStatusCode.ERROR');
    assert.equal(trace.failing_has_exception_event, true);
    assert.deepEqual(value('search_traces_filter'), [true]);
    assert.equal(value('trace_tag_visible'), 'yes');
    assert.equal(value('search_traces_after_delete'), 0);
  });

  test('our server never answers 5xx', () => {
    const bad = oursSide.exchanges.filter((e) => e.status >= 500).map((e) => `${e.method} ${e.path} → ${e.status} ${JSON.stringify(e.responseBody)}`);
    assert.deepEqual(bad, []);
  });

  test('every request gets the same answer as from MLflow 3.11, field by field', (t) => {
    const c = compareExchanges(oursSide.exchanges, realSide.exchanges, { volatile: VOLATILE, known: KNOWN_DIFFERENCES, baseDirs: [ours!.tempDir, real!.tempDir] });
    for (const a of c.accepted) t.diagnostic(`accepted: ${a.diff.route} ${a.diff.path} (${a.reason})`);
    for (const k of c.unused) t.diagnostic(`known difference not seen this time: ${k.route} ${k.path}`);
    assert.equal(c.unexpected.length, 0, `responses differ from MLflow 3.11's:\n${formatDifferences(c.unexpected)}`);
    assert.ok(c.paired > 50, `only ${c.paired} exchanges paired`);
  });
});
