import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Database } from 'sql.js';
import { MlflowError } from '../../../extension/tracking/errors';
import { encodePageToken } from '../../../extension/tracking/search/pageToken';
import { RunSearchQuery, compileRunSearch } from '../../../extension/tracking/search/runSearch';
import { RUNS, rows, runsDb } from './fixture';

let db: Database;
before(async () => {
  db = await runsDb();
});
after(() => db.close());

const uuidOf = (id: number): string => RUNS.find((r) => r.id === id)!.uuid;

function search(filter?: string, orderBy?: string[], extra: Partial<RunSearchQuery> = {}): string[] {
  const q = compileRunSearch({ experimentIds: [1], filter, orderBy, viewType: 'ACTIVE_ONLY', maxResults: 100, ...extra });
  return rows(db, q).map(uuidOf);
}

function rejects(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof MlflowError, `expected MlflowError, got ${String(e)}`);
    assert.equal(e.errorCode, 'INVALID_PARAMETER_VALUE');
    assert.equal(e.httpStatus, 400);
    assert.match(e.message, message);
    return true;
  });
}

const ACTIVE_DEFAULT = ['bbb2', 'fff6', 'ccc3', 'aaa1']; // start_time DESC, run_uuid ASC on the 3000 tie

describe('run search: scope and default order', () => {
  it('orders by start_time DESC then run_uuid ASC by default', () => {
    assert.deepEqual(search(), ACTIVE_DEFAULT);
    assert.deepEqual(search('  '), ACTIVE_DEFAULT);
  });

  it('restricts to the view type', () => {
    assert.deepEqual(search(undefined, undefined, { viewType: 'ALL' }), ['ddd4', ...ACTIVE_DEFAULT]);
    assert.deepEqual(search(undefined, undefined, { viewType: 'DELETED_ONLY' }), ['ddd4']);
  });

  it('restricts to the experiment ids', () => {
    assert.deepEqual(search(undefined, undefined, { experimentIds: [1, 2] }), ['eee5', ...ACTIVE_DEFAULT]);
    assert.deepEqual(search(undefined, undefined, { experimentIds: [2] }), ['eee5']);
    assert.deepEqual(search(undefined, undefined, { experimentIds: [] }), []);
  });
});

describe('run search: metrics', () => {
  it('compares the latest value', () => {
    assert.deepEqual(search('metrics.acc > 0.6'), ['aaa1']);
    assert.deepEqual(search('metric.acc >= 0.5'), ['bbb2', 'aaa1']);
    assert.deepEqual(search('metrics.acc = 0.5'), ['bbb2']);
    assert.deepEqual(search('metrics.acc <= .5'), ['bbb2']);
    assert.deepEqual(search('metrics.loss < 1e-1'), []);
    assert.deepEqual(search('metrics.loss > -1'), ['bbb2', 'aaa1']);
  });

  it('treats NaN like IEEE NaN: only != matches, even though it is stored as 0', () => {
    assert.deepEqual(search('metrics.acc = 0'), []);
    assert.deepEqual(search('metrics.acc < 1'), ['bbb2', 'aaa1']);
    assert.deepEqual(search('metrics.acc != 0.9'), ['bbb2', 'ccc3']);
  });

  it('never matches a run lacking the key, even for !=', () => {
    assert.ok(!search('metrics.acc != 123').includes('fff6'));
    assert.deepEqual(search('metrics.missing != 1'), []);
  });

  it('accepts quoted keys', () => {
    assert.deepEqual(search('metrics.`f1 score` > 0.5'), ['ccc3']);
    assert.deepEqual(search('metrics."f1 score" > 0.5'), ['ccc3']);
  });
});

describe('run search: params and tags', () => {
  it('matches = and != on present keys only', () => {
    assert.deepEqual(search("params.lr = '0.01'"), ['ccc3', 'aaa1']);
    assert.deepEqual(search('params.lr = "0.1"'), ['bbb2']);
    assert.deepEqual(search("param.lr != '0.01'"), ['bbb2']);
    assert.deepEqual(search("tags.team != 'Vision'"), ['bbb2', 'fff6']);
  });

  it('accepts every param prefix alias and quoted keys', () => {
    for (const prefix of ['params', 'param', 'parameter', 'parameters', '`params`']) {
      assert.deepEqual(search(`${prefix}.lr = '0.1'`), ['bbb2'], prefix);
    }
    assert.deepEqual(search("params.\"my-p\" = 'x'"), ['bbb2']);
    assert.deepEqual(search("params.`my-p` = 'x'"), ['bbb2']);
  });

  it('splits the identifier at the first dot only', () => {
    assert.deepEqual(search("tags.mlflow.runName = 'gamma'"), ['ccc3']);
    assert.deepEqual(search("tag.`mlflow.runName` = 'gamma'"), ['ccc3']);
  });

  it('LIKE is case-sensitive with % and _ wildcards', () => {
    assert.deepEqual(search("params.model LIKE 'Res%'"), ['aaa1']);
    assert.deepEqual(search("params.model LIKE 'res%'"), ['bbb2', 'ccc3']);
    assert.deepEqual(search("params.model LIKE 'res_net'"), ['ccc3']);
    assert.deepEqual(search("params.model like '%NET'"), []);
    assert.deepEqual(search("tags.team LIKE 'vision'"), ['bbb2']);
  });

  it('ILIKE folds case', () => {
    assert.deepEqual(search("params.model ILIKE 'res%'"), ['bbb2', 'ccc3', 'aaa1']);
    assert.deepEqual(search("params.model ilike '%NET'"), ['bbb2', 'ccc3', 'aaa1']);
    assert.deepEqual(search("tags.team ILIKE 'VISION'"), ['bbb2', 'aaa1']);
  });

  it('GLOB metacharacters in a LIKE pattern are literals', () => {
    assert.deepEqual(search("params.glob LIKE 'a*b?'"), ['fff6']);
    assert.deepEqual(search("params.glob LIKE 'a[b]_'"), ['bbb2']);
    assert.deepEqual(search("params.glob ILIKE 'A*B?'"), ['fff6']);
  });

  it('keeps quote characters inside strings verbatim, like MLflow', () => {
    assert.deepEqual(search('tags.note = "it\'s"'), ['ccc3']);
    assert.deepEqual(search("tags.note = 'it''s'"), []);
  });
});

describe('run search: attributes', () => {
  it('compares string attributes, with and without prefixes', () => {
    assert.deepEqual(search("status = 'FINISHED'"), ['aaa1']);
    assert.deepEqual(search("attributes.status = 'FINISHED'"), ['aaa1']);
    assert.deepEqual(search("attribute.status != 'FINISHED'"), ['bbb2', 'fff6', 'ccc3']);
    assert.deepEqual(search("attr.user_id LIKE 'a%'"), ['ccc3', 'aaa1']);
    assert.deepEqual(search("run.status = 'finished'"), []);
    assert.deepEqual(search("artifact_uri LIKE '%/ccc3/%'"), ['ccc3']);
  });

  it('maps run_name and its aliases to the name column', () => {
    assert.deepEqual(search("run_name = 'Beta'"), ['bbb2']);
    assert.deepEqual(search("attributes.run_name = 'beta'"), []);
    assert.deepEqual(search("`Run Name` ILIKE 'beta'"), ['bbb2']);
    assert.deepEqual(search("\"run name\" = 'gamma'"), ['ccc3']);
    assert.deepEqual(search("attributes.`Run name` LIKE '%a'"), ['bbb2', 'fff6', 'ccc3', 'aaa1']);
  });

  it('compares numeric attributes; created is start_time; NULL end_time never matches', () => {
    assert.deepEqual(search('start_time >= 2000 AND end_time < 3000'), ['ccc3']);
    assert.deepEqual(search('created > 2500'), ['bbb2', 'fff6']);
    assert.deepEqual(search('attributes.Created = 1000'), ['aaa1']);
    assert.deepEqual(search('end_time != 2000'), ['ccc3']);
  });

  it('supports run_id IN / NOT IN, dropping ids with capitals like MLflow', () => {
    assert.deepEqual(search("run_id IN ('aaa1', 'ccc3')"), ['ccc3', 'aaa1']);
    assert.deepEqual(search("attributes.run_id in ('aaa1')"), ['aaa1']);
    assert.deepEqual(search("run_id NOT IN ('aaa1','bbb2',)"), ['fff6', 'ccc3']);
    assert.deepEqual(search("run_id IN ('AAA1')"), []);
    assert.deepEqual(search("run_id not in ('AAA1')"), ACTIVE_DEFAULT);
    assert.deepEqual(search("run_id = 'fff6'"), ['fff6']);
  });
});

describe('run search: datasets', () => {
  it('matches when any input dataset matches', () => {
    assert.deepEqual(search("datasets.name = 'mnist'"), ['bbb2', 'aaa1']);
    assert.deepEqual(search("dataset.name != 'mnist'"), ['aaa1']);
    assert.deepEqual(search("datasets.name NOT IN ('mnist')"), ['aaa1']);
    assert.deepEqual(search("datasets.digest IN ('999', 'nope')"), ['aaa1']);
    assert.deepEqual(search("datasets.name IN ('Cifar')"), ['aaa1']);
    assert.deepEqual(search("datasets.name LIKE 'cifar'"), []);
    assert.deepEqual(search("datasets.name ILIKE 'CIFAR'"), ['aaa1']);
  });

  it('filters by the mlflow.data.context input tag', () => {
    assert.deepEqual(search("datasets.context = 'training'"), ['aaa1']);
    assert.deepEqual(search("datasets.context = 'eval'"), ['bbb2', 'aaa1']);
    assert.deepEqual(search("datasets.context LIKE 'E%'"), []);
    assert.deepEqual(search("datasets.context ILIKE 'E%'"), ['bbb2', 'aaa1']);
    assert.deepEqual(search("datasets.context != 'eval'"), ['aaa1']);
  });
});

describe('run search: combined clauses', () => {
  it('ANDs clauses case-insensitively', () => {
    assert.deepEqual(search("metrics.acc > 0.4 and params.lr = '0.1'"), ['bbb2']);
    assert.deepEqual(search("metrics.acc > 0.4 AND params.lr = '0.1' AnD tags.team = 'Vision'"), []);
    assert.deepEqual(search("params.lr = '0.01' and datasets.name = 'mnist' and status = 'FINISHED'"), ['aaa1']);
  });
});

describe('run search: order_by', () => {
  it('orders by metrics with NaN and missing values last in both directions', () => {
    assert.deepEqual(search(undefined, ['metrics.acc DESC']), ['aaa1', 'bbb2', 'ccc3', 'fff6']);
    assert.deepEqual(search(undefined, ['metrics.acc']), ['bbb2', 'aaa1', 'ccc3', 'fff6']);
    assert.deepEqual(search(undefined, ['metrics.acc asc']), ['bbb2', 'aaa1', 'ccc3', 'fff6']);
  });

  it('orders by params and tags with missing values last', () => {
    assert.deepEqual(search(undefined, ['params.model ASC']), ['aaa1', 'fff6', 'ccc3', 'bbb2']);
    assert.deepEqual(search(undefined, ['params.model DESC']), ['bbb2', 'ccc3', 'fff6', 'aaa1']);
    assert.deepEqual(search(undefined, ['tags.team']), ['aaa1', 'fff6', 'bbb2', 'ccc3']);
    assert.deepEqual(search(undefined, ['tags.team DESC']), ['bbb2', 'fff6', 'aaa1', 'ccc3']);
    assert.deepEqual(search(undefined, ['params.lr DESC']), ['bbb2', 'ccc3', 'aaa1', 'fff6']);
  });

  it('orders by attributes; NULL end_time last; no implicit start_time when listed', () => {
    assert.deepEqual(search(undefined, ['start_time ASC']), ['aaa1', 'ccc3', 'bbb2', 'fff6']);
    assert.deepEqual(search(undefined, ['attributes.created']), ['aaa1', 'ccc3', 'bbb2', 'fff6']);
    assert.deepEqual(search(undefined, ['end_time DESC']), ['ccc3', 'aaa1', 'bbb2', 'fff6']);
    assert.deepEqual(search(undefined, ['end_time']), ['aaa1', 'ccc3', 'bbb2', 'fff6']);
    assert.deepEqual(search(undefined, ['run_name DESC']), ['fff6', 'ccc3', 'aaa1', 'bbb2']);
    assert.deepEqual(search(undefined, ['run_id DESC']), ['fff6', 'ccc3', 'bbb2', 'aaa1']);
    assert.deepEqual(search(undefined, ['user_id', 'status DESC']), ['aaa1', 'ccc3', 'bbb2', 'fff6']);
    assert.deepEqual(search(undefined, ['user_id', 'status']), ['ccc3', 'aaa1', 'bbb2', 'fff6']);
  });

  it('applies several keys in order and quoted keys', () => {
    assert.deepEqual(search(undefined, ['params.lr', 'metrics.acc DESC']), ['aaa1', 'ccc3', 'bbb2', 'fff6']);
    assert.deepEqual(search(undefined, ['metrics.`f1 score` DESC']), ['ccc3', 'bbb2', 'fff6', 'aaa1']);
    assert.deepEqual(search(undefined, ['metrics."f1 score" DESC']), ['ccc3', 'bbb2', 'fff6', 'aaa1']);
  });

  it('combines with filters', () => {
    assert.deepEqual(search("params.lr = '0.01'", ['metrics.acc DESC']), ['aaa1', 'ccc3']);
  });

  it('rejects duplicate keys, including through aliases', () => {
    rejects(() => search(undefined, ['metrics.acc', 'metric.acc DESC']), /`order_by` contains duplicate fields/);
    rejects(() => search(undefined, ['start_time', 'created DESC']), /duplicate fields/);
    rejects(() => search(undefined, ['params.a', 'parameters.a']), /duplicate fields/);
  });

  it('rejects bad order_by clauses', () => {
    rejects(() => search(undefined, ['metrics.acc sideways']), /Invalid ordering key in order_by clause 'metrics.acc sideways'/);
    rejects(() => search(undefined, ['metrics.acc DESC extra']), /Invalid order_by clause .*Could not be parsed/);
    rejects(() => search(undefined, ['']), /Could not be parsed/);
    rejects(() => search(undefined, ['foo']), /Invalid attribute key 'foo'/);
    rejects(() => search(undefined, ['`Run Name`']), /Invalid attribute key 'Run Name'/);
    rejects(() => search(undefined, ['datasets.name']), /Invalid identifier type 'dataset'/);
    rejects(() => search(undefined, ['bogus.x']), /Invalid entity type 'bogus'/);
  });
});

describe('run search: paging', () => {
  it('asks for one extra row and offsets by the page token', () => {
    const q = compileRunSearch({ experimentIds: [1], viewType: 'ACTIVE_ONLY', maxResults: 2 });
    assert.equal(q.limit, 3);
    assert.equal(q.offset, 0);
    assert.deepEqual(rows(db, q).map(uuidOf), ['bbb2', 'fff6', 'ccc3']);
    const page2 = compileRunSearch({ experimentIds: [1], viewType: 'ACTIVE_ONLY', maxResults: 2, pageToken: encodePageToken(2) });
    assert.equal(page2.offset, 2);
    assert.deepEqual(rows(db, page2).map(uuidOf), ['ccc3', 'aaa1']);
    const past = compileRunSearch({ experimentIds: [1], viewType: 'ACTIVE_ONLY', maxResults: 2, pageToken: encodePageToken(10) });
    assert.deepEqual(rows(db, past), []);
  });

  it('pages a filtered, ordered search consistently', () => {
    const base = { experimentIds: [1, 2], viewType: 'ALL' as const, orderBy: ['metrics.acc DESC'], filter: 'metrics.acc >= 0' };
    const all = rows(db, compileRunSearch({ ...base, maxResults: 100 })).map(uuidOf);
    assert.deepEqual(all, ['ddd4', 'aaa1', 'eee5', 'bbb2']);
    const pages: string[] = [];
    for (let offset = 0; offset < all.length; offset += 1) {
      const page = rows(db, compileRunSearch({ ...base, maxResults: 1, pageToken: offset ? encodePageToken(offset) : undefined }));
      pages.push(uuidOf(page[0]));
    }
    assert.deepEqual(pages, all);
  });

  it('validates max_results and the token', () => {
    rejects(() => search(undefined, undefined, { maxResults: 50001 }), /at most 50000/);
    rejects(() => search(undefined, undefined, { maxResults: 0 }), /positive integer/);
    rejects(() => search(undefined, undefined, { maxResults: 1.5 }), /positive integer/);
    rejects(() => search(undefined, undefined, { pageToken: 'not a token!' }), /Invalid page token/);
    assert.equal(compileRunSearch({ experimentIds: [1], viewType: 'ALL', maxResults: 50000 }).limit, 50001);
  });
});

describe('run search: injection attempts stay data', () => {
  it('binds values', () => {
    const q = compileRunSearch({ experimentIds: [1], filter: "params.model = 'a'' OR 1=1 --'", viewType: 'ALL', maxResults: 10 });
    assert.ok(!q.sql.includes('1=1'));
    assert.ok(q.params.includes("a'' OR 1=1 --"));
    assert.deepEqual(rows(db, q), []);
    assert.deepEqual(search('params.model = "x\' OR \'1\'=\'1"'), []);
    assert.deepEqual(search("params.model LIKE '%'' OR ''1''=''1'"), []);
  });

  it('binds keys, so a key full of quotes is just a key', () => {
    assert.deepEqual(search("tags.\"x' OR '1'='1\" = 'v'"), ['fff6']);
    assert.deepEqual(search("tags.`x' OR '1'='1` != 'zzz'"), ['fff6']);
    assert.deepEqual(search("params.`a\"; DROP TABLE runs; --` = 'x'"), []);
    assert.deepEqual(search(undefined, ["tags.`x' OR '1'='1` DESC"]), ['fff6', 'bbb2', 'ccc3', 'aaa1']);
    assert.deepEqual(search(), ACTIVE_DEFAULT, 'runs table intact');
  });

  it('never splices user text into the SQL', () => {
    const q = compileRunSearch({
      experimentIds: [1],
      filter: "params.`evil key` = 'evil value' and metrics.`m k` > 1 and tags.`t k` LIKE 'p%' and datasets.context = 'ctx' and run_id IN ('rid')",
      orderBy: ['params.`order key` DESC', 'metrics.`okm`'],
      viewType: 'ALL',
      maxResults: 10,
    });
    for (const text of ['evil', 'm k', 't k', 'p%', 'ctx', 'rid', 'order key', 'okm']) assert.ok(!q.sql.includes(text), text);
    assert.equal((q.sql.match(/\?/g) ?? []).length, q.params.length);
    assert.deepEqual(rows(db, q), []);
  });
});

describe('run search: grammar errors', () => {
  const cases: [string, RegExp][] = [
    ["metrics.acc > 1 OR params.lr = '0.1'", /^Invalid clause\(s\) in filter string: 'OR'$/],
    ["(params.lr = '0.1')", /Invalid clause\(s\) in filter string: '\(params.lr = '0.1'\)'/],
    ['metrics.acc >', /Invalid clause\(s\) in filter string: 'metrics.acc >'/],
    ["params.lr = '0.1' AND", /Invalid clause/],
    ["params.lr = '0.1' params.x = 'y'", /Invalid clause/],
    ['params.lr IS NULL', /Invalid clause/],
    ["NOT params.lr = 'x'", /Invalid clause/],
    ["params.lr = '0.1'; DROP TABLE runs", /Search filter contained multiple expression/],
    ["params.lr = 'unterminated", /Invalid filter .*Could not be parsed/],
    ["foo.bar = 'x'", /Invalid entity type 'foo'. Valid values are \['metric', 'parameter', 'tag', 'attribute', 'dataset'\]/],
    ["Metrics.acc > 1", /Invalid entity type 'Metrics'/],
    ["nope = 'x'", /Invalid attribute key 'nope' specified/],
    ["attributes.lifecycle_stage = 'active'", /Invalid attribute key 'lifecycle_stage'/],
    ["datasets.source = 'x'", /Invalid dataset key 'source' specified/],
    ["metrics.acc = '1'", /Expected numeric value type for metric. Found '1'/],
    ['metrics.acc = "1"', /Expected numeric value type for metric. Found "1"/],
    ['metrics.acc LIKE 1', /Invalid comparator 'LIKE' not one of/],
    ['metrics.acc == 1', /Invalid comparator '==' not one of/],
    ['metrics.acc <> 1', /Invalid comparator '<>' not one of/],
    ['params.lr = 0.1', /Expected a quoted string value for parameter \(e.g. 'my-value'\). Got value 0.1/],
    ['params.lr = abc', /Parameter value is either not quoted or unidentified quote types used for string value abc/],
    ['params.lr = `abc`', /not quoted or unidentified quote types/],
    ["params.lr > '1'", /Invalid comparator '>' not one of/],
    ["params.lr IN ('1')", /Expected a quoted string value for parameter/],
    ["params.lr NOT LIKE '1'", /Invalid comparator 'NOT LIKE' not one of/],
    ["tags.t < 'x'", /Invalid comparator '<' not one of/],
    ['tags.t = 5', /Expected a quoted string value for tag/],
    ["status IN ('FINISHED')", /Only the 'run_id' attribute supports comparison with a list of quoted string values/],
    ["run_id IN 'aaa1'", /Invalid clause/],
    ["run_id = ('aaa1')", /Invalid clause/],
    ['run_id IN ()', /expected a non-empty list of string values, but got empty list/],
    ["run_id IN ('a', 1)", /expected string value, punctuation, or whitespace, but got different type in list/],
    ["run_id IN ('a' 'b')", /ill-formed list/],
    ['status = 1', /Expected a quoted string value for attributes. Got value 1/],
    ["status > 'A'", /Invalid comparator '>' not one of/],
    ["start_time = '1'", /Expected numeric value type for numeric attribute: start_time. Found '1'/],
    ["created LIKE 1", /Invalid comparator 'LIKE' not one of/],
    ['start_time IN (1, 2)', /Expected numeric value type for numeric attribute/],
    ['datasets.name = 1', /Expected a quoted string value for dataset attributes/],
    ["datasets.name > 'a'", /Invalid comparator '>' not one of/],
    ['datasets.name IN (1)', /different type in list/],
  ];
  for (const [filter, message] of cases) {
    it(filter, () => rejects(() => search(filter), message));
  }
});
