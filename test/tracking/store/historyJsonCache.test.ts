// The kept get-history answers stay within their byte budget, least recently used out first, and a history
// whose point count changed is never answered from the cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HistoryJsonCache } from '../../../extension/tracking/store/historyJsonCache';

test('kept histories stay within the byte budget and go least recently used first', () => {
  const cache = new HistoryJsonCache(10_000);
  const slices = (bytes: number): Uint8Array[] => [new Uint8Array(bytes / 2), new Uint8Array(bytes / 2)];
  for (let k = 0; k < 20; k++) {
    assert.deepEqual(cache.lookup(1, k, 5), { keep: false });
    assert.deepEqual(cache.lookup(1, k, 5), { keep: true });
    cache.set(1, k, 5, slices(2000));
    assert.ok(cache.usedBytes <= 10_000, `${cache.usedBytes} bytes after ${k}`);
  }
  assert.ok('json' in cache.lookup(1, 19, 5), 'the newest is kept');
  assert.ok(!('json' in cache.lookup(1, 0, 5)), 'the oldest went');
  assert.ok(!('json' in cache.lookup(1, 19, 6)), 'a new point count is never served from the cache');
  cache.set(2, 1, 1, slices(20_000));
  assert.ok(cache.usedBytes <= 10_000, 'a history larger than the budget is not kept');
});
