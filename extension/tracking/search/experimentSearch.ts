// experiments/search: MLflow's smaller grammar (name, creation_time, last_update_time, tags.<k>; prefixes
// none/attribute/tag/tags) compiled to one parameterised SELECT of experiment ids.

import { invalidParameter } from '../errors';
import { FilterClause, parseFilter, parseOrderBy } from './filterParser';
import { decodePageToken } from './pageToken';
import {
  CompiledQuery,
  NUMERIC_OPS,
  NumericTest,
  SqlParam,
  StringTest,
  ViewType,
  asNumericOp,
  attributeOrTag,
  inList,
  lifecycleStages,
  numericTestSql,
  pySet,
  stringTestSql,
  validateMaxResults,
} from './sqlParts';

export interface ExperimentSearchQuery {
  filter?: string;
  orderBy?: string[];
  viewType: ViewType;
  maxResults: number;
  pageToken?: string;
}

type ExperimentFilter =
  | { kind: 'name'; test: StringTest }
  | { kind: 'time'; column: 'creation_time' | 'last_update_time'; test: NumericTest }
  | { kind: 'tag'; key: string; test: StringTest };

const FILTER_KEYS = ['creation_time', 'last_update_time', 'name'];
const ORDER_KEYS = ['creation_time', 'experiment_id', 'last_update_time', 'name'];
const STRING_OPS = ['=', '!=', 'LIKE', 'ILIKE'];
// MLflow's default when no order_by is given; otherwise experiment_id DESC is the tie-breaker.
const DEFAULT_ORDER = ['creation_time DESC', 'experiment_id ASC'];

function quotedString(clause: FilterClause, what: string): string {
  const v = clause.value;
  if (v.kind === 'string') return v.value;
  if (v.kind === 'word') {
    throw invalidParameter(`Parameter value is either not quoted or unidentified quote types used for string value ${v.raw}. Use either single or double quotes.`);
  }
  if (v.kind === 'list' && what === 'attributes') {
    throw invalidParameter("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
  }
  throw invalidParameter(`Expected a quoted string value for ${what}. Got value ${v.raw}`);
}

function stringTest(comparator: string, value: string, what: string): StringTest {
  // MLflow compares the comparator case-sensitively here (so `like` fails); upper-casing it is harmless.
  if (!STRING_OPS.includes(comparator)) throw invalidParameter(`Invalid comparator for ${what}: ${comparator}`);
  return { op: comparator as '=' | '!=' | 'LIKE' | 'ILIKE', value };
}

function resolveClause(clause: FilterClause): ExperimentFilter {
  const { type, key } = attributeOrTag(clause.identifier, FILTER_KEYS);
  if (type === 'tag') return { kind: 'tag', key, test: stringTest(clause.comparator, quotedString(clause, "tag (e.g. 'my-value')"), 'tag') };
  if (key === 'name') return { kind: 'name', test: stringTest(clause.comparator, quotedString(clause, 'attributes'), 'string attribute') };
  const v = clause.value;
  if (v.kind !== 'number') throw invalidParameter(`Expected numeric value type for numeric attribute: ${key}. Found ${v.raw}`);
  const op = asNumericOp(clause.comparator);
  if (!op) throw invalidParameter(`Invalid comparator '${clause.comparator}' not one of '${pySet(NUMERIC_OPS)}'`);
  return { kind: 'time', column: key as 'creation_time' | 'last_update_time', test: { op, value: v.value } };
}

function filterSql(f: ExperimentFilter, i: number, params: SqlParam[]): string {
  switch (f.kind) {
    case 'name':
      return stringTestSql('e.name', f.test, params);
    case 'time':
      return numericTestSql(`e.${f.column}`, f.test, params);
    case 'tag': {
      const t = `f${i}`;
      params.push(f.key);
      return `EXISTS (SELECT 1 FROM experiment_tags AS ${t} WHERE ${t}.experiment_id = e.experiment_id AND ${t}.key = ? AND ${stringTestSql(`${t}.value`, f.test, params)})`;
    }
  }
}

function orderTerms(orderBy: readonly string[] | undefined): string[] {
  const entries = orderBy && orderBy.length ? orderBy : DEFAULT_ORDER;
  const terms = entries.map((clause) => {
    const term = parseOrderBy(clause);
    const { type, key } = attributeOrTag(term.identifier, ORDER_KEYS);
    if (type !== 'attribute') throw invalidParameter(`Invalid order_by entity: ${type}`);
    return { key, ascending: term.ascending };
  });
  if (!terms.some((t) => t.key === 'experiment_id')) terms.push({ key: 'experiment_id', ascending: false });
  return terms.map((t) => `e.${t.key} ${t.ascending ? 'ASC' : 'DESC'}`);
}

export function compileExperimentSearch(q: ExperimentSearchQuery): CompiledQuery {
  validateMaxResults(q.maxResults, (detail) => `Invalid value for max_results. ${detail}`);
  const offset = decodePageToken(q.pageToken);
  const filters = parseFilter(q.filter).map(resolveClause);
  const order = orderTerms(q.orderBy);

  const params: SqlParam[] = [];
  const where = [inList('e.lifecycle_stage', lifecycleStages(q.viewType), params), ...filters.map((f, i) => filterSql(f, i, params))];
  const limit = q.maxResults + 1;
  const sql = `SELECT e.experiment_id FROM experiments AS e WHERE ${where.join(' AND ')} ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`;
  return { sql, params: [...params, limit, offset], offset, limit };
}
