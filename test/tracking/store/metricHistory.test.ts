// get-history's JSON is written byte by byte for speed; it must stay exactly what JSON.stringify (with
// MLflow's non-finite strings) makes of the same points, for every kind of number and key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metricsJson } from '../../../extension/tracking/rest/json';
import { historyJsonSlices, SLICE_POINTS, type HistoryColumns } from '../../../extension/tracking/store/metricHistory';

const EDGE_VALUES = [0, -0, 1, -1, 0.1, 0.1 + 0.2, 1e21, 1e-7, 123456789012345680000, 2 ** 53, 2 ** 53 + 2, -(2 ** 60), 5e-324, 1.7976931348623157e308, NaN, Infinity, -Infinity];

function columns(key: string, n: number, seed: number): HistoryColumns {
  let x = seed;
  const random = (): number => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const step = new Float64Array(n);
  const timestamp = new Float64Array(n);
  const value = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    step[i] = i % 5 === 0 ? -i * 1e9 : i;
    timestamp[i] = 1_700_000_000_000 + Math.floor(random() * 1e6);
    value[i] = i < EDGE_VALUES.length ? EDGE_VALUES[i] : i % 3 ? (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20) : Math.floor(random() * 1e6);
  }
  return { key, length: n, step, timestamp, value };
}

const reference = (h: HistoryColumns): string =>
  metricsJson(Array.from({ length: h.length }, (_, i) => ({ key: h.key, value: h.value[i], timestamp: h.timestamp[i], step: h.step[i] })));

for (const key of ['loss', 'val/acc-1.0 x', 'pérte "q" \\ Δ 😀']) {
  test(`history JSON in slices equals JSON.stringify for key ${JSON.stringify(key)}`, () => {
    for (const [n, seed] of [[0, 1], [1, 2], [EDGE_VALUES.length, 3], [30_000, 4]]) {
      const h = columns(key, n, seed);
      const slices = [...historyJsonSlices(h)];
      if (n > SLICE_POINTS) assert.ok(slices.length > 1, 'a long history comes in several slices');
      assert.equal(Buffer.concat(slices).toString('utf8'), reference(h));
    }
  });
}
