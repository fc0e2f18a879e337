// The run page's "Logged models" section (MLflow 3): what each model shows, and the requests its links send.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunPageRequest } from '../../extension/runPage/messages';
import { parseModelPageRequest } from '../../extension/modelPage/messages';
import { runPageData, runPageLoggedModel } from '../../extension/runPage/runPageModel';
import type { LoggedModel, Run } from '../../extension/tracking/rest/types';

const model: LoggedModel = {
  info: {
    model_id: 'm-1',
    experiment_id: '1',
    name: '<b>model</b>',
    creation_timestamp_ms: 1000,
    last_updated_timestamp_ms: 2000,
    artifact_uri: 'mlflow-artifacts:/1/models/m-1/artifacts',
    status: 'LOGGED_MODEL_READY',
    tags: [{ key: 'mlflow.modelVersions', value: '[{"name": "m3", "version": 1}, {"name": "m3", "version": "1"}]' }],
  },
  data: {
    params: [{ key: 'z', value: '1' }, { key: 'a', value: '2' }],
    metrics: [
      { key: 'acc', value: 0.5, timestamp: 1, step: 0 },
      { key: 'acc', value: 0.9, timestamp: 2, step: 1 },
      { key: 'loss', value: 'NaN' as unknown as number, timestamp: 2, step: 1, dataset_name: 'eval' },
    ],
  },
};

describe('run page: logged models', () => {
  it('shows each model with status, sorted params, latest metrics and registered versions', () => {
    const row = runPageLoggedModel(model);
    assert.deepEqual(row, {
      id: 'm-1',
      name: '<b>model</b>',
      status: 'ready',
      created: 1000,
      params: [{ key: 'a', value: '2' }, { key: 'z', value: '1' }],
      metrics: [{ key: 'acc', value: 0.9, step: 1 }, { key: 'loss', value: 'NaN', step: 1, dataset: 'eval' }],
      versions: [{ name: 'm3', version: '1' }],
    });
    const run: Run = { info: { run_id: 'r', experiment_id: '1', status: 'FINISHED', artifact_uri: 'x', lifecycle_stage: 'active' } as Run['info'], data: {} } as Run;
    assert.deepEqual(runPageData(run, [], 'e', [row]).loggedModels, [row]);
    assert.deepEqual(runPageData(run, []).loggedModels, []);
  });

  it('accepts the section links and refuses malformed ones', () => {
    assert.deepEqual(parseRunPageRequest({ type: 'openModelVersion', name: 'm3' }), { type: 'openModelVersion', name: 'm3' });
    assert.deepEqual(parseRunPageRequest({ type: 'openModelArtifact', modelId: 'm-1', path: 'MLmodel' }), { type: 'openModelArtifact', modelId: 'm-1', path: 'MLmodel' });
    for (const bad of [{ type: 'openModelVersion', name: '' }, { type: 'openModelVersion' }, { type: 'openModelArtifact', modelId: 'm-1' }, { type: 'openModelArtifact', modelId: '', path: 'x' }]) {
      assert.equal(parseRunPageRequest(bad), undefined, JSON.stringify(bad));
    }
    assert.deepEqual(parseModelPageRequest({ type: 'openLoggedModel', id: 'm-1' }), { type: 'openLoggedModel', id: 'm-1' });
    assert.equal(parseModelPageRequest({ type: 'openLoggedModel', id: '' }), undefined);
  });
});
