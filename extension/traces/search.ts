// SearchTracesV3's filter and order_by (MLflow's SearchTraceUtils over its SQL store), parsed by the shared
// filter parser and compiled to one parameterised SELECT of trace ids. Every user value is bound with `?`.
//
// Identifiers: bare or `attribute.`/`attributes.`/`trace.` attributes (request_id, timestamp[_ms],
// execution_time[_ms], end_time[_ms], status, client_request_id, and name → tag mlflow.traceName,
// run_id → metadata mlflow.sourceRun), `tag(s).<k>`, `metadata.<k>`/`request_metadata.<k>`; `span.…`,
// `feedback.…`, `expectation.…`, `issue.…` and `prompt` are validated and match nothing, as on MLflow's SQL
// server for traces whose spans and assessments are not in its database (ours never are: see traceStore.ts).
// Order: the given keys (NULLs last), then timestamp DESC and request_id ASC unless given. `IS [NOT] NULL`, in
// SearchTraceUtils' lists, is refused as an invalid clause, as MLflow 3.11's server does in practice.
import { invalidParameter } from '../tracking/errors';
import { type FilterClause, type FilterValue, type Identifier, parseFilter, parseOrderBy } from '../tracking/search/filterParser';
import { decodePageToken } from '../tracking/search/pageToken';
import { asNumericOp, type SqlParam, type StringTest, stringTestSql } from '../tracking/search/sqlParts';

export const TRACE_NAME_TAG = 'mlflow.traceName';
export const SOURCE_RUN_METADATA = 'mlflow.sourceRun';
const LINKED_PROMPTS_TAG = 'mlflow.linkedPrompts';

const SEARCH_ATTRIBUTES = ['request_id', 'timestamp', 'timestamp_ms', 'execution_time', 'execution_time_ms', 'end_time', 'end_time_ms', 'status', 'client_request_id', 'name', 'run_id', 'prompt', 'text'];
const ORDER_ATTRIBUTES = ['experiment_id', 'timestamp', 'timestamp_ms', 'execution_time', 'execution_time_ms', 'end_time', 'end_time_ms', 'status', 'request_id', 'name', 'run_id'];
const NUMERIC = new Set(['timestamp_ms', 'execution_time_ms', 'end_time_ms']);
const STRING_ATTRIBUTE_OPS = new Set(['!=', '=', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'RLIKE']);
const KEY_VALUE_OPS = new Set(['!=', '=', 'LIKE', 'ILIKE']);
const ENTITY: Record<string, Kind> = {
  tag: 'tag', tags: 'tag', attribute: 'attribute', attributes: 'attribute', trace: 'attribute', request_metadata: 'metadata', metadata: 'metadata',
  span: 'none', feedback: 'none', expectation: 'none', issue: 'none',
};
const VALID_ENTITIES = "{'tag', 'tags', 'attribute', 'attributes', 'trace', 'request_metadata', 'metadata', 'span', 'feedback', 'expectation', 'issue'}";
const ALIAS: Record<string, string> = { timestamp: 'timestamp_ms', execution_time: 'execution_time_ms', end_time: 'end_time_ms' };

/** Columns of the `traces` table (alias `t`) by attribute key. */
const COLUMN: Record<string, string> = {
  request_id: 't.trace_id',
  timestamp_ms: 't.request_time',
  execution_time_ms: 't.execution_time',
  end_time_ms: '(t.request_time + coalesce(t.execution_time, 0))',
  status: 't.state',
  client_request_id: 't.client_request_id',
  experiment_id: 't.experiment_id',
};

type Kind = 'attribute' | 'tag' | 'metadata' | 'none';

interface Key {
  kind: Kind;
  key: string;
}

const pySet = (items: Iterable<string>): string => `{${[...items].map((i) => `'${i}'`).join(', ')}}`;

/** MLflow's identifier resolution, then its mapping of name/run_id/prompt/text and the time aliases. */
function resolveKey(id: Identifier, valid: readonly string[]): Key {
  let kind: Kind = 'attribute';
  let key = id.key;
  if (id.entity !== null) {
    const entity = id.entity.replace(/^`(.*)`$/, '$1');
    const k = ENTITY[entity];
    if (!k) throw invalidParameter(`Invalid entity type '${entity}'. Valid values are ${VALID_ENTITIES}`);
    kind = k;
  } else if (!valid.includes(key)) {
    throw invalidParameter(`Invalid attribute key '${key}' specified. Valid keys are '${pySet(valid)}'`);
  }
  if (kind === 'attribute' && !valid.includes(key)) {
    throw invalidParameter(`Invalid attribute key '${key}' specified. Valid keys are '${pySet(valid)}'`);
  }
  if (kind === 'none') return { kind, key };
  const lower = key.toLowerCase();
  if (lower === 'name') return { kind: 'tag', key: TRACE_NAME_TAG };
  if (lower === 'prompt') return { kind: 'tag', key: LINKED_PROMPTS_TAG };
  if (lower === 'run_id') return { kind: 'metadata', key: SOURCE_RUN_METADATA };
  if (lower === 'text') return { kind: 'none', key: 'content' };
  if (ALIAS[lower]) key = ALIAS[lower];
  return { kind, key };
}

function stringValue(v: FilterValue, what: string): string {
  if (v.kind === 'string') return v.value;
  if (v.kind === 'word') {
    throw invalidParameter(`Parameter value is either not quoted or unidentified quote types used for string value ${v.raw}. Use either single or double quotes.`);
  }
  throw invalidParameter(`Expected a quoted string value for ${what} (e.g. 'my-value'). Got value ${v.raw}`);
}

function listValues(v: FilterValue): string[] {
  if (v.kind !== 'list') throw invalidParameter(`Expected a list of quoted string values. Got value ${v.raw}`);
  return v.items.map((item) => {
    if (item.kind !== 'string') {
      throw invalidParameter(`While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ${item.raw}`);
    }
    return item.value;
  });
}

/** RLIKE as MLflow runs it on SQLite: a regular-expression search anywhere in the value (TraceStore registers it). */
export const RLIKE_FUNCTION = 'mwb_rlike';

function rlikeSql(column: string, pattern: string, params: SqlParam[]): string {
  params.push(pattern);
  return `${RLIKE_FUNCTION}(?, ${column})`;
}

/** The SQL function behind RLIKE: 1 when the pattern is found in the value (an invalid pattern finds nothing). */
export function rlike(pattern: unknown, value: unknown): number {
  if (typeof pattern !== 'string' || typeof value !== 'string') return 0;
  try {
    return new RegExp(pattern, 'u').test(value) ? 1 : 0;
  } catch {
    return 0;
  }
}

function clauseSql(c: FilterClause, i: number, params: SqlParam[]): string {
  const { kind, key } = resolveKey(c.identifier, SEARCH_ATTRIBUTES);
  const op = c.comparator;
  if (kind === 'none') {
    // No span or assessment is in the database.
    if (c.value.kind !== 'string' && c.value.kind !== 'list') stringValue(c.value, c.identifier.entity ?? 'span');
    return '0';
  }
  if (kind === 'attribute') {
    const column = COLUMN[key];
    if (NUMERIC.has(key)) {
      const numOp = asNumericOp(op);
      if (!numOp) throw invalidParameter(`Invalid comparator '${op}' not one of '${pySet(['>', '>=', '!=', '=', '<', '<='])}'`);
      const v = c.value;
      if (v.kind !== 'number' && v.kind !== 'string') throw invalidParameter(`Expected a quoted string value or a list of quoted string values for attributes. Got value ${v.raw}`);
      // Bound as given: a quoted value compares the way SQLite compares it in MLflow's store.
      params.push(v.value);
      return `${column} ${numOp} ?`;
    }
    if (!STRING_ATTRIBUTE_OPS.has(op)) throw invalidParameter(`Invalid comparator '${op}' not one of '${pySet(STRING_ATTRIBUTE_OPS)}'`);
    if (c.value.kind === 'number') {
      throw invalidParameter(`Only the '${pySet(NUMERIC)}' attributes support comparison with numeric values.`);
    }
    if (op === 'RLIKE') return rlikeSql(column, stringValue(c.value, 'attribute'), params);
    const test: StringTest = op === 'IN' || op === 'NOT IN' ? { op, values: listValues(c.value) } : { op: op as '=' | '!=' | 'LIKE' | 'ILIKE', value: stringValue(c.value, 'attribute') };
    return stringTestSql(column, test, params);
  }
  // Tags and metadata (name and run_id included: MLflow maps them before it checks the comparator).
  const table = kind === 'tag' ? 'trace_tags' : 'trace_metadata';
  if (key === LINKED_PROMPTS_TAG) {
    if (op !== '=') throw invalidParameter(`Invalid comparator '${op}' for prompts filter. Only '=' is supported with format: prompt = "name/version"`);
    const value = stringValue(c.value, 'tag');
    if (value.split('/').length !== 2) throw invalidParameter(`Invalid prompts filter value '${value}'. Expected format: prompt = "name/version"`);
    return '0'; // prompts are never linked to traces here
  }
  if (op === 'RLIKE') {
    const a = `x${i}`;
    params.push(key);
    return `EXISTS (SELECT 1 FROM ${table} AS ${a} WHERE ${a}.trace_id = t.trace_id AND ${a}.key = ? AND ${rlikeSql(`${a}.value`, stringValue(c.value, kind === 'tag' ? 'tag' : 'request_metadata'), params)})`;
  }
  if (!KEY_VALUE_OPS.has(op)) {
    // MLflow's two messages differ by a closing quote.
    const set = pySet([...KEY_VALUE_OPS, 'RLIKE', 'IS NULL', 'IS NOT NULL']);
    throw invalidParameter(kind === 'tag' ? `Invalid comparator '${op}' not one of '${set}` : `Invalid comparator '${op}' not one of '${set}'`);
  }
  const test: StringTest = { op: op as '=' | '!=' | 'LIKE' | 'ILIKE', value: stringValue(c.value, kind === 'tag' ? 'tag' : 'request_metadata') };
  const a = `x${i}`;
  params.push(key);
  return `EXISTS (SELECT 1 FROM ${table} AS ${a} WHERE ${a}.trace_id = t.trace_id AND ${a}.key = ? AND ${stringTestSql(`${a}.value`, test, params)})`;
}

function orderSql(orderBy: readonly string[], params: SqlParam[]): string[] {
  const terms: string[] = [];
  const seen = new Set<string>();
  for (const clause of orderBy) {
    const term = parseOrderBy(clause);
    const { kind, key } = resolveKey(term.identifier, ORDER_ATTRIBUTES);
    if (kind === 'none') throw invalidParameter(`Invalid identifier type '${term.identifier.entity}'`);
    const id = `${kind}:${key}`;
    if (seen.has(id)) throw invalidParameter(`\`order_by\` contains duplicate fields: [${orderBy.map((o) => `'${o}'`).join(', ')}]`);
    seen.add(id);
    let value: string;
    if (kind === 'attribute') value = COLUMN[key];
    else {
      params.push(key);
      value = `(SELECT v.value FROM ${kind === 'tag' ? 'trace_tags' : 'trace_metadata'} AS v WHERE v.trace_id = t.trace_id AND v.key = ?)`;
      // NULLs last whatever the direction, as MLflow's CASE column does.
      terms.push(`${value} IS NULL`);
      params.push(key);
    }
    if (kind === 'attribute') terms.push(`${value} IS NULL`);
    terms.push(`${value} ${term.ascending ? 'ASC' : 'DESC'}`);
  }
  if (!seen.has('attribute:timestamp_ms')) terms.push('t.request_time DESC');
  if (!seen.has('attribute:request_id')) terms.push('t.trace_id ASC');
  return terms;
}

export interface TraceSearch {
  experimentIds: number[];
  filter?: string;
  orderBy?: readonly string[];
  maxResults: number;
  pageToken?: string;
}

export interface CompiledTraceSearch {
  sql: string;
  params: SqlParam[];
  offset: number;
}

/** SELECT of trace ids, one page (LIMIT maxResults), in MLflow's order. */
export function compileTraceSearch(q: TraceSearch): CompiledTraceSearch {
  const params: SqlParam[] = [];
  const where = parseFilter(q.filter).map((c, i) => clauseSql(c, i, params));
  const orderParams: SqlParam[] = [];
  const order = orderSql(q.orderBy ?? [], orderParams);
  const offset = decodePageToken(q.pageToken);
  const inExperiments = q.experimentIds.length ? `t.experiment_id IN (${q.experimentIds.map(() => '?').join(', ')})` : '0';
  const sql = `SELECT t.trace_id FROM traces AS t WHERE ${[...where, inExperiments].join(' AND ')} ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`;
  return { sql, params: [...params, ...q.experimentIds, ...orderParams, q.maxResults, offset], offset };
}
