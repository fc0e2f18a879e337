// What the MLflow 3 rows of the Experiments tree show (logged models, their parts, registered versions,
// traces), node keys that keep the same model under its experiment and its run apart, and the in-process
// client's MLflow 3 side over a real store (no sources yet: none; logged-model artifacts read from disk, confined).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessClient } from '../../extension/client/inProcessClient';
import { InProcessRegistryClient } from '../../extension/client/inProcessRegistry';
import { isNotFound } from '../../extension/client/clientError';
import {
  loggedModelItem, modelArtifactItem, modelMetricRows, modelParts, modelRegistrations, modelVersionLinkItem, traceItem, traceRequestMs,
} from '../../extension/experiments/mlflow3Items';
import { itemFor, nodeKey, type TrackingNode } from '../../extension/experiments/trackingNodes';
import { RegistryStore } from '../../extension/registry/registryStore';
import type { LoggedModel, TraceInfo } from '../../extension/tracking/rest/types';
import { TrackingStore } from '../../extension/tracking/store/trackingStore';

const HOSTILE = '<img src=x onerror=alert(1)>';
const NOW = Date.parse('2026-12-08T01:00:00Z');

function model(extra: Partial<LoggedModel['info']> = {}, data: LoggedModel['data'] = {}): LoggedModel {
  return {
    info: {
      model_id: 'm-abc',
      experiment_id: '1',
      name: 'model',
      creation_timestamp_ms: NOW - 5 * 60_000,
      last_updated_timestamp_ms: NOW,
      artifact_uri: 'mlflow-artifacts:/1/models/m-abc/artifacts',
      status: 'LOGGED_MODEL_READY',
      source_run_id: 'r1',
      tags: [],
      ...extra,
    },
    data,
  };
}

const trace = (extra: Partial<TraceInfo> = {}): TraceInfo => ({
  trace_id: 'tr-1',
  trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
  request_time: '2026-12-08T00:58:00.000Z',
  execution_duration: '1.250s',
  state: 'OK',
  tags: { 'mlflow.traceName': 'predict' },
  ...extra,
});

describe('logged model rows', () => {
  it('shows name, status, age and registrations', () => {
    const versions = JSON.stringify([{ name: 'm3', version: 1 }, { name: 'm3', version: '1' }, { name: 'other', version: 2 }]);
    const row = loggedModelItem('id', model({ tags: [{ key: 'mlflow.modelVersions', value: versions }] }), NOW);
    assert.equal(row.label, 'model');
    assert.equal(row.description, 'ready · 5 min ago · registered ×2');
    assert.equal(row.contextValue, 'loggedModel');
    assert.deepEqual(row.icon, { codicon: 'package', color: 'testing.iconPassed' });
    assert.match(row.tooltip!, /m3 v1, other v2/);
    const pending = loggedModelItem('id', model({ status: 'LOGGED_MODEL_PENDING' }), NOW);
    assert.equal(pending.description, 'pending · 5 min ago');
    assert.equal(pending.icon?.codicon, 'sync~spin');
    assert.equal(loggedModelItem('id', model({ status: 'LOGGED_MODEL_UPLOAD_FAILED' }), NOW).icon?.codicon, 'error');
  });

  it('deduplicates registrations from the tag and the field; ignores a malformed tag', () => {
    const m = model({ registrations: [{ name: 'a', version: '3' }], tags: [{ key: 'mlflow.modelVersions', value: '[{"name":"a","version":3},{"name":"b","version":"1"},{"bad":1}]' }] });
    assert.deepEqual(modelRegistrations(m), [{ name: 'a', version: '3' }, { name: 'b', version: '1' }]);
    assert.deepEqual(modelRegistrations(model({ tags: [{ key: 'mlflow.modelVersions', value: '{not json' }] })), []);
  });

  it('keeps the latest metric per key and dataset, and lists only non-empty parts (artifacts always)', () => {
    const m = model({ tags: [{ key: 'team', value: 'x' }, { key: 'mlflow.user', value: 'me' }] }, {
      params: [{ key: 'C', value: '1' }],
      metrics: [
        { key: 'acc', value: 0.5, timestamp: 1, step: 1 },
        { key: 'acc', value: 0.7, timestamp: 2, step: 2 },
        { key: 'acc', value: 0.6, timestamp: 3, step: 1, dataset_name: 'test' },
      ],
    });
    assert.deepEqual(modelMetricRows(m).map((x) => [x.key, x.value, x.dataset_name ?? '']), [['acc', 0.7, ''], ['acc', 0.6, 'test']]);
    assert.deepEqual(modelParts(m), [{ part: 'params', count: 1 }, { part: 'metrics', count: 2 }, { part: 'tags', count: 1 }, { part: 'artifacts', count: 0 }]);
    assert.deepEqual(modelParts(model()), [{ part: 'artifacts', count: 0 }]);
  });

  it('links versions to the model page and artifacts to the logged-model artifact command', () => {
    assert.deepEqual(modelVersionLinkItem('id', 'm3', '1').command, { command: 'mlflowWorkbench.openModelPage', title: 'Open Registered Model' });
    assert.equal(modelVersionLinkItem('id', 'm3', '1').label, 'm3 v1');
    assert.equal(modelArtifactItem('id', { path: 'sub/MLmodel', is_dir: false, file_size: 2048 }).command?.command, 'mlflowWorkbench.openLoggedModelArtifact');
    assert.equal(modelArtifactItem('id', { path: 'sub/MLmodel', is_dir: false, file_size: 2048 }).label, 'MLmodel');
    assert.equal(modelArtifactItem('id', { path: 'sub', is_dir: true }).collapsible, 'collapsed');
  });
});

describe('trace rows', () => {
  it('shows name, state icon, request time and duration, and opens the trace tab', () => {
    const row = traceItem('id', trace(), NOW);
    assert.equal(row.label, 'predict');
    assert.equal(row.description, '2 min ago · 1.3s');
    assert.deepEqual(row.icon, { codicon: 'pass', color: 'testing.iconPassed' });
    assert.deepEqual(row.command, { command: 'mlflowWorkbench.openTrace', title: 'Open Trace' });
    assert.equal(row.contextValue, 'trace');
    assert.equal(traceItem('id', trace({ state: 'ERROR' }), NOW).icon?.codicon, 'error');
    assert.equal(traceItem('id', trace({ state: 'IN_PROGRESS' }), NOW).icon?.codicon, 'sync~spin');
    assert.equal(traceItem('id', trace({ tags: {} }), NOW).label, 'tr-1');
  });

  it('reads request times as RFC 3339 or epoch ms, and escapes hostile text in tooltips', () => {
    assert.equal(traceRequestMs(trace()), Date.parse('2026-12-08T00:58:00.000Z'));
    assert.equal(traceRequestMs(trace({ request_time: '1700000000000' })), 1_700_000_000_000);
    assert.equal(traceRequestMs(trace({ request_time: 'garbage' })), undefined);
    const row = traceItem('id', trace({ tags: { 'mlflow.traceName': HOSTILE }, request_preview: '`x`' }), NOW);
    assert.equal(row.label, HOSTILE); // labels are plain text in VS Code
    assert.ok(row.tooltip!.includes('**\\<img src=x onerror=alert\\(1\\)\\>**'), row.tooltip); // Markdown-escaped
    assert.ok(!row.tooltip!.includes('``x``'));
  });
});

describe('node keys', () => {
  it('tell the same model under its experiment and under its run apart, and are stable', () => {
    const m = model();
    const underExp: TrackingNode = { kind: 'loggedModel', session: 's', model: m };
    const underRun: TrackingNode = { kind: 'loggedModel', session: 's', model: m, runId: 'r1' };
    assert.notEqual(nodeKey(underExp), nodeKey(underRun));
    assert.equal(nodeKey(underExp), nodeKey({ kind: 'loggedModel', session: 's', model: model({ status: 'LOGGED_MODEL_PENDING' }) }));
    assert.notEqual(nodeKey({ kind: 'loggedModelGroup', session: 's', experimentId: '1' }), nodeKey({ kind: 'loggedModelGroup', session: 's', experimentId: '1', runId: '1' }));
    const groups: TrackingNode[] = [
      { kind: 'loggedModelGroup', session: 's', experimentId: '1' },
      { kind: 'traceGroup', session: 's', experimentId: '1' },
    ];
    assert.deepEqual(groups.map((n) => itemFor(n, NOW).label), ['Logged models', 'Traces']);
    assert.deepEqual(groups.map((n) => itemFor(n, NOW).contextValue), ['loggedModelGroup', 'traceGroup']);
  });
});

describe('in-process client, MLflow 3 side', () => {
  let dir: string;
  let store: TrackingStore;
  let client: InProcessClient;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mwb-mlflow3-'));
    store = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
    client = new InProcessClient(store, new InProcessRegistryClient(new RegistryStore(store)));
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('without logged-model and trace stores: empty pages, not-found lookups', async () => {
    assert.deepEqual(await client.searchLoggedModels({ experimentIds: ['0'], maxResults: 10 }), { items: [] });
    assert.deepEqual(await client.searchTraces({ experimentId: '0', maxResults: 10 }), { items: [] });
    await assert.rejects(client.getLoggedModel('m-1'), (e: unknown) => isNotFound(e));
    await assert.rejects(client.getTrace('tr-1'), (e: unknown) => isNotFound(e));
  });

  it("lists and reads a logged model's artifacts from the store's artifact folder, confined to it", async () => {
    const root = join(store.artifactsDir, '1', 'models', 'm-abc', 'artifacts');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'MLmodel'), 'flavors: {}\n');
    writeFileSync(join(root, 'sub', 'model.pkl'), 'xx');
    const m = model();
    assert.deepEqual(await client.listLoggedModelArtifacts(m), [{ path: 'MLmodel', is_dir: false, file_size: 12 }, { path: 'sub', is_dir: true }]);
    assert.deepEqual(await client.listLoggedModelArtifacts(m, 'sub'), [{ path: 'sub/model.pkl', is_dir: false, file_size: 2 }]);
    assert.equal(new TextDecoder().decode(await client.readLoggedModelArtifact(m, 'MLmodel')), 'flavors: {}\n');
    await assert.rejects(client.readLoggedModelArtifact(m, '../../../../tracking.db'));
    await assert.rejects(client.readLoggedModelArtifact(model({ artifact_uri: 's3://bucket/x' }), 'MLmodel'));
  });
});
