// MLflow 3's logged models and traces through RestClient, against the REAL MLflow 3.11 server populated by the
// real Python client (test/support/mlflow3Workflow.py), against our CLI server and against a real MLflow 2.7.1
// server (no such routes: "none", never an error). Also the metric-history fix: a 3.x server answers
// get-history without max_results with an empty page, so the client always sends it and follows tokens.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { isEndpointMissing } from '../../extension/client/clientError';
import { InProcessClient } from '../../extension/client/inProcessClient';
import { InProcessRegistryClient } from '../../extension/client/inProcessRegistry';
import { LoggedModelStore } from '../../extension/loggedModels/loggedModelStore';
import { RegistryStore } from '../../extension/registry/registryStore';
import { TraceStore } from '../../extension/traces/traceStore';
import { TrackingStore } from '../../extension/tracking/store/trackingStore';
import { RestClient } from '../../extension/client/restClient';
import { runModelsFilter, type TrackingClient } from '../../extension/client/trackingClient';
import { ExperimentChildren } from '../../extension/experiments/experimentChildren';
import type { TrackingNode } from '../../extension/experiments/trackingNodes';
import { traceViewModel } from '../../extension/traceView/traceModel';
import { PageSizes } from '../../extension/views/paging';
import type { SessionRef } from '../../extension/views/sessionRef';
import { startCliServer, type CliServer } from '../support/cliServer';
import { join } from 'node:path';
import { realMlflow, runPython, startRealMlflowServer, type RealServer } from '../support/realMlflow';

const HOSTILE = '<img src=x onerror=alert(1)>';

interface Workflow {
  experiment_id: string;
  run_id: string;
  model_id: string;
  registered: string;
  trace_ids: [string, string];
}

function tree(client: TrackingClient, pageSize = 100): { content: ExperimentChildren; session: SessionRef } {
  const session: SessionRef = { key: 'remote', name: 'remote', client };
  return { content: new ExperimentChildren({ list: () => [session], get: () => session }, new PageSizes(pageSize), () => 'ACTIVE_ONLY'), session };
}

const kinds = (nodes: TrackingNode[]): string[] => nodes.map((n) => n.kind);

async function post(url: string, path: string, body: object): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** A run with a 30-step `loss` history, logged over plain REST (any MLflow server). */
async function runWithHistory(url: string): Promise<{ experimentId: string; runId: string }> {
  const experimentId = String((await post(url, 'api/2.0/mlflow/experiments/create', { name: `hist-${Date.now()}` })).experiment_id);
  const run = (await post(url, 'api/2.0/mlflow/runs/create', { experiment_id: experimentId, start_time: Date.now() })).run as { info: { run_id: string } };
  const metrics = Array.from({ length: 30 }, (_, step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: 1_700_000_000_000 + step, step }));
  await post(url, 'api/2.0/mlflow/runs/log-batch', { run_id: run.info.run_id, metrics });
  return { experimentId, runId: run.info.run_id };
}

async function assertHistoryReads(client: RestClient, runId: string): Promise<void> {
  const points = await client.metricPoints(runId, 'loss');
  assert.deepEqual([...points.step], Array.from({ length: 30 }, (_, i) => i));
  const ranged = await client.metricPoints(runId, 'loss', { minStep: 10, maxStep: 12 });
  assert.deepEqual([...ranged.step], [10, 11, 12]);
  const run = await client.getRun(runId);
  const [loss] = await client.metricSummaries(run);
  assert.equal(loss.count, 30);
  assert.equal(loss.max, 1);
  assert.ok(Math.abs(loss.min! - 1 / 30) < 1e-12);
}

async function checkLoggedModels(client: TrackingClient, wf: Workflow): Promise<void> {
  const all = await client.searchLoggedModels({ experimentIds: [wf.experiment_id], maxResults: 10 });
  assert.deepEqual(all.items.map((m) => [m.info.model_id, m.info.name, m.info.status]), [[wf.model_id, 'model', 'LOGGED_MODEL_READY']]);
  const byRun = await client.searchLoggedModels({ experimentIds: [wf.experiment_id], filter: runModelsFilter(wf.run_id), maxResults: 10 });
  assert.deepEqual(byRun.items.map((m) => m.info.model_id), [wf.model_id]);
  const none = await client.searchLoggedModels({ experimentIds: [wf.experiment_id], filter: runModelsFilter('0'.repeat(32)), maxResults: 10 });
  assert.equal(none.items.length, 0);

  const model = await client.getLoggedModel(wf.model_id);
  assert.equal(model.info.source_run_id, wf.run_id);
  assert.deepEqual(model.data?.params, [{ key: 'C', value: '1.0' }]);
  // The metric logged with model_id; MLflow 3 also links the run's own metrics to the model it logged.
  assert.ok(model.data?.metrics?.some((m) => m.key === 'val_acc' && m.value === 0.75 && m.model_id === wf.model_id), JSON.stringify(model.data?.metrics));
  const files = await client.listLoggedModelArtifacts(model);
  assert.ok(files.some((f) => f.path === 'MLmodel' && !f.is_dir), JSON.stringify(files));
  const mlmodel = new TextDecoder().decode(await client.readLoggedModelArtifact(model, 'MLmodel'));
  assert.match(mlmodel, /sklearn/);
  await assert.rejects(client.readLoggedModelArtifact(model, 'no-such-file'));
  await assert.rejects(client.getLoggedModel('m-00000000000000000000000000000000'), (e: unknown) => !isEndpointMissing(e));
}

async function checkTraces(client: TrackingClient, wf: Workflow): Promise<void> {
  const [first, second] = wf.trace_ids;
  const p1 = await client.searchTraces({ experimentId: wf.experiment_id, maxResults: 1 });
  assert.deepEqual(p1.items.map((t) => t.trace_id), [second]);
  assert.ok(p1.next_page_token);
  const p2 = await client.searchTraces({ experimentId: wf.experiment_id, maxResults: 1, pageToken: p1.next_page_token });
  assert.deepEqual(p2.items.map((t) => t.trace_id), [first]);

  const { info, data } = await client.getTrace(second);
  assert.equal(info.tags?.['mlflow.traceName'], 'outer');
  const view = traceViewModel(info, data?.spans);
  assert.deepEqual(view.spans.map((s) => [s.depth, s.name, s.status]), [
    [0, 'outer', 'OK'],
    [1, 'inner', 'OK'],
    [1, HOSTILE, 'OK'],
    [1, 'failing', 'ERROR'],
  ]);
  const [outer, inner, hostile, failing] = view.spans;
  assert.equal(outer.type, 'CHAIN');
  assert.equal(inner.type, 'TOOL');
  assert.equal(outer.inputs, JSON.stringify({ x: 4 }, null, 2));
  assert.equal(outer.outputs, '9');
  assert.equal(hostile.inputs, JSON.stringify({ q: HOSTILE }, null, 2));
  assert.equal(hostile.outputs, HOSTILE);
  assert.equal(failing.statusMessage, 'ValueError: boom');
  assert.deepEqual(failing.exceptions.map((x) => [x.type, x.message]), [['ValueError', 'boom']]);
  assert.match(failing.exceptions[0].stacktrace, /raise ValueError\("boom"\)/);
  // Children start after their parent and end within it.
  for (const child of [inner, hostile, failing]) {
    assert.ok(child.startMs >= outer.startMs && child.startMs + (child.durationMs ?? 0) <= outer.startMs + outer.durationMs! + 1e-6);
  }
}

async function checkTree(client: TrackingClient, wf: Workflow): Promise<void> {
  const { content, session } = tree(client);
  const experiment = (await client.getExperiment(wf.experiment_id));
  const children = await content.fetch({ kind: 'experiment', session: session.key, experiment });
  assert.deepEqual(kinds(children).slice(0, 3), ['loggedModelGroup', 'traceGroup', 'run']);
  const models = await content.fetch(children[0]);
  assert.deepEqual(models.map((n) => (n.kind === 'loggedModel' ? n.model.info.name : n.kind)), ['model']);
  const parts = await content.fetch(models[0]);
  const metricKeys = new Set((await client.getLoggedModel(wf.model_id)).data?.metrics?.map((m) => m.key));
  assert.deepEqual(parts.map((n) => (n.kind === 'loggedModelPart' ? `${n.part}:${n.count}` : n.kind)), ['params:1', `metrics:${metricKeys.size}`, 'versions:1', 'artifacts:0']);
  const metricRows = await content.fetch(parts[1]);
  assert.deepEqual(metricRows.map((n) => (n.kind === 'modelMetric' ? n.metric.key : n.kind)), [...metricKeys].sort());
  const versions = await content.fetch(parts[2]);
  assert.deepEqual(versions.map((n) => (n.kind === 'modelVersionLink' ? `${n.name}/${n.version}` : n.kind)), ['m11/1']);
  const artifacts = await content.fetch(parts[3]);
  assert.ok(artifacts.some((n) => n.kind === 'modelArtifact' && n.file.path === 'MLmodel'));
  const traces = await content.fetch(children[1]);
  assert.deepEqual(traces.map((n) => (n.kind === 'trace' ? n.trace.trace_id : n.kind)), [...wf.trace_ids].reverse());
  const run = children.find((n) => n.kind === 'run' && n.run.info.run_id === wf.run_id)!;
  const runChildren = await content.fetch(run);
  const group = runChildren.find((n) => n.kind === 'loggedModelGroup')!;
  assert.ok(group);
  assert.deepEqual((await content.fetch(group)).map((n) => (n.kind === 'loggedModel' ? n.model.info.model_id : n.kind)), [wf.model_id]);
  // Paged with the tree's "load more".
  const small = tree(client, 1);
  const page1 = await small.content.fetch({ kind: 'traceGroup', session: small.session.key, experimentId: wf.experiment_id });
  assert.deepEqual(kinds(page1), ['trace', 'more']);
}

const mlflow311 = realMlflow('3.11');

/** test/support/mlflow3Workflow.py with the real MLflow 3.11 client against `url` (traces exported synchronously, so every
 * traces.json is uploaded before it exits, however loaded the machine): the ids it logged. */
async function populate(url: string): Promise<Workflow> {
  const r = await runPython('3.11', join(__dirname, '..', 'support', 'mlflow3Workflow.py'), { trackingUri: url, args: ['issue11', 'm11'], env: { MLFLOW_ENABLE_ASYNC_TRACE_LOGGING: 'false' }, timeoutMs: 240_000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (r.code !== 0 || !line) throw new Error(`mlflow3Workflow.py exited ${r.code}:\n${r.stderr.slice(-3000)}`);
  return JSON.parse(line.slice(7)) as Workflow;
}

describe('MLflow 3 over a real MLflow 3.11 server', { skip: typeof mlflow311 === 'string' ? mlflow311 : false }, () => {
  let server: RealServer;
  let wf: Workflow;
  let client: RestClient;

  before(async () => {
    if (typeof mlflow311 === 'string') return;
    server = await startRealMlflowServer('3.11');
    wf = await populate(server.url);
    client = new RestClient({ baseUri: server.url });
  });
  after(async () => server?.stop());

  it('reads whole metric histories (a 3.x server pages get-history and refuses a missing max_results)', async () => {
    // The server's behaviour the fix is for: without max_results the page is empty.
    const raw = (await (await fetch(`${server.url}/api/2.0/mlflow/metrics/get-history?run_id=${wf.run_id}&metric_key=loss`)).json()) as { metrics?: unknown[] };
    assert.equal(raw.metrics?.length ?? 0, 0);
    await assertHistoryReads(client, wf.run_id);
    // A second run logged over plain REST reads the same.
    const other = await runWithHistory(server.url);
    await assertHistoryReads(client, other.runId);
  });

  it('lists logged models per experiment and per run, reads one by id with its artifacts and registrations', () => checkLoggedModels(client, wf));

  it('pages traces newest first and reads one with its spans from the tracking store', () => checkTraces(client, wf));

  it('reads spans from the traces.json artifact when the trace says they are not in the tracking store', async () => {
    const [first] = wf.trace_ids;
    const stored = await client.getTrace(first);
    assert.equal(stored.info.tags?.['mlflow.trace.spansLocation'], 'TRACKING_STORE');
    // Our own traces.json (the Python client's upload is asynchronous): renamed spans prove where they came from.
    const location = stored.info.tags?.['mlflow.artifactLocation'] ?? '';
    const path = location.replace(/^mlflow-artifacts:\/+/, '');
    const file = `${server.url}/api/2.0/mlflow-artifacts/artifacts/${path}/traces.json`;
    const spans = (stored.data?.spans ?? []).map((sp) => ({ ...sp, name: `artifact:${sp.name}` }));
    const put = await fetch(file, { method: 'PUT', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ spans }) });
    assert.equal(put.status, 200);
    // While the tag says TRACKING_STORE, traces/get answers (the artifact is not read).
    assert.deepEqual((await client.getTrace(first)).data?.spans.map((sp) => sp.name), ['outer', 'inner', HOSTILE, 'failing']);
    const patch = await fetch(`${server.url}/api/2.0/mlflow/traces/${first}/tags`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ key: 'mlflow.trace.spansLocation', value: 'ARTIFACT_REPO' }),
    });
    assert.equal(patch.status, 200);
    const fromArtifact = await client.getTrace(first);
    assert.deepEqual(traceViewModel(fromArtifact.info, fromArtifact.data?.spans).spans.map((sp) => sp.name), ['outer', 'inner', HOSTILE, 'failing'].map((n) => `artifact:${n}`));
    // Without the artifact the spans are missing (not an error).
    const del = await fetch(file, { method: 'DELETE' });
    assert.equal(del.status, 200);
    const gone = await client.getTrace(first);
    assert.equal(gone.data, undefined);
    assert.match(traceViewModel(gone.info, undefined).spansMissing ?? '', /could not be read/);
  });

  it('shows logged models and traces in the Experiments tree content', () => checkTree(client, wf));
});

describe('MLflow 3 over our CLI server', () => {
  let cli: CliServer;
  let client: RestClient;
  before(async () => {
    cli = await startCliServer({ token: null });
    client = new RestClient({ baseUri: cli.url });
  });
  after(async () => cli?.stop());

  it('reads whole histories with max_results and summaries', async () => {
    const { runId } = await runWithHistory(cli.url);
    await assertHistoryReads(client, runId);
  });

  it('answers an experiment without logged models or traces with empty pages, and the tree adds no groups', async () => {
    const { experimentId } = await runWithHistory(cli.url);
    assert.deepEqual((await client.searchLoggedModels({ experimentIds: [experimentId], maxResults: 10 })).items, []);
    assert.deepEqual((await client.searchTraces({ experimentId, maxResults: 10 })).items, []);
    const { content, session } = tree(client);
    const experiment = await client.getExperiment(experimentId);
    assert.deepEqual(kinds(await content.fetch({ kind: 'experiment', session: session.key, experiment })), ['run']);
  });
});

describe('MLflow 3 over our CLI server, populated by the real MLflow 3.11 client', { skip: typeof mlflow311 === 'string' ? mlflow311 : false }, () => {
  let cli: CliServer;
  let client: RestClient;
  let wf: Workflow | undefined;
  let missing: string | undefined;
  before(async () => {
    if (typeof mlflow311 === 'string') return;
    cli = await startCliServer({ token: null });
    client = new RestClient({ baseUri: cli.url });
    // Until the server has logged models and traces (issue 11's server side), there is nothing to populate.
    const probe = await fetch(`${cli.url}/api/2.0/mlflow/logged-models/search`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"experiment_ids":["0"]}' });
    const traces = await fetch(`${cli.url}/api/3.0/mlflow/traces/search`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"locations":[{"type":"MLFLOW_EXPERIMENT","mlflow_experiment":{"experiment_id":"0"}}]}' });
    if (probe.status === 404 || traces.status === 404) {
      missing = 'our server has no logged-model/trace routes yet';
      return;
    }
    wf = await populate(cli.url);
  });
  after(async () => cli?.stop());

  it('reads whole metric histories', async (t) => {
    if (!wf) return t.skip(missing);
    await assertHistoryReads(client, wf.run_id);
  });
  it('lists and reads logged models like MLflow 3.11', (t) => (wf ? checkLoggedModels(client, wf) : t.skip(missing)));
  it('pages and reads traces like MLflow 3.11', (t) => (wf ? checkTraces(client, wf) : t.skip(missing)));
  it('shows the same Experiments tree content', (t) => (wf ? checkTree(client, wf) : t.skip(missing)));

  it('shows the same through the in-process client over that store (the window owning it)', async (t) => {
    if (!wf) return t.skip(missing);
    await cli.stop({ keep: true });
    const store = await TrackingStore.open({ dir: cli.storeDir, checkpointIntervalMs: 0 });
    try {
      const inProcess = new InProcessClient(store, new InProcessRegistryClient(new RegistryStore(store)), {
        loggedModels: new LoggedModelStore(store),
        traces: new TraceStore(store),
      });
      await checkLoggedModels(inProcess, wf);
      await checkTraces(inProcess, wf);
      await checkTree(inProcess, wf);
    } finally {
      await store.close();
    }
  });
});

const mlflow271 = realMlflow('2.7.1');

describe('MLflow 3 views over a real MLflow 2.7.1 server (no such routes)', { skip: typeof mlflow271 === 'string' ? mlflow271 : false }, () => {
  let server: RealServer;
  let client: RestClient;
  before(async () => {
    if (typeof mlflow271 === 'string') return;
    server = await startRealMlflowServer('2.7.1');
    client = new RestClient({ baseUri: server.url });
  });
  after(async () => server?.stop());

  it('degrades to no logged models and no traces, and still reads histories', async () => {
    const { experimentId, runId } = await runWithHistory(server.url);
    assert.deepEqual(await client.searchLoggedModels({ experimentIds: [experimentId], maxResults: 10 }), { items: [] });
    assert.deepEqual(await client.searchTraces({ experimentId, maxResults: 10 }), { items: [] });
    await assert.rejects(client.getTrace('tr-1'), (e: unknown) => isEndpointMissing(e));
    await assertHistoryReads(client, runId);
    const { content, session } = tree(client);
    const experiment = await client.getExperiment(experimentId);
    const children = await content.fetch({ kind: 'experiment', session: session.key, experiment });
    assert.deepEqual(kinds(children), ['run']);
    assert.ok(!(await content.fetch(children[0])).some((n) => n.kind === 'loggedModelGroup'));
  });
});
