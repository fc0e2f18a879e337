// registered-models/search and model-versions/search over real HTTP: MLflow's filter grammar (= != LIKE ILIKE,
// run_id IN, version_number comparisons, tags), case-sensitive LIKE, ordering with its tie-breakers, paging
// with opaque tokens, soft-deleted versions and prompts left out, values bound rather than spliced.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCliServer, type CliServer } from '../support/cliServer';
import { MlflowRestClient } from '../support/mlflowRestClient';
import type { ModelVersion } from '../../extension/tracking/rest/types';
import { RegistryClient } from './registryClient';

let server: CliServer;
let c: RegistryClient;
const runs: string[] = [];
const MODELS = ['alpha', 'Alpha-big', 'beta', 'gamma', "o'brien"];

before(async () => {
  server = await startCliServer();
  const rest = new MlflowRestClient({ trackingUri: server.url, token: server.token });
  c = new RegistryClient(rest);
  await rest.setExperiment('search');
  for (let i = 0; i < 3; i++) {
    runs.push((await rest.startRun()).info.run_id);
    await rest.endRun();
  }
  // alpha: 4 versions, Alpha-big: 3, beta: 2, gamma: 1, o'brien: 1 — created in this order, so the
  // last-updated order is the reverse of creation (ties broken by name ASC, version DESC).
  const counts = [4, 3, 2, 1, 1];
  for (let m = 0; m < MODELS.length; m++) {
    await c.createRegisteredModel(MODELS[m], { team: m % 2 ? 'Risk' : 'growth', ...(m === 3 ? { tier: 'gold' } : {}) });
    for (let v = 0; v < counts[m]; v++) {
      await c.createModelVersion(MODELS[m], `runs:/${runs[v % 3]}/model-${v}`, { tags: { parity: v % 2 ? 'odd' : 'even' } });
    }
  }
  // a prompt (MLflow keeps prompts in the registry too): excluded from both searches unless asked for
  await c.createRegisteredModel('greeting-prompt', { 'mlflow.prompt.is_prompt': 'true' });
  await c.createModelVersion('greeting-prompt', 'mlflow-artifacts:/prompts/greeting', { tags: { 'mlflow.prompt.is_prompt': 'true' } });
  await c.deleteModelVersion('alpha', 2);
});

after(async () => {
  await server?.stop();
});

const names = (r: { registered_models?: { name: string }[] }): string[] => (r.registered_models ?? []).map((m) => m.name);
const ids = (vs: ModelVersion[]): string[] => vs.map((v) => `${v.name}/${v.version}`);

test('registered models: name and tag filters; LIKE is case-sensitive, ILIKE is not', async () => {
  assert.deepEqual(names(await c.searchRegisteredModels()), ['Alpha-big', 'alpha', 'beta', 'gamma', "o'brien"], 'prompts are left out; name ASC (binary)');
  assert.deepEqual(names(await c.searchRegisteredModels({ filter: "name = 'alpha'" })), ['alpha']);
  assert.deepEqual(names(await c.searchRegisteredModels({ filter: "name LIKE 'alpha%'" })), ['alpha']);
  assert.deepEqual(names(await c.searchRegisteredModels({ filter: "name ILIKE 'alpha%'" })), ['Alpha-big', 'alpha']);
  assert.deepEqual(names(await c.searchRegisteredModels({ filter: "name LIKE '_eta'" })), ['beta']);
  assert.deepEqual(names(await c.searchRegisteredModels({ filter: "attribute.name != 'beta' AND name LIKE '%a'" })), ['alpha', 'gamma']);
  assert.deepEqual(names(await c.searchRegisteredModels({ filter: "tags.team = 'Risk'" })), ['Alpha-big', 'gamma']);
  assert.deepEqual(names(await c.searchRegisteredModels({ filter: "tag.team ILIKE 'risk' AND tags.tier = 'gold'" })), ['gamma']);
  assert.deepEqual(names(await c.searchRegisteredModels({ filter: "tags.team LIKE 'risk'" })), []);
  assert.deepEqual(names(await c.searchRegisteredModels({ filter: `name = "o'brien"` })), ["o'brien"], 'a quote inside the other quote style');
  // a value that looks like SQL stays a value
  assert.deepEqual(names(await c.searchRegisteredModels({ filter: "name = 'x'' OR 1=1 --'" })), []);
  assert.deepEqual(names(await c.searchRegisteredModels({ filter: "tags.`mlflow.prompt.is_prompt` = 'true'" })), ['greeting-prompt'], 'prompts when asked for');
});

test('registered models: order_by and paging', async () => {
  assert.deepEqual(names(await c.searchRegisteredModels({ orderBy: ['name DESC'] })), ["o'brien", 'gamma', 'beta', 'alpha', 'Alpha-big']);
  // alpha was updated last (its version 2 was deleted), then o'brien, gamma, …
  assert.deepEqual(names(await c.searchRegisteredModels({ orderBy: ['last_updated_timestamp DESC'] })), ['alpha', "o'brien", 'gamma', 'beta', 'Alpha-big']);
  assert.deepEqual(names(await c.searchRegisteredModels({ orderBy: ['timestamp ASC'] })), ['Alpha-big', 'beta', 'gamma', "o'brien", 'alpha']);
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await c.searchRegisteredModels({ maxResults: 2, pageToken: token });
    assert.ok((page.registered_models ?? []).length <= 2);
    seen.push(...names(page));
    token = page.next_page_token;
    pages++;
  } while (token);
  assert.deepEqual(seen, ['Alpha-big', 'alpha', 'beta', 'gamma', "o'brien"]);
  assert.equal(pages, 3);
  assert.match(String((await c.searchRegisteredModels({ maxResults: 2 })).next_page_token), /^[A-Za-z0-9+/=]+$/);
});

test('model versions: attribute, run_id IN, version_number and tag filters; soft-deleted versions never appear', async () => {
  const all = await c.searchAllModelVersions();
  assert.equal(all.length, 4 + 3 + 2 + 1 + 1 - 1, 'one deleted, the prompt excluded');
  assert.ok(!ids(all).includes('alpha/2'));
  assert.deepEqual(ids(await c.searchAllModelVersions("name = 'alpha'")), ['alpha/4', 'alpha/3', 'alpha/1']);
  assert.deepEqual(ids(await c.searchAllModelVersions("name = 'alpha' AND version_number > 1", 100, ['version_number ASC'])), ['alpha/3', 'alpha/4']);
  assert.deepEqual(ids(await c.searchAllModelVersions("name = 'alpha' AND version_number != '3'", 100, ['version_number'])), ['alpha/1', 'alpha/4']);
  assert.deepEqual(ids(await c.searchAllModelVersions(`run_id = '${runs[2]}'`, 100, ['name', 'version_number'])), ['Alpha-big/3', 'alpha/3']);
  assert.deepEqual(
    ids(await c.searchAllModelVersions(`run_id IN ('${runs[1]}', '${runs[2]}') AND name ILIKE 'ALPHA%'`, 100, ['name ASC', 'version_number ASC'])),
    ['Alpha-big/2', 'Alpha-big/3', 'alpha/3'],
  );
  assert.deepEqual(ids(await c.searchAllModelVersions(`run_id IN ('${runs[1].toUpperCase()}')`)), [], 'ids with capitals are dropped from IN lists, as MLflow does');
  assert.deepEqual(ids(await c.searchAllModelVersions("source_path LIKE '%model-2'", 100, ['name'])), ['Alpha-big/3', 'alpha/3']);
  assert.deepEqual(ids(await c.searchAllModelVersions("tags.parity = 'odd' AND name = 'beta'")), ['beta/2']);
  assert.deepEqual(ids(await c.searchAllModelVersions("tags.parity != 'odd' AND name = 'beta'")), ['beta/1']);
  assert.deepEqual(ids(await c.searchAllModelVersions("tags.missing = 'x'")), []);
  assert.deepEqual(ids(await c.searchAllModelVersions("tags.`mlflow.prompt.is_prompt` = 'true'")), ['greeting-prompt/1']);
});

test('model versions: default order, explicit order, tie-breakers and paging', async () => {
  // default: last_updated_timestamp DESC, name ASC, version_number DESC (alpha/2's delete touched no other version)
  const all = await c.searchAllModelVersions();
  const byTime = [...all].sort((a, b) => b.last_updated_timestamp - a.last_updated_timestamp || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || Number(b.version) - Number(a.version));
  assert.deepEqual(ids(all), ids(byTime));
  assert.deepEqual(ids(all).slice(0, 2), ["o'brien/1", 'gamma/1']);
  const byName = await c.searchAllModelVersions(undefined, 100, ['name ASC']);
  assert.deepEqual(ids(byName).slice(0, 4), ['Alpha-big/3', 'Alpha-big/2', 'Alpha-big/1', 'alpha/4'], 'version_number DESC breaks ties');
  const oldestFirst = await c.searchAllModelVersions(undefined, 100, ['creation_timestamp ASC', 'version_number ASC']);
  assert.deepEqual(ids(oldestFirst).slice(0, 3), ['alpha/1', 'alpha/3', 'alpha/4']);
  // paging: pages of 3 give the same sequence as one page
  const pages: ModelVersion[] = [];
  let token: string | undefined;
  let n = 0;
  do {
    const page = await c.searchModelVersions({ maxResults: 3, pageToken: token, orderBy: ['name ASC'] });
    pages.push(...(page.model_versions ?? []));
    token = page.next_page_token;
    n++;
  } while (token);
  assert.deepEqual(ids(pages), ids(byName));
  assert.equal(n, Math.ceil(byName.length / 3));
  // search results carry tags and aliases
  await c.setRegisteredModelAlias('beta', 'champion', 2);
  const beta = await c.searchAllModelVersions("name = 'beta'");
  assert.deepEqual(beta.find((v) => v.version === '2')?.aliases, ['champion']);
  assert.deepEqual(beta.find((v) => v.version === '2')?.tags, [{ key: 'parity', value: 'odd' }]);
});
