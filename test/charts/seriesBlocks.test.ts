import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { appendTail, BLOCK, blocksExtent, buildBlocks, planView, RAW_POINTS_PER_BUCKET, slicePoints, type Points } from '../../extension/charts/seriesBlocks';
import { noise } from '../panels/fixture';

function series(n: number, seed = 1): Points {
  return {
    step: Float64Array.from({ length: n }, (_, i) => i),
    timestamp: Float64Array.from({ length: n }, (_, i) => 1000 + i * 10),
    value: Float64Array.from({ length: n }, (_, i) => noise(i, seed)),
  };
}

describe('buildBlocks', () => {
  it("keeps every block's first, last, minimum and maximum", () => {
    const p = series(10 * BLOCK + 5);
    const s = buildBlocks(p);
    assert.equal(s.count, p.step.length);
    assert.equal(s.size.length, 11);
    for (let b = 0; b < s.size.length; b++) {
      const part = slicePoints(p, b * BLOCK, Math.min(p.step.length, (b + 1) * BLOCK));
      const reps = new Set(Array.from(s.reps.step.subarray(s.repStart[b], s.repStart[b + 1])));
      const vals = Array.from(part.value);
      assert.ok(reps.has(part.step[0]) && reps.has(part.step[part.step.length - 1]));
      assert.ok(reps.has(part.step[vals.indexOf(Math.min(...vals))]));
      assert.ok(reps.has(part.step[vals.indexOf(Math.max(...vals))]));
      assert.ok(reps.size <= 4);
    }
    assert.deepEqual(blocksExtent(s, 'step'), { min: 0, max: p.step.length - 1 });
    assert.deepEqual(blocksExtent(s, 'time'), { min: 1000, max: 1000 + (p.step.length - 1) * 10 });
    assert.equal(s.timeMonotone, true);
  });

  it('notices timestamps that go backwards', () => {
    const p = series(200);
    p.timestamp[150] = 0;
    assert.equal(buildBlocks(p).timeMonotone, false);
  });

  it('ignores NaN values for the extremes', () => {
    const p = series(BLOCK);
    p.value.fill(NaN);
    p.value[10] = 5;
    const s = buildBlocks(p);
    assert.ok(Array.from(s.reps.value).includes(5));
  });
});

describe('planView', () => {
  const p = series(100_000);
  const s = buildBlocks(p);

  it('uses block representatives for a wide view', () => {
    const plan = planView(s, 'step', 0, 99_999, 500);
    assert.equal(plan.kind, 'blocks');
    if (plan.kind !== 'blocks') return;
    assert.ok(plan.reps.step.length <= 4 * Math.ceil(100_000 / BLOCK));
    assert.equal(plan.edges.length, 0, 'a view of everything cuts no block');
  });

  it('reads the exact edge blocks a view cuts', () => {
    const plan = planView(s, 'step', 1000.5, 90_000.5, 500);
    assert.equal(plan.kind, 'blocks');
    if (plan.kind !== 'blocks') return;
    assert.equal(plan.edges.length, 2);
    assert.ok(plan.edges[0].minStep <= 1000.5 && plan.edges[0].maxStep >= 1000.5);
    assert.ok(plan.edges[1].minStep <= 90_000.5 && plan.edges[1].maxStep >= 90_000.5);
  });

  it('reads raw points once few enough lie in view, covering the view and a neighbour each side', () => {
    const w = 100;
    const plan = planView(s, 'step', 5000, 5000 + RAW_POINTS_PER_BUCKET * w - 2 * BLOCK, w);
    assert.equal(plan.kind, 'raw');
    if (plan.kind !== 'raw') return;
    assert.ok(plan.minStep < 5000 && plan.maxStep > 5000 + RAW_POINTS_PER_BUCKET * w - 2 * BLOCK);
  });

  it('plans by time as well', () => {
    const plan = planView(s, 'time', 1000 + 10 * 5000, 1000 + 10 * 5100, 100);
    assert.equal(plan.kind, 'raw');
    if (plan.kind === 'raw') assert.ok(plan.minStep <= 5000 && plan.maxStep >= 5100);
  });

  it('finds the neighbours of an empty view, and nothing at all outside the data', () => {
    const gap: Points = { step: Float64Array.from([0, 1, 1000, 1001]), timestamp: Float64Array.from([0, 1, 2, 3]), value: Float64Array.from([1, 2, 3, 4]) };
    const g = buildBlocks({ step: gap.step, timestamp: gap.timestamp, value: gap.value });
    assert.equal(g.size.length, 1);
    assert.equal(planView(buildBlocks(series(0)), 'step', 0, 10, 100).kind, 'empty');
  });
});

describe('appendTail', () => {
  it('gives the same summary as building from scratch', () => {
    const full = series(10_000);
    const head = buildBlocks(slicePoints(full, 0, 6_000 + 17));
    const from = head.firstStep[head.size.length - 1];
    const tail = slicePoints(full, from, full.step.length);
    const grown = appendTail(head, tail);
    const fresh = buildBlocks(full);
    assert.equal(grown.count, fresh.count);
    assert.deepEqual(Array.from(grown.reps.step), Array.from(fresh.reps.step));
    assert.deepEqual(Array.from(grown.repStart), Array.from(fresh.repStart));
    assert.deepEqual(Array.from(grown.maxTime), Array.from(fresh.maxTime));
  });
});
