// Compiles a runs/search request into one parameterised SELECT of internal run ids.
//
// Filters become correlated EXISTS subqueries (a run lacking the key never matches, even for `!=`, and a run
// with several matching datasets is not duplicated); order_by keys become LEFT JOINs on the (run, key)
// primary keys so runs lacking the key are kept and sorted last. Metrics use the latest value; a NaN point
// (is_nan = 1) compares like IEEE NaN, i.e. it only satisfies `!=`, and sorts after real values but before
// missing ones, in both directions, as MLflow orders them.

import { invalidParameter } from '../errors';
import { decodePageToken } from './pageToken';
import { RunFilter, RunOrderKey, parseRunFilter, parseRunOrderBy } from './runGrammar';
import { CompiledQuery, SqlParam, ViewType, inList, lifecycleStages, numericTestSql, stringTestSql, validateMaxResults } from './sqlParts';

export type { CompiledQuery, ViewType } from './sqlParts';

export interface RunSearchQuery {
  experimentIds: number[];
  filter?: string;
  orderBy?: string[];
  viewType: ViewType;
  maxResults: number;
  pageToken?: string;
}

const DATASET_CONTEXT_TAG = 'mlflow.data.context';
const METRIC_KEY_ID = '(SELECT mk.id FROM metric_keys AS mk WHERE mk.key = ?)';

function filterSql(f: RunFilter, i: number, params: SqlParam[]): string {
  const t = `f${i}`;
  switch (f.kind) {
    case 'metric': {
      params.push(f.key, f.test.value);
      const cond = f.test.op === '!=' ? `(${t}.is_nan <> 0 OR ${t}.value <> ?)` : `${t}.is_nan = 0 AND ${t}.value ${f.test.op} ?`;
      return `EXISTS (SELECT 1 FROM latest_metrics AS ${t} WHERE ${t}.run_id = r.id AND ${t}.key_id = ${METRIC_KEY_ID} AND ${cond})`;
    }
    case 'param':
    case 'tag': {
      const table = f.kind === 'param' ? 'params' : 'tags';
      params.push(f.key);
      return `EXISTS (SELECT 1 FROM ${table} AS ${t} WHERE ${t}.run_id = r.id AND ${t}.key = ? AND ${stringTestSql(`${t}.value`, f.test, params)})`;
    }
    case 'attribute':
      return stringTestSql(`r.${f.column}`, f.test, params);
    case 'numericAttribute':
      return numericTestSql(`r.${f.column}`, f.test, params);
    case 'dataset': {
      // "Any input dataset matches": a run with no datasets matches nothing, not even `!=` / NOT IN.
      if (f.field === 'context') {
        params.push(DATASET_CONTEXT_TAG);
        const test = stringTestSql(`${t}t.value`, f.test, params);
        return (
          `EXISTS (SELECT 1 FROM run_inputs AS ${t} JOIN input_tags AS ${t}t ON ${t}t.run_id = ${t}.run_id AND ${t}t.dataset_id = ${t}.dataset_id ` +
          `WHERE ${t}.run_id = r.id AND ${t}t.name = ? AND ${test})`
        );
      }
      const test = stringTestSql(`${t}d.${f.field}`, f.test, params);
      return `EXISTS (SELECT 1 FROM run_inputs AS ${t} JOIN datasets AS ${t}d ON ${t}d.id = ${t}.dataset_id WHERE ${t}.run_id = r.id AND ${test})`;
    }
  }
}

/** Adds the join (if any) for one order key and returns its ORDER BY terms: a "missing/NaN" rank, then the value. */
function orderSql(o: RunOrderKey, i: number, joins: string[], params: SqlParam[]): string[] {
  const dir = o.ascending ? 'ASC' : 'DESC';
  if (o.kind === 'attribute') return [`(r.${o.column} IS NULL)`, `r.${o.column} ${dir}`];
  const t = `o${i}`;
  params.push(o.key);
  if (o.kind === 'metric') {
    joins.push(`LEFT JOIN latest_metrics AS ${t} ON ${t}.run_id = r.id AND ${t}.key_id = ${METRIC_KEY_ID}`);
    return [
      `(CASE WHEN ${t}.run_id IS NULL THEN 2 WHEN ${t}.is_nan <> 0 THEN 1 ELSE 0 END)`,
      `(CASE WHEN ${t}.is_nan = 0 THEN ${t}.value END) ${dir}`,
    ];
  }
  joins.push(`LEFT JOIN ${o.kind === 'param' ? 'params' : 'tags'} AS ${t} ON ${t}.run_id = r.id AND ${t}.key = ?`);
  return [`(${t}.value IS NULL)`, `${t}.value ${dir}`];
}

export function compileRunSearch(q: RunSearchQuery): CompiledQuery {
  validateMaxResults(q.maxResults, (detail) => `Invalid value for request parameter max_results. ${detail}`);
  for (const id of q.experimentIds) {
    if (!Number.isSafeInteger(id)) throw invalidParameter(`Invalid experiment id '${id}'`);
  }
  const offset = decodePageToken(q.pageToken);
  const filters = parseRunFilter(q.filter);
  const order = parseRunOrderBy(q.orderBy);

  // Parameters must follow the order of the `?`s in the text: joins, then WHERE, then LIMIT/OFFSET.
  const joinParams: SqlParam[] = [];
  const joins: string[] = [];
  const orderTerms = order.flatMap((o, i) => orderSql(o, i, joins, joinParams));
  if (!order.some((o) => o.kind === 'attribute' && o.column === 'start_time')) orderTerms.push('r.start_time DESC');
  orderTerms.push('r.run_uuid ASC');

  const whereParams: SqlParam[] = [];
  const where = [
    q.experimentIds.length ? inList('r.experiment_id', q.experimentIds, whereParams) : '0',
    inList('r.lifecycle_stage', lifecycleStages(q.viewType), whereParams),
    ...filters.map((f, i) => filterSql(f, i, whereParams)),
  ];

  const limit = q.maxResults + 1;
  const sql = [
    'SELECT r.id FROM runs AS r',
    ...joins,
    `WHERE ${where.join(' AND ')}`,
    `ORDER BY ${orderTerms.join(', ')}`,
    'LIMIT ? OFFSET ?',
  ].join(' ');
  return { sql, params: [...joinParams, ...whereParams, limit, offset], offset, limit };
}
