// Every mutation of the tracking store is an Op: a plain JSON record with all ids and times already decided,
// so that applying it is deterministic. An op is applied inside a transaction and journaled only if it
// succeeded; on open, journaled ops are applied again in order to rebuild what the checkpoint lacks.
import { invalidParameter, MlflowError, notFound } from '../errors';
import type { RunStatus } from '../rest/types';
import type { PointStore } from './points/pointStore';
import type { Sqlite } from './sqlite';
import { applyRegistryOp, type RegistryOp } from '../../registry/operations';
import { applyLoggedModelOp, isLoggedModelOp, logModelMetrics, type LoggedModelOp, type ModelMetricTuple } from '../../loggedModels/operations';
import { applyTraceOp, isTraceOp, type TraceOp } from '../../traces/operations';
import { applyPurge, type PurgeOp } from './gc';

/** A metric value in the journal: JSON cannot carry NaN or ±Infinity, so those travel as strings. */
export type JournalNumber = number | 'NaN' | 'Infinity' | '-Infinity';
/** [key, value, timestamp, step] */
export type MetricTuple = [string, JournalNumber, number, number];
export type Pair = [string, string];

export interface DatasetOp {
  uuid: string;
  inputUuid: string;
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema?: string;
  profile?: string;
  tags: Pair[];
}

export type Op =
  | { t: 'createExperiment'; id: number; name: string; artifactLocation: string; time: number; tags: Pair[] }
  | { t: 'renameExperiment'; id: number; name: string; time: number }
  | { t: 'deleteExperiment'; id: number; time: number }
  | { t: 'restoreExperiment'; id: number; time: number }
  | { t: 'setExperimentTag'; id: number; key: string; value: string }
  | { t: 'deleteExperimentTag'; id: number; key: string }
  | { t: 'createRun'; run: string; experimentId: number; name: string; userId: string; startTime: number | null; artifactUri: string; tags: Pair[] }
  | { t: 'updateRun'; run: string; status?: RunStatus; endTime?: number; name?: string }
  | { t: 'deleteRun'; run: string; time: number }
  | { t: 'restoreRun'; run: string }
  // modelMetrics: the metrics that named a model_id, also kept as the model's metrics (extension/loggedModels).
  | { t: 'logBatch'; run: string; metrics: MetricTuple[]; params: Pair[]; tags: Pair[]; modelMetrics?: ModelMetricTuple[] }
  | { t: 'deleteTag'; run: string; key: string }
  | { t: 'logInputs'; run: string; datasets: DatasetOp[]; models: string[] }
  | { t: 'logOutputs'; run: string; models: { modelId: string; step: number }[] }
  // gc (gc.ts): permanently removes deleted runs, experiments and logged models with everything under them.
  | PurgeOp
  // The model registry, MLflow 3's logged models and traces live in the same database and journal
  // (extension/registry, extension/loggedModels, extension/traces: each family's operations.ts).
  | RegistryOp
  | LoggedModelOp
  | TraceOp;

export function toJournalNumber(v: number): JournalNumber {
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? 'Infinity' : '-Infinity';
}

export function fromJournalNumber(v: JournalNumber): number {
  return typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity;
}

export interface RunRow {
  id: number;
  experiment_id: number;
  lifecycle_stage: string;
}

export function findRun(db: Sqlite, runUuid: string): RunRow {
  const row = db.get<RunRow>('SELECT id, experiment_id, lifecycle_stage FROM runs WHERE run_uuid = ?', [runUuid]);
  if (!row) throw notFound(`Run with id=${runUuid} not found`);
  return row;
}

export function findActiveRun(db: Sqlite, runUuid: string): RunRow {
  const row = findRun(db, runUuid);
  if (row.lifecycle_stage !== 'active') {
    throw invalidParameter(`The run ${runUuid} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`);
  }
  return row;
}

export function findExperimentStage(db: Sqlite, id: number): string {
  const row = db.get<{ lifecycle_stage: string }>('SELECT lifecycle_stage FROM experiments WHERE experiment_id = ?', [id]);
  if (!row) throw notFound(`No Experiment with id=${id} exists`);
  return row.lifecycle_stage;
}

/** Metric key ids are interned; the cache is dropped whenever a transaction rolls back. */
export class MetricKeys {
  private ids = new Map<string, number>();

  constructor(private readonly db: Sqlite) {}

  id(key: string): number {
    let id = this.ids.get(key);
    if (id !== undefined) return id;
    const row = this.db.get<{ id: number }>('SELECT id FROM metric_keys WHERE key = ?', [key]);
    if (row) id = row.id;
    else {
      this.db.run('INSERT INTO metric_keys(key) VALUES (?)', [key]);
      id = this.db.get<{ id: number }>('SELECT last_insert_rowid() AS id')!.id;
    }
    this.ids.set(key, id);
    return id;
  }

  /** Looks a key up without creating it. */
  existing(key: string): number | undefined {
    const cached = this.ids.get(key);
    if (cached !== undefined) return cached;
    return this.db.get<{ id: number }>('SELECT id FROM metric_keys WHERE key = ?', [key])?.id;
  }

  reset(): void {
    this.ids = new Map();
  }
}

const UPSERT_LATEST = `
INSERT INTO latest_metrics(run_id, key_id, step, timestamp, value, is_nan, min_value, max_value, count)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(run_id, key_id) DO UPDATE SET
  step      = CASE WHEN (excluded.step, excluded.timestamp, excluded.value) > (step, timestamp, value) THEN excluded.step ELSE step END,
  timestamp = CASE WHEN (excluded.step, excluded.timestamp, excluded.value) > (step, timestamp, value) THEN excluded.timestamp ELSE timestamp END,
  is_nan    = CASE WHEN (excluded.step, excluded.timestamp, excluded.value) > (step, timestamp, value) THEN excluded.is_nan ELSE is_nan END,
  value     = CASE WHEN (excluded.step, excluded.timestamp, excluded.value) > (step, timestamp, value) THEN excluded.value ELSE value END,
  min_value = min(coalesce(min_value, excluded.min_value), coalesce(excluded.min_value, min_value)),
  max_value = max(coalesce(max_value, excluded.max_value), coalesce(excluded.max_value, max_value)),
  count     = count + excluded.count`;

interface Summary {
  step: number;
  timestamp: number;
  value: number; // NaN stored as 0 with isNan, like MLflow's SQL store
  isNan: number;
  min: number | null;
  max: number | null;
  count: number;
}

function isGreater(step: number, ts: number, value: number, s: Summary): boolean {
  if (step !== s.step) return step > s.step;
  if (ts !== s.timestamp) return ts > s.timestamp;
  return value > s.value;
}

function logMetrics(db: Sqlite, keys: MetricKeys, points: PointStore, runId: number, metrics: MetricTuple[]): void {
  if (metrics.length === 0) return;
  const summaries = new Map<number, Summary>();
  for (const [key, raw, ts, step] of metrics) {
    const keyId = keys.id(key);
    const v = fromJournalNumber(raw);
    const isNan = Number.isNaN(v) ? 1 : 0;
    const stored = isNan ? 0 : v === 0 ? 0 : v;
    // Identical points are a silent no-op and must not count twice.
    if (!points.stage(runId, keyId, step, ts, v)) continue;
    let s = summaries.get(keyId);
    if (!s) {
      s = { step, timestamp: ts, value: stored, isNan, min: null, max: null, count: 0 };
      summaries.set(keyId, s);
    } else if (isGreater(step, ts, stored, s)) {
      s.step = step;
      s.timestamp = ts;
      s.value = stored;
      s.isNan = isNan;
    }
    s.count++;
    if (!isNan) {
      if (s.min === null || stored < s.min) s.min = stored;
      if (s.max === null || stored > s.max) s.max = stored;
    }
  }
  const upsert = db.statement(UPSERT_LATEST);
  for (const [keyId, s] of summaries) {
    upsert.run([runId, keyId, s.step, s.timestamp, s.value, s.isNan, s.min, s.max, s.count]);
  }
}

function logParams(db: Sqlite, runUuid: string, runId: number, params: Pair[]): void {
  for (const [key, value] of params) {
    const existing = db.get<{ value: string }>('SELECT value FROM params WHERE run_id = ? AND key = ?', [runId, key]);
    if (existing) {
      if (existing.value !== value) {
        throw invalidParameter(
          `Changing param values is not allowed. Param with key='${key}' was already logged with value='${existing.value}' ` +
            `for run ID='${runUuid}'. Attempted logging new param value '${value}'.`,
        );
      }
      continue;
    }
    db.run('INSERT INTO params(run_id, key, value) VALUES (?, ?, ?)', [runId, key, value]);
  }
}

export const RUN_NAME_TAG = 'mlflow.runName';

function setTags(db: Sqlite, runId: number, tags: Pair[]): void {
  for (const [key, value] of tags) {
    db.run('INSERT INTO tags(run_id, key, value) VALUES (?, ?, ?) ON CONFLICT(run_id, key) DO UPDATE SET value = excluded.value', [runId, key, value]);
    // The run name and its tag are one fact kept in two places.
    if (key === RUN_NAME_TAG) db.run('UPDATE runs SET name = ? WHERE id = ?', [value, runId]);
  }
}

function setExperimentLifecycle(db: Sqlite, id: number, stage: 'active' | 'deleted', time: number): void {
  db.run('UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?', [stage, time, id]);
  if (stage === 'deleted') {
    db.run("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE experiment_id = ? AND lifecycle_stage = 'active'", [time, id]);
  } else {
    db.run("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE experiment_id = ? AND lifecycle_stage = 'deleted'", [id]);
  }
}

function logInputs(db: Sqlite, runId: number, experimentId: number, datasets: DatasetOp[], models: string[]): void {
  for (const d of datasets) {
    let row = db.get<{ id: number }>('SELECT id FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?', [experimentId, d.name, d.digest]);
    if (!row) {
      db.run(
        'INSERT INTO datasets(dataset_uuid, experiment_id, name, digest, source_type, source, schema, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [d.uuid, experimentId, d.name, d.digest, d.sourceType, d.source, d.schema ?? null, d.profile ?? null],
      );
      row = db.get<{ id: number }>('SELECT last_insert_rowid() AS id')!;
    }
    const inserted = db.run('INSERT OR IGNORE INTO run_inputs(run_id, dataset_id, input_uuid) VALUES (?, ?, ?)', [runId, row.id, d.inputUuid]);
    if (inserted === 0) continue; // the same dataset logged twice to a run is recorded once
    for (const [name, value] of d.tags) {
      db.run('INSERT OR REPLACE INTO input_tags(run_id, dataset_id, name, value) VALUES (?, ?, ?, ?)', [runId, row.id, name, value]);
    }
  }
  for (const modelId of models) db.run('INSERT OR IGNORE INTO model_inputs(run_id, model_id) VALUES (?, ?)', [runId, modelId]);
}

/**
 * Applies one op to the database, staging its metric points in `points`. Throws MlflowError for anything the
 * caller should see; the caller rolls back (and discards the staged points), else commits them.
 */
export function applyOp(db: Sqlite, keys: MetricKeys, points: PointStore, op: Op): void {
  switch (op.t) {
    case 'createExperiment': {
      if (db.get('SELECT 1 AS x FROM experiments WHERE name = ?', [op.name])) {
        throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Experiment(name=${op.name}) already exists. Error: UNIQUE constraint failed: experiments.name`);
      }
      db.run(
        "INSERT INTO experiments(experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, ?, 'active', ?, ?)",
        [op.id, op.name, op.artifactLocation, op.time, op.time],
      );
      for (const [key, value] of op.tags) db.run('INSERT OR REPLACE INTO experiment_tags(experiment_id, key, value) VALUES (?, ?, ?)', [op.id, key, value]);
      return;
    }
    case 'renameExperiment': {
      if (findExperimentStage(db, op.id) !== 'active') throw new MlflowError('INVALID_STATE', 'Cannot rename a non-active experiment.');
      const clash = db.get<{ experiment_id: number }>('SELECT experiment_id FROM experiments WHERE name = ?', [op.name]);
      if (clash && clash.experiment_id !== op.id) {
        throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Experiment(name=${op.name}) already exists.`);
      }
      db.run('UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?', [op.name, op.time, op.id]);
      return;
    }
    case 'deleteExperiment': {
      if (findExperimentStage(db, op.id) !== 'active') throw invalidParameter(`Cannot delete an already deleted experiment: ${op.id}`);
      setExperimentLifecycle(db, op.id, 'deleted', op.time);
      return;
    }
    case 'restoreExperiment': {
      if (findExperimentStage(db, op.id) !== 'deleted') throw notFound(`Cannot restore an active experiment: ${op.id}`);
      setExperimentLifecycle(db, op.id, 'active', op.time);
      return;
    }
    case 'setExperimentTag': {
      if (findExperimentStage(db, op.id) !== 'active') {
        throw invalidParameter(`The experiment ${op.id} must be in the 'active' state. Current state is deleted.`);
      }
      db.run('INSERT OR REPLACE INTO experiment_tags(experiment_id, key, value) VALUES (?, ?, ?)', [op.id, op.key, op.value]);
      return;
    }
    case 'deleteExperimentTag': {
      findExperimentStage(db, op.id);
      if (db.run('DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?', [op.id, op.key]) === 0) {
        throw notFound(`No tag with name: ${op.key} in experiment with id ${op.id}`);
      }
      return;
    }
    case 'createRun': {
      const stage = findExperimentStage(db, op.experimentId);
      if (stage !== 'active') {
        throw invalidParameter(`The experiment ${op.experimentId} must be in the 'active' state. Current state is ${stage}.`);
      }
      db.run(
        "INSERT INTO runs(run_uuid, experiment_id, name, user_id, status, start_time, lifecycle_stage, artifact_uri) VALUES (?, ?, ?, ?, 'RUNNING', ?, 'active', ?)",
        [op.run, op.experimentId, op.name, op.userId, op.startTime, op.artifactUri],
      );
      const runId = db.get<{ id: number }>('SELECT last_insert_rowid() AS id')!.id;
      setTags(db, runId, op.tags);
      return;
    }
    case 'updateRun': {
      const run = findActiveRun(db, op.run);
      if (op.status !== undefined) db.run('UPDATE runs SET status = ? WHERE id = ?', [op.status, run.id]);
      if (op.endTime !== undefined) db.run('UPDATE runs SET end_time = ? WHERE id = ?', [op.endTime, run.id]);
      if (op.name !== undefined) setTags(db, run.id, [[RUN_NAME_TAG, op.name]]);
      return;
    }
    case 'deleteRun': {
      const run = findRun(db, op.run);
      db.run("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE id = ?", [op.time, run.id]);
      return;
    }
    case 'restoreRun': {
      const run = findRun(db, op.run);
      db.run("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE id = ?", [run.id]);
      return;
    }
    case 'logBatch': {
      const run = findActiveRun(db, op.run);
      logParams(db, op.run, run.id, op.params);
      setTags(db, run.id, op.tags);
      logMetrics(db, keys, points, run.id, op.metrics);
      if (op.modelMetrics?.length) logModelMetrics(db, op.run, run.experiment_id, op.modelMetrics);
      return;
    }
    case 'deleteTag': {
      const run = findActiveRun(db, op.run);
      if (db.run('DELETE FROM tags WHERE run_id = ? AND key = ?', [run.id, op.key]) === 0) {
        throw notFound(`No tag with name: ${op.key} in run with id ${op.run}`);
      }
      return;
    }
    case 'logInputs': {
      const run = findActiveRun(db, op.run);
      logInputs(db, run.id, run.experiment_id, op.datasets, op.models);
      return;
    }
    case 'logOutputs': {
      const run = findActiveRun(db, op.run);
      for (const m of op.models) db.run('INSERT OR IGNORE INTO model_outputs(run_id, model_id, step) VALUES (?, ?, ?)', [run.id, m.modelId, m.step]);
      return;
    }
    case 'purge':
      applyPurge(db, points, op);
      return;
    default:
      if (isLoggedModelOp(op)) applyLoggedModelOp(db, op);
      else if (isTraceOp(op)) applyTraceOp(db, op);
      else applyRegistryOp(db, op);
      return;
  }
}
