// Read paths of the tracking store, returning the REST contract's shapes.
import { notFound } from '../errors';
import type { DatasetInput, Experiment, KeyValue, Metric, MetricSummary, MetricWithRunId, Run, RunInfo, RunStatus } from '../rest/types';
import type { Sqlite } from './sqlite';

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

function latestMetrics(db: Sqlite, runId: number): Metric[] {
  const rows = db.rows(
    'SELECT k.key, l.value, l.is_nan, l.timestamp, l.step FROM latest_metrics l JOIN metric_keys k ON k.id = l.key_id WHERE l.run_id = ? ORDER BY k.key',
    [runId],
  );
  return rows.map(([key, value, isNan, timestamp, step]) => ({
    key: key as string,
    value: isNan ? NaN : (value as number),
    timestamp: timestamp as number,
    step: step as number,
  }));
}

function datasetInputs(db: Sqlite, runId: number): DatasetInput[] {
  const rows = db.all<{ dataset_id: number; name: string; digest: string; source_type: string; source: string; schema: string | null; profile: string | null }>(
    `SELECT d.id AS dataset_id, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
     FROM run_inputs i JOIN datasets d ON d.id = i.dataset_id WHERE i.run_id = ? ORDER BY d.id`,
    [runId],
  );
  return rows.map((r) => {
    const input: DatasetInput = { dataset: { name: r.name, digest: r.digest, source_type: r.source_type, source: r.source } };
    if (r.schema !== null) input.dataset.schema = r.schema;
    if (r.profile !== null) input.dataset.profile = r.profile;
    const tags = db.all<{ key: string; value: string }>(
      'SELECT name AS key, value FROM input_tags WHERE run_id = ? AND dataset_id = ? ORDER BY name',
      [runId, r.dataset_id],
    );
    if (tags.length) input.tags = tags;
    return input;
  });
}

function assembleRun(db: Sqlite, row: RunRow): Run {
  const metrics = latestMetrics(db, row.id);
  const params = db.all<KeyValue>('SELECT key, value FROM params WHERE run_id = ?', [row.id]);
  const tags = db.all<KeyValue>('SELECT key, value FROM tags WHERE run_id = ?', [row.id]);
  const run: Run = { info: toRunInfo(row), data: {}, inputs: {} };
  if (metrics.length) run.data.metrics = metrics;
  if (params.length) run.data.params = params;
  if (tags.length) run.data.tags = tags;
  const datasets = datasetInputs(db, row.id);
  if (datasets.length) run.inputs.dataset_inputs = datasets;
  const modelInputs = db.all<{ model_id: string }>('SELECT model_id FROM model_inputs WHERE run_id = ?', [row.id]);
  if (modelInputs.length) run.inputs.model_inputs = modelInputs;
  const outputs = db.all<{ model_id: string; step: number }>('SELECT model_id, step FROM model_outputs WHERE run_id = ?', [row.id]);
  if (outputs.length) run.outputs = { model_outputs: outputs };
  return run;
}

export function readRun(db: Sqlite, runUuid: string): Run {
  const row = db.get<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE run_uuid = ?`, [runUuid]);
  if (!row) throw notFound(`Run with id=${runUuid} not found`);
  return assembleRun(db, row);
}

export function readRunsByInternalIds(db: Sqlite, ids: number[]): Run[] {
  return ids.map((id) => assembleRun(db, db.get<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`, [id])!));
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
export function readMetricHistory(db: Sqlite, runId: number, keyId: number, key: string): Metric[] {
  const stmt = db.statement('SELECT step, timestamp, value, is_nan FROM metrics WHERE run_id = ? AND key_id = ?');
  const out: Metric[] = [];
  let sorted = true;
  let prev: Metric | undefined;
  try {
    stmt.bind([runId, keyId]);
    while (stmt.step()) {
      const [step, timestamp, value, isNan] = stmt.get() as number[];
      const m: Metric = { key, value: isNan ? NaN : value, timestamp, step };
      // Rows come clustered by step; usually timestamps grow with steps, so a sort is rarely needed.
      if (prev && (prev.timestamp > timestamp || (prev.timestamp === timestamp && prev.step > step))) sorted = false;
      out.push(m);
      prev = m;
    }
  } finally {
    stmt.reset();
  }
  if (!sorted) out.sort((a, b) => a.timestamp - b.timestamp || a.step - b.step || a.value - b.value);
  return out;
}

/** Points of one metric ordered by step (then timestamp), the order charts and bulk-interval use. */
export function readMetricPointsByStep(db: Sqlite, runId: number, keyId: number, minStep?: number, maxStep?: number): Array<[number, number, number]> {
  const ranged = minStep !== undefined && maxStep !== undefined;
  const rows = db.rows(
    ranged
      ? 'SELECT step, timestamp, CASE WHEN is_nan THEN NULL ELSE value END FROM metrics WHERE run_id = ? AND key_id = ? AND step BETWEEN ? AND ? ORDER BY step, timestamp, value'
      : 'SELECT step, timestamp, CASE WHEN is_nan THEN NULL ELSE value END FROM metrics WHERE run_id = ? AND key_id = ? ORDER BY step, timestamp, value',
    ranged ? [runId, keyId, minStep, maxStep] : [runId, keyId],
  );
  return rows.map(([s, t, v]) => [s as number, t as number, v === null ? NaN : (v as number)]);
}

export function withRunId(points: Array<[number, number, number]>, key: string, runUuid: string): MetricWithRunId[] {
  return points.map(([step, timestamp, value]) => ({ key, value, timestamp, step, run_id: runUuid }));
}
