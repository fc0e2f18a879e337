// registered-models/search and model-versions/search (reference §6.3): MLflow's registry filter grammar,
// parsed by the shared filter parser and compiled to one parameterised SELECT. Every user value is bound
// with `?`; only column names chosen here are spliced into the SQL text.
//
// Registered models: `name` (= != LIKE ILIKE) and `tags.<k>` (= != LIKE ILIKE); order by name, timestamp /
// last_updated_timestamp; name ASC breaks ties. Model versions: `name`, `run_id`, `source_path` (= != LIKE
// ILIKE, and `run_id IN (…)`), `version_number` (= != < <= > >=) and tags; order by name, version_number,
// creation_timestamp, last_updated_timestamp; default last_updated_timestamp DESC, name ASC, version_number
// DESC. Models and versions tagged `mlflow.prompt.is_prompt = 'true'` (prompts) are left out unless the
// filter asks for them, as MLflow does.
import { invalidParameter } from '../tracking/errors';
import { type FilterClause, type FilterValue, parseFilter, parseOrderBy } from '../tracking/search/filterParser';
import { decodePageToken } from '../tracking/search/pageToken';
import { asNumericOp, attributeOrTag, type NumericOp, numericTestSql, pySet, type SqlParam, type StringTest, stringTestSql } from '../tracking/search/sqlParts';
import { REGISTRY_LIMITS, STAGE_DELETED } from './validation';
import { VERSION_COLUMNS } from './reads';

export const PROMPT_TAG = 'mlflow.prompt.is_prompt';

export interface RegistrySearchRequest {
  filter?: string;
  maxResults?: number;
  orderBy?: string[];
  pageToken?: string;
}

export interface CompiledRegistrySearch {
  sql: string;
  params: SqlParam[];
  offset: number;
  maxResults: number;
}


const STRING_OPS = ['=', '!=', 'LIKE', 'ILIKE'];
const VERSION_NUMERIC_KEYS = ['version_number', 'creation_timestamp', 'last_updated_timestamp'];

function unquoted(v: FilterValue): never {
  throw invalidParameter(`Parameter value is either not quoted or unidentified quote types used for string value ${v.raw}. Use either single or double quotes.`);
}

/** Python's str.islower(): some cased letter, none upper- or title-case. MLflow drops other run ids from IN lists. */
function isLower(s: string): boolean {
  return /\p{Ll}/u.test(s) && !/[\p{Lu}\p{Lt}]/u.test(s);
}

type Clause =
  | { kind: 'string'; column: string; test: StringTest }
  | { kind: 'number'; column: string; op: NumericOp; value: SqlParam }
  | { kind: 'tag'; key: string; test: StringTest };

function stringOp(comparator: string, what: string): '=' | '!=' | 'LIKE' | 'ILIKE' {
  if (!STRING_OPS.includes(comparator)) throw invalidParameter(`Invalid comparator for ${what}: ${comparator}`);
  return comparator as '=' | '!=' | 'LIKE' | 'ILIKE';
}

function tagClause(c: FilterClause, key: string): Clause {
  const v = c.value;
  if (v.kind === 'word') unquoted(v);
  if (v.kind !== 'string') throw invalidParameter(`Expected a quoted string value for tag (e.g. 'my-value'). Got value ${v.raw}`);
  return { kind: 'tag', key, test: { op: stringOp(c.comparator, 'tag'), value: v.value } };
}

function modelClause(c: FilterClause): Clause {
  const { type, key } = attributeOrTag(c.identifier, ['name']);
  if (type === 'tag') return tagClause(c, key);
  const v = c.value;
  if (v.kind === 'list') throw invalidParameter("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
  if (v.kind === 'number') throw invalidParameter(`Expected a quoted string value or a list of quoted string values for attributes. Got value ${v.raw}`);
  if (v.kind === 'word') unquoted(v);
  return { kind: 'string', column: 'm.name', test: { op: stringOp(c.comparator, 'attribute'), value: (v as { value: string }).value } };
}

const VERSION_COLUMN: Record<string, string> = { name: 'm.name', run_id: 'v.run_id', source_path: 'v.source', version_number: 'v.version' };

function versionClause(c: FilterClause): Clause {
  const { type, key } = attributeOrTag(c.identifier, ['name', 'version_number', 'run_id', 'source_path']);
  if (type === 'tag') return tagClause(c, key);
  const v = c.value;
  let value: string | number | string[];
  if (v.kind === 'string') value = v.value;
  else if (v.kind === 'list') {
    if (key !== 'run_id') throw invalidParameter("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
    value = v.items.map((item) => {
      if (item.kind !== 'string') {
        throw invalidParameter(`While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ${item.raw}`);
      }
      return item.value;
    });
  } else if (v.kind === 'number') {
    if (!VERSION_NUMERIC_KEYS.includes(key)) {
      throw invalidParameter(`Only the '${pySet(VERSION_NUMERIC_KEYS)}' attributes support comparison with numeric values.`);
    }
    value = v.value;
  } else unquoted(v);
  const column = VERSION_COLUMN[key];
  if (key === 'version_number') {
    const op = asNumericOp(c.comparator);
    if (!op) throw invalidParameter(`Invalid comparator for attribute ${key}: ${c.comparator}`);
    // A quoted number compares as a number, like SQLite's integer affinity does in MLflow's store.
    const n = typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : (value as string | number);
    return { kind: 'number', column, op, value: n };
  }
  if (c.comparator === 'IN') {
    if (key !== 'run_id') throw invalidParameter(`Invalid comparator for attribute: ${c.comparator}`);
    if (!Array.isArray(value)) throw invalidParameter("Expected a list of quoted string values for 'run_id IN'.");
    return { kind: 'string', column, test: { op: 'IN', values: value.filter(isLower) } };
  }
  if (Array.isArray(value)) throw invalidParameter(`Invalid comparator for attribute: ${c.comparator}`);
  return { kind: 'string', column, test: { op: stringOp(c.comparator, 'attribute'), value: String(value) } };
}

/** MLflow's _is_querying_prompt: a clause `tags.mlflow.prompt.is_prompt = 'true'` (or != 'false') asks for prompts. */
function queryingPrompts(clauses: Clause[]): boolean {
  for (const c of clauses) {
    if (c.kind !== 'tag' || c.key !== PROMPT_TAG) continue;
    const test = c.test;
    if (!('value' in test)) return false;
    const value = test.value.toLowerCase();
    return (test.op === '=' && value === 'true') || (test.op === '!=' && value === 'false');
  }
  return false;
}

function clauseSql(c: Clause, i: number, tagTable: 'registered_model_tags' | 'model_version_tags', params: SqlParam[]): string {
  switch (c.kind) {
    case 'string':
      return stringTestSql(c.column, c.test, params);
    case 'number':
      return numericTestSql(c.column, { op: c.op, value: c.value as number }, params);
    case 'tag': {
      const t = `t${i}`;
      const owner = tagTable === 'registered_model_tags' ? `${t}.model_id = m.id` : `${t}.model_id = v.model_id AND ${t}.version = v.version`;
      params.push(c.key);
      return `EXISTS (SELECT 1 FROM ${tagTable} AS ${t} WHERE ${owner} AND ${t}.key = ? AND ${stringTestSql(`${t}.value`, c.test, params)})`;
    }
  }
}

/** Compiles the filter, leaving prompts out unless asked for (and then only prompts, through the clause). */
function whereClauses(clauses: Clause[], tagTable: 'registered_model_tags' | 'model_version_tags', ownerColumn: string, params: SqlParam[]): string[] {
  const prompts = queryingPrompts(clauses);
  const kept = prompts ? clauses : clauses.filter((c) => !(c.kind === 'tag' && c.key === PROMPT_TAG));
  const where = kept.map((c, i) => clauseSql(c, i, tagTable, params));
  if (!prompts) {
    params.push(PROMPT_TAG, 'true');
    where.push(`${ownerColumn} NOT IN (SELECT model_id FROM ${tagTable} WHERE key = ? AND value = ?)`);
  }
  return where;
}

function checkMaxResults(maxResults: number, max: number): void {
  if (!Number.isSafeInteger(maxResults) || maxResults < 1) {
    throw invalidParameter(`Invalid value for max_results. It must be a positive integer, but got ${maxResults}`);
  }
  if (maxResults > max) {
    throw invalidParameter(`Invalid value for request parameter max_results. It must be at most ${max}, but got value ${maxResults}`);
  }
}

function orderTerms(orderBy: readonly string[], keys: Record<string, string>, tieBreak: Array<[string, string, boolean]>): string[] {
  const seen = new Set<string>();
  const terms: string[] = [];
  for (const clause of orderBy) {
    const term = parseOrderBy(clause);
    const { type, key } = attributeOrTag(term.identifier, Object.keys(keys));
    const column = type === 'attribute' ? keys[key] : undefined;
    if (!column) throw invalidParameter(`Invalid order by key '${key}' specified. Valid keys are '${pySet(Object.keys(keys))}'`);
    if (seen.has(column)) throw invalidParameter(`\`order_by\` contains duplicate fields: [${orderBy.map((o) => `'${o}'`).join(', ')}]`);
    seen.add(column);
    terms.push(`${column} ${term.ascending ? 'ASC' : 'DESC'}`);
  }
  for (const [column, , ascending] of tieBreak) if (!seen.has(column)) terms.push(`${column} ${ascending ? 'ASC' : 'DESC'}`);
  return terms;
}

/** SELECT of registered model ids for registered-models/search. */
export function compileModelSearch(req: RegistrySearchRequest): CompiledRegistrySearch {
  const maxResults = req.maxResults ?? REGISTRY_LIMITS.searchModelsDefault;
  checkMaxResults(maxResults, REGISTRY_LIMITS.searchModelsMax);
  const clauses = parseFilter(req.filter).map(modelClause);
  const order = orderTerms(req.orderBy ?? [], { name: 'm.name', timestamp: 'm.last_updated_time', last_updated_timestamp: 'm.last_updated_time' }, [['m.name', 'name', true]]);
  const offset = decodePageToken(req.pageToken);
  const params: SqlParam[] = [];
  const where = whereClauses(clauses, 'registered_model_tags', 'm.id', params);
  const sql = `SELECT m.id FROM registered_models AS m WHERE ${where.join(' AND ')} ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`;
  return { sql, params: [...params, maxResults + 1, offset], offset, maxResults };
}

/** SELECT of whole version rows (VERSION_COLUMNS) for model-versions/search. */
export function compileVersionSearch(req: RegistrySearchRequest): CompiledRegistrySearch {
  const maxResults = req.maxResults ?? REGISTRY_LIMITS.searchVersionsDefault;
  checkMaxResults(maxResults, REGISTRY_LIMITS.searchVersionsMax);
  const clauses = parseFilter(req.filter).map(versionClause);
  const keys = { name: 'm.name', version_number: 'v.version', creation_timestamp: 'v.creation_time', last_updated_timestamp: 'v.last_updated_time' };
  const orderBy = req.orderBy && req.orderBy.length ? req.orderBy : ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'];
  const order = orderTerms(orderBy, keys, [['m.name', 'name', true], ['v.version', 'version_number', false]]);
  const offset = decodePageToken(req.pageToken);
  const params: SqlParam[] = [STAGE_DELETED];
  const where = ['v.current_stage != ?', ...whereClauses(clauses, 'model_version_tags', 'v.model_id', params)];
  const sql = `SELECT ${VERSION_COLUMNS} FROM model_versions AS v JOIN registered_models AS m ON m.id = v.model_id WHERE ${where.join(' AND ')} ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`;
  return { sql, params: [...params, maxResults + 1, offset], offset, maxResults };
}
