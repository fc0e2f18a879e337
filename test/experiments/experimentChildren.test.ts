// The Experiments tree's content over a real store through the in-process client: welcome state, nesting,
// paging, run groups, artifacts with model folders, deleted items, several folders, errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessClient } from '../../extension/client/inProcessClient';
import { InProcessRegistryClient } from '../../extension/client/inProcessRegistry';
import { ExperimentChildren } from '../../extension/experiments/experimentChildren';
import type { TrackingNode } from '../../extension/experiments/trackingNodes';
import { RegistryStore } from '../../extension/registry/registryStore';
import type { ViewType } from '../../extension/tracking/rest/types';
import { TrackingStore } from '../../extension/tracking/store/trackingStore';
import { PageSizes } from '../../extension/views/paging';
import type { SessionRef } from '../../extension/views/sessionRef';

let dir: string;
let store: TrackingStore;
let session: SessionRef;
let viewType: ViewType = 'ACTIVE_ONLY';

function content(sessions: SessionRef[] = [session], pageSize = 100): ExperimentChildren {
  return new ExperimentChildren({ list: () => sessions, get: (k) => sessions.find((s) => s.key === k) }, new PageSizes(pageSize), () => viewType);
}

const labels = (nodes: TrackingNode[]): string[] =>
  nodes.map((n) => {
    switch (n.kind) {
      case 'experiment':
        return `exp:${n.experiment.name}`;
      case 'run':
        return `run:${n.run.info.run_name}${n.childCount ? `(${n.childCount})` : ''}`;
      case 'runGroup':
        return `group:${n.group}:${n.count}`;
      case 'param':
      case 'tag':
        return `${n.kind}:${n.key}=${n.value}`;
      case 'metric':
        return `metric:${n.summary.key}=${n.summary.value}[${n.summary.min},${n.summary.max}]`;
      case 'artifact':
        return `artifact:${n.file.path}${n.file.is_dir ? '/' : ''}${n.holdsModel ? '(model)' : ''}`;
      case 'loggedModel':
        return `model:${n.model.info.name}`;
      case 'loggedModelPart':
        return `part:${n.part}:${n.count}`;
      case 'modelMetric':
        return `modelMetric:${n.metric.key}=${n.metric.value}`;
      case 'modelArtifact':
        return `modelArtifact:${n.file.path}${n.file.is_dir ? '/' : ''}`;
      case 'modelVersionLink':
        return `version:${n.name}/${n.version}`;
      case 'trace':
        return `trace:${n.trace.trace_id}`;
      default:
        return `${n.kind}:${'text' in n ? n.text : 'label' in n ? n.label : 'name' in n ? n.name : ''}`;
    }
  });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mwb-tree-'));
  store = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
  session = { key: 'file:///ws', name: 'ws', client: new InProcessClient(store, new InProcessRegistryClient(new RegistryStore(store))) };
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a fresh store shows nothing at the root (the welcome view); a folder node says so instead', async () => {
  assert.deepEqual(await content().fetch(undefined), []);
  const other: SessionRef = { key: 'file:///other', name: 'other', client: session.client };
  const c = content([session, other]);
  const roots = await c.fetch(undefined);
  assert.deepEqual(labels(roots), ['folder:ws', 'folder:other']);
  assert.deepEqual(labels(await c.fetch(roots[0])), ['message:No runs yet']);
  const starting: SessionRef = { key: 'file:///starting', name: 'starting', client: undefined };
  assert.deepEqual(await content([starting]).fetch(undefined), []);
});

test('runs: newest first, nested under their parent, with a "load more" node past a page', async () => {
  const exp = await store.createExperiment('train');
  const parent = await store.createRun({ experiment_id: exp, run_name: 'parent', start_time: 1000 });
  await store.createRun({ experiment_id: exp, run_name: 'child', start_time: 2000, tags: [{ key: 'mlflow.parentRunId', value: parent.info.run_id }] });
  for (let i = 0; i < 3; i++) await store.createRun({ experiment_id: exp, run_name: `r${i}`, start_time: 3000 + i });
  const c = content([session], 3);
  const roots = await c.fetch(undefined);
  const train = roots.find((n) => n.kind === 'experiment' && n.experiment.name === 'train')!;
  assert.deepEqual(labels(await c.fetch(train)), ['run:r2', 'run:r1', 'run:r0', 'more:Load more runs…']);
  const bigger = content([session], 100);
  const runs = await bigger.fetch(train);
  assert.deepEqual(labels(runs), ['run:r2', 'run:r1', 'run:r0', 'run:parent(1)']);
  const parentNode = runs.find((n) => n.kind === 'run' && n.run.info.run_name === 'parent')!;
  assert.deepEqual(labels(await bigger.fetch(parentNode)), ['run:child', 'group:params:0', 'group:metrics:0', 'group:tags:1', 'group:artifacts:0']);
});

test('a run shows its params, metric summaries, tags (system ones folded) and artifacts with model folders', async () => {
  const exp = await store.createExperiment('details');
  const run = await store.createRun({ experiment_id: exp, run_name: 'full', tags: [{ key: 'team', value: 'vision' }] });
  const id = run.info.run_id;
  await store.logBatch({
    run_id: id,
    params: [{ key: 'lr', value: '0.1' }, { key: 'epochs', value: '3' }],
    metrics: [0.9, 0.3, 0.5].map((value, step) => ({ key: 'loss', value, timestamp: 1 + step, step })),
  });
  // Artifacts as the artifact proxy writes them: a model folder (found by its MLmodel, no log-model tag) and a file.
  const root = join(dir, 'artifacts', exp, id, 'artifacts');
  mkdirSync(join(root, 'clf'), { recursive: true });
  mkdirSync(join(root, 'plots'), { recursive: true });
  writeFileSync(join(root, 'clf', 'MLmodel'), 'flavors: {}\n');
  writeFileSync(join(root, 'plots', 'loss.png'), 'png');
  writeFileSync(join(root, 'notes.txt'), 'hi');
  const c = content();
  const roots = await c.fetch(undefined);
  const details = roots.find((n) => n.kind === 'experiment' && n.experiment.name === 'details')!;
  const [runNode] = await c.fetch(details);
  const groups = await c.fetch(runNode);
  assert.deepEqual(labels(groups), ['group:params:2', 'group:metrics:1', 'group:tags:2', 'group:artifacts:0']);
  assert.deepEqual(labels(await c.fetch(groups[0])), ['param:epochs=3', 'param:lr=0.1']);
  assert.deepEqual(labels(await c.fetch(groups[1])), ['metric:loss=0.5[0.3,0.9]']);
  const tags = await c.fetch(groups[2]);
  assert.deepEqual(labels(tags), ['tag:team=vision', 'group:systemTags:1']);
  assert.deepEqual(labels(await c.fetch(tags[1])), ['tag:mlflow.runName=full']);
  const artifacts = await c.fetch(groups[3]);
  assert.deepEqual(labels(artifacts), ['artifact:clf/(model)', 'artifact:plots/', 'artifact:notes.txt']);
  assert.deepEqual(labels(await c.fetch(artifacts[0])), ['artifact:clf/MLmodel']);
});

test('deleted runs show only when asked for', async () => {
  const exp = await store.createExperiment('deletions');
  const run = await store.createRun({ experiment_id: exp, run_name: 'gone' });
  await store.deleteRun(run.info.run_id);
  const c = content();
  const node = (await c.fetch(undefined)).find((n) => n.kind === 'experiment' && n.experiment.name === 'deletions')!;
  assert.deepEqual(labels(await c.fetch(node)), ['message:No runs yet: run a training script in a terminal']);
  viewType = 'ALL';
  try {
    const [shown] = await c.fetch(node);
    assert.equal(shown.kind === 'run' && shown.run.info.lifecycle_stage, 'deleted');
  } finally {
    viewType = 'ACTIVE_ONLY';
  }
});

test('a failing fetch becomes an error row, not an exception', async () => {
  const broken: SessionRef = { ...session, key: 'file:///broken' };
  const c = content([broken]);
  // A run the store does not know (deleted by another window meanwhile): listing its artifacts fails.
  const run = {
    info: { run_id: 'f'.repeat(32), run_uuid: 'f'.repeat(32), run_name: 'ghost', experiment_id: '999', user_id: '', status: 'FINISHED' as const, artifact_uri: 'mlflow-artifacts:/999/x/artifacts', lifecycle_stage: 'active' as const },
    data: {},
    inputs: {},
  };
  const children = await c.fetch({ kind: 'runGroup', session: broken.key, run, group: 'artifacts', count: 0 });
  assert.equal(children.length, 1);
  assert.equal(children[0].kind, 'message');
  assert.match((children[0] as { text: string }).text, /^Cannot load: /);
});
