// The registry lives in the tracking store's database and journal: it must come back identical, audit trail
// included, after a clean restart (checkpoint) and after a crash (kill -9: journal replay), and the rules that
// depend on history (version numbers never reused, audit ids growing) must hold across both.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startCliServer, type CliServer } from '../support/cliServer';
import { MlflowRestClient } from '../support/mlflowRestClient';
import type { ModelVersion, RegisteredModel, RegistryAuditEntry } from '../../extension/tracking/rest/types';
import { RegistryClient } from './registryClient';

const servers: CliServer[] = [];
const tempDirs: string[] = [];

after(async () => {
  for (const s of servers) await s.stop({ keep: true });
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

async function start(storeDir?: string): Promise<{ server: CliServer; c: RegistryClient }> {
  const server = await startCliServer(storeDir ? { storeDir } : {});
  servers.push(server);
  tempDirs.push(server.tempDir); // the first one holds the store the others reopen: removed at the very end
  return { server, c: new RegistryClient(new MlflowRestClient({ trackingUri: server.url, username: 'carol', password: server.token })) };
}

interface Snapshot {
  models: RegisteredModel[];
  versions: ModelVersion[];
  audit: Record<string, RegistryAuditEntry[]>;
  champion: ModelVersion;
}

async function snapshot(c: RegistryClient): Promise<Snapshot> {
  const models = (await c.searchRegisteredModels()).registered_models ?? [];
  const audit: Record<string, RegistryAuditEntry[]> = {};
  for (const name of [...models.map((m) => m.name), 'scratch']) audit[name] = await c.auditEntries(name);
  return { models, versions: await c.searchAllModelVersions(), audit, champion: await c.getModelVersionByAlias('ranker', 'champion') };
}

/** A history with every kind of mutation, each acknowledged (so journaled and fsync'ed) before the next. */
async function buildHistory(c: RegistryClient, runId: string): Promise<void> {
  await c.createRegisteredModel('ranker', { team: 'search' }, 'ranks results');
  for (let i = 0; i < 4; i++) await c.createModelVersion('ranker', `runs:/${runId}/model`, { tags: { i: String(i) } });
  await c.transitionModelVersionStage('ranker', 1, 'Production');
  await c.transitionModelVersionStage('ranker', 2, 'production', true);
  await c.setRegisteredModelAlias('ranker', 'champion', 2);
  await c.setRegisteredModelAlias('ranker', 'champion', 3);
  await c.setModelVersionTag('ranker', 3, 'approved', 'yes');
  await c.updateModelVersion('ranker', 3, 'third');
  await c.updateRegisteredModel('ranker', 'ranks results, v2');
  await c.deleteModelVersion('ranker', 4);
  await c.createRegisteredModel('scratch');
  await c.createModelVersion('scratch', `runs:/${runId}/model`);
  await c.deleteRegisteredModel('scratch');
  await c.createRegisteredModel('old-name');
  await c.renameRegisteredModel('old-name', 'new-name');
}

test('the registry survives a clean restart and a kill -9 of the server on the same store', async () => {
  const first = await start();
  const rest = first.c.rest;
  await rest.setExperiment('restart');
  const runId = (await rest.startRun()).info.run_id;
  await buildHistory(first.c, runId);
  const before = await snapshot(first.c);
  assert.equal(before.versions.length, 3, 'ranker/1..3 (4 deleted); scratch is gone');
  assert.equal(before.champion.version, '3');
  assert.equal(before.audit.scratch.length, 1, 'only the deletion record of scratch');

  // 1. clean stop (checkpoint) and restart
  await first.server.stop({ keep: true });
  const second = await start(first.server.storeDir);
  assert.deepEqual(await snapshot(second.c), before);

  // 2. more acknowledged writes, then a crash: they exist only in the journal
  await second.c.createModelVersion('ranker', `runs:/${runId}/model`);
  await second.c.setRegisteredModelAlias('ranker', 'champion', 5);
  await second.c.deleteRegisteredModelTag('ranker', 'team');
  const beforeCrash = await snapshot(second.c);
  assert.equal(beforeCrash.champion.version, '5', 'version 4 was deleted, so the next is 5');
  await second.server.kill9();

  const third = await start(first.server.storeDir);
  const replayed = await snapshot(third.c);
  assert.deepEqual(replayed, beforeCrash, 'journal replay rebuilds the registry and its audit trail exactly');

  // history-dependent rules still hold after replay
  assert.equal((await third.c.createModelVersion('ranker', `runs:/${runId}/model`)).version, '6');
  const audit = await third.c.auditEntries('ranker');
  const last = audit[audit.length - 1];
  assert.equal(last.action, 'createModelVersion');
  assert.equal(last.user, 'carol');
  assert.ok(last.id > Math.max(...Object.values(replayed.audit).flat().map((e) => e.id)), 'audit ids keep growing');
  assert.equal(audit.length, replayed.audit.ranker.length + 1);
});
