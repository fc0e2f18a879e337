// Read paths of the tracking store, returning the REST contract's shapes.
import { notFound } from '../errors';
import type { DatasetInput, Experiment, KeyValue, Metric, MetricSummary, MetricWithRunId, Run, RunInfo, RunStatus } from '../rest/types';
import { historyMetrics, readHistoryColumns } from './metricHistory';
import type { Sqlite, SqlValue } from './sqlite';
import type { PointStore } from './points/pointStore';

interface ExperimentRow {
  experiment_id: number;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active' | 'deleted';
  creation_time: number;
  last_update_time: number;
}

export function readExperiment(db: Sqlite, id: number): Experiment | undefined {
  const row = db.get<ExperimentRow>('SELECT * FROM experiments WHERE experiment_id = ?', [id]);
  if (!row) return undefined;
  const tags = db.all<KeyValue>('SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY key', [id]);
  const exp: Experiment = {
    experiment_id: String(row.experiment_id),
    name: row.name,
    artifact_location: row.artifact_location,
    lifecycle_stage: row.lifecycle_stage,
    last_update_time: row.last_update_time,
    creation_time: row.creation_time,
  };
  if (tags.length) exp.tags = tags;
  return exp;
}

export function experimentIdByName(db: Sqlite, name: string): number | undefined {
  return db.get<{ experiment_id: number }>('SELECT experiment_id FROM experiments WHERE name = ?', [name])?.experiment_id;
}

interface RunRow {
  id: number;
  run_uuid: string;
  experiment_id: number;
  name: string;
  user_id: string;
  status: RunStatus;
  start_time: number | null;
  end_time: number | null;
  lifecycle_stage: 'active' | 'deleted';
  artifact_uri: string;
}

function toRunInfo(row: RunRow): RunInfo {
  const info: RunInfo = {
    run_id: row.run_uuid,
    run_uuid: row.run_uuid,
    run_name: row.name,
    experiment_id: String(row.experiment_id),
    user_id: row.user_id,
    status: row.status,
    artifact_uri: row.artifact_uri,
    lifecycle_stage: row.lifecycle_stage,
  };
  if (row.start_time !== null) info.start_time = row.start_time;
  if (row.end_time !== null) info.end_time = row.end_time;
  return info;
}

const RUN_COLUMNS = 'id, run_uuid, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri';

export function readRunInfo(db: Sqlite, runUuid: string): RunInfo {
  const row = db.get<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE run_uuid = ?`, [runUuid]);
  if (!row) throw notFound(`Run with id=${runUuid} not found`);
  return toRunInfo(row);
}

const IDS = 'SELECT value FROM json_each(?)';

/** Groups rows by their first column (the internal run id). */
function byRun<T>(rows: SqlValue[][], make: (row: SqlValue[]) => T): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const row of rows) {
    const id = row[0] as number;
    let list = out.get(id);
    if (!list) out.set(id, (list = []));
    list.push(make(row));
  }
  return out;
}

export function datasetInputs(db: Sqlite, idsJson: string): Map<number, DatasetInput[]> {
  const tags = byRun(
    db.rows(`SELECT run_id, dataset_id, name, value FROM input_tags WHERE run_id IN (${IDS}) ORDER BY run_id, dataset_id, name`, [idsJson]),
    (r) => ({ dataset: r[1] as number, key: r[2] as string, value: r[3] as string }),
  );
  return byRun(
    db.rows(
      `SELECT i.run_id, d.id, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
       FROM run_inputs i JOIN datasets d ON d.id = i.dataset_id WHERE i.run_id IN (${IDS}) ORDER BY i.run_id, d.id`,
      [idsJson],
    ),
    (r) => {
      const input: DatasetInput = { dataset: { name: r[2] as string, digest: r[3] as string, source_type: r[4] as string, source: r[5] as string } };
      if (r[6] !== null) input.dataset.schema = r[6] as string;
      if (r[7] !== null) input.dataset.profile = r[7] as string;
      const own = (tags.get(r[0] as number) ?? []).filter((t) => t.dataset === r[1]).map(({ key, value }) => ({ key, value }));
      if (own.length) input.tags = own;
      return input;
    },
  );
}

/**
 * A run's row with its params, tags and latest metrics folded into one JSON text each by SQLite: crossing from
 * sql.js to JS costs per value fetched, so 10,000 runs × 50 values come over as 10,000 rows of 13 values, and
 * JSON.parse builds the arrays natively. Lists keep the primary keys' order (params and tags by key). A NaN
 * metric comes as null (SQLite has no NaN); ±Infinity as ±9.0e+999, which JSON.parse reads back as ±Infinity;
 * finite doubles print in full round-trip precision.
 */
const RUNS_WITH_DATA = `SELECT r.id, r.run_uuid, r.experiment_id, r.name, r.user_id, r.status, r.start_time, r.end_time,
    r.lifecycle_stage, r.artifact_uri,
    (SELECT json_array(json_group_array(key), json_group_array(value)) FROM params WHERE run_id = r.id),
    (SELECT json_array(json_group_array(key), json_group_array(value)) FROM tags WHERE run_id = r.id),
    (SELECT json_array(json_group_array(k.key), json_group_array(CASE WHEN l.is_nan THEN NULL ELSE l.value END),
                       json_group_array(l.timestamp), json_group_array(l.step))
     FROM latest_metrics l JOIN metric_keys k ON k.id = l.key_id WHERE l.run_id = r.id)
  FROM runs r WHERE r.id IN (${IDS})`;

/** Keys and values as parallel JSON arrays → KeyValue list, or undefined when empty. */
function pairsOf(json: SqlValue): KeyValue[] | undefined {
  const [keys, values] = JSON.parse(json as string) as [string[], string[]];
  if (keys.length === 0) return undefined;
  const out: KeyValue[] = new Array<KeyValue>(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = { key: keys[i], value: values[i] };
  return out;
}

function metricsOf(json: SqlValue): Metric[] | undefined {
  const [keys, values, timestamps, steps] = JSON.parse(json as string) as [string[], Array<number | null>, number[], number[]];
  if (keys.length === 0) return undefined;
  const out: Metric[] = new Array<Metric>(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = { key: keys[i], value: values[i] ?? NaN, timestamp: timestamps[i], step: steps[i] };
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** RunInfo from a row of (any key, run_uuid, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri). */
export function runInfoOfRow(r: SqlValue[]): RunInfo {
  const info: RunInfo = {
    run_id: r[1] as string,
    run_uuid: r[1] as string,
    run_name: r[3] as string,
    experiment_id: String(r[2]),
    user_id: r[4] as string,
    status: r[5] as RunStatus,
    artifact_uri: r[9] as string,
    lifecycle_stage: r[8] as 'active' | 'deleted',
  };
  if (r[6] !== null) info.start_time = r[6] as number;
  if (r[7] !== null) info.end_time = r[7] as number;
  return info;
}

/** Loads whole runs for a list of internal ids, keeping the given order. */
export function readRunsByInternalIds(db: Sqlite, ids: number[]): Run[] {
  if (ids.length === 0) return [];
  const idsJson = JSON.stringify(ids);
  const rows = new Map<number, SqlValue[]>();
  for (const r of db.rows(RUNS_WITH_DATA, [idsJson])) rows.set(r[0] as number, r);
  // Datasets and logged models are rare: one plain query per table.
  const datasets = datasetInputs(db, idsJson);
  const modelInputs = byRun(db.rows(`SELECT run_id, model_id FROM model_inputs WHERE run_id IN (${IDS})`, [idsJson]), (r) => ({ model_id: r[1] as string }));
  const outputs = byRun(db.rows(`SELECT run_id, model_id, step FROM model_outputs WHERE run_id IN (${IDS})`, [idsJson]), (r) => ({ model_id: r[1] as string, step: r[2] as number }));
  const out: Run[] = [];
  for (const id of ids) {
    const row = rows.get(id);
    if (!row) continue;
    const run: Run = { info: runInfoOfRow(row), data: {}, inputs: {} };
    const m = metricsOf(row[12]);
    if (m) run.data.metrics = m;
    const p = pairsOf(row[10]);
    if (p) run.data.params = p;
    const t = pairsOf(row[11]);
    if (t) run.data.tags = t;
    const d = datasets.get(id);
    if (d) run.inputs.dataset_inputs = d;
    const mi = modelInputs.get(id);
    if (mi) run.inputs.model_inputs = mi;
    const o = outputs.get(id);
    // MLflow 3 answers `outputs` on every run it reads (empty when the run logged no model).
    run.outputs = o ? { model_outputs: o } : {};
    out.push(run);
  }
  return out;
}

export function readRun(db: Sqlite, runUuid: string): Run {
  const row = db.get<{ id: number }>('SELECT id FROM runs WHERE run_uuid = ?', [runUuid]);
  if (!row) throw notFound(`Run with id=${runUuid} not found`);
  return readRunsByInternalIds(db, [row.id])[0];
}

/** Our extension: per metric key the latest point plus min, max and count, for the runs table. */
export function readMetricSummaries(db: Sqlite, runId: number): MetricSummary[] {
  return db
    .rows(
      `SELECT k.key, l.value, l.is_nan, l.timestamp, l.step, l.min_value, l.max_value, l.count
       FROM latest_metrics l JOIN metric_keys k ON k.id = l.key_id WHERE l.run_id = ? ORDER BY k.key`,
      [runId],
    )
    .map(([key, value, isNan, timestamp, step, min, max, count]) => {
      const s: MetricSummary = { key: key as string, value: isNan ? NaN : (value as number), timestamp: timestamp as number, step: step as number, count: count as number };
      if (min !== null) s.min = min as number;
      if (max !== null) s.max = max as number;
      return s;
    });
}

/** Points of one metric, ordered as MLflow's SQL store returns them: timestamp, step, value. */
export function readMetricHistory(points: PointStore, runId: number, keyId: number, key: string): Metric[] {
  return historyMetrics(readHistoryColumns(points, runId, keyId, key));
}

/** Points of one metric ordered by step (then timestamp), the order charts and bulk-interval use. */
export function readMetricPointsByStep(points: PointStore, runId: number, keyId: number, minStep?: number, maxStep?: number): Array<[number, number, number]> {
  const ranged = minStep !== undefined && maxStep !== undefined;
  const p = points.readSeries(runId, keyId, ranged ? { minStep, maxStep } : undefined);
  const out = new Array<[number, number, number]>(p.step.length);
  for (let i = 0; i < out.length; i++) out[i] = [p.step[i], p.timestamp[i], p.value[i]];
  return out;
}

export function withRunId(points: Array<[number, number, number]>, key: string, runUuid: string): MetricWithRunId[] {
  return points.map(([step, timestamp, value]) => ({ key, value, timestamp, step, run_id: runUuid }));
}
