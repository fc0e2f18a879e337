// MLflow's run-filter grammar evaluated in memory over runs the table already holds, so typing a filter answers
// instantly for ten thousand runs. Parsing and validation are the store's own (parseRunFilter), so the error a
// user sees inline is word for word what `runs/search` would answer; the evaluation mirrors the SQL that
// runSearch.ts compiles (and a differential test runs both on the same store):
//  - a run lacking the key never matches, not even `!=`;
//  - a metric is its latest value; NaN satisfies only `!=`;
//  - LIKE is case-sensitive with % and _ (no escape), ILIKE folds ASCII case only, like SQLite's lower().
import { parseRunFilter, type RunFilter } from '../tracking/search/runGrammar';
import type { NumericTest, StringTest } from '../tracking/search/sqlParts';
import type { RunView } from './runRows';

const DATASET_CONTEXT_TAG = 'mlflow.data.context';

export type CompiledFilter = (run: RunView) => boolean;

export type FilterResult = { ok: true; test: CompiledFilter; clauses: number } | { ok: false; error: string };

/** Parses a filter; an error carries MLflow's message for the filter box. Empty filter matches everything. */
export function compileFilter(filter: string): FilterResult {
  let clauses: RunFilter[];
  try {
    clauses = parseRunFilter(filter);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  const tests = clauses.map(clauseTest);
  return { ok: true, clauses: clauses.length, test: (run) => tests.every((t) => t(run)) };
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** SQL LIKE without escapes over code points: % any run, _ exactly one. Iterative, with one backtrack point. */
export function likeMatch(text: string, pattern: string): boolean {
  const t = Array.from(text);
  const p = Array.from(pattern);
  let ti = 0;
  let pi = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '_' || (p[pi] !== '%' && p[pi] === t[ti]))) {
      ti++;
      pi++;
    } else if (pi < p.length && p[pi] === '%') {
      star = pi++;
      mark = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++mark;
    } else return false;
  }
  while (pi < p.length && p[pi] === '%') pi++;
  return pi === p.length;
}

export function stringMatches(value: string, test: StringTest): boolean {
  switch (test.op) {
    case '=':
      return value === test.value;
    case '!=':
      return value !== test.value;
    case 'LIKE':
      return likeMatch(value, test.value);
    case 'ILIKE':
      return likeMatch(asciiLower(value), asciiLower(test.value));
    case 'IN':
      return test.values.includes(value);
    case 'NOT IN':
      return !test.values.includes(value);
  }
}

export function numberMatches(value: number, test: NumericTest): boolean {
  switch (test.op) {
    case '=':
      return value === test.value;
    case '!=':
      return value !== test.value;
    case '<':
      return value < test.value;
    case '<=':
      return value <= test.value;
    case '>':
      return value > test.value;
    case '>=':
      return value >= test.value;
  }
}

const find = (pairs: { key: string; value: string }[] | undefined, key: string): string | undefined => pairs?.find((p) => p.key === key)?.value;

function attributeOf(run: RunView, column: string): string | number | undefined {
  const i = run.info;
  switch (column) {
    case 'run_uuid':
      return i.run_id;
    case 'name':
      return i.run_name;
    case 'status':
      return i.status;
    case 'user_id':
      return i.user_id;
    case 'artifact_uri':
      return i.artifact_uri;
    case 'start_time':
      return i.start_time;
    case 'end_time':
      return i.end_time;
    default:
      return undefined;
  }
}

function clauseTest(f: RunFilter): CompiledFilter {
  switch (f.kind) {
    case 'metric':
      return (run) => {
        const v = run.metric(f.key);
        if (v === undefined) return false;
        // SQL compares the stored latest value; NaN rows only pass `is_nan <> 0 OR …` (i.e. `!=`).
        if (Number.isNaN(v)) return f.test.op === '!=';
        return numberMatches(v, f.test);
      };
    case 'param':
      return (run) => {
        const v = run.param(f.key);
        return v !== undefined && stringMatches(v, f.test);
      };
    case 'tag':
      return (run) => {
        const v = run.tag(f.key);
        return v !== undefined && stringMatches(v, f.test);
      };
    case 'attribute':
      return (run) => {
        const v = attributeOf(run, f.column);
        return typeof v === 'string' && stringMatches(v, f.test);
      };
    case 'numericAttribute':
      return (run) => {
        const v = attributeOf(run, f.column);
        return typeof v === 'number' && numberMatches(v, f.test);
      };
    case 'dataset':
      return (run) =>
        run.datasetInputs().some((input) => {
          if (f.field === 'context') {
            const ctx = find(input.tags, DATASET_CONTEXT_TAG);
            return ctx !== undefined && stringMatches(ctx, f.test);
          }
          return stringMatches(input.dataset[f.field], f.test);
        });
  }
}
