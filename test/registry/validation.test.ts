// The registry's input rules: model names, version numbers, stages, aliases (charset, length, reserved
// names) and tags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MlflowError } from '../../extension/tracking/errors';
import {
  canonicalStage, parseVersion, validateAliasAssignable, validateAliasName, validateModelName, validateRegistryTag,
} from '../../extension/registry/validation';

function refused(fn: () => unknown, what: string): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof MlflowError, `${what}: expected an MlflowError, got ${String(err)}`);
    assert.equal(err.errorCode, 'INVALID_PARAMETER_VALUE', what);
    return err.message;
  }
  assert.fail(`${what}: expected a refusal`);
}

test('model names: non-blank, no / or :, nothing that resolves to another path', () => {
  for (const ok of ['fraud', 'Fraud Detector', 'a.b', 'model_1-x', 'né', 'x..y', '.hidden', 'a@b']) assert.equal(validateModelName(ok), ok);
  for (const bad of ['', ' ', '\t', 'a/b', '/abs', 'a:b', 's3:x', '.', '..', '..x', 'a\0b']) refused(() => validateModelName(bad), JSON.stringify(bad));
  refused(() => validateModelName(undefined), 'undefined');
  refused(() => validateModelName(42), 'number');
});

test('versions parse like Python int(): digits with optional blanks and sign; anything else is refused', () => {
  assert.equal(parseVersion('3'), 3);
  assert.equal(parseVersion(' 12 '), 12);
  assert.equal(parseVersion('+4'), 4);
  assert.equal(parseVersion(7), 7);
  assert.equal(parseVersion('-1'), -1, 'parses (then simply matches no version)');
  for (const bad of ['', 'abc', '1.5', '1e3', 'latest', '0x10', '99999999999999999999']) {
    const msg = refused(() => parseVersion(bad), bad);
    if (bad !== '') assert.match(msg, /must be an integer/);
  }
});

test('stages match case-insensitively and come back canonical', () => {
  assert.equal(canonicalStage('none'), 'None');
  assert.equal(canonicalStage('STAGING'), 'Staging');
  assert.equal(canonicalStage('production'), 'Production');
  assert.equal(canonicalStage('ArChIvEd'), 'Archived');
  for (const bad of ['Prod', 'Deleted_Internal', '', 'deleted', undefined]) {
    assert.match(refused(() => canonicalStage(bad), String(bad)), /Invalid Model Version stage/);
  }
});

test('aliases: ^[\\w-]*$ (Unicode word characters), 255 chars at most, latest and v<digits> reserved for assignment', () => {
  for (const ok of ['champion', 'challenger-2', 'prod_eu', 'v', 'v1a', 'version1', 'über', 'a'.repeat(255), 'latest2']) {
    assert.equal(validateAliasAssignable(ok), ok);
  }
  for (const bad of ['', 'a b', 'a.b', 'a/b', 'a@b', 'a'.repeat(256)]) refused(() => validateAliasName(bad), JSON.stringify(bad));
  for (const reserved of ['latest', 'LATEST', 'Latest', 'v1', 'V22', 'v007']) {
    assert.match(refused(() => validateAliasAssignable(reserved), reserved), /reserved/);
    // reading or deleting them is allowed (they are just never found, or mean "newest" for latest)
    assert.equal(validateAliasName(reserved), reserved);
  }
});

test('registry tags: tracking key rules, values up to 100,000 characters', () => {
  assert.deepEqual(validateRegistryTag('owner', 'alice', 'Registered model'), ['owner', 'alice']);
  assert.deepEqual(validateRegistryTag('a/b c:d.e-f', undefined, 'Model version'), ['a/b c:d.e-f', '']);
  assert.deepEqual(validateRegistryTag('big', 'x'.repeat(100_000), 'Model version')[1].length, 100_000);
  refused(() => validateRegistryTag('big', 'x'.repeat(100_001), 'Model version'), 'value too long');
  refused(() => validateRegistryTag('k', null, 'Model version'), 'null value');
  for (const bad of ['', 'a#b', '/lead', 'trail/', 'a//b', '../x', 'k'.repeat(251)]) refused(() => validateRegistryTag(bad, 'v', 'Registered model'), JSON.stringify(bad));
});
