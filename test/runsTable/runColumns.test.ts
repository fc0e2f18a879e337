// The columnar read the runs table opens with must hold exactly what runs/search returns for the same runs:
// order, every param, tag and latest metric (NaN, ±Infinity, large and tiny doubles, unicode), dataset inputs,
// and holes where a run lacks a key. Live updates (RunRows.upsert) replace a run's values without leftovers.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RunRows } from '../../extension/runsTable/runRows';
import type { Run } from '../../extension/tracking/rest/types';
import { runColumnsOf, type RunColumns } from '../../extension/tracking/store/runColumns';
import { createRun, openStore, T0, type StoreFixture } from '../panels/fixture';

let f: StoreFixture;
let exp: string;

before(async () => {
  f = await openStore();
  exp = await f.store.createExperiment('columns');
  await createRun(f.store, exp, 'a', { params: { lr: '0.1', '10': 'ten' }, tags: { team: 'vision' }, metrics: { acc: 0.1 + 0.2, loss: NaN }, start: T0 });
  await createRun(f.store, exp, 'b', { params: { lr: 'ÄBC ünï' }, metrics: { acc: Infinity, tiny: 5e-324, big: -1.7976931348623157e308 }, start: T0 + 1 });
  await createRun(f.store, exp, 'c', { tags: { 'mlflow.parentRunId': 'x' }, start: T0 + 2, status: 'FINISHED' });
  await createRun(f.store, exp, 'd', { metrics: { acc: -0.5, loss: 1 / 3 }, start: T0 + 3, status: 'FAILED' });
  const b = (await f.store.searchRuns({ experiment_ids: [exp], filter: "attributes.run_name = 'b'" })).runs[0].info.run_id;
  await f.store.logInputs(b, [{ dataset: { name: 'mnist', digest: 'abc', source_type: 'local', source: '/data' }, tags: [{ key: 'mlflow.data.context', value: 'train' }] }], undefined);
  const deleted = await createRun(f.store, exp, 'gone', { params: { lr: '9' } });
  await f.store.deleteRun(deleted);
});
after(() => f.close());

async function both(filter?: string, orderBy?: string[]): Promise<{ columns: RunColumns; runs: Run[] }> {
  const columns = await f.inProcess.searchRunColumns({ experimentIds: [exp], viewType: 'ACTIVE_ONLY', filter, orderBy });
  const runs = (await f.inProcess.searchRuns({ experimentIds: [exp], viewType: 'ACTIVE_ONLY', maxResults: 1000, filter, orderBy })).items;
  return { columns, runs };
}

describe('searchRunColumns', () => {
  it('holds what runs/search returns, value for value, in its order', async () => {
    const { columns, runs } = await both();
    assert.deepEqual(
      columns.infos.map((i) => i.run_name),
      ['d', 'c', 'b', 'a'],
    );
    assert.deepStrictEqual(columns, runColumnsOf(runs));
    const acc = columns.metrics.get('acc')!;
    assert.equal(acc[0], -0.5);
    assert.equal(acc[1], undefined, 'c logged no acc: a hole');
    assert.ok(!(1 in acc), 'a hole, not a stored undefined');
    assert.equal(acc[2], Infinity);
    assert.equal(acc[3], 0.1 + 0.2);
    assert.ok(Number.isNaN(columns.metrics.get('loss')![3]));
    assert.equal(columns.metrics.get('tiny')![2], 5e-324);
    assert.equal(columns.metrics.get('big')![2], -1.7976931348623157e308);
    assert.equal(columns.params.get('lr')![2], 'ÄBC ünï');
    assert.equal(columns.params.get('10')![3], 'ten');
    assert.equal(columns.datasets.get(2)?.[0].dataset.name, 'mnist');
    assert.equal(columns.datasets.size, 1);
  });

  it('follows the filter, the order and the view type of runs/search', async () => {
    for (const [filter, orderBy] of [["params.lr = '0.1'", undefined], [undefined, ['metrics.acc ASC']], ['metrics.acc > 0', ['attributes.run_name DESC']]] as const) {
      const { columns, runs } = await both(filter, orderBy ? [...orderBy] : undefined);
      assert.deepStrictEqual(columns, runColumnsOf(runs), `${filter} ${orderBy}`);
    }
    const all = await f.inProcess.searchRunColumns({ experimentIds: [exp], viewType: 'ALL' });
    assert.equal(all.infos.length, 5);
  });
});

describe('RunRows', () => {
  it('replaces a run on upsert without leaving its old values, and says when nothing changed', async () => {
    const { columns, runs } = await both();
    const rows = new RunRows(columns);
    const d = runs[0];
    assert.equal(rows.upsert([d]), false, 'the same run again changes nothing');
    const changed: Run = { ...d, data: { params: [{ key: 'new', value: '1' }], metrics: [{ key: 'acc', value: 2, timestamp: T0, step: 1 }] } };
    assert.equal(rows.upsert([changed]), true);
    const view = rows.view(rows.indexOf(d.info.run_id)!);
    assert.equal(view.metric('acc'), 2);
    assert.equal(view.metric('loss'), undefined, 'the metric the new version lacks is gone');
    assert.equal(view.param('new'), '1');
    const fresh: Run = { info: { ...d.info, run_id: 'z', run_uuid: 'z' }, data: { tags: [{ key: 'only', value: 'here' }] }, inputs: {} };
    assert.equal(rows.upsert([fresh]), true);
    assert.equal(rows.count, 5);
    assert.equal(rows.view(4).tag('only'), 'here');
    assert.equal(rows.view(0).tag('only'), undefined);
    assert.ok([...rows.keys().params].includes('new'));
    assert.ok([...rows.keys().metrics].includes('loss'), 'loss is still logged by run a');
    const b = runs[2];
    rows.upsert([{ ...b, data: {} }]);
    assert.ok(![...rows.keys().metrics].includes('tiny'), 'a key no run holds any more is no column');
  });
});
