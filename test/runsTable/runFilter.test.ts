// The in-memory filter must agree with the store's SQL search on the same runs: every filter below runs both
// ways on a real store and the matched run sets are compared. Syntax errors carry MLflow's own messages.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { compileFilter, likeMatch } from '../../extension/runsTable/runFilter';
import { viewOfRun } from '../../extension/runsTable/runRows';
import type { Run } from '../../extension/tracking/rest/types';
import { createRun, openStore, T0, type StoreFixture } from '../panels/fixture';

let f: StoreFixture;
let exp: string;
let runs: Run[];

before(async () => {
  f = await openStore();
  exp = await f.store.createExperiment('filters');
  const specs: Array<Parameters<typeof createRun>[3] & { name: string }> = [
    { name: 'alpha', params: { lr: '0.01', model: 'ResNet', opt: '100%_sure' }, tags: { team: 'Vision' }, metrics: { acc: 0.9, loss: 0.1 }, status: 'FINISHED', start: T0 },
    { name: 'Beta', params: { lr: '0.1', model: 'resnet' }, tags: { team: 'vision' }, metrics: { acc: 0.5 }, start: T0 + 1000 },
    { name: 'gamma', params: { lr: '0.01', model: 'res_net' }, metrics: { acc: NaN, 'f1 score': 0.8 }, status: 'FAILED', start: T0 + 2000 },
    { name: 'δelta ünïcode', params: { model: 'ÄBC' }, tags: { team: 'ÄBC' }, metrics: { loss: Infinity }, status: 'FINISHED', start: T0 + 3000 },
    { name: '<img src=x onerror=alert(1)>', params: { lr: "it's" }, tags: { note: '"quoted"' }, start: T0 + 4000 },
  ];
  for (const s of specs) await createRun(f.store, exp, s.name, s);
  await f.store.logInputs(
    (await f.store.searchRuns({ experiment_ids: [exp], filter: "attributes.run_name = 'alpha'" })).runs[0].info.run_id,
    [{ dataset: { name: 'mnist', digest: 'abc123', source_type: 'local', source: '/data' }, tags: [{ key: 'mlflow.data.context', value: 'training' }] }],
    undefined,
  );
  runs = (await f.inProcess.searchRuns({ experimentIds: [exp], viewType: 'ACTIVE_ONLY', maxResults: 1000 })).items;
});
after(() => f.close());

async function sqlMatches(filter: string): Promise<string[]> {
  const r = await f.inProcess.searchRuns({ experimentIds: [exp], viewType: 'ACTIVE_ONLY', maxResults: 1000, filter });
  return r.items.map((x) => x.info.run_name).sort();
}

function memoryMatches(filter: string): string[] {
  const c = compileFilter(filter);
  assert.ok(c.ok, c.ok ? '' : c.error);
  return runs.filter((r) => c.test(viewOfRun(r))).map((r) => r.info.run_name).sort();
}

const FILTERS = [
  '',
  "params.lr = '0.01'",
  "params.lr != '0.01'",
  "params.model LIKE 'res%'",
  "params.model ILIKE 'res%'",
  "params.model LIKE 'res_net'",
  "params.model ILIKE 'äbc'",
  "params.opt LIKE '100!%%'",
  "params.opt LIKE '%\\_%'",
  "tags.team = 'vision'",
  "attributes.run_id IN ('nope', 'also-no')",
  'metrics.acc > 0.6',
  'metrics.acc <= 0.9',
  'metrics.acc != 0.5',
  'metrics.acc = 0.5',
  'metrics.loss > 1e300',
  'metrics.`f1 score` >= 0.8',
  "metrics.acc > 0.1 AND params.lr = '0.01'",
  "attributes.status = 'FAILED'",
  "attributes.status != 'FAILED'",
  "attributes.run_name LIKE '%a%'",
  "attributes.run_name ILIKE '%A%'",
  "run_name = '<img src=x onerror=alert(1)>'",
  `attributes.start_time >= ${T0 + 2000}`,
  'attributes.end_time > 0',
  "params.lr = \"it's\"",
  "tags.note = '\"quoted\"'",
  "datasets.name = 'mnist'",
  "datasets.digest IN ('abc123')",
  "datasets.context = 'training'",
  "datasets.name != 'other'",
  "params.missing != 'x'",
];

describe('compileFilter agrees with the store search', () => {
  for (const filter of FILTERS) {
    it(filter || '(empty)', async () => {
      assert.deepEqual(memoryMatches(filter), await sqlMatches(filter));
    });
  }

  it('sees the fixture it was meant to (not vacuously equal)', () => {
    assert.equal(runs.length, 5);
    assert.deepEqual(memoryMatches("params.model ILIKE 'res%'"), ['Beta', 'alpha', 'gamma']);
    assert.deepEqual(memoryMatches('metrics.acc != 0.5'), ['alpha', 'gamma']);
  });
});

describe('compileFilter errors', () => {
  for (const bad of ['params.lr = 0.01', 'metrics.acc > high', 'foo.bar = 1', "params.lr = '1' OR params.lr = '2'", "params.lr == '1'", 'attributes.nope = 1', "tags.team IN ('vision')"]) {
    it(`rejects ${bad} with the server's message`, async () => {
      const c = compileFilter(bad);
      assert.equal(c.ok, false);
      const server = await f.inProcess.searchRuns({ experimentIds: [exp], viewType: 'ACTIVE_ONLY', maxResults: 10, filter: bad }).then(
        () => 'accepted',
        (e: Error) => e.message,
      );
      assert.equal(c.ok ? '' : c.error, server);
    });
  }
});

describe('likeMatch', () => {
  it('treats % and _ as wildcards over code points, case-sensitively', () => {
    assert.ok(likeMatch('résumé', 'r_sum_'));
    assert.ok(likeMatch('abc', '%'));
    assert.ok(likeMatch('', '%'));
    assert.ok(!likeMatch('', '_'));
    assert.ok(likeMatch('aXbXc', 'a%b%c'));
    assert.ok(!likeMatch('ABC', 'abc'));
    assert.ok(likeMatch('a[b]?', 'a[b]?'));
    assert.ok(likeMatch('mississippi', '%iss%ppi'));
    assert.ok(!likeMatch('mississippi', '%iss%ppx'));
  });
});
