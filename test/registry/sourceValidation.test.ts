// Model version sources: runs:/ must name an existing run and stay inside it; local paths need a run_id and
// must lie inside that run's artifact folder (symlinks resolved); every source refuses `..`, percent-encoded
// traversal (once or many times over) and NUL.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MlflowError } from '../../extension/tracking/errors';
import {
  checkRemoteSource, decodeFully, hasTraversal, type SourceContext, unquotePlus, validateModelVersionSource,
} from '../../extension/registry/sourceValidation';

const RUN = '0123456789abcdef0123456789abcdef';
const LOCAL_RUN = 'fedcba9876543210fedcba9876543210';
const root = realpathSync(mkdtempSync(join(tmpdir(), 'mwb-source-')));
const artifactsRoot = join(root, 'artifacts');
const runDir = join(artifactsRoot, '1', RUN, 'artifacts');
const localRunDir = join(root, 'elsewhere', LOCAL_RUN, 'artifacts');
mkdirSync(join(runDir, 'model'), { recursive: true });
mkdirSync(localRunDir, { recursive: true });
mkdirSync(join(root, 'outside'), { recursive: true });
symlinkSync(join(root, 'outside'), join(runDir, 'escape'));
after(() => rmSync(root, { recursive: true, force: true }));

const ctx: SourceContext = {
  findRun: (id) =>
    id === RUN ? { runId: RUN, artifactUri: `mlflow-artifacts:/1/${RUN}/artifacts` } : id === LOCAL_RUN ? { runId: LOCAL_RUN, artifactUri: localRunDir } : undefined,
  artifactsRoot,
  resolveModelUri: (uri) => {
    if (uri === 'models:/fraud/1') return { artifactUri: `mlflow-artifacts:/1/${RUN}/artifacts/model`, runId: RUN };
    throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `no ${uri}`);
  },
  realpath: (p) => {
    // the test's own lenient realpath: resolve the deepest existing ancestor
    const parts = p.split('/');
    for (let i = parts.length; i > 0; i--) {
      try {
        return join(realpathSync(parts.slice(0, i).join('/') || '/'), ...parts.slice(i));
      } catch {
        /* go up */
      }
    }
    return p;
  },
};

function error(fn: () => unknown): MlflowError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof MlflowError, `expected an MlflowError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a refusal');
}

test('runs:/<run_id>/<path> names an existing run and resolves to its artifact location', () => {
  assert.deepEqual(validateModelVersionSource(`runs:/${RUN}/model`, '', ctx), { storageLocation: `mlflow-artifacts:/1/${RUN}/artifacts/model`, runId: RUN });
  assert.deepEqual(validateModelVersionSource(`runs:/${RUN}/model/`, RUN, ctx), { storageLocation: `mlflow-artifacts:/1/${RUN}/artifacts/model`, runId: RUN });
  assert.deepEqual(validateModelVersionSource(`runs:/${RUN}`, '', ctx), { storageLocation: `mlflow-artifacts:/1/${RUN}/artifacts`, runId: RUN });
  assert.equal(error(() => validateModelVersionSource(`runs:/${'9'.repeat(32)}/model`, '', ctx)).errorCode, 'RESOURCE_DOES_NOT_EXIST');
  assert.equal(error(() => validateModelVersionSource(`runs:/${RUN}/model`, LOCAL_RUN, ctx)).errorCode, 'INVALID_PARAMETER_VALUE', 'run_id must match the URI');
  for (const bad of [`runs:/${RUN}/../other`, `runs:/${RUN}/model/%2e%2e/%2e%2e`, `runs:/${RUN}/a/%252e%252e/b`, `runs:/${RUN}/./model`, 'runs:/', 'runs://host/x', 'runs:/bad id/x', `runs:/${RUN}/x%00y`]) {
    assert.equal(error(() => validateModelVersionSource(bad, '', ctx)).errorCode, 'INVALID_PARAMETER_VALUE', bad);
  }
});

test('local sources need the run_id and must stay inside that run\'s artifact folder', () => {
  const inside = join(runDir, 'model');
  // inside .mlflow/artifacts: stored as the equivalent mlflow-artifacts: URI, so remote clients can download it
  assert.deepEqual(validateModelVersionSource(inside, RUN, ctx), { storageLocation: `mlflow-artifacts:/1/${RUN}/artifacts/model`, runId: RUN });
  assert.deepEqual(validateModelVersionSource(pathToFileURL(inside).href, RUN, ctx), { storageLocation: `mlflow-artifacts:/1/${RUN}/artifacts/model`, runId: RUN });
  assert.deepEqual(validateModelVersionSource(join(runDir, 'not-yet', 'there'), RUN, ctx).storageLocation, `mlflow-artifacts:/1/${RUN}/artifacts/not-yet/there`);
  // a run whose artifacts are a plain local folder keeps the path as it is
  assert.deepEqual(validateModelVersionSource(join(localRunDir, 'm'), LOCAL_RUN, ctx), { storageLocation: join(localRunDir, 'm'), runId: LOCAL_RUN });

  const refusals: Array<[string, string]> = [
    [inside, ''], // no run_id
    [join(root, 'outside', 'model'), RUN], // outside the run
    [join(artifactsRoot, '1', 'other-run', 'artifacts'), RUN], // a neighbour run
    [join(runDir, '..', 'artifacts-evil'), RUN], // .. segment
    [`${runDir}/%2e%2e/%2e%2e/x`, RUN], // encoded ..
    [`file://${runDir}/%252e%252e/%252e%252e/etc`, RUN], // doubly encoded .. in a file: URI
    [join(runDir, 'escape', 'secret'), RUN], // a symlink leading out of the run
    ['model/relative', RUN], // relative paths are never "inside"
    [`${inside}\0.pkl`, RUN], // NUL
    [join(localRunDir, 'm'), RUN], // inside another run's folder
  ];
  for (const [source, runId] of refusals) {
    assert.equal(error(() => validateModelVersionSource(source, runId, ctx)).errorCode, 'INVALID_PARAMETER_VALUE', source);
  }
  assert.equal(error(() => validateModelVersionSource(inside, '9'.repeat(32), ctx)).errorCode, 'RESOURCE_DOES_NOT_EXIST', 'unknown run_id');
});

test('remote sources: MLflow\'s traversal rule, with decoding repeated until stable', () => {
  for (const ok of [`mlflow-artifacts:/1/${RUN}/artifacts/model`, 's3://bucket/models/fraud', 'https://host:5000/api/2.0/mlflow-artifacts/artifacts/1/x/model', 'gs://b/p/model']) {
    assert.deepEqual(validateModelVersionSource(ok, '', ctx), { storageLocation: ok, runId: '' }, ok);
  }
  const bad = [
    'mlflow-artifacts://host:5000/../../../../etc',
    'http://host/api/2.0/mlflow-artifacts/artifacts/../../../../',
    's3:/my_bucket/models/path/../../other/path',
    'mlflow-artifacts://host:5000/..%2f..%2f..%2f..%2fetc',
    'mlflow-artifacts:/1/x/%252e%252e%252f%252e%252e/etc',
    'http://host/api/2.0/mlflow-artifacts/artifacts%00',
    'http://host/a/b%23/../../../../etc', // an encoded '#' must not hide the traversal in a fragment
    'http://host/a/./b',
    's3://bucket',
    'mlflow-artifacts:relative/path',
    'https://host/a\\..\\..\\b',
  ];
  for (const source of bad) assert.equal(error(() => validateModelVersionSource(source, '', ctx)).errorCode, 'INVALID_PARAMETER_VALUE', source);
  assert.throws(() => checkRemoteSource('s3://b/x/..'), MlflowError);
});

test('models:/ sources resolve to the version they name', () => {
  assert.deepEqual(validateModelVersionSource('models:/fraud/1', '', ctx), { storageLocation: `mlflow-artifacts:/1/${RUN}/artifacts/model`, runId: RUN });
  assert.equal(error(() => validateModelVersionSource('models:/fraud/9', '', ctx)).errorCode, 'RESOURCE_DOES_NOT_EXIST');
});

test('decoding helpers', () => {
  assert.equal(decodeFully('%25252e%25252e'), '..');
  assert.equal(unquotePlus('a+b%2Bc'), 'a b+c', 'one pass, like urllib.parse.unquote_plus');
  assert.equal(decodeFully('a+b%2Bc'), 'a b c', 'repeated until stable, as MLflow loops');
  assert.equal(decodeFully('%zz%2'), '%zz%2', 'malformed escapes stay');
  assert.ok(hasTraversal('a/%2e%2e/b'));
  assert.ok(hasTraversal('a\\..\\b'));
  assert.ok(hasTraversal('x%00'));
  assert.ok(!hasTraversal('a/..b/c...'));
});
