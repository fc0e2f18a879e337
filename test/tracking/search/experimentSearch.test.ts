import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Database } from 'sql.js';
import { MlflowError } from '../../../extension/tracking/errors';
import { ExperimentSearchQuery, compileExperimentSearch } from '../../../extension/tracking/search/experimentSearch';
import { encodePageToken } from '../../../extension/tracking/search/pageToken';
import { emptyDb, rows } from './fixture';

let db: Database;
before(async () => {
  db = await emptyDb();
  db.run(`INSERT INTO experiments VALUES
    (0, 'Default', 'a/0', 'active', 100, 900),
    (1, 'exp-one', 'a/1', 'active', 300, 500),
    (2, 'Exp-Two', 'a/2', 'active', 200, 700),
    (3, 'gone', 'a/3', 'deleted', 400, 400),
    (4, 'four', 'a/4', 'active', 300, 600)`);
  db.run(`INSERT INTO experiment_tags VALUES (1, 'team', 'vision'), (2, 'team', 'nlp'), (4, 'note', 'x'), (4, 'a''b', 'q')`);
});
after(() => db.close());

function search(filter?: string, orderBy?: string[], extra: Partial<ExperimentSearchQuery> = {}): number[] {
  return rows(db, compileExperimentSearch({ filter, orderBy, viewType: 'ACTIVE_ONLY', maxResults: 100, ...extra }));
}

function rejects(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof MlflowError && e.errorCode === 'INVALID_PARAMETER_VALUE' && message.test(e.message));
}

describe('experiment search', () => {
  it('defaults to creation_time DESC, experiment_id ASC', () => {
    assert.deepEqual(search(), [1, 4, 2, 0]);
    assert.deepEqual(search(undefined, []), [1, 4, 2, 0]);
  });

  it('uses experiment_id DESC as the tie-breaker for an explicit order_by', () => {
    assert.deepEqual(search(undefined, ['creation_time DESC']), [4, 1, 2, 0]);
    assert.deepEqual(search(undefined, ['creation_time', 'experiment_id']), [0, 2, 1, 4]);
    assert.deepEqual(search(undefined, ['name']), [0, 2, 1, 4]);
    assert.deepEqual(search(undefined, ['attribute.last_update_time DESC']), [0, 2, 4, 1]);
    assert.deepEqual(search(undefined, ['experiment_id DESC']), [4, 2, 1, 0]);
  });

  it('restricts to the view type', () => {
    assert.deepEqual(search(undefined, undefined, { viewType: 'DELETED_ONLY' }), [3]);
    assert.deepEqual(search(undefined, undefined, { viewType: 'ALL' }), [3, 1, 4, 2, 0]);
  });

  it('filters by name with = != LIKE ILIKE (LIKE case-sensitive)', () => {
    assert.deepEqual(search("name = 'exp-one'"), [1]);
    assert.deepEqual(search("attribute.name != 'exp-one'"), [4, 2, 0]);
    assert.deepEqual(search("name LIKE 'exp%'"), [1]);
    assert.deepEqual(search("name like 'Exp%'"), [2]);
    assert.deepEqual(search("name ILIKE 'exp-%'"), [1, 2]);
    assert.deepEqual(search("name LIKE '%o'"), [2]);
    assert.deepEqual(search('name = "Default"'), [0]);
  });

  it('filters by times', () => {
    assert.deepEqual(search('creation_time > 150'), [1, 4, 2]);
    assert.deepEqual(search('creation_time >= 300 AND last_update_time < 600'), [1]);
    assert.deepEqual(search('last_update_time = 900'), [0]);
    assert.deepEqual(search('creation_time != 300'), [2, 0]);
  });

  it('filters by tags; a missing tag never matches', () => {
    assert.deepEqual(search("tags.team = 'nlp'"), [2]);
    assert.deepEqual(search("tag.team != 'nlp'"), [1]);
    assert.deepEqual(search("tags.team LIKE 'V%'"), []);
    assert.deepEqual(search("tags.team ILIKE 'V%'"), [1]);
    assert.deepEqual(search("tags.`a'b` = 'q'"), [4]);
    assert.deepEqual(search("tags.team = 'x'' OR ''1''=''1'"), []);
  });

  it('pages with LIMIT maxResults+1 and the token offset', () => {
    const q = compileExperimentSearch({ viewType: 'ACTIVE_ONLY', maxResults: 2 });
    assert.equal(q.limit, 3);
    assert.deepEqual(rows(db, q), [1, 4, 2]);
    assert.deepEqual(rows(db, compileExperimentSearch({ viewType: 'ACTIVE_ONLY', maxResults: 2, pageToken: encodePageToken(2) })), [2, 0]);
    rejects(() => search(undefined, undefined, { maxResults: 50001 }), /at most 50000/);
    rejects(() => search(undefined, undefined, { maxResults: 0 }), /positive integer/);
    rejects(() => search(undefined, undefined, { pageToken: '%%%' }), /Invalid page token/);
  });

  it('binds every user value and key', () => {
    const q = compileExperimentSearch({ filter: "name LIKE 'evil%' and tags.`evil key` = 'v'", viewType: 'ALL', maxResults: 5 });
    assert.ok(!q.sql.includes('evil'));
    assert.equal((q.sql.match(/\?/g) ?? []).length, q.params.length);
  });

  const errors: [string, RegExp][] = [
    ["attributes.name = 'x'", /Invalid entity type 'attributes'. Valid entity types are \('attribute', 'tag', 'tags'\)/],
    ["params.x = 'x'", /Invalid entity type 'params'/],
    ["`tag`.x = 'x'", /Invalid entity type '`tag`'/],
    ["artifact_location = 'x'", /Invalid attribute key 'artifact_location' specified/],
    ["experiment_id = '1'", /Invalid attribute key 'experiment_id' specified/],
    ['name = 1', /Expected a quoted string value for attributes. Got value 1/],
    ['name = x', /not quoted or unidentified quote types/],
    ["name IN ('a')", /Only the 'run_id' attribute supports comparison with a list/],
    ["name > 'a'", /Invalid comparator for string attribute: >/],
    ["creation_time = '1'", /Expected numeric value type for numeric attribute: creation_time. Found '1'/],
    ['creation_time LIKE 1', /Invalid comparator 'LIKE' not one of/],
    ['tags.t = 1', /Expected a quoted string value for tag \(e.g. 'my-value'\). Got value 1/],
    ["tags.t IN ('a')", /Expected a quoted string value for tag/],
    ["tags.t < 'a'", /Invalid comparator for tag: </],
    ["name = 'a' OR name = 'b'", /Invalid clause\(s\) in filter string: 'OR'/],
  ];
  for (const [filter, message] of errors) {
    it(`rejects ${filter}`, () => rejects(() => search(filter), message));
  }

  it('rejects bad order_by', () => {
    rejects(() => search(undefined, ['tags.team']), /Invalid order_by entity: tag/);
    rejects(() => search(undefined, ['artifact_location']), /Invalid attribute key 'artifact_location'/);
    rejects(() => search(undefined, ['name sideways']), /Invalid ordering key/);
  });
});
