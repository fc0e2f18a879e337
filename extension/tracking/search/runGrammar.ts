// The run-search language on top of the shared syntax: entity prefixes and their aliases, searchable and
// orderable attributes, which value type and comparators each entity takes. Checks run in MLflow's order
// (identifier, then value, then comparator) so a bad filter gets the same message MLflow would give.

import { invalidParameter } from '../errors';
import { FilterClause, FilterValue, Identifier, parseFilter, parseOrderBy } from './filterParser';
import { NUMERIC_OPS, NumericTest, StringTest, asNumericOp, pyList, pySet } from './sqlParts';

export type RunStringColumn = 'run_uuid' | 'name' | 'status' | 'user_id' | 'artifact_uri';
export type RunNumericColumn = 'start_time' | 'end_time';
export type DatasetField = 'name' | 'digest' | 'context';

export type RunFilter =
  | { kind: 'metric'; key: string; test: NumericTest }
  | { kind: 'param' | 'tag'; key: string; test: StringTest }
  | { kind: 'attribute'; column: RunStringColumn; test: StringTest }
  | { kind: 'numericAttribute'; column: RunNumericColumn; test: NumericTest }
  | { kind: 'dataset'; field: DatasetField; test: StringTest };

export type RunOrderKey =
  | { kind: 'metric' | 'param' | 'tag'; key: string; ascending: boolean }
  | { kind: 'attribute'; column: RunStringColumn | RunNumericColumn; ascending: boolean };

type Entity = 'metric' | 'parameter' | 'tag' | 'attribute' | 'dataset';

const ENTITY_ALIASES: Record<string, Entity> = {
  metric: 'metric',
  metrics: 'metric',
  parameter: 'parameter',
  parameters: 'parameter',
  param: 'parameter',
  params: 'parameter',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};
const ENTITIES: readonly Entity[] = ['metric', 'parameter', 'tag', 'attribute', 'dataset'];

const SEARCHABLE = ['artifact_uri', 'end_time', 'run_id', 'run_name', 'start_time', 'status', 'user_id'];
const NUMERIC_KEYS = new Set(['start_time', 'end_time', 'created', 'Created']);
const FILTER_KEYS = [...SEARCHABLE, 'Created', 'Run Name', 'Run name', 'created', 'run name'];
// MLflow accepts the `created` alias in order_by but not the run-name aliases.
const ORDER_KEYS = [...SEARCHABLE, 'Created', 'created'];
const DATASET_KEYS: readonly DatasetField[] = ['name', 'digest', 'context'];

const COLUMNS: Record<string, RunStringColumn | RunNumericColumn> = {
  run_id: 'run_uuid',
  run_name: 'name',
  status: 'status',
  user_id: 'user_id',
  artifact_uri: 'artifact_uri',
  start_time: 'start_time',
  end_time: 'end_time',
};

const STRING_OPS = ['!=', '=', 'LIKE', 'ILIKE'];
const LIST_OPS = [...STRING_OPS, 'IN', 'NOT IN'];

function translateAlias(key: string): string {
  if (key === 'created' || key === 'Created') return 'start_time';
  if (key === 'run name' || key === 'Run name' || key === 'Run Name') return 'run_name';
  return key;
}

const trimBackticks = (s: string): string => (s.length >= 2 && s.startsWith('`') && s.endsWith('`') ? s.slice(1, -1) : s);

function resolveIdentifier(id: Identifier, attributeKeys: readonly string[]): { entity: Entity; key: string } {
  let entity: Entity = 'attribute';
  if (id.entity !== null) {
    const name = trimBackticks(id.entity);
    const resolved = ENTITY_ALIASES[name];
    if (!resolved) throw invalidParameter(`Invalid entity type '${name}'. Valid values are ${pyList(ENTITIES)}`);
    entity = resolved;
  }
  if (entity === 'attribute' && !attributeKeys.includes(id.key)) {
    throw invalidParameter(`Invalid attribute key '${id.key}' specified. Valid keys are '${pySet(attributeKeys)}'`);
  }
  if (entity === 'dataset' && !(DATASET_KEYS as readonly string[]).includes(id.key)) {
    throw invalidParameter(`Invalid dataset key '${id.key}' specified. Valid keys are '${pySet(DATASET_KEYS)}'`);
  }
  return { entity, key: id.key };
}

const notQuoted = (v: FilterValue): Error =>
  invalidParameter(`Parameter value is either not quoted or unidentified quote types used for string value ${v.raw}. Use either single or double quotes.`);

/** A list of quoted strings, as MLflow's IN accepts; run ids with capitals are dropped like MLflow does. */
function listValues(v: Extract<FilterValue, { kind: 'list' }>, forRunIds: boolean): string[] {
  if (v.items.length === 0) {
    throw invalidParameter('While parsing a list in the query, expected a non-empty list of string values, but got empty list');
  }
  const values = v.items.map((item) => {
    if (item.kind !== 'string') {
      throw invalidParameter(`While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ${v.raw}`);
    }
    return item.value;
  });
  // Python's str.islower(): some lower-case letter and no upper/title-case one.
  return forRunIds ? values.filter((s) => /\p{Ll}/u.test(s) && !/[\p{Lu}\p{Lt}]/u.test(s)) : values;
}

function stringTest(comparator: string, value: string | string[], allowed: readonly string[]): StringTest {
  if (!allowed.includes(comparator)) throw invalidParameter(`Invalid comparator '${comparator}' not one of '${pySet(allowed)}'`);
  const isList = Array.isArray(value);
  const isListOp = comparator === 'IN' || comparator === 'NOT IN';
  if (isList !== isListOp) {
    throw invalidParameter(
      isList
        ? `Invalid comparator '${comparator}' for a list of values; use 'IN' or 'NOT IN'`
        : `Invalid comparator '${comparator}': it needs a parenthesised list of quoted strings`,
    );
  }
  return isList ? { op: comparator as 'IN' | 'NOT IN', values: value } : { op: comparator as '=' | '!=' | 'LIKE' | 'ILIKE', value };
}

function numericTest(comparator: string, value: number): NumericTest {
  const op = asNumericOp(comparator);
  if (!op) throw invalidParameter(`Invalid comparator '${comparator}' not one of '${pySet(NUMERIC_OPS)}'`);
  return { op, value };
}

function resolveClause(clause: FilterClause): RunFilter {
  const { entity, key } = resolveIdentifier(clause.identifier, FILTER_KEYS);
  const { value: v, comparator } = clause;
  switch (entity) {
    case 'metric':
      if (v.kind !== 'number') throw invalidParameter(`Expected numeric value type for metric. Found ${v.raw}`);
      return { kind: 'metric', key, test: numericTest(comparator, v.value) };
    case 'parameter':
    case 'tag': {
      if (v.kind === 'word') throw notQuoted(v);
      if (v.kind !== 'string') throw invalidParameter(`Expected a quoted string value for ${entity} (e.g. 'my-value'). Got value ${v.raw}`);
      return { kind: entity === 'tag' ? 'tag' : 'param', key, test: stringTest(comparator, v.value, STRING_OPS) };
    }
    case 'attribute': {
      const column = COLUMNS[translateAlias(key)];
      if (NUMERIC_KEYS.has(key)) {
        if (v.kind !== 'number') throw invalidParameter(`Expected numeric value type for numeric attribute: ${key}. Found ${v.raw}`);
        return { kind: 'numericAttribute', column: column as RunNumericColumn, test: numericTest(comparator, v.value) };
      }
      if (v.kind === 'word') throw notQuoted(v);
      if (v.kind === 'number') throw invalidParameter(`Expected a quoted string value for attributes. Got value ${v.raw}`);
      if (v.kind === 'list' && key !== 'run_id') {
        throw invalidParameter("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
      }
      const value = v.kind === 'list' ? listValues(v, true) : v.value;
      return { kind: 'attribute', column: column as RunStringColumn, test: stringTest(comparator, value, LIST_OPS) };
    }
    case 'dataset': {
      if (v.kind === 'word') throw notQuoted(v);
      if (v.kind === 'number') throw invalidParameter(`Expected a quoted string value for dataset attributes. Got value ${v.raw}`);
      // Unlike MLflow, dataset names/digests with capitals (or only digits) are kept: dropping them is
      // a run-id heuristic that would make `datasets.name IN ('MNIST')` silently match nothing.
      const value = v.kind === 'list' ? listValues(v, false) : v.value;
      return { kind: 'dataset', field: key as DatasetField, test: stringTest(comparator, value, LIST_OPS) };
    }
  }
}

export function parseRunFilter(filter: string | undefined): RunFilter[] {
  return parseFilter(filter).map(resolveClause);
}

/** Resolves order_by entries; the same field twice (after aliasing) is rejected like MLflow does. */
export function parseRunOrderBy(orderBy: readonly string[] | undefined): RunOrderKey[] {
  const seen = new Set<string>();
  return (orderBy ?? []).map((clause) => {
    const term = parseOrderBy(clause);
    const { entity, key } = resolveIdentifier(term.identifier, ORDER_KEYS);
    let result: RunOrderKey;
    if (entity === 'attribute') result = { kind: 'attribute', column: COLUMNS[translateAlias(key)], ascending: term.ascending };
    else if (entity === 'dataset') throw invalidParameter(`Invalid identifier type '${entity}'`);
    else result = { kind: entity === 'parameter' ? 'param' : entity, key, ascending: term.ascending };
    const field = result.kind === 'attribute' ? `attribute:${result.column}` : `${result.kind}:${result.key}`;
    if (seen.has(field)) throw invalidParameter(`\`order_by\` contains duplicate fields: ${pyList(orderBy ?? [])}`);
    seen.add(field);
    return result;
  });
}
