import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MlflowError } from '../../../extension/tracking/errors';
import { parseFilter, parseOrderBy } from '../../../extension/tracking/search/filterParser';
import { parseRunFilter, parseRunOrderBy } from '../../../extension/tracking/search/runGrammar';

function rejects(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof MlflowError && e.errorCode === 'INVALID_PARAMETER_VALUE' && message.test(e.message));
}

describe('filter syntax', () => {
  it('treats an absent or blank filter as no clauses', () => {
    assert.deepEqual(parseFilter(undefined), []);
    assert.deepEqual(parseFilter(''), []);
    assert.deepEqual(parseFilter(' \n\t'), []);
  });

  it('parses one clause into identifier, comparator and typed value', () => {
    assert.deepEqual(parseFilter('metrics.acc >= -1.5e3'), [
      {
        identifier: { raw: 'metrics.acc', entity: 'metrics', key: 'acc' },
        comparator: '>=',
        value: { kind: 'number', value: -1500, raw: '-1.5e3' },
        raw: 'metrics.acc >= -1.5e3',
      },
    ]);
  });

  it('reads numbers the way MLflow does', () => {
    const num = (text: string): unknown => parseFilter(`metrics.m = ${text}`)[0].value;
    assert.deepEqual(num('42'), { kind: 'number', value: 42, raw: '42' });
    assert.deepEqual(num('.5'), { kind: 'number', value: 0.5, raw: '.5' });
    assert.deepEqual(num('5.'), { kind: 'number', value: 5, raw: '5.' });
    assert.deepEqual(num('-0.25'), { kind: 'number', value: -0.25, raw: '-0.25' });
    assert.deepEqual(num('1E-3'), { kind: 'number', value: 0.001, raw: '1E-3' });
    assert.deepEqual(parseFilter('metrics.m>-1')[0].value, { kind: 'number', value: -1, raw: '-1' });
  });

  it('reads both quote styles without unescaping', () => {
    assert.deepEqual(parseFilter("params.p = 'a b'")[0].value, { kind: 'string', value: 'a b', raw: "'a b'" });
    assert.deepEqual(parseFilter('params.p = "x\'y"')[0].value, { kind: 'string', value: "x'y", raw: '"x\'y"' });
    assert.equal((parseFilter("params.p = 'it''s'")[0].value as { value: string }).value, "it''s");
    assert.equal((parseFilter("params.p = ''")[0].value as { value: string }).value, '');
  });

  it('keeps unquoted words and backticked names as words (for the grammar to reject)', () => {
    assert.deepEqual(parseFilter('params.p = abc')[0].value, { kind: 'word', raw: 'abc' });
    assert.deepEqual(parseFilter('params.p = `abc`')[0].value, { kind: 'word', raw: '`abc`' });
  });

  it('splits identifiers at the first dot and unquotes the key once', () => {
    const id = (text: string): unknown => parseFilter(`${text} = 'v'`)[0].identifier;
    assert.deepEqual(id('tags.mlflow.runName'), { raw: 'tags.mlflow.runName', entity: 'tags', key: 'mlflow.runName' });
    assert.deepEqual(id('metrics.`f1 score`'), { raw: 'metrics.`f1 score`', entity: 'metrics', key: 'f1 score' });
    assert.deepEqual(id('params."my-p"'), { raw: 'params."my-p"', entity: 'params', key: 'my-p' });
    assert.deepEqual(id("params.'a.b'"), { raw: "params.'a.b'", entity: 'params', key: 'a.b' });
    assert.deepEqual(id('params."a.b"'), { raw: 'params."a.b"', entity: 'params', key: 'a.b' });
    assert.deepEqual(id('`params`.x'), { raw: '`params`.x', entity: '`params`', key: 'x' });
    assert.deepEqual(id('status'), { raw: 'status', entity: null, key: 'status' });
    assert.deepEqual(id('`Run Name`'), { raw: '`Run Name`', entity: null, key: 'Run Name' });
    assert.deepEqual(id('"run name"'), { raw: '"run name"', entity: null, key: 'run name' });
    assert.deepEqual(id('metrics.1st'), { raw: 'metrics.1st', entity: 'metrics', key: '1st' });
    assert.deepEqual(id('params.in'), { raw: 'params.in', entity: 'params', key: 'in' });
  });

  it('normalises comparators to upper case', () => {
    const ops = (f: string): string[] => parseFilter(f).map((c) => c.comparator);
    assert.deepEqual(ops("a like 'x' and b ilike 'y' and c In ('z') and d not in ('w') and e != 'v'"), ['LIKE', 'ILIKE', 'IN', 'NOT IN', '!=']);
    assert.deepEqual(ops("a not like 'x' and b == 'y'"), ['NOT LIKE', '==']);
  });

  it('parses lists, allowing a trailing comma', () => {
    assert.deepEqual(parseFilter("run_id IN ('a', \"b\",)")[0].value, {
      kind: 'list',
      items: [
        { kind: 'string', value: 'a', raw: "'a'" },
        { kind: 'string', value: 'b', raw: '"b"' },
      ],
      raw: "('a', \"b\",)",
    });
    assert.deepEqual(parseFilter('run_id IN ()')[0].value, { kind: 'list', items: [], raw: '()' });
  });

  it('joins clauses with a case-insensitive AND', () => {
    assert.equal(parseFilter("a = 'x' AND b = 'y' and c = 'z' aNd d = 'w'").length, 4);
    assert.deepEqual(
      parseFilter("params.a='x'and metrics.b<2").map((c) => c.raw),
      ["params.a='x'", 'metrics.b<2'],
    );
  });

  it('rejects everything that is not AND-ed comparisons', () => {
    rejects(() => parseFilter("a = 'x' OR b = 'y'"), /^Invalid clause\(s\) in filter string: 'OR'$/);
    rejects(() => parseFilter("a = 'x' or b = 'y'"), /'or'/);
    rejects(() => parseFilter("(a = 'x')"), /Invalid clause/);
    rejects(() => parseFilter("a = 'x' AND (b = 'y')"), /'\(b = 'y'\)'/);
    rejects(() => parseFilter("NOT a = 'x'"), /Invalid clause/);
    rejects(() => parseFilter('a IS NULL'), /Invalid clause/);
    rejects(() => parseFilter("a = 'x' AND"), /Invalid clause/);
    rejects(() => parseFilter("AND a = 'x'"), /Invalid clause/);
    rejects(() => parseFilter("a = 'x' b = 'y'"), /Invalid clause/);
    rejects(() => parseFilter("a 'x'"), /Invalid clause/);
    rejects(() => parseFilter('a ='), /Invalid clause\(s\) in filter string: 'a ='/);
    rejects(() => parseFilter("a IN 'x'"), /Invalid clause/);
    rejects(() => parseFilter("a = ('x')"), /Invalid clause/);
    rejects(() => parseFilter("metrics. a = 'x'"), /Invalid clause/);
    rejects(() => parseFilter("a = 'x';"), /Invalid clause\(s\) in filter string: ';'/);
    rejects(() => parseFilter("a = 'x'; b = 'y'"), /Search filter contained multiple expression/);
    rejects(() => parseFilter("a = 'x"), /Could not be parsed/);
    rejects(() => parseFilter('a = "x'), /Could not be parsed/);
    rejects(() => parseFilter('`a = 1'), /Could not be parsed/);
    rejects(() => parseFilter('a = 1abc'), /Could not be parsed/);
    rejects(() => parseFilter('a = @x'), /Could not be parsed/);
    rejects(() => parseFilter("run_id IN ('a' 'b')"), /ill-formed list/);
    rejects(() => parseFilter("run_id IN ('a', ('b'))"), /ill-formed list/);
    rejects(() => parseFilter("run_id IN ('a'"), /ill-formed list/);
  });
});

describe('order_by syntax', () => {
  it('parses an identifier and an optional direction', () => {
    assert.deepEqual(parseOrderBy('metrics.acc'), { identifier: { raw: 'metrics.acc', entity: 'metrics', key: 'acc' }, ascending: true });
    assert.equal(parseOrderBy('metrics.acc DESC').ascending, false);
    assert.equal(parseOrderBy('  metrics.acc   desc ').ascending, false);
    assert.equal(parseOrderBy('metrics.acc asc').ascending, true);
    assert.equal(parseOrderBy('metrics.`f1 score` DESC').identifier.key, 'f1 score');
    assert.equal(parseOrderBy('params."a b" ASC').identifier.key, 'a b');
  });

  it('rejects malformed entries with MLflow messages', () => {
    rejects(() => parseOrderBy('metrics.acc up'), /^Invalid ordering key in order_by clause 'metrics.acc up'.$/);
    rejects(() => parseOrderBy('metrics.acc DESC x'), /^Invalid order_by clause 'metrics.acc DESC x'. Could not be parsed.$/);
    rejects(() => parseOrderBy(''), /Could not be parsed/);
    rejects(() => parseOrderBy('DESC'), /Could not be parsed/);
    rejects(() => parseOrderBy('a, b'), /Could not be parsed/);
    rejects(() => parseOrderBy("'a'"), /Could not be parsed/);
  });
});

describe('run grammar', () => {
  it('resolves entity aliases and attribute aliases', () => {
    assert.deepEqual(parseRunFilter("metric.a = 1 and metrics.a = 2"), [
      { kind: 'metric', key: 'a', test: { op: '=', value: 1 } },
      { kind: 'metric', key: 'a', test: { op: '=', value: 2 } },
    ]);
    for (const prefix of ['param', 'params', 'parameter', 'parameters']) {
      assert.deepEqual(parseRunFilter(`${prefix}.p = 'v'`), [{ kind: 'param', key: 'p', test: { op: '=', value: 'v' } }]);
    }
    for (const prefix of ['tag', 'tags']) assert.equal(parseRunFilter(`${prefix}.t = 'v'`)[0].kind, 'tag');
    for (const prefix of ['', 'attribute.', 'attributes.', 'attr.', 'run.', '`attributes`.']) {
      assert.deepEqual(parseRunFilter(`${prefix}status = 'RUNNING'`), [{ kind: 'attribute', column: 'status', test: { op: '=', value: 'RUNNING' } }], prefix);
    }
    for (const alias of ['run_name', '`run name`', '"Run name"', '`Run Name`']) {
      assert.deepEqual(parseRunFilter(`${alias} = 'n'`), [{ kind: 'attribute', column: 'name', test: { op: '=', value: 'n' } }], alias);
    }
    assert.deepEqual(parseRunFilter('created > 5 and Created < 9 and end_time != 1'), [
      { kind: 'numericAttribute', column: 'start_time', test: { op: '>', value: 5 } },
      { kind: 'numericAttribute', column: 'start_time', test: { op: '<', value: 9 } },
      { kind: 'numericAttribute', column: 'end_time', test: { op: '!=', value: 1 } },
    ]);
    assert.deepEqual(parseRunFilter("run_id = 'abc' and artifact_uri LIKE 'x%' and user_id ILIKE 'B%'").map((f) => f.kind === 'attribute' && f.column), [
      'run_uuid',
      'artifact_uri',
      'user_id',
    ]);
  });

  it('resolves datasets and lists', () => {
    assert.deepEqual(parseRunFilter("datasets.name IN ('MNIST', 'b') and dataset.context = 'train' and datasets.digest NOT IN ('123')"), [
      { kind: 'dataset', field: 'name', test: { op: 'IN', values: ['MNIST', 'b'] } },
      { kind: 'dataset', field: 'context', test: { op: '=', value: 'train' } },
      { kind: 'dataset', field: 'digest', test: { op: 'NOT IN', values: ['123'] } },
    ]);
    assert.deepEqual(parseRunFilter("run_id IN ('abc', 'ABC', 'aBc', '123', 'a1')"), [
      { kind: 'attribute', column: 'run_uuid', test: { op: 'IN', values: ['abc', 'a1'] } },
    ]);
  });

  it('resolves order keys', () => {
    assert.deepEqual(parseRunOrderBy(['metrics.m DESC', 'params.p', 'tags.`t t` ASC', 'created', 'attributes.run_name DESC', 'run_id']), [
      { kind: 'metric', key: 'm', ascending: false },
      { kind: 'param', key: 'p', ascending: true },
      { kind: 'tag', key: 't t', ascending: true },
      { kind: 'attribute', column: 'start_time', ascending: true },
      { kind: 'attribute', column: 'name', ascending: false },
      { kind: 'attribute', column: 'run_uuid', ascending: true },
    ]);
    assert.deepEqual(parseRunOrderBy(undefined), []);
    rejects(() => parseRunOrderBy(['tags.a', 'tag.a DESC']), /^`order_by` contains duplicate fields: \['tags.a', 'tag.a DESC'\]$/);
  });
});
