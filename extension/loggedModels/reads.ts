// Logged models in MLflow's REST shape, loaded in batches (one query per table for any number of models).
// Field presence follows MLflow's answers: model_type and source_run_id as stored ('' when the request had
// none), status_message never, tags and params by key, metrics in the order they were logged, `data` always.
import type { KeyValue, LoggedModel, LoggedModelInfo, LoggedModelMetric } from '../tracking/rest/types';
import { LOGGED_MODEL_STATUSES } from '../tracking/rest/types';
import type { Sqlite, SqlValue } from '../tracking/store/sqlite';

const IDS = 'SELECT value FROM json_each(?)';

function group<T>(rows: SqlValue[][], make: (r: SqlValue[]) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const id = r[0] as string;
    let list = out.get(id);
    if (!list) out.set(id, (list = []));
    list.push(make(r));
  }
  return out;
}

/** Loads whole models by id, in the given order; ids that do not exist are skipped. */
export function readLoggedModels(db: Sqlite, modelIds: readonly string[]): LoggedModel[] {
  if (modelIds.length === 0) return [];
  const ids = JSON.stringify(modelIds);
  const rows = new Map<string, SqlValue[]>();
  for (const r of db.rows(
    `SELECT model_id, experiment_id, name, creation_timestamp_ms, last_updated_timestamp_ms, artifact_location, status, model_type, source_run_id
     FROM logged_models WHERE model_id IN (${IDS})`,
    [ids],
  )) {
    rows.set(r[0] as string, r);
  }
  const pair = (r: SqlValue[]): KeyValue => ({ key: r[1] as string, value: r[2] as string });
  const tags = group(db.rows(`SELECT model_id, key, value FROM logged_model_tags WHERE model_id IN (${IDS}) ORDER BY model_id, key`, [ids]), pair);
  const params = group(db.rows(`SELECT model_id, key, value FROM logged_model_params WHERE model_id IN (${IDS}) ORDER BY model_id, key`, [ids]), pair);
  const metrics = group(
    db.rows(
      `SELECT model_id, key, value, timestamp, step, dataset_name, dataset_digest, run_id FROM logged_model_metrics WHERE model_id IN (${IDS}) ORDER BY seq`,
      [ids],
    ),
    (r): LoggedModelMetric => {
      const m: LoggedModelMetric = { key: r[1] as string, value: r[2] as number, timestamp: r[3] as number, step: r[4] as number };
      if (r[5] !== null) m.dataset_name = r[5] as string;
      if (r[6] !== null) m.dataset_digest = r[6] as string;
      m.model_id = r[0] as string;
      m.run_id = r[7] as string;
      return m;
    },
  );
  const out: LoggedModel[] = [];
  for (const id of modelIds) {
    const r = rows.get(id);
    if (!r) continue;
    const info: LoggedModelInfo = {
      model_id: id,
      experiment_id: String(r[1]),
      name: r[2] as string,
      creation_timestamp_ms: r[3] as number,
      last_updated_timestamp_ms: r[4] as number,
      artifact_uri: r[5] as string,
      status: LOGGED_MODEL_STATUSES[r[6] as number] ?? 'LOGGED_MODEL_STATUS_UNSPECIFIED',
    };
    if (r[7] !== null) info.model_type = r[7] as string;
    if (r[8] !== null) info.source_run_id = r[8] as string;
    const t = tags.get(id);
    if (t) info.tags = t;
    const data: NonNullable<LoggedModel['data']> = {};
    const p = params.get(id);
    if (p) data.params = p;
    const m = metrics.get(id);
    if (m) data.metrics = m;
    out.push({ info, data });
  }
  return out;
}
