// The third-party npm client `mlflow` ("MLflow api client for Node.js", 2.0.7) against our server and the real
// MLflow 3.11 server, side by side (issue #11: it must keep working exactly as today). Every call it offers is
// made once against each server through a recording proxy; the outcomes must agree step by step, and the
// exchanges field by field, as in mlflow3Client.test.ts. It needs the package (MWB_NPM_MLFLOW=<its folder>, else
// `mlflow` from node_modules) and the real MLflow 3.11; it skips with one line without either.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCliServer, type CliServer } from '../support/cliServer';
import { compareExchanges, formatDifferences, type KnownDifference, type VolatileField } from '../support/exchangeDiff';
import { dumpExchanges, realMlflow, startRealMlflowServer, startRecordingProxy, type Exchange, type RealServer } from '../support/realMlflow';
import { stepDifferences, stepValue, type Side, type StepResult } from './workflow';

interface NpmMlflowClient {
  Experiments: Record<string, (args?: object) => Promise<unknown>>;
  Runs: Record<string, (args?: object) => Promise<unknown>>;
  Metrics: Record<string, (args?: object) => Promise<unknown>>;
  Artifacts: Record<string, (args?: object) => Promise<unknown>>;
}
type NpmMlflowCtor = new (opts: { endpoint: string; headers?: Record<string, string> }) => NpmMlflowClient;

function loadNpmClient(): NpmMlflowCtor | string {
  const id = process.env.MWB_NPM_MLFLOW || 'mlflow';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(id) as NpmMlflowCtor;
  } catch {
    return `the npm package mlflow (2.0.7) is not installed (set MWB_NPM_MLFLOW to its folder)`;
  }
}

const npmClient = loadNpmClient();
const skip = typeof npmClient === 'string' ? npmClient : ((m) => (typeof m === 'string' ? m : undefined))(realMlflow('3.11'));

const VOLATILE: VolatileField[] = [
  { key: /(^|_)(time|timestamp)$/, reason: 'clock times of each run' },
  { key: /^run_name$/, entryKey: /^mlflow\.runName$/, reason: 'generated run names are random' },
];

/** MLflow 3.11 reads an absent max_results as 0 (protobuf default): no points, a token. Ours, as 2.x: all. */
const HISTORY_WITHOUT_MAX_RESULTS = 'metrics.getHistory';

/** The two calls of the package that no MLflow 2.x/3.x server has: `experimentsset-experiment-tag` (a missing '/') and `experiments/list`. */
const UNKNOWN_ROUTES = /^\S+ \/api\/2\.0\/mlflow\/(experimentsset-experiment-tag|experiments\/list)(\?|$)/;

const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    route: /^GET \/api\/2\.0\/mlflow\/metrics\/get-history\?(?!.*max_results)/,
    path: '$.*',
    reason: 'without max_results MLflow 3.11 answers no points and a page token (it reads the absent field as 0), which breaks this client; we answer the whole history as MLflow 2.x did',
  },
  {
    route: UNKNOWN_ROUTES,
    path: '$',
    when: (ours, theirs) => theirs === '<non-JSON body>' && (ours as { error_code?: string })?.error_code === 'ENDPOINT_NOT_FOUND',
    reason: "an unknown route: MLflow answers Flask's HTML 404 page, we answer the same 404 as MLflow's JSON error ENDPOINT_NOT_FOUND",
  },
  {
    route: UNKNOWN_ROUTES,
    path: 'content-type',
    when: (ours, theirs) => ours === 'application/json' && theirs === 'text/html',
    reason: 'the unknown route above: JSON error instead of an HTML page',
  },
  { route: /./, path: '$.sqlstate', reason: "MLflow 3's error classification extra; no MLflow client reads it" },
  { route: /./, path: '$.error_class', reason: "MLflow 3's error classification extra; no MLflow client reads it" },
];

/** The client throws `Error("Error: {status, statusText, data}")`: its status and error code. */
function failure(err: unknown): string {
  const m = /\{.*\}/s.exec(String((err as Error)?.message ?? err));
  if (!m) return String(err);
  const e = JSON.parse(m[0]) as { status: number; data?: { error_code?: string } };
  return `${e.status} ${e.data?.error_code ?? ''}`.trim();
}

async function scenario(Ctor: NpmMlflowCtor, endpoint: string, token: string | undefined): Promise<Side> {
  const proxy = await startRecordingProxy(endpoint);
  const { Experiments, Runs, Metrics, Artifacts } = new Ctor({ endpoint: proxy.url, headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const results: StepResult[] = [];
  const step = async <T>(name: string, fn: () => Promise<T>, view: (v: T) => unknown = () => null): Promise<T | undefined> => {
    try {
      const v = await fn();
      results.push({ step: name, ok: true, value: view(v) });
      return v;
    } catch (err) {
      results.push({ step: name, ok: false, error: failure(err) });
      return undefined;
    }
  };
  // The package prints every request body it posts.
  const log = console.log;
  console.log = () => {};
  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    type Any = any;
    const created = (await step('experiments.create', () => Experiments.create({ name: 'npm-client' }), (v) => typeof (v as Any).experiment_id)) as Any | undefined;
    const experiment_id = created?.experiment_id ?? '0';
    await step('experiments.get', () => Experiments.get({ experiment_id }), (v) => {
      const e = (v as Any).experiment;
      return { name: e.name, stage: e.lifecycle_stage };
    });
    await step('experiments.update', () => Experiments.update({ experiment_id, new_name: 'npm-client-renamed' }));
    await step('experiments.setExperimentTag (the package builds a wrong path)', () => Experiments.setExperimentTag({ experiment_id, key: 'k', value: 'v' }));
    await step('experiments.list (removed in MLflow 2.0)', () => Experiments.list({}));
    const run = (await step('runs.create', () => Runs.create({ experiment_id, start_time: Date.now(), tags: [{ key: 'team', value: 'npm' }] }), (v) => (v as Any).run.info.status)) as Any | undefined;
    const run_id = run?.run.info.run_id ?? 'missing';
    await step('runs.logParameter', () => Runs.logParameter({ run_id, key: 'lr', value: '0.1' }));
    for (let s = 0; s < 3; s++) await step(`runs.logMetric ${s}`, () => Runs.logMetric({ run_id, key: 'loss', value: 1 / (s + 1), timestamp: Date.now(), step: s }));
    await step('runs.logBatch', () =>
      Runs.logBatch({ run_id, metrics: [{ key: 'acc', value: 0.5, timestamp: Date.now(), step: 0 }], params: [{ key: 'bs', value: '32' }], tags: [{ key: 'stage', value: 'dev' }] }),
    );
    await step('runs.setTag', () => Runs.setTag({ run_id, key: 'gone', value: 'soon' }));
    await step('runs.deleteTag', () => Runs.deleteTag({ run_id, key: 'gone' }));
    await step('runs.update', () => Runs.update({ run_id, status: 'FINISHED', end_time: Date.now() }), (v) => (v as Any).run_info.status);
    await step('runs.get', () => Runs.get({ run_id }), (v) => {
      const d = (v as Any).run.data;
      const kv = (l: Any[] | undefined, skipSystem = false): Record<string, unknown> =>
        Object.fromEntries((l ?? []).filter((x) => !skipSystem || !String(x.key).startsWith('mlflow.')).map((x) => [x.key, x.value]));
      return { status: (v as Any).run.info.status, params: kv(d.params), metrics: kv(d.metrics), tags: kv(d.tags, true) };
    });
    await step('runs.search', () => Runs.search({ experiment_ids: [experiment_id], filter: 'metrics.acc > 0.1', run_view_type: 'ACTIVE_ONLY', max_results: 10, order_by: ['metrics.acc DESC'] }), (v) => ((v as Any).runs ?? []).length);
    await step('metrics.getHistory', () => Metrics.getHistory({ run_id, metric_key: 'loss' }), (v) => ((v as Any).metrics as Any[]).map((m) => [m.step, m.value]));
    await step('artifacts.list', () => Artifacts.list({ run_id }), (v) => (v as Any).files ?? []);
    await step('runs.delete', () => Runs.delete({ run_id }));
    await step('runs.search deleted', () => Runs.search({ experiment_ids: [experiment_id], run_view_type: 'DELETED_ONLY' }), (v) => ((v as Any).runs ?? []).length);
    await step('runs.restore', () => Runs.restore({ run_id }));
    await step('experiments.delete', () => Experiments.delete({ experiment_id }));
    await step('experiments.restore', () => Experiments.restore({ experiment_id }));
    await step('runs.get missing', () => Runs.get({ run_id: '0'.repeat(32) }));
  } finally {
    console.log = log;
    await proxy.close();
  }
  return { results, exchanges: proxy.exchanges as Exchange[], stderr: '' };
}

describe('the npm client `mlflow` 2.0.7: our server vs MLflow 3.11', { skip, timeout: 300_000 }, () => {
  let ours: CliServer | undefined;
  let mlflow: RealServer | undefined;
  let oursSide: Side;
  let realSide: Side;

  before(async () => {
    [ours, mlflow] = await Promise.all([startCliServer(), startRealMlflowServer('3.11')]);
    const Ctor = npmClient as NpmMlflowCtor;
    oursSide = await scenario(Ctor, ours.url, ours.token);
    realSide = await scenario(Ctor, mlflow.url, undefined);
    dumpExchanges('npm-mlflow', oursSide.exchanges, realSide.exchanges);
  });

  after(async () => {
    await Promise.all([ours?.stop(), mlflow?.stop()]);
  });

  test('every call has the same outcome as against MLflow', () => {
    const without = (side: Side): Side => ({ ...side, results: side.results.filter((r) => r.step !== HISTORY_WITHOUT_MAX_RESULTS) });
    const differing = stepDifferences(without(oursSide), without(realSide));
    assert.deepEqual(differing, [], `steps whose outcome differs:\n${differing.join('\n')}`);
    // and the outcomes are the right ones, not two servers failing alike
    assert.deepEqual(stepValue(oursSide, 'metrics.getHistory'), [[0, 1], [1, 0.5], [2, 1 / 3]]);
    assert.deepEqual(stepValue(oursSide, 'runs.get'), { status: 'FINISHED', params: { lr: '0.1', bs: '32' }, metrics: { loss: 1 / 3, acc: 0.5 }, tags: { team: 'npm', stage: 'dev' } });
    assert.equal(stepValue(oursSide, 'runs.search deleted'), 1);
    const failed = oursSide.results.filter((r) => !r.ok).map((r) => `${r.step}: ${r.error}`);
    assert.deepEqual(failed, ['experiments.setExperimentTag (the package builds a wrong path): 404 ENDPOINT_NOT_FOUND', 'experiments.list (removed in MLflow 2.0): 404 ENDPOINT_NOT_FOUND', 'runs.get missing: 404 RESOURCE_DOES_NOT_EXIST']);
  });

  test('every request gets the same answer as from MLflow 3.11, field by field', (t) => {
    const c = compareExchanges(oursSide.exchanges, realSide.exchanges, { volatile: VOLATILE, known: KNOWN_DIFFERENCES, baseDirs: [ours!.tempDir, mlflow!.tempDir] });
    for (const a of c.accepted) t.diagnostic(`accepted: ${a.diff.route} ${a.diff.path} (${a.reason})`);
    assert.equal(c.unexpected.length, 0, `responses differ from MLflow 3.11's:\n${formatDifferences(c.unexpected)}`);
    assert.ok(c.paired >= 20, `only ${c.paired} exchanges paired`);
  });
});
