// logged-models/search → bound SQL, with MLflow 3's logged-model grammar (mlflow/utils/search_logged_model_utils):
//
// - filter: `<entity> <op> <value>` joined by AND. `metrics.<k>`, `params.<k>`, `tags.<k>`, `attributes.<col>`
//   or a bare column (creation_time / creation_timestamp / last_updated_timestamp are aliases). Metrics and
//   the two timestamps are numeric (`<`, `<=`, `>`, `>=`, `=`, `!=` against a number); everything else is a
//   string (`=`, `!=`, LIKE, ILIKE, IN, NOT IN). A value loses its single quotes only, as MLflow's strip("'").
//   A metric filter matches when any of the model's points matches (restricted to the request's datasets).
// - datasets: `[{dataset_name, dataset_digest?}]`; a missing digest means "no digest", as MLflow's handler
//   passes it on. Without metric filters, a model must have a metric on one of the datasets.
// - order_by: `[{field_name, ascending, dataset_name?, dataset_digest?}]`: a column (missing values last) or
//   `metrics.<k>` (the model's latest point by timestamp, then step); creation time descending comes last
//   unless given.
// - paging: MLflow's token (base64 of its JSON with the experiment ids, filter, order and offset), which must
//   come back with the same request.
import { invalidParameter } from '../tracking/errors';
import { parseFilter, type FilterValue } from '../tracking/search/filterParser';
import { numericTestSql, stringTestSql, type SqlParam, type StringTest } from '../tracking/search/sqlParts';
import { pyJsonDumps } from './operations';
import { pyRepr } from '../projects/python/pyRepr';

export interface LoggedModelOrderBy {
  field_name: string;
  ascending?: boolean;
  dataset_name?: string;
  dataset_digest?: string;
}

export interface LoggedModelSearch {
  experimentIds: string[];
  filter?: string;
  datasets?: { dataset_name: string; dataset_digest?: string }[];
  orderBy?: LoggedModelOrderBy[];
  maxResults?: number;
  pageToken?: string;
}

export interface CompiledModelSearch {
  sql: string;
  params: SqlParam[];
  offset: number;
  maxResults: number;
  /** The token of the page after this one (used when more rows than maxResults come back). */
  nextToken: () => string;
}

const COLUMNS = [
  'model_id', 'experiment_id', 'name', 'artifact_location', 'creation_timestamp_ms', 'last_updated_timestamp_ms', 'status',
  'lifecycle_stage', 'model_type', 'source_run_id', 'status_message',
];
const ALIASES: Record<string, string> = {
  creation_time: 'creation_timestamp_ms',
  creation_timestamp: 'creation_timestamp_ms',
  last_updated_timestamp: 'last_updated_timestamp_ms',
};
const NUMERIC_COLUMNS = ['creation_timestamp_ms', 'last_updated_timestamp_ms'];
const NUMERIC_OPS = ['<', '<=', '>', '>=', '=', '!='];
const STRING_OPS = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];
const ENTITIES = ['attributes', 'metrics', 'params', 'tags'];
/** MLflow's SEARCH_LOGGED_MODEL_MAX_RESULTS_DEFAULT is 100, but its handler reads the proto default (50) first. */
export const DEFAULT_MAX_RESULTS = 50;

type Entity = { type: 'attributes' | 'metrics' | 'params' | 'tags'; key: string };

const stripTicks = (s: string): string => s.replace(/^`+|`+$/g, '');
const stripQuotes = (s: string): string => s.replace(/^'+|'+$/g, '');

function entityOf(raw: string): Entity {
  const m = /^([a-z]+)\.(.+)$/s.exec(raw);
  if (m) {
    if (!ENTITIES.includes(m[1])) {
      throw invalidParameter(`Invalid entity type: ${pyRepr(m[1])}. Expected one of ['attributes', 'metrics', 'params', 'tags'].`);
    }
    return { type: m[1] as Entity['type'], key: stripTicks(m[2]) };
  }
  return { type: 'attributes', key: stripTicks(ALIASES[raw] ?? raw) };
}

function isNumeric(e: Entity): boolean {
  return e.type === 'metrics' || (e.type === 'attributes' && NUMERIC_COLUMNS.includes(ALIASES[e.key] ?? e.key));
}

function column(key: string, what: string): string {
  // MLflow looks the name up on its ORM class (an unknown one is an unhandled AttributeError there).
  if (!COLUMNS.includes(key)) throw invalidParameter(`Invalid ${what}: ${pyRepr(key)} is not an attribute of a logged model.`);
  return `lm.${key}`;
}

function numberOf(e: Entity, v: FilterValue): number {
  if (v.kind === 'number') return v.value;
  throw invalidParameter(`Invalid numeric value for ${e.type}.${e.key}: could not convert string to float: ${pyRepr(v.raw)}`);
}

function stringTestOf(op: string, v: FilterValue): StringTest {
  if (op === 'IN' || op === 'NOT IN') {
    if (v.kind !== 'list') throw invalidParameter(`Invalid value for ${op}: expected a parenthesised list of strings, got ${v.raw}`);
    return { op, values: v.items.map((i) => (i.kind === 'string' ? i.value : i.raw)) };
  }
  if (v.kind === 'list') throw invalidParameter(`Invalid value for ${op}: a list is only valid with IN and NOT IN, got ${v.raw}`);
  return { op: op as '=' | '!=' | 'LIKE' | 'ILIKE', value: stripQuotes(v.raw) };
}

function datasetSql(alias: string, datasets: { dataset_name: string; dataset_digest?: string }[], params: SqlParam[]): string {
  return `(${datasets
    .map((d) => {
      params.push(d.dataset_name);
      if (d.dataset_digest === undefined || d.dataset_digest === '') return `(${alias}.dataset_name = ? AND ${alias}.dataset_digest IS NULL)`;
      params.push(d.dataset_digest);
      return `(${alias}.dataset_name = ? AND ${alias}.dataset_digest = ?)`;
    })
    .join(' OR ')})`;
}

function normalisedOrder(orderBy: LoggedModelOrderBy[] | undefined): object[] | null {
  if (!orderBy || orderBy.length === 0) return null;
  return orderBy.map((o) => ({
    field_name: o.field_name,
    ascending: o.ascending ?? true,
    dataset_name: o.dataset_name || null,
    dataset_digest: o.dataset_digest || null,
  }));
}

function tokenOf(q: LoggedModelSearch, offset: number): string {
  const body = { experiment_ids: q.experimentIds, filter_string: q.filter || null, order_by: normalisedOrder(q.orderBy), offset };
  return Buffer.from(pyJsonDumps(body), 'utf8').toString('base64');
}

function offsetOf(q: LoggedModelSearch): number {
  if (!q.pageToken) return 0;
  let token: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(q.pageToken, 'base64').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    token = parsed as Record<string, unknown>;
  } catch (e) {
    throw invalidParameter(`Invalid page token: ${q.pageToken}. ${(e as Error).message}`);
  }
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  if (!same(token.experiment_ids, q.experimentIds)) {
    throw invalidParameter(`Experiment IDs in the page token do not match the requested experiment IDs. Expected: ${pyJsonDumps(q.experimentIds)}. Found: ${pyJsonDumps(token.experiment_ids)}`);
  }
  if (!same(token.filter_string || null, q.filter || null)) {
    throw invalidParameter(`Filter string in the page token does not match the requested filter string. Expected: ${q.filter || 'None'}. Found: ${String(token.filter_string || 'None')}`);
  }
  if (!same(token.order_by || null, normalisedOrder(q.orderBy))) {
    throw invalidParameter('Order by in the page token does not match the requested order by.');
  }
  const offset = token.offset ?? 0;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw invalidParameter(`Invalid page token: ${q.pageToken}.`);
  return offset;
}

export function compileLoggedModelSearch(q: LoggedModelSearch): CompiledModelSearch {
  const datasets = q.datasets ?? [];
  if (datasets.some((d) => !d?.dataset_name)) throw invalidParameter('`dataset_name` in the `datasets` clause must be specified.');
  const offset = offsetOf(q);
  const maxResults = q.maxResults || DEFAULT_MAX_RESULTS;
  if (!Number.isSafeInteger(maxResults) || maxResults < 1) throw invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied.`);
  const experimentIds = q.experimentIds.map((id) => {
    if (!/^-?\d{1,15}$/.test(id.trim())) throw invalidParameter(`Invalid experiment ID: ${pyRepr(id)}. Experiment IDs must be integers.`);
    return Number(id);
  });

  const params: SqlParam[] = [];
  const where: string[] = ["lm.lifecycle_stage != 'deleted'", `lm.experiment_id IN (${experimentIds.map(() => '?').join(', ')})`];
  params.push(...experimentIds);
  let hasMetricFilter = false;
  for (const clause of parseFilter(q.filter)) {
    const entity = entityOf(clause.identifier.raw);
    const op = clause.comparator;
    const numeric = isNumeric(entity);
    if (!(numeric ? NUMERIC_OPS : STRING_OPS).includes(op)) {
      throw invalidParameter(
        `Invalid comparison operator for ${entity.type}.${entity.key}: ${pyRepr(op)}. Expected one of ('=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN').`,
      );
    }
    switch (entity.type) {
      case 'attributes': {
        const col = column(entity.key, 'filter attribute');
        where.push(numeric ? numericTestSql(col, { op: op as '=', value: numberOf(entity, clause.value) }, params) : stringTestSql(col, stringTestOf(op, clause.value), params));
        break;
      }
      case 'metrics': {
        hasMetricFilter = true;
        params.push(entity.key);
        const test = numericTestSql('mm.value', { op: op as '=', value: numberOf(entity, clause.value) }, params);
        const ds = datasets.length ? ` AND ${datasetSql('mm', datasets, params)}` : '';
        where.push(`EXISTS (SELECT 1 FROM logged_model_metrics mm WHERE mm.model_id = lm.model_id AND mm.key = ? AND ${test}${ds})`);
        break;
      }
      case 'params':
      case 'tags': {
        const table = entity.type === 'params' ? 'logged_model_params' : 'logged_model_tags';
        params.push(entity.key);
        const test = stringTestSql('kv.value', stringTestOf(op, clause.value), params);
        where.push(`EXISTS (SELECT 1 FROM ${table} kv WHERE kv.model_id = lm.model_id AND kv.key = ? AND ${test})`);
        break;
      }
    }
  }
  if (datasets.length && !hasMetricFilter) {
    where.push(`EXISTS (SELECT 1 FROM logged_model_metrics mm WHERE mm.model_id = lm.model_id AND ${datasetSql('mm', datasets, params)})`);
  }

  const order: string[] = [];
  const orderParams: SqlParam[] = [];
  let hasCreation = false;
  for (const [i, ob] of (q.orderBy ?? []).entries()) {
    const field = ob?.field_name;
    if (typeof field !== 'string' || field === '') throw invalidParameter(`Missing value for required parameter 'order_by[${i}].field_name'.`);
    const dir = ob.ascending === false ? 'DESC' : 'ASC';
    if (!field.includes('.')) {
      const name = ALIASES[field] ?? field;
      if (!COLUMNS.includes(name)) throw invalidParameter(`Invalid order by field name: ${field}`);
      if (name === 'creation_timestamp_ms') hasCreation = true;
      order.push(`(lm.${name} IS NULL) ASC`, `lm.${name} ${dir}`);
      continue;
    }
    const dot = field.indexOf('.');
    if (field.slice(0, dot) !== 'metrics') throw invalidParameter(`Invalid order by field name: ${field}. Only metrics are supported.`);
    const conditions = ['o.model_id = lm.model_id', 'o.key = ?'];
    orderParams.push(field.slice(dot + 1));
    if (ob.dataset_name) {
      conditions.push('o.dataset_name = ?');
      orderParams.push(ob.dataset_name);
    }
    if (ob.dataset_digest) {
      conditions.push('o.dataset_digest = ?');
      orderParams.push(ob.dataset_digest);
    }
    const latest = `(SELECT o.value FROM logged_model_metrics o WHERE ${conditions.join(' AND ')} ORDER BY o.timestamp DESC, o.step DESC, o.seq DESC LIMIT 1)`;
    // The subquery is written twice (missing-last, then the value), so its parameters are bound twice.
    orderParams.push(...orderParams.slice(orderParams.length - (conditions.length - 1)));
    order.push(`(${latest} IS NULL) ASC`, `${latest} ${dir}`);
  }
  if (!hasCreation) order.push('lm.creation_timestamp_ms DESC');
  order.push('lm.model_id ASC');

  const sql = `SELECT lm.model_id FROM logged_models lm WHERE ${where.join(' AND ')} ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`;
  return {
    sql,
    params: [...params, ...orderParams, maxResults + 1, offset],
    offset,
    maxResults,
    nextToken: () => tokenOf(q, offset + maxResults),
  };
}
