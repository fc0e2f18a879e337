// What run rows show and how nested runs hang under their parents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Run, RunStatus } from '../../extension/tracking/rest/types';
import {
  artifactItem, loggedModelPaths, metricDescription, runGroups, runItem, sortArtifacts, topLevelRuns,
} from '../../extension/runs/runItems';
import { itemFor, nodeKey, type TrackingNode } from '../../extension/experiments/trackingNodes';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

function run(id: string, extra: { status?: RunStatus; start?: number; end?: number; tags?: Record<string, string>; deleted?: boolean } = {}): Run {
  return {
    info: {
      run_id: id,
      run_uuid: id,
      run_name: `name-${id}`,
      experiment_id: '1',
      user_id: '',
      status: extra.status ?? 'FINISHED',
      start_time: extra.start,
      end_time: extra.end,
      artifact_uri: `mlflow-artifacts:/1/${id}/artifacts`,
      lifecycle_stage: extra.deleted ? 'deleted' : 'active',
    },
    data: { tags: Object.entries(extra.tags ?? {}).map(([key, value]) => ({ key, value })), params: [{ key: 'lr', value: '0.1' }] },
    inputs: {},
  };
}

test('a run row: name, relative start and duration, status icon, note in the tooltip', () => {
  const r = run('a', { start: NOW - 5 * 60_000, end: NOW - 60_000, tags: { 'mlflow.note.content': 'tried a *bigger* lr' } });
  const item = runItem('id', r, NOW);
  assert.equal(item.label, 'name-a');
  assert.equal(item.description, '5 min ago · 4m 00s');
  assert.deepEqual(item.icon, { codicon: 'pass', color: 'testing.iconPassed' });
  assert.equal(item.contextValue, 'run');
  assert.match(item.tooltip!, /tried a \*bigger\* lr/);
  assert.match(item.tooltip!, /Run ID: `a`/);
});

test('running, failed and deleted runs look different; a running one counts its time so far', () => {
  const running = runItem('id', run('r', { status: 'RUNNING', start: NOW - 12_000 }), NOW);
  assert.equal(running.icon?.codicon, 'sync~spin');
  assert.equal(running.description, 'just now · 12s');
  assert.equal(runItem('id', run('f', { status: 'FAILED' }), NOW).icon?.codicon, 'error');
  const deleted = runItem('id', run('d', { deleted: true, start: NOW }), NOW);
  assert.equal(deleted.contextValue, 'run.deleted');
  assert.equal(deleted.icon?.codicon, 'trash');
  assert.match(deleted.description!, /deleted/);
});

test('nested runs: children whose parent is listed hang under it; orphans stay at the top', () => {
  const parent = run('p');
  const child = run('c', { tags: { 'mlflow.parentRunId': 'p' } });
  const orphan = run('o', { tags: { 'mlflow.parentRunId': 'not-loaded' } });
  const { top, childCounts } = topLevelRuns([child, parent, orphan]);
  assert.deepEqual(top.map((r) => r.info.run_id), ['p', 'o']);
  assert.equal(childCounts.get('p'), 1);
  assert.match(runItem('id', parent, NOW, 1).description!, /1 nested/);
});

test('run groups count what the run holds; system tags fold into one entry', () => {
  const r = run('g', { tags: { team: 'vision', 'mlflow.user': 'me', 'mlflow.source.name': 'train.py' } });
  assert.deepEqual(runGroups(r), [
    { group: 'params', count: 1 },
    { group: 'metrics', count: 0 },
    { group: 'tags', count: 2 },
    { group: 'artifacts', count: 0 },
  ]);
  const metrics = itemFor({ kind: 'runGroup', session: 's', run: r, group: 'metrics', count: 0 }, NOW);
  assert.equal(metrics.collapsible, 'none');
  assert.equal(metrics.description, 'none');
});

test('metrics show latest, min and max', () => {
  assert.equal(metricDescription({ key: 'loss', value: 0.25, step: 9, timestamp: NOW, min: 0.2, max: 1, count: 10 }), '0.25 · min 0.2 · max 1');
  assert.equal(metricDescription({ key: 'acc', value: 0.5, step: 0, timestamp: NOW, min: 0.5, max: 0.5, count: 1 }), '0.5');
});

test('artifacts: folders first; model folders and MLmodel files can be registered; files open on click', () => {
  const sorted = sortArtifacts([
    { path: 'z.txt', is_dir: false, file_size: 3 },
    { path: 'model', is_dir: true },
    { path: 'a.txt', is_dir: false, file_size: 1 },
  ]);
  assert.deepEqual(sorted.map((f) => f.path), ['model', 'a.txt', 'z.txt']);
  const modelDir = artifactItem('id', { path: 'model', is_dir: true }, true);
  assert.equal(modelDir.contextValue, 'artifactDir.model');
  assert.equal(modelDir.description, 'MLflow model');
  const mlmodel = artifactItem('id', { path: 'model/MLmodel', is_dir: false, file_size: 100 }, false);
  assert.equal(mlmodel.label, 'MLmodel');
  assert.equal(mlmodel.contextValue, 'artifactFile.mlmodel');
  assert.equal(mlmodel.command?.command, 'mlflowWorkbench.openArtifact');
  assert.equal(mlmodel.fileIconFor, 'MLmodel');
});

test('log-model history marks model folders; a malformed tag is ignored', () => {
  const r = run('m', { tags: { 'mlflow.log-model.history': JSON.stringify([{ artifact_path: 'model' }, { artifact_path: 'onnx' }]) } });
  assert.deepEqual([...loggedModelPaths(r)], ['model', 'onnx']);
  assert.deepEqual([...loggedModelPaths(run('x', { tags: { 'mlflow.log-model.history': '{oops' } }))], []);
});

test('node keys are unique per kind, folder session and entity', () => {
  const r = run('k');
  const nodes: TrackingNode[] = [
    { kind: 'experiment', session: 's1', experiment: { experiment_id: '1', name: 'e', artifact_location: '', lifecycle_stage: 'active', creation_time: 0, last_update_time: 0 } },
    { kind: 'run', session: 's1', run: r },
    { kind: 'run', session: 's2', run: r },
    { kind: 'runGroup', session: 's1', run: r, group: 'params', count: 1 },
    { kind: 'param', session: 's1', runId: 'k', key: 'lr', value: '1' },
    { kind: 'tag', session: 's1', runId: 'k', key: 'lr', value: '1' },
  ];
  assert.equal(new Set(nodes.map(nodeKey)).size, nodes.length);
});
