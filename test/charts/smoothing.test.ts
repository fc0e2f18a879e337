import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { emaSmooth } from '../../extension/charts/smoothing';

describe('emaSmooth', () => {
  it('leaves values unchanged at weight 0', () => {
    assert.deepEqual(emaSmooth([1, 5, 2], 0), [1, 5, 2]);
  });

  it('is debiased: a constant series stays constant from the first point', () => {
    for (const v of emaSmooth([4, 4, 4, 4], 0.9)) assert.ok(Math.abs(v - 4) < 1e-12);
  });

  it('matches the TensorBoard formula', () => {
    const w = 0.6;
    const y = [1, 3, 2];
    const l1 = 0.4 * 1;
    const l2 = l1 * w + 0.4 * 3;
    const l3 = l2 * w + 0.4 * 2;
    const expected = [l1 / (1 - w), l2 / (1 - w * w), l3 / (1 - w ** 3)];
    emaSmooth(y, w).forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-12));
  });

  it('reduces the variance of noise', () => {
    const y = Array.from({ length: 2000 }, (_, i) => (i % 2 ? 1 : -1));
    const s = emaSmooth(y, 0.95).slice(100);
    assert.ok(Math.max(...s.map(Math.abs)) < 0.1);
  });

  it('passes non-finite values through without poisoning the average', () => {
    const s = emaSmooth([1, NaN, 1, Infinity, 1], 0.5);
    assert.ok(Number.isNaN(s[1]));
    assert.equal(s[3], Infinity);
    assert.ok(Math.abs(s[4] - 1) < 1e-12);
  });

  it('clamps an out-of-range weight', () => {
    assert.deepEqual(emaSmooth([1, 2], -1), [1, 2]);
    assert.ok(emaSmooth([1, 2], 5).every(Number.isFinite));
  });
});
