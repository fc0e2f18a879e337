// Models tree rows: aliases and stages as descriptions, URIs, and MLflow's alias and name rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aliasProblem, modelNameProblem, modelUri, versionAliases, versionItem, modelItem } from '../../extension/models/modelItems';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

test('a version shows its aliases, stage and age; aliased versions offer "remove alias"', () => {
  const v = { name: 'clf', version: '3', current_stage: 'Production', creation_timestamp: NOW - 120_000, run_id: 'r1', source: 'mlflow-artifacts:/1/r1/artifacts/model', status: 'READY' };
  const item = versionItem('id', v, ['champion', 'prod'], NOW);
  assert.equal(item.label, 'Version 3');
  assert.equal(item.description, '@champion @prod · Production · 2 min ago');
  assert.equal(item.contextValue, 'modelVersion.aliased');
  assert.equal(item.collapsible, 'collapsed', 'its source run is a child link');
  const plain = versionItem('id', { name: 'clf', version: '1', current_stage: 'None' }, [], NOW);
  assert.equal(plain.description, '');
  assert.equal(plain.contextValue, 'modelVersion');
  assert.equal(plain.collapsible, 'none');
});

test('aliases come from the version or from the model, whichever the server fills', () => {
  const model = { name: 'clf', aliases: [{ alias: 'champion', version: '2' }, { alias: 'old', version: '1' }] };
  assert.deepEqual(versionAliases({ name: 'clf', version: '2', aliases: ['champion', 'canary'] }, model), ['canary', 'champion']);
  assert.deepEqual(versionAliases({ name: 'clf', version: '1' }, model), ['old']);
  assert.match(modelItem('id', model, NOW).description!, /@champion → v2/);
});

test('model URIs', () => {
  assert.equal(modelUri('clf'), 'models:/clf/latest');
  assert.equal(modelUri('clf', { version: '3' }), 'models:/clf/3');
  assert.equal(modelUri('clf', { alias: 'champion' }), 'models:/clf@champion');
});

test("MLflow's alias and model name rules are checked before a round trip", () => {
  assert.equal(aliasProblem('champion'), undefined);
  assert.equal(aliasProblem('blue-green_2'), undefined);
  assert.match(aliasProblem('latest')!, /reserved/);
  assert.match(aliasProblem('V12')!, /reserved/);
  assert.match(aliasProblem('has space')!, /letters/);
  assert.equal(modelNameProblem('my model'), undefined);
  assert.match(modelNameProblem('a/b')!, /cannot contain/);
  assert.match(modelNameProblem('  ')!, /empty/);
});
