import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { TrackingNode } from '../../extension/experiments/trackingNodes';
import { selectedRuns } from '../../extension/runs/runSelection';
import type { Run } from '../../extension/tracking/rest/types';

const run = (id: string): Run => ({
  info: { run_id: id, run_uuid: id, run_name: id, experiment_id: '1', user_id: 'u', status: 'FINISHED', artifact_uri: '', lifecycle_stage: 'active' },
  data: {},
  inputs: {},
});
const node = (id: string, session = 'file:///a'): TrackingNode => ({ kind: 'run', session, run: run(id) });

describe('selectedRuns', () => {
  it('keeps run rows of the first run’s folder, each once, in selection order', () => {
    const selection: TrackingNode[] = [
      { kind: 'experiment', session: 'file:///b', experiment: { experiment_id: '1', name: 'e', artifact_location: '', lifecycle_stage: 'active', creation_time: 0, last_update_time: 0 } },
      node('r2'),
      { kind: 'param', session: 'file:///a', runId: 'r9', key: 'lr', value: '1' },
      node('r1'),
      node('r2'),
      node('r3', 'file:///b'),
    ];
    assert.deepEqual(selectedRuns(selection).map((n) => n.run.info.run_id), ['r2', 'r1']);
  });

  it('is empty without runs', () => {
    assert.deepEqual(selectedRuns([]), []);
  });
});
