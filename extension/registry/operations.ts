// Registry mutations as journaled ops (see extension/tracking/store/operations.ts): every id, version number,
// time and actor is decided before the op is applied, so replaying the journal rebuilds the same registry,
// audit trail included. applyRegistryOp runs inside the store's transaction; a throw rolls everything back.
import { alreadyExists, MlflowError, notFound } from '../tracking/errors';
import type { ModelVersionStage } from '../tracking/rest/types';
import type { Pair } from '../tracking/store/operations';
import type { Sqlite } from '../tracking/store/sqlite';
import { recordModelVersion } from '../loggedModels/operations';
import { type Actor, writeAudit } from './audit';
import { STAGE_DELETED } from './validation';

interface Stamp {
  time: number;
  actor: Actor;
}

export type RegistryOp =
  | ({ t: 'createRegisteredModel'; id: number; name: string; description: string | null; tags: Pair[] } & Stamp)
  | ({ t: 'renameRegisteredModel'; name: string; newName: string } & Stamp)
  | ({ t: 'updateRegisteredModel'; name: string; description: string | null } & Stamp)
  | ({ t: 'deleteRegisteredModel'; name: string } & Stamp)
  | ({ t: 'setRegisteredModelTag'; name: string; key: string; value: string } & Stamp)
  | ({ t: 'deleteRegisteredModelTag'; name: string; key: string } & Stamp)
  | ({
      t: 'createModelVersion';
      name: string;
      version: number;
      source: string;
      storageLocation: string;
      runId: string;
      runLink: string;
      description: string;
      tags: Pair[];
      /** MLflow 3: the logged model the version was made from; its `mlflow.modelVersions` tag lists the version. */
      modelId?: string;
    } & Stamp)
  | ({ t: 'updateModelVersion'; name: string; version: number; description: string | null } & Stamp)
  | ({ t: 'transitionModelVersionStage'; name: string; version: number; stage: ModelVersionStage; archiveExisting: boolean } & Stamp)
  | ({ t: 'deleteModelVersion'; name: string; version: number } & Stamp)
  | ({ t: 'setModelVersionTag'; name: string; version: number; key: string; value: string } & Stamp)
  | ({ t: 'deleteModelVersionTag'; name: string; version: number; key: string } & Stamp)
  | ({ t: 'setRegisteredModelAlias'; name: string; alias: string; version: number } & Stamp)
  | ({ t: 'deleteRegisteredModelAlias'; name: string; alias: string } & Stamp);

export const REGISTRY_OP_TYPES: ReadonlySet<string> = new Set<RegistryOp['t']>([
  'createRegisteredModel', 'renameRegisteredModel', 'updateRegisteredModel', 'deleteRegisteredModel', 'setRegisteredModelTag',
  'deleteRegisteredModelTag', 'createModelVersion', 'updateModelVersion', 'transitionModelVersionStage', 'deleteModelVersion',
  'setModelVersionTag', 'deleteModelVersionTag', 'setRegisteredModelAlias', 'deleteRegisteredModelAlias',
]);

export const REDACTED = { source: 'REDACTED-SOURCE-PATH', runId: 'REDACTED-RUN-ID', runLink: 'REDACTED-RUN-LINK' } as const;

export interface ModelRow {
  id: number;
  name: string;
  description: string | null;
  creation_time: number;
  last_updated_time: number;
}

export interface VersionRow {
  version: number;
  current_stage: string;
  description: string | null;
  source: string | null;
  storage_location: string | null;
  run_id: string | null;
  run_link: string | null;
}

export function findModel(db: Sqlite, name: string): ModelRow {
  const row = db.get<ModelRow>('SELECT id, name, description, creation_time, last_updated_time FROM registered_models WHERE name = ?', [name]);
  if (!row) throw notFound(`Registered Model with name=${name} not found`);
  return row;
}

/** A version that is not soft-deleted. */
export function findLiveVersion(db: Sqlite, model: ModelRow, version: number): VersionRow {
  const row = db.get<VersionRow>(
    'SELECT version, current_stage, description, source, storage_location, run_id, run_link FROM model_versions WHERE model_id = ? AND version = ? AND current_stage != ?',
    [model.id, version, STAGE_DELETED],
  );
  if (!row) throw notFound(`Model Version (name=${model.name}, version=${version}) not found`);
  return row;
}

/** The highest version number a model has ever had (soft-deleted ones included); 0 when none. */
export function maxVersion(db: Sqlite, modelId: number): number {
  return db.get<{ v: number | null }>('SELECT max(version) AS v FROM model_versions WHERE model_id = ?', [modelId])?.v ?? 0;
}

function tagsObject(db: Sqlite, sql: string, params: (string | number)[]): Record<string, string> {
  return Object.fromEntries(db.all<{ key: string; value: string }>(sql, params).map((t) => [t.key, t.value]));
}

function aliasesOf(db: Sqlite, modelId: number, version: number): string[] {
  return db.all<{ alias: string }>('SELECT alias FROM registered_model_aliases WHERE model_id = ? AND version = ? ORDER BY alias', [modelId, version]).map((r) => r.alias);
}

function bumpModel(db: Sqlite, modelId: number, time: number): void {
  db.run('UPDATE registered_models SET last_updated_time = ? WHERE id = ?', [time, modelId]);
}

export function applyRegistryOp(db: Sqlite, op: RegistryOp): void {
  const audit = (model: { id: number; name: string }, action: string, before: Record<string, unknown> | null, after: Record<string, unknown> | null, version?: number): void =>
    writeAudit(db, { modelId: model.id, modelName: model.name, time: op.time, actor: op.actor, action, version, before, after });

  switch (op.t) {
    case 'createRegisteredModel': {
      if (db.get('SELECT 1 AS x FROM registered_models WHERE name = ?', [op.name])) {
        throw alreadyExists(`Registered Model (name=${op.name}) already exists.`);
      }
      if (db.get('SELECT 1 AS x FROM registered_models WHERE id = ?', [op.id])) throw new MlflowError('INVALID_STATE', `Registered model id ${op.id} is taken.`);
      db.run('INSERT INTO registered_models(id, name, creation_time, last_updated_time, description) VALUES (?, ?, ?, ?, ?)', [
        op.id, op.name, op.time, op.time, op.description,
      ]);
      for (const [key, value] of op.tags) db.run('INSERT OR REPLACE INTO registered_model_tags(model_id, key, value) VALUES (?, ?, ?)', [op.id, key, value]);
      audit({ id: op.id, name: op.name }, op.t, null, { name: op.name, description: op.description, tags: Object.fromEntries(op.tags) });
      return;
    }
    case 'renameRegisteredModel': {
      const model = findModel(db, op.name);
      const clash = db.get<{ id: number }>('SELECT id FROM registered_models WHERE name = ?', [op.newName]);
      if (clash && clash.id !== model.id) throw alreadyExists(`Registered Model (name=${op.newName}) already exists.`);
      db.run('UPDATE registered_models SET name = ?, last_updated_time = ? WHERE id = ?', [op.newName, op.time, model.id]);
      db.run('UPDATE model_versions SET last_updated_time = ? WHERE model_id = ?', [op.time, model.id]);
      audit({ id: model.id, name: op.newName }, op.t, { name: op.name }, { name: op.newName });
      return;
    }
    case 'updateRegisteredModel': {
      const model = findModel(db, op.name);
      db.run('UPDATE registered_models SET description = ?, last_updated_time = ? WHERE id = ?', [op.description, op.time, model.id]);
      audit(model, op.t, { description: model.description }, { description: op.description });
      return;
    }
    case 'deleteRegisteredModel': {
      const model = findModel(db, op.name);
      const versions = db.all<{ version: number; current_stage: string }>(
        'SELECT version, current_stage FROM model_versions WHERE model_id = ? AND current_stage != ? ORDER BY version',
        [model.id, STAGE_DELETED],
      );
      const before = {
        name: model.name,
        description: model.description,
        tags: tagsObject(db, 'SELECT key, value FROM registered_model_tags WHERE model_id = ? ORDER BY key', [model.id]),
        aliases: Object.fromEntries(
          db.all<{ alias: string; version: number }>('SELECT alias, version FROM registered_model_aliases WHERE model_id = ? ORDER BY alias', [model.id]).map((a) => [a.alias, String(a.version)]),
        ),
        versions: Object.fromEntries(versions.map((v) => [String(v.version), v.current_stage])),
      };
      db.run('DELETE FROM registered_model_aliases WHERE model_id = ?', [model.id]);
      db.run('DELETE FROM model_version_tags WHERE model_id = ?', [model.id]);
      db.run('DELETE FROM model_versions WHERE model_id = ?', [model.id]);
      db.run('DELETE FROM registered_model_tags WHERE model_id = ?', [model.id]);
      db.run('DELETE FROM registered_models WHERE id = ?', [model.id]);
      // The model is gone, so the triggers now allow its history to go; one record of the deletion stays.
      db.run('DELETE FROM registry_audit WHERE model_id = ?', [model.id]);
      audit(model, op.t, before, null);
      return;
    }
    case 'setRegisteredModelTag': {
      const model = findModel(db, op.name);
      const old = db.get<{ value: string }>('SELECT value FROM registered_model_tags WHERE model_id = ? AND key = ?', [model.id, op.key]);
      db.run('INSERT OR REPLACE INTO registered_model_tags(model_id, key, value) VALUES (?, ?, ?)', [model.id, op.key, op.value]);
      audit(model, op.t, old ? { key: op.key, value: old.value } : null, { key: op.key, value: op.value });
      return;
    }
    case 'deleteRegisteredModelTag': {
      const model = findModel(db, op.name);
      const old = db.get<{ value: string }>('SELECT value FROM registered_model_tags WHERE model_id = ? AND key = ?', [model.id, op.key]);
      if (!old) return; // deleting a missing tag is a no-op in MLflow: nothing changed, nothing to record
      db.run('DELETE FROM registered_model_tags WHERE model_id = ? AND key = ?', [model.id, op.key]);
      audit(model, op.t, { key: op.key, value: old.value }, null);
      return;
    }
    case 'createModelVersion': {
      const model = findModel(db, op.name);
      if (op.version <= maxVersion(db, model.id)) {
        throw new MlflowError('INVALID_STATE', `Model Version (name=${op.name}, version=${op.version}) was already used; version numbers are never reused.`);
      }
      db.run(
        `INSERT INTO model_versions(model_id, version, creation_time, last_updated_time, description, current_stage, source, storage_location, run_id, run_link, status)
         VALUES (?, ?, ?, ?, ?, 'None', ?, ?, ?, ?, 'READY')`,
        [model.id, op.version, op.time, op.time, op.description, op.source, op.storageLocation, op.runId, op.runLink],
      );
      for (const [key, value] of op.tags) {
        db.run('INSERT OR REPLACE INTO model_version_tags(model_id, version, key, value) VALUES (?, ?, ?, ?)', [model.id, op.version, key, value]);
      }
      bumpModel(db, model.id, op.time);
      if (op.modelId) recordModelVersion(db, op.modelId, op.name, op.version);
      audit(model, op.t, null, {
        source: op.source,
        storage_location: op.storageLocation,
        run_id: op.runId,
        run_link: op.runLink,
        description: op.description,
        current_stage: 'None',
        tags: Object.fromEntries(op.tags),
      }, op.version);
      return;
    }
    case 'updateModelVersion': {
      const model = findModel(db, op.name);
      const v = findLiveVersion(db, model, op.version);
      db.run('UPDATE model_versions SET description = ?, last_updated_time = ? WHERE model_id = ? AND version = ?', [op.description, op.time, model.id, op.version]);
      audit(model, op.t, { description: v.description }, { description: op.description }, op.version);
      return;
    }
    case 'transitionModelVersionStage': {
      const model = findModel(db, op.name);
      const v = findLiveVersion(db, model, op.version);
      if (op.archiveExisting) {
        const others = db.all<{ version: number }>(
          'SELECT version FROM model_versions WHERE model_id = ? AND version != ? AND current_stage = ? ORDER BY version',
          [model.id, op.version, op.stage],
        );
        for (const o of others) {
          db.run("UPDATE model_versions SET current_stage = 'Archived', last_updated_time = ? WHERE model_id = ? AND version = ?", [op.time, model.id, o.version]);
          audit(model, op.t, { current_stage: op.stage }, { current_stage: 'Archived', archived_by: { version: String(op.version), stage: op.stage } }, o.version);
        }
      }
      db.run('UPDATE model_versions SET current_stage = ?, last_updated_time = ? WHERE model_id = ? AND version = ?', [op.stage, op.time, model.id, op.version]);
      bumpModel(db, model.id, op.time);
      audit(model, op.t, { current_stage: v.current_stage }, { current_stage: op.stage, archive_existing_versions: op.archiveExisting }, op.version);
      return;
    }
    case 'deleteModelVersion': {
      const model = findModel(db, op.name);
      const v = findLiveVersion(db, model, op.version);
      const aliases = aliasesOf(db, model.id, op.version);
      db.run('DELETE FROM registered_model_aliases WHERE model_id = ? AND version = ?', [model.id, op.version]);
      db.run(
        `UPDATE model_versions SET current_stage = ?, last_updated_time = ?, description = NULL, user_id = NULL, source = ?, run_id = ?, run_link = ?, status_message = NULL
         WHERE model_id = ? AND version = ?`,
        [STAGE_DELETED, op.time, REDACTED.source, REDACTED.runId, REDACTED.runLink, model.id, op.version],
      );
      bumpModel(db, model.id, op.time);
      audit(model, op.t, {
        current_stage: v.current_stage,
        source: v.source,
        storage_location: v.storage_location,
        run_id: v.run_id,
        run_link: v.run_link,
        description: v.description,
        aliases,
      }, { deleted: true, source: REDACTED.source, run_id: REDACTED.runId, run_link: REDACTED.runLink }, op.version);
      return;
    }
    case 'setModelVersionTag': {
      const model = findModel(db, op.name);
      findLiveVersion(db, model, op.version);
      const old = db.get<{ value: string }>('SELECT value FROM model_version_tags WHERE model_id = ? AND version = ? AND key = ?', [model.id, op.version, op.key]);
      db.run('INSERT OR REPLACE INTO model_version_tags(model_id, version, key, value) VALUES (?, ?, ?, ?)', [model.id, op.version, op.key, op.value]);
      audit(model, op.t, old ? { key: op.key, value: old.value } : null, { key: op.key, value: op.value }, op.version);
      return;
    }
    case 'deleteModelVersionTag': {
      const model = findModel(db, op.name);
      findLiveVersion(db, model, op.version);
      const old = db.get<{ value: string }>('SELECT value FROM model_version_tags WHERE model_id = ? AND version = ? AND key = ?', [model.id, op.version, op.key]);
      if (!old) return;
      db.run('DELETE FROM model_version_tags WHERE model_id = ? AND version = ? AND key = ?', [model.id, op.version, op.key]);
      audit(model, op.t, { key: op.key, value: old.value }, null, op.version);
      return;
    }
    case 'setRegisteredModelAlias': {
      const model = findModel(db, op.name);
      findLiveVersion(db, model, op.version);
      const old = db.get<{ version: number }>('SELECT version FROM registered_model_aliases WHERE model_id = ? AND alias = ?', [model.id, op.alias]);
      db.run('INSERT OR REPLACE INTO registered_model_aliases(model_id, alias, version) VALUES (?, ?, ?)', [model.id, op.alias, op.version]);
      audit(model, op.t, old ? { alias: op.alias, version: String(old.version) } : null, { alias: op.alias, version: String(op.version) }, op.version);
      return;
    }
    case 'deleteRegisteredModelAlias': {
      const model = findModel(db, op.name);
      const old = db.get<{ version: number }>('SELECT version FROM registered_model_aliases WHERE model_id = ? AND alias = ?', [model.id, op.alias]);
      if (!old) return;
      db.run('DELETE FROM registered_model_aliases WHERE model_id = ? AND alias = ?', [model.id, op.alias]);
      audit(model, op.t, { alias: op.alias, version: String(old.version) }, null, old.version);
      return;
    }
  }
}
