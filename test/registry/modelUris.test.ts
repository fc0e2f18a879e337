// models:/ URIs: parsing of every form MLflow accepts, and resolution against an in-memory registry with
// MLflow's error codes (an unknown alias is 400, a missing model or version 404).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MlflowError } from '../../extension/tracking/errors';
import type { ModelVersionStage } from '../../extension/tracking/rest/types';
import { formatModelRef, type ModelVersionLookup, parseModelUri, resolveModelUri, type VersionRecord } from '../../extension/registry/modelUris';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof MlflowError, `expected an MlflowError, got ${String(err)}`);
    return err.errorCode;
  }
  assert.fail('expected an error');
}

test('parses versions, latest, stages, aliases and logged-model ids', () => {
  assert.deepEqual(parseModelUri('models:/fraud/3'), { kind: 'version', name: 'fraud', version: 3 });
  assert.deepEqual(parseModelUri('models:/fraud/latest'), { kind: 'latest', name: 'fraud' });
  assert.deepEqual(parseModelUri('models:/fraud/LaTeSt'), { kind: 'latest', name: 'fraud' });
  assert.deepEqual(parseModelUri('models:/fraud/production'), { kind: 'stage', name: 'fraud', stage: 'production' });
  assert.deepEqual(parseModelUri('models:/fraud@champion'), { kind: 'alias', name: 'fraud', alias: 'champion' });
  // the last '@' separates the alias, so names may contain '@'
  assert.deepEqual(parseModelUri('models:/team@corp@prod'), { kind: 'alias', name: 'team@corp', alias: 'prod' });
  assert.deepEqual(parseModelUri('models:/m-0123456789abcdef'), { kind: 'loggedModel', modelId: 'm-0123456789abcdef' });
  assert.deepEqual(parseModelUri('models:///fraud/2'), { kind: 'version', name: 'fraud', version: 2 });
  assert.deepEqual(parseModelUri('models:/my model/1'), { kind: 'version', name: 'my model', version: 1 });
  assert.equal(formatModelRef(parseModelUri('models:/fraud@champion')), 'models:/fraud@champion');
  assert.equal(formatModelRef(parseModelUri('models:/fraud/7')), 'models:/fraud/7');
});

test('refuses malformed models:/ URIs with INVALID_PARAMETER_VALUE', () => {
  for (const bad of ['runs:/abc/model', 'models:', 'models:/', 'models:fraud/1', 'models:/a/b/c', 'models:/ /1', 'models:/fraud/', 'models:/fraud/ ', 'models:/@alias', 'models:/fraud@', 'models://profile@databricks/fraud/1']) {
    assert.equal(code(() => parseModelUri(bad)), 'INVALID_PARAMETER_VALUE', bad);
  }
});

/** A registry in memory: versions with a stage; soft-deleted ones are simply absent. */
function memoryRegistry(): ModelVersionLookup {
  const versions: Array<{ name: string; version: number; stage: ModelVersionStage }> = [
    { name: 'fraud', version: 1, stage: 'Archived' },
    { name: 'fraud', version: 2, stage: 'Production' },
    { name: 'fraud', version: 3, stage: 'Staging' },
    { name: 'fraud', version: 5, stage: 'None' },
  ];
  const aliases = new Map([['fraud/champion', 2]]);
  const rec = (v: { name: string; version: number }): VersionRecord => ({ name: v.name, version: v.version, artifactUri: `mlflow-artifacts:/1/run${v.version}/artifacts/model` });
  const live = (name: string) => versions.filter((v) => v.name === name).sort((a, b) => b.version - a.version);
  return {
    modelExists: (name) => name === 'fraud' || name === 'empty',
    version: (name, version) => {
      const v = live(name).find((x) => x.version === version);
      return v && rec(v);
    },
    latest: (name, stage) => {
      const v = live(name).find((x) => stage === undefined || x.stage === stage);
      return v && rec(v);
    },
    alias: (name, alias) => {
      const n = aliases.get(`${name}/${alias}`);
      return n === undefined ? undefined : rec({ name, version: n });
    },
  };
}

test('resolves each form to one live version', () => {
  const reg = memoryRegistry();
  assert.equal(resolveModelUri('models:/fraud/3', reg).version, 3);
  assert.equal(resolveModelUri('models:/fraud/latest', reg).version, 5, 'latest = highest live version over all stages');
  assert.equal(resolveModelUri('models:/fraud/Production', reg).version, 2);
  assert.equal(resolveModelUri('models:/fraud/staging', reg).version, 3, 'stages match case-insensitively');
  assert.equal(resolveModelUri('models:/fraud/ARCHIVED', reg).version, 1);
  assert.equal(resolveModelUri('models:/fraud@champion', reg).version, 2);
  assert.equal(resolveModelUri('models:/fraud@latest', reg).version, 5, '@latest is the newest version');
  assert.equal(resolveModelUri('models:/fraud/2', reg).artifactUri, 'mlflow-artifacts:/1/run2/artifacts/model');
});

test('resolution errors carry MLflow codes: 404 for missing things, 400 for bad stages and unknown aliases', () => {
  const reg = memoryRegistry();
  assert.equal(code(() => resolveModelUri('models:/nope/1', reg)), 'RESOURCE_DOES_NOT_EXIST');
  assert.equal(code(() => resolveModelUri('models:/fraud/4', reg)), 'RESOURCE_DOES_NOT_EXIST', 'a deleted (absent) version');
  assert.equal(code(() => resolveModelUri('models:/empty/latest', reg)), 'RESOURCE_DOES_NOT_EXIST');
  assert.equal(code(() => resolveModelUri('models:/empty/Production', reg)), 'RESOURCE_DOES_NOT_EXIST');
  assert.equal(code(() => resolveModelUri('models:/fraud/Prod', reg)), 'INVALID_PARAMETER_VALUE', 'not a stage');
  assert.equal(code(() => resolveModelUri('models:/fraud@challenger', reg)), 'INVALID_PARAMETER_VALUE', 'unknown alias is 400');
  assert.equal(code(() => resolveModelUri('models:/fraud@bad alias', reg)), 'INVALID_PARAMETER_VALUE');
  assert.equal(code(() => resolveModelUri('models:/m-123', reg)), 'RESOURCE_DOES_NOT_EXIST', 'logged models are not stored here');
  assert.equal(code(() => resolveModelUri('models:/..x/1', reg)), 'INVALID_PARAMETER_VALUE', 'invalid model name');
});
