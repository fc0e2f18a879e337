import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { clampBuckets, countInRange, downsampleIndices, extent, maxOutput } from '../../extension/charts/downsample';

/** Deterministic noise, so failures reproduce. */
function noise(n: number, seed = 7): Float64Array {
  let s = seed;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = s / 2147483648 - 0.5;
  }
  return out;
}
const range = (n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => i);

describe('downsampleIndices', () => {
  it('returns every point when the range holds at most four per bucket', () => {
    const x = range(400);
    const y = noise(400);
    const idx = downsampleIndices(x, y, 0, 399, 100);
    assert.deepEqual([...idx], [...range(400)]);
  });

  it('bounds the output by four points per bucket plus two context points', () => {
    const n = 1_000_000;
    const idx = downsampleIndices(range(n), noise(n), 0, n - 1, 1000);
    assert.ok(idx.length <= maxOutput(1000), `${idx.length} points`);
    assert.ok(idx.length >= 3000, 'a noisy series keeps about four points per bucket');
  });

  it('keeps a single spike among a million points, up and down', () => {
    const n = 1_000_000;
    const y = noise(n);
    y[123_457] = 1000;
    y[876_543] = -1000;
    const idx = [...downsampleIndices(range(n), y, 0, n - 1, 300)];
    assert.ok(idx.includes(123_457), 'the maximum survives');
    assert.ok(idx.includes(876_543), 'the minimum survives');
  });

  it("keeps every bucket's minimum and maximum (checked against brute force)", () => {
    const n = 50_000;
    const w = 97;
    const x = range(n);
    const y = noise(n, 3);
    const idx = downsampleIndices(x, y, 0, n - 1, w);
    const kept = new Set(idx);
    const span = n - 1;
    for (let b = 0; b < w; b++) {
      let lo = -1;
      let hi = -1;
      for (let i = 0; i < n; i++) {
        if (Math.min(w - 1, Math.floor((i / span) * w)) !== b) continue;
        if (lo < 0 || y[i] < y[lo]) lo = i;
        if (hi < 0 || y[i] > y[hi]) hi = i;
      }
      assert.ok(kept.has(lo) && kept.has(hi), `bucket ${b}`);
    }
  });

  it('returns indices in ascending x, also for unsorted input', () => {
    const n = 20_000;
    const x = noise(n, 11).map((v) => v * 1e6);
    const y = noise(n, 12);
    const idx = downsampleIndices(x, y, -5e5, 5e5, 200);
    for (let i = 1; i < idx.length; i++) assert.ok(x[idx[i - 1]] <= x[idx[i]]);
  });

  it('restricts to the range and adds the nearest point on each side for the line to the edge', () => {
    const x = range(1000);
    const y = noise(1000);
    const idx = [...downsampleIndices(x, y, 100.5, 200.5, 1000)];
    assert.equal(idx[0], 100, 'context point before');
    assert.equal(idx[idx.length - 1], 201, 'context point after');
    assert.deepEqual(idx.slice(1, -1), [...range(100)].map((i) => i + 101));
  });

  it('skips points that cannot be drawn (NaN, ±Infinity)', () => {
    const y = Float64Array.from([1, NaN, 2, Infinity, 3, -Infinity]);
    assert.deepEqual([...downsampleIndices(range(6), y, 0, 5, 100)], [0, 2, 4]);
    assert.equal(countInRange(range(6), y, 0, 5), 3);
  });

  it('handles empty input and a zero-width range', () => {
    assert.equal(downsampleIndices(new Float64Array(0), new Float64Array(0), 0, 1, 10).length, 0);
    const x = new Float64Array(10_000).fill(5);
    const idx = downsampleIndices(x, noise(10_000), 5, 5, 16);
    assert.ok(idx.length <= 4);
  });

  it('clamps the bucket count', () => {
    assert.equal(clampBuckets(1), 16);
    assert.equal(clampBuckets(1e9), 4096);
    assert.equal(clampBuckets(NaN), 1000);
  });

  it('computes the extent of finite x', () => {
    assert.deepEqual(extent(Float64Array.from([3, NaN, -1, 7])), { min: -1, max: 7 });
    assert.ok(Number.isNaN(extent(new Float64Array(0)).min));
  });
});
