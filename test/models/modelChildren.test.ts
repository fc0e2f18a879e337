// The Models tree's content: models, versions newest first with aliases, the source run link, and a server
// without registry routes reported for the welcome view instead of error rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessClient } from '../../extension/client/inProcessClient';
import { InProcessRegistryClient } from '../../extension/client/inProcessRegistry';
import { RestClient } from '../../extension/client/restClient';
import { ModelChildren } from '../../extension/models/modelChildren';
import { RegistryStore } from '../../extension/registry/registryStore';
import { startTrackingServer } from '../../extension/tracking/server/trackingServer';
import { TrackingStore } from '../../extension/tracking/store/trackingStore';
import { PageSizes } from '../../extension/views/paging';
import type { SessionRef } from '../../extension/views/sessionRef';

test('models → versions (newest first, aliases) → source run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-models-'));
  const store = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
  try {
    const registry = new RegistryStore(store);
    const run = await store.createRun({ experiment_id: '0', run_name: 'trained' });
    await registry.createRegisteredModel('clf');
    for (let i = 0; i < 3; i++) await registry.createModelVersion({ name: 'clf', source: `${run.info.artifact_uri}/model`, run_id: run.info.run_id });
    await registry.setRegisteredModelAlias('clf', 'champion', '2');
    const session: SessionRef = { key: 'k', name: 'ws', client: new InProcessClient(store, new InProcessRegistryClient(registry)) };
    const missing: boolean[] = [];
    const c = new ModelChildren({ list: () => [session], get: () => session }, new PageSizes(2), (m) => missing.push(m));
    const [model] = await c.fetch(undefined);
    assert.equal(model.kind === 'model' && model.model.name, 'clf');
    assert.deepEqual(missing, [false]);
    const versions = await c.fetch(model);
    assert.deepEqual(
      versions.map((v) => (v.kind === 'version' ? `${v.version.version}${v.aliases.map((a) => `@${a}`).join('')}` : v.kind)),
      ['3', '2@champion', 'more'],
    );
    const [source] = await c.fetch(versions[1]);
    assert.equal(source.kind === 'sourceRun' && source.version.run_id, run.info.run_id);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a server without registry routes (bare 404s) leaves the tree empty and says so once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-noregistry-'));
  const store = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
  const server = await startTrackingServer({ store });
  try {
    // Everything under this prefix is unknown to the server: like a tracking-only MLflow behind a proxy.
    const session: SessionRef = { key: 'k', name: 'ws', client: new RestClient({ baseUri: `${server.url}/no-registry-here` }) };
    const missing: boolean[] = [];
    const c = new ModelChildren({ list: () => [session], get: () => session }, new PageSizes(), (m) => missing.push(m));
    assert.deepEqual(await c.fetch(undefined), []);
    assert.deepEqual(missing, [true]);
    const two = new ModelChildren({ list: () => [session, { ...session, key: 'k2' }], get: () => session }, new PageSizes(), () => undefined);
    const [folder] = await two.fetch(undefined);
    const [message] = await two.fetch(folder);
    assert.equal(message.kind === 'message' && message.text, 'This tracking server has no model registry');
  } finally {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
