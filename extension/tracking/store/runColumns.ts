// The runs of a table read column by column: one array per metric, param and tag key, indexed like `infos`.
// Ten thousand runs × fifty values come out of sql.js as a handful of long JSON texts (every value fetched
// through sql.js costs a crossing; JSON.parse builds the arrays natively) and land in flat arrays, without an
// object per value: the runs table opens, sorts and filters on these (issue 6). runs/search keeps reading
// whole runs (reads.ts).
import type { DatasetInput, Run, RunInfo } from '../rest/types';
import { datasetInputs, runInfoOfRow } from './reads';
import type { Sqlite, SqlValue } from './sqlite';

/** Sparse columns: a run without the key has a hole (reads as undefined); a NaN metric holds NaN. */
export interface RunColumns {
  infos: RunInfo[];
  metrics: Map<string, Array<number | undefined>>;
  params: Map<string, Array<string | undefined>>;
  tags: Map<string, Array<string | undefined>>;
  /** Only runs with dataset inputs have an entry. */
  datasets: Map<number, DatasetInput[]>;
}

export function emptyRunColumns(): RunColumns {
  return { infos: [], metrics: new Map(), params: new Map(), tags: new Map(), datasets: new Map() };
}

function columnOf<T>(columns: Map<string, Array<T | undefined>>, key: string, length: number): Array<T | undefined> {
  let col = columns.get(key);
  // new Array(n) is holey: filled with numbers it stays an unboxed double array, holes marking missing values.
  if (!col) columns.set(key, (col = new Array<T | undefined>(length)));
  return col;
}

/** Runs (from any client) as columns. */
export function runColumnsOf(runs: readonly Run[]): RunColumns {
  const out = emptyRunColumns();
  runs.forEach((run, i) => {
    out.infos.push(run.info);
    for (const m of run.data.metrics ?? []) columnOf(out.metrics, m.key, runs.length)[i] = Number(m.value);
    for (const p of run.data.params ?? []) columnOf(out.params, p.key, runs.length)[i] = p.value;
    for (const t of run.data.tags ?? []) columnOf(out.tags, t.key, runs.length)[i] = t.value;
    if (run.inputs?.dataset_inputs?.length) out.datasets.set(i, run.inputs.dataset_inputs);
  });
  return out;
}

const parse = <T>(text: SqlValue): T[] => JSON.parse(text as string) as T[];

/**
 * Runs by internal id, in the given order, as columns: one statement per table. Params and tags answer one
 * row of JSON arrays; metrics, all numbers, are stepped through as typed columns.
 */
export function readRunColumns(db: Sqlite, ids: number[]): RunColumns {
  const out = emptyRunColumns();
  if (ids.length === 0) return out;
  const idsJson = JSON.stringify(ids);
  const infos = new Array<RunInfo | undefined>(ids.length);
  for (const r of db.rows(
    `SELECT j.key, r.run_uuid, r.experiment_id, r.name, r.user_id, r.status, r.start_time, r.end_time, r.lifecycle_stage, r.artifact_uri
     FROM json_each(?) j JOIN runs r ON r.id = j.value`,
    [idsJson],
  )) {
    infos[r[0] as number] = runInfoOfRow(r);
  }
  // Every id came from a search of the same synchronous snapshot, so every run is there.
  out.infos = infos as RunInfo[];
  const n = ids.length;
  // Rows carry their run's position in `ids` (json_each's key), so values drop straight into place. Metric rows
  // are all numbers (position, key id, value, NaN flag): read as typed columns, no text printed or parsed.
  const metricKeys = new Map(db.rows('SELECT id, key FROM metric_keys').map((r) => [r[0] as number, r[1] as string]));
  const metrics = db.numericColumns('SELECT j.key, l.key_id, l.value, l.is_nan FROM json_each(?) j JOIN latest_metrics l ON l.run_id = j.value', [idsJson], 4, n * 8);
  const [mAt, mKeys, mValues, mNan] = metrics.columns;
  const byKeyId: Array<Array<number | undefined>> = [];
  for (let i = 0; i < metrics.rows; i++) {
    const keyId = mKeys[i];
    const col = (byKeyId[keyId] ??= columnOf(out.metrics, metricKeys.get(keyId)!, n));
    col[mAt[i]] = mNan[i] ? NaN : mValues[i];
  }
  for (const [table, columns] of [['params', out.params], ['tags', out.tags]] as const) {
    const [at, keys, values] = db
      .rows(`SELECT json_group_array(j.key), json_group_array(t.key), json_group_array(t.value) FROM json_each(?) j JOIN ${table} t ON t.run_id = j.value`, [idsJson])[0]
      .map((t) => parse<string | number>(t)) as [number[], string[], string[]];
    for (let i = 0; i < at.length; i++) columnOf(columns, keys[i], n)[at[i]] = values[i];
  }
  const inputs = datasetInputs(db, idsJson);
  if (inputs.size) {
    const at = new Map(ids.map((id, i) => [id, i]));
    for (const [id, list] of inputs) out.datasets.set(at.get(id)!, list);
  }
  return out;
}
