// Logged-model mutations (MLflow 3's LoggedModel entity) as journaled ops, applied inside the tracking store's
// transaction exactly like its own ops (extension/tracking/store/operations.ts): every id and time is decided
// before the op is built, so replaying the journal rebuilds the same state.
import { pyRepr } from '../projects/python/pyRepr';
import { invalidParameter, MlflowError, notFound } from '../tracking/errors';
import type { Sqlite } from '../tracking/store/sqlite';

type Pair = [string, string];

/** The proto enum's numbers, stored as MLflow stores them. */
export const STATUS_PENDING = 1;
export const STATUS_READY = 2;
export const STATUS_UPLOAD_FAILED = 3;

/** The tag in which MLflow lists the registered versions a logged model became. */
export const MODEL_VERSIONS_TAG = 'mlflow.modelVersions';

/** A run metric that names a model: [key, value (already sanitised as MLflow's SQL store does), timestamp, step, modelId, datasetName, datasetDigest]. */
export type ModelMetricTuple = [string, number, number, number, string, string | null, string | null];

export type LoggedModelOp =
  | {
      t: 'loggedModel.create';
      modelId: string;
      experimentId: number;
      name: string;
      artifactLocation: string;
      time: number;
      modelType: string;
      sourceRunId: string;
      params: Pair[];
      tags: Pair[];
    }
  | { t: 'loggedModel.logParams'; modelId: string; params: Pair[] }
  | { t: 'loggedModel.finalize'; modelId: string; status: number; time: number }
  | { t: 'loggedModel.delete'; modelId: string; time: number }
  | { t: 'loggedModel.setTags'; modelId: string; tags: Pair[] }
  | { t: 'loggedModel.deleteTag'; modelId: string; key: string };

export function isLoggedModelOp(op: { t: string }): op is LoggedModelOp {
  return op.t.startsWith('loggedModel.');
}

export function modelNotFound(modelId: string): Error {
  return notFound(`Logged model with ID '${modelId}' not found.`);
}

/** The model's row whatever its lifecycle stage (MLflow's writes reach deleted models too). */
export function findLoggedModel(db: Sqlite, modelId: string): { experiment_id: number; lifecycle_stage: string } {
  const row = db.get<{ experiment_id: number; lifecycle_stage: string }>('SELECT experiment_id, lifecycle_stage FROM logged_models WHERE model_id = ?', [modelId]);
  if (!row) throw modelNotFound(modelId);
  return row;
}

function insertParams(db: Sqlite, modelId: string, params: Pair[]): void {
  for (const [key, value] of params) {
    if (db.get('SELECT 1 AS x FROM logged_model_params WHERE model_id = ? AND key = ?', [modelId, key])) {
      // MLflow inserts without looking: any key already there (even with the same value) fails its unique
      // constraint, answered as BAD_REQUEST.
      throw new MlflowError('BAD_REQUEST', `UNIQUE constraint failed: logged_model_params.model_id, logged_model_params.param_key (model_id='${modelId}', param_key='${key}')`);
    }
    db.run('INSERT INTO logged_model_params(model_id, key, value) VALUES (?, ?, ?)', [modelId, key, value]);
  }
}

function setTags(db: Sqlite, modelId: string, tags: Pair[]): void {
  for (const [key, value] of tags) db.run('INSERT OR REPLACE INTO logged_model_tags(model_id, key, value) VALUES (?, ?, ?)', [modelId, key, value]);
}

export function applyLoggedModelOp(db: Sqlite, op: LoggedModelOp): void {
  switch (op.t) {
    case 'loggedModel.create': {
      const exp = db.get<{ lifecycle_stage: string }>('SELECT lifecycle_stage FROM experiments WHERE experiment_id = ?', [op.experimentId]);
      if (!exp) throw notFound(`No Experiment with id=${op.experimentId} exists`);
      if (exp.lifecycle_stage !== 'active') {
        throw invalidParameter(`The experiment ${op.experimentId} must be in the 'active' state. Current state is ${exp.lifecycle_stage}.`);
      }
      db.run(
        `INSERT INTO logged_models(model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms, status, lifecycle_stage, model_type, source_run_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
        [op.modelId, op.experimentId, op.name, op.artifactLocation, op.time, op.time, STATUS_PENDING, op.modelType, op.sourceRunId],
      );
      insertParams(db, op.modelId, op.params);
      setTags(db, op.modelId, op.tags);
      return;
    }
    case 'loggedModel.logParams':
      findLoggedModel(db, op.modelId);
      insertParams(db, op.modelId, op.params);
      return;
    case 'loggedModel.finalize':
      findLoggedModel(db, op.modelId);
      db.run('UPDATE logged_models SET status = ?, last_updated_timestamp_ms = ? WHERE model_id = ?', [op.status, op.time, op.modelId]);
      return;
    case 'loggedModel.delete':
      findLoggedModel(db, op.modelId);
      db.run("UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_timestamp_ms = ? WHERE model_id = ?", [op.time, op.modelId]);
      return;
    case 'loggedModel.setTags':
      findLoggedModel(db, op.modelId);
      setTags(db, op.modelId, op.tags);
      return;
    case 'loggedModel.deleteTag':
      findLoggedModel(db, op.modelId);
      if (db.run('DELETE FROM logged_model_tags WHERE model_id = ? AND key = ?', [op.modelId, op.key]) === 0) {
        throw notFound(`No tag with key ${pyRepr(op.key)} found for model with ID ${pyRepr(op.modelId)}.`);
      }
      return;
  }
}

/**
 * Run metrics logged with a model_id, copied into the model's metrics (the run keeps its own history). Called
 * by the tracking store's logBatch op in the same transaction; a point already there is kept once.
 */
export function logModelMetrics(db: Sqlite, runUuid: string, experimentId: number, metrics: readonly ModelMetricTuple[]): void {
  for (const [key, value, timestamp, step, modelId, datasetName, datasetDigest] of metrics) {
    db.run(
      `INSERT OR IGNORE INTO logged_model_metrics(model_id, key, timestamp, step, value, experiment_id, run_id, dataset_name, dataset_digest)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [modelId, key, timestamp, step, value, experimentId, runUuid, datasetName, datasetDigest],
    );
  }
}

/**
 * After a model version is created from a logged model, MLflow appends `{"name", "version"}` (version as a
 * number) to the model's `mlflow.modelVersions` tag, written as Python's json.dumps writes it.
 */
export function recordModelVersion(db: Sqlite, modelId: string, name: string, version: number): void {
  findLoggedModel(db, modelId);
  const current = db.get<{ value: string }>('SELECT value FROM logged_model_tags WHERE model_id = ? AND key = ?', [modelId, MODEL_VERSIONS_TAG])?.value;
  let list: unknown[] = [];
  if (current !== undefined) {
    try {
      const parsed: unknown = JSON.parse(current);
      if (Array.isArray(parsed)) list = parsed;
    } catch {
      // A tag a client overwrote with something else: start the list again rather than fail the registration.
    }
  }
  const present = list.some((e) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) return false;
    const keys = Object.keys(e);
    const o = e as Record<string, unknown>;
    return keys.length === 2 && o.name === name && o.version === version;
  });
  if (!present) list.push({ name, version });
  setTags(db, modelId, [[MODEL_VERSIONS_TAG, pyJsonDumps(list)]]);
}

/** Python's json.dumps with its defaults: ", " and ": " separators, non-ASCII escaped. */
export function pyJsonDumps(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return String(v);
  }
  if (typeof v === 'string') {
    return JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pyJsonDumps(k)}: ${pyJsonDumps(x)}`).join(', ')}}`;
  }
  return 'null';
}
