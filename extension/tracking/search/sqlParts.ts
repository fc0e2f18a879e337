// SQL fragments shared by run and experiment search. Every user-supplied value and key is pushed onto `params`
// and referenced with `?`; only column expressions chosen by this code are ever spliced into SQL text.

import { invalidParameter } from '../errors';
import type { Identifier } from './filterParser';

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
export type SqlParam = string | number | null;

export interface CompiledQuery {
  sql: string;
  params: SqlParam[];
  /** Rows to skip (from the page token). */
  offset: number;
  /** maxResults + 1: the extra row tells the caller whether a next page exists. */
  limit: number;
}

export type NumericOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type StringTest = { op: '=' | '!=' | 'LIKE' | 'ILIKE'; value: string } | { op: 'IN' | 'NOT IN'; values: string[] };
export interface NumericTest {
  op: NumericOp;
  value: number;
}

export const SEARCH_MAX_RESULTS_THRESHOLD = 50000;
export const NUMERIC_OPS: readonly NumericOp[] = ['>', '>=', '!=', '=', '<', '<='];

/** Python-style rendering used in MLflow's messages, e.g. `{'=', '!='}`. */
export const pySet = (items: readonly string[]): string => `{${items.map((i) => `'${i}'`).join(', ')}}`;
export const pyList = (items: readonly string[]): string => `[${items.map((i) => `'${i}'`).join(', ')}]`;

/**
 * An identifier of experiment or registry search: an attribute (bare or `attribute.`) or a tag (`tag.`/`tags.`).
 * Exact entity names only: unlike run search there are no plural or backticked aliases for the attribute prefix.
 */
export function attributeOrTag(id: Identifier, attributeKeys: readonly string[]): { type: 'attribute' | 'tag'; key: string } {
  let type: 'attribute' | 'tag' = 'attribute';
  if (id.entity !== null) {
    if (id.entity !== 'attribute' && id.entity !== 'tag' && id.entity !== 'tags') {
      throw invalidParameter(`Invalid entity type '${id.entity}'. Valid entity types are ('attribute', 'tag', 'tags')`);
    }
    type = id.entity === 'attribute' ? 'attribute' : 'tag';
  }
  if (type === 'attribute' && !attributeKeys.includes(id.key)) {
    throw invalidParameter(`Invalid attribute key '${id.key}' specified. Valid keys are '${pySet(attributeKeys)}'`);
  }
  return { type, key: id.key };
}

export function lifecycleStages(viewType: ViewType): string[] {
  switch (viewType) {
    case 'ACTIVE_ONLY':
      return ['active'];
    case 'DELETED_ONLY':
      return ['deleted'];
    case 'ALL':
      return ['active', 'deleted'];
    default:
      throw invalidParameter(`Invalid view_type '${String(viewType)}'`);
  }
}

export function inList(column: string, values: readonly SqlParam[], params: SqlParam[]): string {
  params.push(...values);
  return `${column} IN (${values.map(() => '?').join(', ')})`;
}

/**
 * MLflow's LIKE is case-sensitive (it sets PRAGMA case_sensitive_like on SQLite), but that pragma is
 * per-connection and SQLite's default LIKE folds ASCII case. GLOB is always case-sensitive, so translate:
 * % → *, _ → ?, and neutralise GLOB's own metacharacters. There is no escape character, as in MLflow.
 */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '%') out += '*';
    else if (ch === '_') out += '?';
    else if (ch === '*' || ch === '?' || ch === '[') out += `[${ch}]`;
    else out += ch;
  }
  return out;
}

export function stringTestSql(column: string, test: StringTest, params: SqlParam[]): string {
  switch (test.op) {
    case '=':
    case '!=':
      params.push(test.value);
      return `${column} ${test.op} ?`;
    case 'LIKE':
      params.push(likeToGlob(test.value));
      return `${column} GLOB ?`;
    case 'ILIKE':
      // lower() on both sides folds ASCII only, exactly like MLflow's ILIKE on SQLite.
      params.push(likeToGlob(test.value));
      return `lower(${column}) GLOB lower(?)`;
    case 'IN':
    case 'NOT IN':
      // An empty list (every run id dropped for containing capitals) matches nothing / everything.
      if (test.values.length === 0) return test.op === 'IN' ? '0' : '1';
      return `${test.op === 'NOT IN' ? 'NOT ' : ''}${inList(column, test.values, params)}`;
  }
}

export function numericTestSql(column: string, test: NumericTest, params: SqlParam[]): string {
  params.push(test.value);
  return `${column} ${test.op} ?`;
}

export function validateMaxResults(maxResults: number, describe: (detail: string) => string): void {
  if (!Number.isSafeInteger(maxResults) || maxResults < 1) {
    throw invalidParameter(describe(`It must be a positive integer, but got ${maxResults}`));
  }
  if (maxResults > SEARCH_MAX_RESULTS_THRESHOLD) {
    throw invalidParameter(describe(`It must be at most ${SEARCH_MAX_RESULTS_THRESHOLD}, but got ${maxResults}`));
  }
}

/** Turns a comparator already known to be numeric into its type. */
export function asNumericOp(comparator: string): NumericOp | null {
  return (NUMERIC_OPS as readonly string[]).includes(comparator) ? (comparator as NumericOp) : null;
}
