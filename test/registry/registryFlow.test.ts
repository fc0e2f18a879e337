// The Model Registry as the MLflow Python client drives it, over real HTTP against the real CLI server, one
// step after another on the same model: create, versions from runs:/ sources, stage transitions with and
// without archiving, aliases (set, get, move, delete, reserved names refused), tags, descriptions, search,
// download URI, rename, version delete (its number never reused) and model delete (everything gone). After
// every step the audit trail must hold exactly the new records: who, what, before and after.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { userInfo } from 'node:os';
import { startCliServer, type CliServer } from '../support/cliServer';
import { AJAX_PREFIX, MlflowRestClient, rawRequest } from '../support/mlflowRestClient';
import type { ModelVersion, RegistryAuditEntry } from '../../extension/tracking/rest/types';
import { assertError, RegistryClient } from './registryClient';

let server: CliServer;
/** alice: MLFLOW_TRACKING_USERNAME=alice, MLFLOW_TRACKING_PASSWORD=<token> (Basic auth). */
let alice: RegistryClient;
/** bob: MLFLOW_TRACKING_TOKEN plus our attribution header. */
let bob: RegistryClient;
/** a script with only MLFLOW_TRACKING_TOKEN: attributed to the OS user running the server. */
let anonymous: RegistryClient;
let runA: string;
let runB: string;
let expId: string;
const NAME = 'fraud-detector';
const RENAMED = 'fraud-detector-v2';
const osUser = userInfo().username;

/** Audit records seen so far; each step asserts exactly what it appended. */
let seen = 0;
async function newAudit(c: RegistryClient, name: string, count: number): Promise<RegistryAuditEntry[]> {
  const entries = await c.auditEntries(name);
  assert.equal(entries.length, seen + count, `expected ${count} new audit record(s), history is now: ${JSON.stringify(entries.slice(seen))}`);
  const fresh = entries.slice(seen);
  seen = entries.length;
  for (const e of fresh) {
    assert.equal(typeof e.id, 'number');
    assert.ok(Math.abs(Date.now() - e.timestamp) < 60_000, 'timestamps are epoch milliseconds of now');
  }
  return fresh;
}

function by(entry: RegistryAuditEntry, user: string, source: RegistryAuditEntry['user_source']): void {
  assert.equal(entry.user, user, JSON.stringify(entry));
  assert.equal(entry.user_source, source, JSON.stringify(entry));
}

before(async () => {
  server = await startCliServer();
  const tracking = new MlflowRestClient({ trackingUri: server.url, username: 'alice', password: server.token, user: 'alice' });
  alice = new RegistryClient(tracking);
  bob = new RegistryClient(new MlflowRestClient({ trackingUri: server.url, token: server.token }), { 'X-MLflow-Workbench-User': 'bob' });
  anonymous = new RegistryClient(new MlflowRestClient({ trackingUri: server.url, token: server.token }));
  // Two training runs, each logging a model folder through the artifact proxy, as mlflow.sklearn.log_model would.
  expId = (await tracking.setExperiment('fraud')).experiment_id;
  runA = (await tracking.startRun({ runName: 'baseline' })).info.run_id;
  await tracking.logText('artifact_path: model\nflavors: {python_function: {loader_module: mlflow.sklearn}}\n', 'model/MLmodel');
  await tracking.endRun();
  runB = (await tracking.startRun({ runName: 'tuned' })).info.run_id;
  await tracking.logText('artifact_path: model\nflavors: {sklearn: {}}\n', 'model/MLmodel');
  await tracking.endRun();
});

after(async () => {
  await server?.stop();
});

test('create a registered model; creating it again is 400 RESOURCE_ALREADY_EXISTS', async () => {
  const rm = await alice.createRegisteredModel(NAME, { team: 'fraud' }, 'Scores card transactions');
  assert.equal(rm.name, NAME);
  assert.equal(typeof rm.creation_timestamp, 'number');
  assert.equal(rm.last_updated_timestamp, rm.creation_timestamp);
  assert.equal(rm.description, 'Scores card transactions');
  assert.deepEqual(rm.tags, [{ key: 'team', value: 'fraud' }]);
  assert.equal(rm.latest_versions, undefined, 'empty lists are omitted');
  assert.equal(rm.aliases, undefined);
  assertError(await alice.raw('POST', 'registered-models/create', { name: NAME }), 400, 'RESOURCE_ALREADY_EXISTS', 'duplicate');
  assert.deepEqual(await alice.getRegisteredModel(NAME), rm);

  const [created] = await newAudit(alice, NAME, 1);
  assert.equal(created.action, 'createRegisteredModel');
  by(created, 'alice', 'basic-auth');
  assert.equal(created.name, NAME);
  assert.equal(created.before, undefined);
  assert.deepEqual(created.after, { name: NAME, description: 'Scores card transactions', tags: { team: 'fraud' } });
});

test('create versions from runs:/ sources: numbers count up, version is a string, source resolves to the run', async () => {
  const before = await alice.getRegisteredModel(NAME);
  const v1 = await alice.createModelVersion(NAME, `runs:/${runA}/model`, { description: 'baseline' });
  assert.equal(v1.version, '1');
  assert.equal(v1.name, NAME);
  assert.equal(v1.current_stage, 'None');
  assert.equal(v1.status, 'READY');
  assert.equal(v1.source, `runs:/${runA}/model`);
  assert.equal(v1.run_id, runA, 'the run of a runs:/ source is recorded');
  assert.equal(v1.description, 'baseline');
  assert.ok((await alice.getRegisteredModel(NAME)).last_updated_timestamp >= before.last_updated_timestamp);

  // mlflow.register_model('runs:/<B>/model', name): the client sends the run's artifact location and run_id
  const v2 = await alice.registerModel(`runs:/${runB}/model`, NAME, { framework: 'sklearn' });
  assert.equal(v2.version, '2');
  assert.equal(v2.source, `mlflow-artifacts:/${expId}/${runB}/artifacts/model`);
  assert.equal(v2.run_id, runB);
  assert.deepEqual(v2.tags, [{ key: 'framework', value: 'sklearn' }]);
  const v3 = await bob.createModelVersion(NAME, `runs:/${runB}/model`, { runId: runB });
  assert.equal(v3.version, '3');
  assert.deepEqual(await alice.getModelVersion(NAME, 3), v3);

  const uri = await alice.getModelVersionDownloadUri(NAME, '1');
  assert.equal(uri, `mlflow-artifacts:/${expId}/${runA}/artifacts/model`);

  // register_model: the model exists already (tolerated), then a version (4 records: 1 + 1 + 1 for bob)
  const fresh = await newAudit(alice, NAME, 3);
  assert.deepEqual(fresh.map((e) => [e.action, e.version, e.user]), [
    ['createModelVersion', '1', 'alice'],
    ['createModelVersion', '2', 'alice'],
    ['createModelVersion', '3', 'bob'],
  ]);
  by(fresh[2], 'bob', 'header');
  assert.deepEqual(fresh[0].after, {
    source: `runs:/${runA}/model`,
    storage_location: `mlflow-artifacts:/${expId}/${runA}/artifacts/model`,
    run_id: runA,
    run_link: '',
    description: 'baseline',
    current_stage: 'None',
    tags: {},
  });
});

test('stage transitions: case-insensitive; archive_existing_versions archives only the others in the target stage', async () => {
  const staged = await alice.transitionModelVersionStage(NAME, 1, 'staging');
  assert.equal(staged.current_stage, 'Staging');
  const prod2 = await alice.transitionModelVersionStage(NAME, '2', 'PRODUCTION', false);
  assert.equal(prod2.current_stage, 'Production');
  const prod3 = await anonymous.transitionModelVersionStage(NAME, '3', 'Production', true);
  assert.equal(prod3.current_stage, 'Production');
  assert.equal((await alice.getModelVersion(NAME, 2)).current_stage, 'Archived', 'the other Production version is archived');
  assert.equal((await alice.getModelVersion(NAME, 1)).current_stage, 'Staging', 'versions in other stages are left alone');

  const latest = await alice.getLatestVersions(NAME);
  assert.deepEqual(latest.map((v) => [v.version, v.current_stage]).sort(), [['1', 'Staging'], ['2', 'Archived'], ['3', 'Production']]);
  assert.deepEqual((await alice.getLatestVersions(NAME, ['production'])).map((v) => v.version), ['3']);
  assert.deepEqual((await alice.getLatestVersions(NAME, ['None'])).map((v) => v.version), []);
  const rm = await alice.getRegisteredModel(NAME);
  assert.deepEqual(rm.latest_versions?.map((v) => [v.version, v.current_stage]).sort(), [['1', 'Staging'], ['2', 'Archived'], ['3', 'Production']]);

  // archiving into a non-active stage is refused (400, not MLflow's 500 the Python client would retry)
  assertError(await alice.raw('POST', 'model-versions/transition-stage', { name: NAME, version: '1', stage: 'Archived', archive_existing_versions: true }), 400, 'INVALID_PARAMETER_VALUE', 'archive into Archived');
  assertError(await alice.raw('POST', 'model-versions/transition-stage', { name: NAME, version: '1', stage: 'Prod' }), 400, 'INVALID_PARAMETER_VALUE', 'unknown stage');

  const fresh = await newAudit(alice, NAME, 4);
  assert.deepEqual(fresh.map((e) => [e.action, e.version, e.before, e.after]), [
    ['transitionModelVersionStage', '1', { current_stage: 'None' }, { current_stage: 'Staging', archive_existing_versions: false }],
    ['transitionModelVersionStage', '2', { current_stage: 'None' }, { current_stage: 'Production', archive_existing_versions: false }],
    ['transitionModelVersionStage', '2', { current_stage: 'Production' }, { current_stage: 'Archived', archived_by: { version: '3', stage: 'Production' } }],
    ['transitionModelVersionStage', '3', { current_stage: 'None' }, { current_stage: 'Production', archive_existing_versions: true }],
  ]);
  by(fresh[2], osUser, 'os');
  by(fresh[3], osUser, 'os');
});

test('aliases: set, get, move, delete; latest and v<digits> are reserved; an unknown alias is 400', async () => {
  await alice.setRegisteredModelAlias(NAME, 'champion', 3);
  await alice.setRegisteredModelAlias(NAME, 'challenger', '1');
  let champion = await alice.getModelVersionByAlias(NAME, 'champion');
  assert.equal(champion.version, '3');
  assert.deepEqual(champion.aliases, ['champion']);
  assert.deepEqual((await alice.getRegisteredModel(NAME)).aliases, [{ alias: 'challenger', version: '1' }, { alias: 'champion', version: '3' }]);

  // moving: setting an existing alias points it at the new version
  await bob.setRegisteredModelAlias(NAME, 'champion', 1);
  champion = await alice.getModelVersionByAlias(NAME, 'champion');
  assert.equal(champion.version, '1');
  assert.deepEqual(champion.aliases, ['challenger', 'champion'], 'a version may carry several aliases');
  assert.equal((await alice.getModelVersion(NAME, 3)).aliases, undefined);

  for (const reserved of ['latest', 'LATEST', 'v1', 'V22']) {
    assertError(await alice.raw('POST', 'registered-models/alias', { name: NAME, alias: reserved, version: '1' }), 400, 'INVALID_PARAMETER_VALUE', `reserved ${reserved}`);
  }
  assertError(await alice.raw('POST', 'registered-models/alias', { name: NAME, alias: 'has space', version: '1' }), 400, 'INVALID_PARAMETER_VALUE', 'bad characters');
  assertError(await alice.raw('POST', 'registered-models/alias', { name: NAME, alias: 'ghost', version: '99' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'alias to a missing version');
  // reading `latest` gives the newest version
  assert.equal((await alice.getModelVersionByAlias(NAME, 'latest')).version, '3');

  await alice.deleteRegisteredModelAlias(NAME, 'challenger');
  assertError(await alice.raw('GET', 'registered-models/alias', { name: NAME, alias: 'challenger' }), 400, 'INVALID_PARAMETER_VALUE', 'deleted alias');
  await alice.deleteRegisteredModelAlias(NAME, 'never-set'); // a no-op, as in MLflow
  assert.deepEqual((await alice.getRegisteredModel(NAME)).aliases, [{ alias: 'champion', version: '1' }]);

  const fresh = await newAudit(alice, NAME, 4);
  assert.deepEqual(fresh.map((e) => [e.action, e.user, e.before, e.after]), [
    ['setRegisteredModelAlias', 'alice', undefined, { alias: 'champion', version: '3' }],
    ['setRegisteredModelAlias', 'alice', undefined, { alias: 'challenger', version: '1' }],
    ['setRegisteredModelAlias', 'bob', { alias: 'champion', version: '3' }, { alias: 'champion', version: '1' }],
    ['deleteRegisteredModelAlias', 'alice', { alias: 'challenger', version: '1' }, undefined],
  ]);
});

test('tags on models and versions: set, overwrite, delete (a missing one is a no-op)', async () => {
  await alice.setRegisteredModelTag(NAME, 'owner', 'alice');
  await alice.setRegisteredModelTag(NAME, 'owner', 'risk-team');
  await alice.setModelVersionTag(NAME, 1, 'validation_status', 'approved');
  await alice.setModelVersionTag(NAME, '3', 'validation_status', 'pending');
  await alice.deleteRegisteredModelTag(NAME, 'team');
  await alice.deleteRegisteredModelTag(NAME, 'team');
  await alice.deleteModelVersionTag(NAME, 3, 'validation_status');
  assert.deepEqual((await alice.getRegisteredModel(NAME)).tags, [{ key: 'owner', value: 'risk-team' }]);
  assert.deepEqual((await alice.getModelVersion(NAME, 1)).tags, [{ key: 'validation_status', value: 'approved' }]);
  assert.equal((await alice.getModelVersion(NAME, 3)).tags, undefined);
  assertError(await alice.raw('POST', 'model-versions/set-tag', { name: NAME, version: '42', key: 'k', value: 'v' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'tag on a missing version');

  const fresh = await newAudit(alice, NAME, 6);
  assert.deepEqual(fresh.map((e) => [e.action, e.version, e.before, e.after]), [
    ['setRegisteredModelTag', undefined, undefined, { key: 'owner', value: 'alice' }],
    ['setRegisteredModelTag', undefined, { key: 'owner', value: 'alice' }, { key: 'owner', value: 'risk-team' }],
    ['setModelVersionTag', '1', undefined, { key: 'validation_status', value: 'approved' }],
    ['setModelVersionTag', '3', undefined, { key: 'validation_status', value: 'pending' }],
    ['deleteRegisteredModelTag', undefined, { key: 'team', value: 'fraud' }, undefined],
    ['deleteModelVersionTag', '3', { key: 'validation_status', value: 'pending' }, undefined],
  ]);
});

test('descriptions of models and versions (PATCH)', async () => {
  const rm = await alice.updateRegisteredModel(NAME, 'Scores card transactions in real time');
  assert.equal(rm.description, 'Scores card transactions in real time');
  const mv = await alice.updateModelVersion(NAME, 3, 'tuned on Q3 data');
  assert.equal(mv.description, 'tuned on Q3 data');
  assert.ok(mv.last_updated_timestamp >= mv.creation_timestamp);
  // the UI's prefix serves the same RPCs
  const viaAjax = await alice.call<{ model_version: ModelVersion }>('GET', 'model-versions/get', { name: NAME, version: '3' }, AJAX_PREFIX);
  assert.equal(viaAjax.model_version.description, 'tuned on Q3 data');

  const fresh = await newAudit(alice, NAME, 2);
  assert.deepEqual(fresh.map((e) => [e.action, e.version, e.before, e.after]), [
    ['updateRegisteredModel', undefined, { description: 'Scores card transactions' }, { description: 'Scores card transactions in real time' }],
    ['updateModelVersion', '3', { description: '' }, { description: 'tuned on Q3 data' }],
  ]);
});

test('search models and versions with filters and paging', async () => {
  await alice.createRegisteredModel('churn-model');
  const models = await alice.searchRegisteredModels({ filter: "name LIKE 'fraud%'" });
  assert.deepEqual(models.registered_models?.map((m) => m.name), [NAME]);
  assert.deepEqual((await alice.searchRegisteredModels({ filter: "tags.owner = 'risk-team'" })).registered_models?.map((m) => m.name), [NAME]);
  const all = await alice.searchRegisteredModels({ maxResults: 1 });
  assert.equal(all.registered_models?.length, 1);
  assert.equal(all.registered_models?.[0].name, 'churn-model', 'name ASC by default');
  const page2 = await alice.searchRegisteredModels({ maxResults: 1, pageToken: all.next_page_token });
  assert.equal(page2.registered_models?.[0].name, NAME);
  assert.equal(page2.next_page_token, undefined);

  const approved = await alice.searchAllModelVersions(`name = '${NAME}' AND tags.validation_status = 'approved'`);
  assert.deepEqual(approved.map((v) => v.version), ['1']);
  assert.deepEqual(approved[0].aliases, ['champion']);
  const fromB = await alice.searchAllModelVersions(`run_id = '${runB}'`, 1, ['version_number ASC']);
  assert.deepEqual(fromB.map((v) => v.version), ['2', '3'], 'paged one by one');
  const newer = await alice.searchAllModelVersions(`name = '${NAME}' AND version_number >= 2`);
  assert.deepEqual(newer.map((v) => v.version).sort(), ['2', '3']);
  await newAudit(alice, NAME, 0); // reads record nothing
});

test('download URI and models:/ resolution; the files are really there', async () => {
  assert.equal(await alice.getModelVersionDownloadUri(NAME, 3), `mlflow-artifacts:/${expId}/${runB}/artifacts/model`);
  assert.equal(await alice.getModelVersionDownloadUri(NAME, 2), `mlflow-artifacts:/${expId}/${runB}/artifacts/model`);
  const resolved = await alice.resolveUri(`models:/${NAME}@champion`);
  assert.deepEqual(resolved, { name: NAME, version: '1', artifact_uri: `mlflow-artifacts:/${expId}/${runA}/artifacts/model`, run_id: runA });
  assert.equal((await alice.resolveUri(`models:/${NAME}/Production`)).version, '3');
  assert.equal((await alice.resolveUri(`models:/${NAME}/staging`)).version, '1');
  assert.equal((await alice.resolveUri(`models:/${NAME}/latest`)).version, '3');
  assert.equal((await alice.resolveUri(`models:/${NAME}/2`)).version, '2');
  assertError(await alice.raw('GET', 'model-uris/resolve', { uri: `models:/${NAME}@nobody` }, '/api/2.0/mlflow-workbench'), 400, 'INVALID_PARAMETER_VALUE', 'unknown alias');
  assertError(await alice.raw('GET', 'model-uris/resolve', { uri: `models:/${NAME}/None` }, '/api/2.0/mlflow-workbench'), 404, 'RESOURCE_DOES_NOT_EXIST', 'no version in None');

  // the Python client downloads `mlflow-artifacts:/<exp>/<run>/artifacts/model/MLmodel` through the proxy
  const file = await alice.rest.http('GET', `/api/2.0/mlflow-artifacts/artifacts/${expId}/${runA}/artifacts/model/MLmodel`);
  assert.equal(file.status, 200);
  assert.match(file.text, /mlflow\.sklearn/);
  // the UI's model-version artifact route reads the same file, confined to the version's folder
  const ui = await rawRequest(server.url, { method: 'GET', path: `/model-versions/get-artifact?name=${NAME}&version=1&path=MLmodel`, headers: alice.rest.baseHeaders() });
  assert.equal(ui.status, 200, ui.text);
  assert.match(ui.text, /mlflow\.sklearn/);
  const escape = await rawRequest(server.url, { method: 'GET', path: `/model-versions/get-artifact?name=${NAME}&version=1&path=../../${runB}/artifacts/model/MLmodel`, headers: alice.rest.baseHeaders() });
  assert.equal(escape.status, 400, escape.text);
  await newAudit(alice, NAME, 0);
});

test('rename: the versions, aliases and history follow; the old name is gone; renaming onto a taken name is 400', async () => {
  assertError(await alice.raw('POST', 'registered-models/rename', { name: NAME, new_name: 'churn-model' }), 400, 'RESOURCE_ALREADY_EXISTS', 'rename onto a taken name');
  const rm = await alice.renameRegisteredModel(NAME, RENAMED);
  assert.equal(rm.name, RENAMED);
  assert.ok(rm.latest_versions?.every((v) => v.name === RENAMED));
  assertError(await alice.raw('GET', 'registered-models/get', { name: NAME }), 404, 'RESOURCE_DOES_NOT_EXIST', 'old name');
  assert.equal((await alice.getModelVersion(RENAMED, 3)).name, RENAMED);
  assert.equal((await alice.getModelVersionByAlias(RENAMED, 'champion')).version, '1');
  assert.deepEqual((await alice.searchAllModelVersions(`name = '${NAME}'`)).length, 0);

  const [renamed] = await newAudit(alice, RENAMED, 1);
  assert.equal(renamed.action, 'renameRegisteredModel');
  assert.deepEqual([renamed.before, renamed.after, renamed.name], [{ name: NAME }, { name: RENAMED }, RENAMED]);
  const history = await alice.auditEntries(RENAMED);
  assert.equal(history[0].name, NAME, 'older records keep the name the model had then');
});

test('delete a version: hidden everywhere, aliases dropped, and its number is never reused', async () => {
  await alice.setRegisteredModelAlias(RENAMED, 'shadow', 3);
  await alice.deleteModelVersion(RENAMED, 3);
  assertError(await alice.raw('GET', 'model-versions/get', { name: RENAMED, version: '3' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'deleted version');
  assertError(await alice.raw('GET', 'registered-models/alias', { name: RENAMED, alias: 'shadow' }), 400, 'INVALID_PARAMETER_VALUE', 'its alias');
  assertError(await alice.raw('DELETE', 'model-versions/delete', { name: RENAMED, version: '3' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'deleting twice');
  assert.deepEqual((await alice.searchAllModelVersions(`name = '${RENAMED}'`)).map((v) => v.version).sort(), ['1', '2']);
  const rm = await alice.getRegisteredModel(RENAMED);
  assert.deepEqual(rm.aliases, [{ alias: 'champion', version: '1' }]);
  assert.ok(!rm.latest_versions?.some((v) => v.version === '3'), 'Production has no live version now');
  assert.equal((await alice.resolveUri(`models:/${RENAMED}/latest`)).version, '2');

  const v4 = await alice.createModelVersion(RENAMED, `runs:/${runB}/model`);
  assert.equal(v4.version, '4', 'max over every version ever + 1');
  await alice.deleteModelVersion(RENAMED, 4);
  assert.equal((await alice.createModelVersion(RENAMED, `runs:/${runA}/model`)).version, '5');

  const fresh = await newAudit(alice, RENAMED, 5);
  assert.deepEqual(fresh.map((e) => [e.action, e.version]), [
    ['setRegisteredModelAlias', '3'],
    ['deleteModelVersion', '3'],
    ['createModelVersion', '4'],
    ['deleteModelVersion', '4'],
    ['createModelVersion', '5'],
  ]);
  const deleted = fresh[1];
  assert.deepEqual(deleted.before, {
    current_stage: 'Production',
    source: `runs:/${runB}/model`,
    storage_location: `mlflow-artifacts:/${expId}/${runB}/artifacts/model`,
    run_id: runB,
    run_link: '',
    description: 'tuned on Q3 data',
    aliases: ['shadow'],
  });
  assert.deepEqual(deleted.after, { deleted: true, source: 'REDACTED-SOURCE-PATH', run_id: 'REDACTED-RUN-ID', run_link: 'REDACTED-RUN-LINK' });
});

test('the audit trail cannot be written through the API and pages like MLflow searches', async () => {
  const all = await alice.auditEntries(RENAMED);
  const page1 = await alice.audit(RENAMED, { maxResults: 10 });
  assert.equal(page1.entries?.length, 10);
  const page2 = await alice.audit(RENAMED, { maxResults: 10, pageToken: page1.next_page_token });
  assert.deepEqual([...(page1.entries ?? []), ...(page2.entries ?? [])].map((e) => e.id), all.slice(0, 20).map((e) => e.id));
  assert.deepEqual(all.map((e) => e.id), [...all.map((e) => e.id)].sort((a, b) => a - b), 'ids grow');
  for (const method of ['POST', 'PATCH', 'DELETE'] as const) {
    const res = await alice.raw(method, 'registered-models/audit', { name: RENAMED }, '/api/2.0/mlflow-workbench');
    assert.equal(res.status, 405, `${method} on the audit endpoint`);
  }
  assertError(await alice.raw('GET', 'registered-models/audit', { name: 'no-such-model' }, '/api/2.0/mlflow-workbench'), 404, 'RESOURCE_DOES_NOT_EXIST', 'unknown model');
  assert.deepEqual(await alice.auditEntries(RENAMED), all);
});

test('delete the model: versions, tags, aliases and history go; one record of the deletion stays', async () => {
  const before = await alice.getRegisteredModel(RENAMED);
  await bob.deleteRegisteredModel(RENAMED);
  assertError(await alice.raw('GET', 'registered-models/get', { name: RENAMED }), 404, 'RESOURCE_DOES_NOT_EXIST', 'deleted model');
  assertError(await alice.raw('GET', 'model-versions/get', { name: RENAMED, version: '1' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'its version');
  assertError(await alice.raw('GET', 'registered-models/alias', { name: RENAMED, alias: 'champion' }), 400, 'INVALID_PARAMETER_VALUE', 'its alias');
  assertError(await alice.raw('DELETE', 'registered-models/delete', { name: RENAMED }), 404, 'RESOURCE_DOES_NOT_EXIST', 'deleting twice');
  assert.deepEqual(await alice.searchAllModelVersions(`name = '${RENAMED}'`), []);
  assert.deepEqual((await alice.searchRegisteredModels()).registered_models?.map((m) => m.name), ['churn-model']);

  const history = await alice.auditEntries(RENAMED);
  assert.equal(history.length, 1, JSON.stringify(history));
  const [tombstone] = history;
  assert.equal(tombstone.action, 'deleteRegisteredModel');
  by(tombstone, 'bob', 'header');
  assert.deepEqual(tombstone.before, {
    name: RENAMED,
    description: before.description,
    tags: { owner: 'risk-team' },
    aliases: { champion: '1' },
    versions: { '1': 'Staging', '2': 'Archived', '5': 'None' },
  });
  assert.equal(tombstone.after, undefined);

  // the name is free again: a new model starts its own numbering and history
  const again = await alice.createRegisteredModel(RENAMED);
  assert.equal(again.latest_versions, undefined);
  assert.equal((await alice.createModelVersion(RENAMED, `runs:/${runA}/model`)).version, '1');
  assert.deepEqual((await alice.auditEntries(RENAMED)).map((e) => e.action), ['createRegisteredModel', 'createModelVersion']);
});
