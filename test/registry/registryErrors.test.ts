// Every predictable registry failure answers MLflow's error JSON with the status and error_code the Python
// client depends on (reference §6.4): already exists and unknown alias are 400, missing things 404, bad input
// 400, wrong methods 405. Never a 5xx: the Python client retries those for minutes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCliServer, type CliServer } from '../support/cliServer';
import { MlflowRestClient, rawRequest } from '../support/mlflowRestClient';
import { assertError, RegistryClient } from './registryClient';

let server: CliServer;
let c: RegistryClient;
let runId: string;
let expId: string;
const M = 'err-model';
const UNKNOWN_RUN = '0123456789abcdef0123456789abcdef';

before(async () => {
  server = await startCliServer();
  const rest = new MlflowRestClient({ trackingUri: server.url, token: server.token });
  c = new RegistryClient(rest);
  expId = (await rest.setExperiment('errors')).experiment_id;
  runId = (await rest.startRun()).info.run_id;
  await c.createRegisteredModel(M);
  await c.createModelVersion(M, `runs:/${runId}/model`);
  await c.createRegisteredModel('other-model');
});

after(async () => {
  // none of the calls above or below may have been answered with a 5xx
  assert.deepEqual(c.rest.calls.filter((x) => x.status >= 500), []);
  await server?.stop();
});

test('RESOURCE_ALREADY_EXISTS is 400: duplicate create, rename onto a taken name', async () => {
  assertError(await c.raw('POST', 'registered-models/create', { name: M }), 400, 'RESOURCE_ALREADY_EXISTS', 'create');
  assertError(await c.raw('POST', 'registered-models/rename', { name: 'other-model', new_name: M }), 400, 'RESOURCE_ALREADY_EXISTS', 'rename');
  // names are case-sensitive: this is another model
  assert.equal((await c.createRegisteredModel(M.toUpperCase())).name, M.toUpperCase());
});

test('RESOURCE_DOES_NOT_EXIST is 404: models, versions and runs that are not there', async () => {
  const cases: Array<[string, 'GET' | 'POST' | 'PATCH' | 'DELETE', string, Record<string, unknown>]> = [
    ['get model', 'GET', 'registered-models/get', { name: 'nope' }],
    ['update model', 'PATCH', 'registered-models/update', { name: 'nope', description: 'x' }],
    ['rename model', 'POST', 'registered-models/rename', { name: 'nope', new_name: 'nope2' }],
    ['delete model', 'DELETE', 'registered-models/delete', { name: 'nope' }],
    ['latest versions', 'POST', 'registered-models/get-latest-versions', { name: 'nope' }],
    ['latest versions (GET)', 'GET', 'registered-models/get-latest-versions', { name: 'nope' }],
    ['model tag', 'POST', 'registered-models/set-tag', { name: 'nope', key: 'k', value: 'v' }],
    ['delete model tag', 'DELETE', 'registered-models/delete-tag', { name: 'nope', key: 'k' }],
    ['version of missing model', 'POST', 'model-versions/create', { name: 'nope', source: `runs:/${runId}/model` }],
    ['get version', 'GET', 'model-versions/get', { name: M, version: '99' }],
    ['update version', 'PATCH', 'model-versions/update', { name: M, version: '99', description: 'x' }],
    ['transition version', 'POST', 'model-versions/transition-stage', { name: M, version: '99', stage: 'Staging', archive_existing_versions: false }],
    ['delete version', 'DELETE', 'model-versions/delete', { name: M, version: '99' }],
    ['download uri', 'GET', 'model-versions/get-download-uri', { name: M, version: '99' }],
    ['version tag', 'POST', 'model-versions/set-tag', { name: M, version: '99', key: 'k', value: 'v' }],
    ['delete version tag', 'DELETE', 'model-versions/delete-tag', { name: M, version: '99', key: 'k' }],
    ['alias to missing version', 'POST', 'registered-models/alias', { name: M, alias: 'champion', version: '99' }],
    ['delete alias of missing model', 'DELETE', 'registered-models/alias', { name: 'nope', alias: 'champion' }],
    ['runs:/ of an unknown run', 'POST', 'model-versions/create', { name: M, source: `runs:/${UNKNOWN_RUN}/model` }],
    ['local source with an unknown run_id', 'POST', 'model-versions/create', { name: M, source: '/tmp/model', run_id: UNKNOWN_RUN }],
  ];
  for (const [what, method, endpoint, fields] of cases) assertError(await c.raw(method, endpoint, fields), 404, 'RESOURCE_DOES_NOT_EXIST', what);
});

test('an unknown alias is INVALID_PARAMETER_VALUE (400), not 404', async () => {
  assertError(await c.raw('GET', 'registered-models/alias', { name: M, alias: 'nobody' }), 400, 'INVALID_PARAMETER_VALUE', 'unknown alias');
  assertError(await c.raw('GET', 'registered-models/alias', { name: M, alias: 'v1' }), 400, 'INVALID_PARAMETER_VALUE', 'v1 is never an alias');
});

test('missing required fields: 400 INVALID_PARAMETER_VALUE naming the field', async () => {
  const cases: Array<[string, 'GET' | 'POST' | 'PATCH' | 'DELETE', string, Record<string, unknown>, string]> = [
    ['create without name', 'POST', 'registered-models/create', {}, 'name'],
    ['rename without new_name', 'POST', 'registered-models/rename', { name: M }, 'new_name'],
    ['get without name', 'GET', 'registered-models/get', {}, 'name'],
    ['version without source', 'POST', 'model-versions/create', { name: M }, 'source'],
    ['get version without version', 'GET', 'model-versions/get', { name: M }, 'version'],
    ['transition without stage', 'POST', 'model-versions/transition-stage', { name: M, version: '1' }, 'stage'],
    ['alias without version', 'POST', 'registered-models/alias', { name: M, alias: 'a' }, 'version'],
    ['alias without alias', 'GET', 'registered-models/alias', { name: M }, 'alias'],
    ['tag without key', 'POST', 'registered-models/set-tag', { name: M, value: 'v' }, 'key'],
    ['download without version', 'GET', 'model-versions/get-download-uri', { name: M }, 'version'],
  ];
  for (const [what, method, endpoint, fields, field] of cases) {
    const res = await c.raw(method, endpoint, fields);
    assertError(res, 400, 'INVALID_PARAMETER_VALUE', what);
    assert.match(res.json<{ message: string }>().message, new RegExp(`'${field}'`), what);
  }
});

test('bad values: 400 INVALID_PARAMETER_VALUE', async () => {
  const cases: Array<[string, 'GET' | 'POST' | 'PATCH' | 'DELETE', string, Record<string, unknown>]> = [
    ['name with /', 'POST', 'registered-models/create', { name: 'a/b' }],
    ['name with :', 'POST', 'registered-models/create', { name: 'a:b' }],
    ['name ..x', 'POST', 'registered-models/create', { name: '..x' }],
    ['blank name', 'POST', 'registered-models/create', { name: '   ' }],
    ['rename to an invalid name', 'POST', 'registered-models/rename', { name: M, new_name: 'x/y' }],
    ['bad tag key', 'POST', 'registered-models/create', { name: 'tagged', tags: [{ key: 'a#b', value: 'v' }] }],
    ['tag value too long', 'POST', 'model-versions/set-tag', { name: M, version: '1', key: 'k', value: 'x'.repeat(100_001) }],
    ['non-integer version', 'GET', 'model-versions/get', { name: M, version: 'one' }],
    ['fractional version', 'POST', 'registered-models/alias', { name: M, alias: 'a', version: '1.5' }],
    ['unknown stage', 'POST', 'model-versions/transition-stage', { name: M, version: '1', stage: 'Prod' }],
    ['Deleted_Internal is not a stage', 'POST', 'model-versions/transition-stage', { name: M, version: '1', stage: 'Deleted_Internal' }],
    ['archive into None', 'POST', 'model-versions/transition-stage', { name: M, version: '1', stage: 'None', archive_existing_versions: true }],
    ['archive_existing_versions not a bool', 'POST', 'model-versions/transition-stage', { name: M, version: '1', stage: 'Staging', archive_existing_versions: 'maybe' }],
    ['reserved alias latest', 'POST', 'registered-models/alias', { name: M, alias: 'Latest', version: '1' }],
    ['reserved alias v3', 'POST', 'registered-models/alias', { name: M, alias: 'v3', version: '1' }],
    ['alias with a dot', 'POST', 'registered-models/alias', { name: M, alias: 'a.b', version: '1' }],
    ['alias too long', 'POST', 'registered-models/alias', { name: M, alias: 'a'.repeat(256), version: '1' }],
    ['latest versions of an unknown stage', 'POST', 'registered-models/get-latest-versions', { name: M, stages: ['Prod'] }],
    ['OR in a filter', 'GET', 'model-versions/search', { filter: "name = 'a' OR name = 'b'" }],
    ['unknown attribute', 'GET', 'model-versions/search', { filter: "stage = 'Production'" }],
    ['unquoted value', 'GET', 'registered-models/search', { filter: 'name = fraud' }],
    ['number for a string attribute', 'GET', 'model-versions/search', { filter: 'run_id = 5' }],
    ['LIKE on version_number', 'GET', 'model-versions/search', { filter: "version_number LIKE '1%'" }],
    ['IN on name', 'GET', 'model-versions/search', { filter: "name IN ('a', 'b')" }],
    ['registered models have no run_id', 'GET', 'registered-models/search', { filter: "run_id = 'x'" }],
    ['bad order_by key', 'GET', 'model-versions/search', { order_by: ['stage DESC'] }],
    ['duplicate order_by', 'GET', 'registered-models/search', { order_by: ['timestamp DESC', 'last_updated_timestamp'] }],
    ['max_results over 1000 for models', 'GET', 'registered-models/search', { max_results: 1001 }],
    ['max_results over 200000 for versions', 'GET', 'model-versions/search', { max_results: 200_001 }],
    ['max_results 0', 'GET', 'model-versions/search', { max_results: 0 }],
    ['bad page token', 'GET', 'model-versions/search', { page_token: 'not-a-token' }],
    ['malformed models:/ source', 'POST', 'model-versions/create', { name: M, source: 'models:/a/b/c' }],
  ];
  for (const [what, method, endpoint, fields] of cases) assertError(await c.raw(method, endpoint, fields), 400, 'INVALID_PARAMETER_VALUE', what);
});

test('unsafe sources are refused: traversal, encoded traversal, NUL, local paths outside the run', async () => {
  const sources: Array<[string, string | undefined]> = [
    [`runs:/${runId}/../../${UNKNOWN_RUN}/artifacts`, undefined],
    [`runs:/${runId}/model/%2e%2e/%2e%2e/secrets`, undefined],
    [`mlflow-artifacts:/${expId}/${runId}/artifacts/../../../../etc`, undefined],
    ['mlflow-artifacts://localhost:5000/..%2f..%2f..%2fetc%2fpasswd', undefined],
    ['mlflow-artifacts:/1/x/%252e%252e%252f%252e%252e%252fetc', undefined],
    ['http://localhost/api/2.0/mlflow-artifacts/artifacts%00', undefined],
    ['http://localhost/a/b%23/../../../../etc', undefined],
    ['s3://bucket/models/../../other', undefined],
    ['/etc', undefined], // a local path without run_id
    ['/etc/passwd', runId], // a local path outside the run
    ['file:///etc/passwd', runId],
    [`${server.storeDir}/artifacts/${expId}/${runId}/artifacts/../../../../tracking.db`, runId],
  ];
  for (const [source, run] of sources) {
    assertError(await c.raw('POST', 'model-versions/create', { name: M, source, run_id: run }), 400, 'INVALID_PARAMETER_VALUE', source);
  }
  // a local path inside the run's artifact folder is fine, and stored as the proxy URI
  const inside = await c.createModelVersion(M, `${server.storeDir}/artifacts/${expId}/${runId}/artifacts/model`, { runId });
  assert.equal(await c.getModelVersionDownloadUri(M, inside.version), `mlflow-artifacts:/${expId}/${runId}/artifacts/model`);
  // refused attempts consumed no version number
  assert.equal(inside.version, '2');
});

test('a models:/ source is resolved to the location of the version it names', async () => {
  await c.setRegisteredModelAlias(M, 'base', 1);
  const copy = await c.createModelVersion('other-model', `models:/${M}@base`);
  assert.equal(copy.source, `models:/${M}@base`);
  assert.equal(copy.run_id, runId, 'the run comes along');
  assert.equal(await c.getModelVersionDownloadUri('other-model', copy.version), `mlflow-artifacts:/${expId}/${runId}/artifacts/model`);
  assertError(await c.raw('POST', 'model-versions/create', { name: 'other-model', source: `models:/${M}@missing` }), 400, 'INVALID_PARAMETER_VALUE', 'unknown alias');
  assertError(await c.raw('POST', 'model-versions/create', { name: 'other-model', source: `models:/${M}/77` }), 404, 'RESOURCE_DOES_NOT_EXIST', 'missing version');
  assertError(await c.raw('POST', 'model-versions/create', { name: 'other-model', source: 'models:/m-0123abcd' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'logged model id');
});

test('wrong methods are 405 with an Allow header; unknown endpoints 404; no token 401', async () => {
  const wrong: Array<['GET' | 'POST' | 'PATCH' | 'DELETE', string]> = [
    ['GET', 'registered-models/create'],
    ['POST', 'registered-models/update'],
    ['POST', 'registered-models/delete'],
    ['POST', 'model-versions/search'],
    ['GET', 'model-versions/transition-stage'],
    ['PATCH', 'registered-models/alias'],
  ];
  for (const [method, endpoint] of wrong) {
    const res = await c.raw(method, endpoint, { name: M });
    assert.equal(res.status, 405, `${method} ${endpoint}: ${res.text}`);
    assert.ok(res.headers.allow, `${method} ${endpoint} names the allowed methods`);
  }
  assertError(await c.raw('GET', 'registered-models/list-everything', {}), 404, 'ENDPOINT_NOT_FOUND', 'unknown endpoint');
  const anonymous = await rawRequest(server.url, { method: 'GET', path: `/api/2.0/mlflow/registered-models/get?name=${M}` });
  assert.equal(anonymous.status, 401);
  const noTokenAudit = await rawRequest(server.url, { method: 'GET', path: `/api/2.0/mlflow-workbench/registered-models/audit?name=${M}` });
  assert.equal(noTokenAudit.status, 401, 'the audit trail needs the token too');
});

test('a DELETE may carry its fields in the query string', async () => {
  await c.setRegisteredModelTag(M, 'temp', '1');
  const res = await rawRequest(server.url, { method: 'DELETE', path: `/api/2.0/mlflow/registered-models/delete-tag?name=${M}&key=temp`, headers: c.rest.baseHeaders() });
  assert.equal(res.status, 200, res.text);
  assert.equal((await c.getRegisteredModel(M)).tags, undefined);
});

test('failed mutations are not recorded in the audit trail', async () => {
  const history = await c.auditEntries(M);
  assertError(await c.raw('POST', 'registered-models/alias', { name: M, alias: 'latest', version: '1' }), 400, 'INVALID_PARAMETER_VALUE', 'reserved');
  assertError(await c.raw('POST', 'model-versions/transition-stage', { name: M, version: '9', stage: 'Staging' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'missing');
  assert.deepEqual(await c.auditEntries(M), history);
});
