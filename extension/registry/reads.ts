// Registry read paths returning the REST contract's shapes. Lists are loaded with one query per table,
// soft-deleted versions are never shown, and `version` becomes a string at this edge.
import type { KeyValue, ModelVersion, ModelVersionStage, ModelVersionStatus, RegisteredModel, RegisteredModelAlias } from '../tracking/rest/types';
import type { Sqlite, SqlValue } from '../tracking/store/sqlite';
import { STAGE_DELETED } from './validation';

const IDS = 'SELECT value FROM json_each(?)';

/** Columns every version read selects, in this order (see toModelVersion). */
export const VERSION_COLUMNS =
  'm.name, v.model_id, v.version, v.creation_time, v.last_updated_time, v.description, v.user_id, v.current_stage, v.source, v.run_id, v.status, v.status_message, v.run_link';

/** A version row as positional values, model_id and version at [1] and [2]. */
export type VersionTuple = SqlValue[];

function toModelVersion(r: VersionTuple): ModelVersion {
  const mv: ModelVersion = {
    name: r[0] as string,
    version: String(r[2]),
    creation_timestamp: r[3] as number,
    last_updated_timestamp: r[4] as number,
    current_stage: r[7] as ModelVersionStage,
    status: r[10] as ModelVersionStatus,
  };
  if (r[5] !== null) mv.description = r[5] as string;
  if (r[6] !== null) mv.user_id = r[6] as string;
  if (r[8] !== null) mv.source = r[8] as string;
  if (r[9] !== null) mv.run_id = r[9] as string;
  if (r[11] !== null) mv.status_message = r[11] as string;
  if (r[12] !== null) mv.run_link = r[12] as string;
  return mv;
}

const versionKey = (modelId: number, version: number): string => `${modelId}:${version}`;

/**
 * Turns version rows into wire versions with their tags (and aliases when asked), keeping the row order.
 * Tags and aliases are loaded per model with one query each.
 */
export function hydrateVersions(db: Sqlite, rows: VersionTuple[], withAliases: boolean): ModelVersion[] {
  if (rows.length === 0) return [];
  const modelIds = JSON.stringify([...new Set(rows.map((r) => r[1] as number))]);
  const wanted = new Set(rows.map((r) => versionKey(r[1] as number, r[2] as number)));
  const tags = new Map<string, KeyValue[]>();
  // Driven by the wanted (model, version) pairs: one primary-key range lookup each, whatever the models' sizes.
  const tagRows = db.rows(
    `SELECT t.model_id, t.version, t.key, t.value FROM json_each(?) AS j
     CROSS JOIN model_version_tags AS t ON t.model_id = json_extract(j.value, '$[0]') AND t.version = json_extract(j.value, '$[1]')
     ORDER BY t.model_id, t.version, t.key`,
    [JSON.stringify(rows.map((r) => [r[1], r[2]]))],
  );
  for (const [modelId, version, key, value] of tagRows) {
    const k = versionKey(modelId as number, version as number);
    if (!wanted.has(k)) continue;
    let list = tags.get(k);
    if (!list) tags.set(k, (list = []));
    list.push({ key: key as string, value: value as string });
  }
  const aliases = new Map<string, string[]>();
  if (withAliases) {
    for (const [modelId, version, alias] of db.rows(`SELECT model_id, version, alias FROM registered_model_aliases WHERE model_id IN (${IDS}) ORDER BY alias`, [modelIds])) {
      const k = versionKey(modelId as number, version as number);
      let list = aliases.get(k);
      if (!list) aliases.set(k, (list = []));
      list.push(alias as string);
    }
  }
  return rows.map((r) => {
    const mv = toModelVersion(r);
    const k = versionKey(r[1] as number, r[2] as number);
    const t = tags.get(k);
    if (t) mv.tags = t;
    const a = aliases.get(k);
    if (a) mv.aliases = a;
    return mv;
  });
}

/** One live version by internal model id, with tags and aliases. */
export function readModelVersion(db: Sqlite, modelId: number, version: number): ModelVersion | undefined {
  const rows = db.rows(
    `SELECT ${VERSION_COLUMNS} FROM model_versions v JOIN registered_models m ON m.id = v.model_id WHERE v.model_id = ? AND v.version = ? AND v.current_stage != ?`,
    [modelId, version, STAGE_DELETED],
  );
  return rows.length ? hydrateVersions(db, rows, true)[0] : undefined;
}

/** MLflow's latest_versions: per stage the highest live version, stages in order of their lowest version. */
function latestPerStage(rows: VersionTuple[]): VersionTuple[] {
  const byStage = new Map<string, VersionTuple>();
  for (const r of rows) {
    const stage = r[7] as string;
    const seen = byStage.get(stage);
    if (!seen || (seen[2] as number) < (r[2] as number)) byStage.set(stage, r);
  }
  return [...byStage.values()];
}

/** The latest version of each stage of one model (get-latest-versions), optionally only some stages. */
export function readLatestVersions(db: Sqlite, modelId: number, stages?: ReadonlySet<string>): ModelVersion[] {
  const rows = db.rows(
    `SELECT ${VERSION_COLUMNS} FROM model_versions v JOIN registered_models m ON m.id = v.model_id WHERE v.model_id = ? AND v.current_stage != ? ORDER BY v.version`,
    [modelId, STAGE_DELETED],
  );
  const latest = latestPerStage(rows).filter((r) => !stages || stages.has(r[7] as string));
  return hydrateVersions(db, latest, true);
}

interface ModelRowFull {
  id: number;
  name: string;
  creation_time: number;
  last_updated_time: number;
  description: string | null;
}

/** Whole registered models for internal ids, keeping the given order, with one query per table. */
export function readRegisteredModels(db: Sqlite, ids: number[]): RegisteredModel[] {
  if (ids.length === 0) return [];
  const idsJson = JSON.stringify(ids);
  const rows = new Map(
    db.all<ModelRowFull>(`SELECT id, name, creation_time, last_updated_time, description FROM registered_models WHERE id IN (${IDS})`, [idsJson]).map((r) => [r.id, r]),
  );
  const tags = new Map<number, KeyValue[]>();
  for (const [id, key, value] of db.rows(`SELECT model_id, key, value FROM registered_model_tags WHERE model_id IN (${IDS}) ORDER BY model_id, key`, [idsJson])) {
    let list = tags.get(id as number);
    if (!list) tags.set(id as number, (list = []));
    list.push({ key: key as string, value: value as string });
  }
  const aliases = new Map<number, RegisteredModelAlias[]>();
  for (const [id, alias, version] of db.rows(`SELECT model_id, alias, version FROM registered_model_aliases WHERE model_id IN (${IDS}) ORDER BY model_id, alias`, [idsJson])) {
    let list = aliases.get(id as number);
    if (!list) aliases.set(id as number, (list = []));
    list.push({ alias: alias as string, version: String(version) });
  }
  const versionsByModel = new Map<number, VersionTuple[]>();
  for (const r of db.rows(
    `SELECT ${VERSION_COLUMNS} FROM model_versions v JOIN registered_models m ON m.id = v.model_id WHERE v.model_id IN (${IDS}) AND v.current_stage != ? ORDER BY v.model_id, v.version`,
    [idsJson, STAGE_DELETED],
  )) {
    let list = versionsByModel.get(r[1] as number);
    if (!list) versionsByModel.set(r[1] as number, (list = []));
    list.push(r);
  }
  // latest_versions carry their tags but, as in MLflow, not their aliases (the model lists those).
  const latest = hydrateVersions(db, [...versionsByModel.values()].flatMap(latestPerStage), false);
  const latestByModel = new Map<string, ModelVersion[]>();
  for (const mv of latest) {
    let list = latestByModel.get(mv.name);
    if (!list) latestByModel.set(mv.name, (list = []));
    list.push(mv);
  }
  return ids.flatMap((id) => {
    const row = rows.get(id);
    if (!row) return [];
    const rm: RegisteredModel = { name: row.name, creation_timestamp: row.creation_time, last_updated_timestamp: row.last_updated_time };
    if (row.description !== null) rm.description = row.description;
    const lv = latestByModel.get(row.name);
    if (lv) rm.latest_versions = lv;
    const t = tags.get(id);
    if (t) rm.tags = t;
    const a = aliases.get(id);
    if (a) rm.aliases = a;
    return [rm];
  });
}
