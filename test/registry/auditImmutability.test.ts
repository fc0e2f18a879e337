// The audit trail is immutable in the database itself, not only for lack of an API: the schema's triggers
// refuse any UPDATE, and any DELETE while the model still exists. Deleting the model is the one way history
// goes, and it leaves a record of that deletion.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrackingStore } from '../../extension/tracking/store/trackingStore';
import { RegistryStore } from '../../extension/registry/registryStore';

const dir = mkdtempSync(join(tmpdir(), 'mwb-audit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('audit records cannot be updated, nor deleted while their model exists', async () => {
  const store = await TrackingStore.open({ dir, lock: false, checkpointIntervalMs: 0 });
  try {
    const registry = new RegistryStore(store);
    await registry.createRegisteredModel('guarded', [], 'd', { user: 'dana', source: 'header' });
    await registry.setRegisteredModelTag('guarded', 'k', 'v', { user: 'dana', source: 'header' });
    const history = registry.getAudit('guarded').entries;
    assert.deepEqual(history.map((e) => [e.action, e.user, e.user_source]), [
      ['createRegisteredModel', 'dana', 'header'],
      ['setRegisteredModelTag', 'dana', 'header'],
    ]);

    assert.throws(() => store.db.run("UPDATE registry_audit SET actor = 'mallory'"), /immutable/);
    assert.throws(() => store.db.run('DELETE FROM registry_audit'), /removed only with their model/);
    assert.deepEqual(registry.getAudit('guarded').entries, history, 'nothing changed');

    // the registry's own delete is the one way out, and it is itself recorded
    await registry.deleteRegisteredModel('guarded', { user: 'erin', source: 'basic-auth' });
    const after = registry.getAudit('guarded').entries;
    assert.deepEqual(after.map((e) => [e.action, e.user]), [['deleteRegisteredModel', 'erin']]);
    assert.throws(() => store.db.run("UPDATE registry_audit SET actor = 'mallory'"), /immutable/, 'the deletion record is immutable too');
    assert.throws(() => store.db.run('DELETE FROM registry_audit'), /removed only with their model/, 'and stays for good');
    assert.equal(registry.getAudit('guarded').entries.length, 1);
  } finally {
    await store.close();
  }
});
