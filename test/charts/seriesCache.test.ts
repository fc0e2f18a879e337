// The charts' extension side against a real store, through both real clients: whole-history views keep every
// spike within a bounded number of points, zooming in returns every point of the range, time axes work, and a
// running run's new points appear after a refresh.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { SeriesCache, sliceSteps } from '../../extension/charts/seriesCache';
import { maxOutput } from '../../extension/charts/downsample';
import type { TrackingClient } from '../../extension/client/trackingClient';
import { createRun, logSeries, noise, openStore, T0, type StoreFixture } from '../panels/fixture';

const N = 100_000;
const SPIKE_STEP = 61_234;
let f: StoreFixture;
let runId: string;
let runningId: string;

before(async () => {
  f = await openStore();
  runId = await createRun(f.store, '0', 'long', { status: 'FINISHED' });
  await logSeries(f.store, runId, 'loss', N, (i) => (i === SPIKE_STEP ? 100 : i === 7_777 ? -100 : noise(i)));
  runningId = await createRun(f.store, '0', 'live');
  await logSeries(f.store, runningId, 'acc', 500, (i) => i / 1000);
});
after(() => f.close());

const KINDS = ['in-process', 'rest', 'plain-mlflow'] as const;
for (const kind of KINDS) {
  describe(`SeriesCache over the ${kind} client`, () => {
    let client: TrackingClient;
    let cache: SeriesCache;
    before(async () => {
      client = kind === 'rest' ? await f.rest() : kind === 'plain-mlflow' ? await f.plainMlflow() : f.inProcess;
      cache = new SeriesCache(client);
    });

    it('draws the whole history in bounded points with both spikes', async () => {
      const run = await client.getRun(runId);
      const v = await cache.view(run, 'loss', 'step', 400);
      assert.equal(v.total, N);
      assert.equal(v.exact, false);
      assert.ok(v.x.length <= maxOutput(400), `${v.x.length} points`);
      assert.ok(v.y.includes(100) && v.y.includes(-100), 'spikes kept');
      assert.equal(v.step[v.y.indexOf(100)], SPIKE_STEP, 'the spike keeps its step');
      assert.deepEqual(v.extent, { min: 0, max: N - 1 });
      for (let i = 1; i < v.x.length; i++) assert.ok(v.x[i - 1] <= v.x[i], 'ascending x');
    });

    it('returns every point of a zoomed-in range, exactly', async () => {
      const run = await client.getRun(runId);
      const v = await cache.view(run, 'loss', 'step', 400, { from: 61_000, to: 61_500 });
      assert.equal(v.exact, true);
      const inside = v.x.filter((x) => x >= 61_000 && x <= 61_500);
      assert.equal(inside.length, 501);
      for (let i = 0; i < v.x.length; i++) {
        const expected = v.step[i] === SPIKE_STEP ? 100 : noise(v.step[i]);
        assert.equal(v.y[i], expected);
      }
      assert.equal(v.x[0], 60_999, 'context point on the left');
      assert.equal(v.x[v.x.length - 1], 61_501, 'context point on the right');
    });

    it('keeps the spikes in a middle zoom drawn from block summaries', async () => {
      const run = await client.getRun(runId);
      const v = await cache.view(run, 'loss', 'step', 200, { from: 50_000, to: 70_000 });
      assert.equal(v.exact, false);
      assert.ok(v.y.includes(100));
      assert.ok(!v.y.includes(-100), 'a spike outside the range is not drawn');
      assert.ok(v.x.length <= maxOutput(200));
    });

    it('plots against wall time and relative time', async () => {
      const run = await client.getRun(runId);
      const wall = await cache.view(run, 'loss', 'wall', 300);
      assert.deepEqual(wall.extent, { min: T0, max: T0 + (N - 1) * 10 });
      const rel = await cache.view(run, 'loss', 'relative', 300, { from: 10 * 1000, to: 10 * 1100 });
      assert.equal(rel.exact, true);
      assert.ok(rel.x.filter((x) => x >= 10_000 && x <= 11_000).length === 101);
      assert.equal(rel.step[1], 1000, 'relative time 10 s is step 1000 (start = T0)');
    });

    it('exports every point of a range at full fidelity', async () => {
      const run = await client.getRun(runId);
      const p = await cache.points(run, 'loss', 'step', { from: 100, to: 199 });
      assert.equal(p.step.length, 100);
      assert.equal(p.value[0], noise(100));
    });

    it('follows a running run: refresh reads what was logged since', async () => {
      let run = await client.getRun(runningId);
      const before = await cache.view(run, 'acc', 'step', 100);
      assert.equal(before.total, 500 + 1000 * KINDS.indexOf(kind), 'each suite before this one logged 1000 more');
      const from = before.total;
      await logSeries(f.store, runningId, 'acc', 1000, (i) => (i === from + 900 ? 42 : i / 1000), { from });
      run = await client.getRun(runningId);
      assert.equal(await cache.refresh(run, 'acc'), true);
      assert.equal(await cache.refresh(run, 'acc'), false, 'nothing new the second time');
      const v = await cache.view(run, 'acc', 'step', 100);
      assert.equal(v.total, from + 1000);
      assert.ok(v.y.includes(42), 'the new spike is drawn');
    });
  });
}

describe('SeriesCache memory', () => {
  it('forgets the least recently used series past its budget (a server without our routes)', async () => {
    const client = await f.plainMlflow();
    const small = new SeriesCache(client, 1);
    const run = await client.getRun(runId);
    const live = await client.getRun(runningId);
    await small.view(run, 'loss', 'step', 100);
    await small.view(live, 'acc', 'step', 100);
    assert.equal(small.size, 1);
  });

  it('slices a step-ordered history by step range', () => {
    const p = { step: Float64Array.from([1, 2, 2, 3, 5]), timestamp: new Float64Array(5), value: Float64Array.from([0, 1, 2, 3, 4]) };
    assert.deepEqual(Array.from(sliceSteps(p, { minStep: 2, maxStep: 3 }).value), [1, 2, 3]);
    assert.equal(sliceSteps(p, { minStep: 6, maxStep: 9 }).step.length, 0);
  });
});
