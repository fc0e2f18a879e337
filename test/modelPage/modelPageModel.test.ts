import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { auditLines, loggedModelIdOf, mlmodelPathInRun, versionRows } from '../../extension/modelPage/modelPageModel';

describe('registered model page', () => {
  it('lists versions newest first with aliases from either place', () => {
    const rows = versionRows({ name: 'm', aliases: [{ alias: 'champion', version: '2' }] }, [
      { name: 'm', version: '1', current_stage: 'Archived', aliases: ['old'] },
      { name: 'm', version: '10', status: 'PENDING_REGISTRATION' },
      { name: 'm', version: '2', current_stage: 'Production', aliases: ['prod'], run_id: 'r', source: 'runs:/r/model', tags: [{ key: 'z', value: '1' }, { key: 'a', value: '2' }] },
    ]);
    assert.deepEqual(rows.map((r) => r.version), ['10', '2', '1']);
    assert.deepEqual(rows[1].aliases, ['champion', 'prod']);
    assert.equal(rows[1].stage, 'Production');
    assert.equal(rows[0].stage, 'None');
    assert.equal(rows[0].status, 'PENDING_REGISTRATION');
    assert.deepEqual(rows[1].tags.map((t) => t.key), ['a', 'z']);
  });

  it("finds the MLmodel inside the source run's artifacts", () => {
    assert.equal(mlmodelPathInRun('runs:/abc/model', 'abc', undefined), 'model/MLmodel');
    assert.equal(mlmodelPathInRun('runs:/abc/', 'abc', undefined), 'MLmodel');
    assert.equal(mlmodelPathInRun('mlflow-artifacts:/1/abc/artifacts/sub/model', 'abc', 'mlflow-artifacts:/1/abc/artifacts'), 'sub/model/MLmodel');
    assert.equal(mlmodelPathInRun('runs:/other/model', 'abc', undefined), undefined, "another run's model");
    assert.equal(mlmodelPathInRun('runs:/abc/../x', 'abc', undefined), undefined, 'no escaping the run');
    assert.equal(mlmodelPathInRun('models:/m-123', 'abc', 'mlflow-artifacts:/1/abc/artifacts'), undefined);
    assert.equal(mlmodelPathInRun('s3://b/1/abc/artifacts/model', 'abc', 's3://b/1/abc/artifacts'), 'model/MLmodel');
  });

  it('words the audit trail, newest first, with only the fields that changed', () => {
    const lines = auditLines([
      { id: 1, timestamp: 10, user: 'ann', user_source: 'os', action: 'createRegisteredModel', name: 'm' },
      { id: 2, timestamp: 20, user: 'bob', user_source: 'header', action: 'transitionModelVersionStage', name: 'm', version: '1', before: { stage: 'None', description: 'd' }, after: { stage: 'Production', description: 'd' } },
      { id: 3, timestamp: 20, user: 'eve', user_source: 'basic-auth', action: 'somethingNew', name: 'm' },
    ]);
    assert.deepEqual(lines.map((l) => l.who), ['eve', 'bob', 'ann']);
    assert.equal(lines[1].what, 'moved a version to another stage');
    assert.deepEqual(lines[1].changes, [['stage', 'None', 'Production']]);
    assert.equal(lines[1].version, '1');
    assert.equal(lines[0].what, 'somethingNew');
  });
});

describe('versions registered from a logged model (MLflow 3)', () => {
  it('name their logged model by model_id or by a models:/m-… source', () => {
    assert.equal(loggedModelIdOf({ source: 'models:/m-dfe7c80c197e4b9897a37e59d77d5ff8' }), 'm-dfe7c80c197e4b9897a37e59d77d5ff8');
    assert.equal(loggedModelIdOf({ source: 'models:/m-abc/' }), 'm-abc');
    assert.equal(loggedModelIdOf({ model_id: 'm-x', source: 's3://b/p' }), 'm-x');
    assert.equal(loggedModelIdOf({ source: 'models:/m3/1' }), undefined);
    assert.equal(loggedModelIdOf({ source: 'runs:/r/model' }), undefined);
    assert.equal(loggedModelIdOf({}), undefined);
    const rows = versionRows({ name: 'm3' }, [{ name: 'm3', version: '1', source: 'models:/m-abc' }, { name: 'm3', version: '2', source: 'runs:/r/model', run_id: 'r' }]);
    assert.deepEqual(rows.map((r) => [r.version, r.modelId]), [['2', undefined], ['1', 'm-abc']]);
  });
});
