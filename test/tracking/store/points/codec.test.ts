// The chunk codec and the decoded-chunk LRU: exact round trips of every kind of point, the size a typical series
// costs, corruption detected, and the cache kept within its byte budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkCorruptError, decodeChunk, encodeChunk, type ChunkPoints } from '../../../../extension/tracking/store/points/codec';
import { ChunkCache, decodedBytes } from '../../../../extension/tracking/store/points/chunkCache';

const cols = (pts: Array<[number, number, number]>): ChunkPoints => ({
  step: Float64Array.from(pts, (p) => p[0]),
  timestamp: Float64Array.from(pts, (p) => p[1]),
  value: Float64Array.from(pts, (p) => p[2]),
});

function assertRoundTrip(p: ChunkPoints): Uint8Array {
  const bytes = encodeChunk(p);
  const back = decodeChunk(bytes);
  for (const c of ['step', 'timestamp', 'value'] as const) {
    assert.equal(back[c].length, p[c].length);
    for (let i = 0; i < p[c].length; i++) assert.ok(Object.is(back[c][i], p[c][i]), `${c}[${i}]: ${back[c][i]} vs ${p[c][i]}`);
  }
  return bytes;
}

test('chunks round-trip NaN, ±Infinity, -0, extreme values, huge and negative steps and timestamps, any order', () => {
  const M = Number.MAX_SAFE_INTEGER;
  assertRoundTrip(cols([
    [0, 0, NaN], [1, 1, Infinity], [2, 2, -Infinity], [3, 3, -0], [4, 4, 5e-324], [5, 5, -1.7976931348623157e308],
    [M, M, 1], [-M, -M, 2], [M, 0, 3], [-M, M, 4], [7, -3, 0.1], [7, -3, 0.30000000000000004], [-1, 1_700_000_000_000, 1e300],
  ]));
  assertRoundTrip(cols([]));
  // Random safe integers, wildly out of order: deltas up to 2^54 in magnitude.
  let seed = 12345;
  const r = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pts: Array<[number, number, number]> = [];
  for (let i = 0; i < 5000; i++) pts.push([Math.round((r() - 0.5) * 2 * M), Math.round((r() - 0.5) * 2 * M), (r() - 0.5) * 1e6]);
  assertRoundTrip(cols(pts));
  // Values within ±2^52: every delta is a safe integer, so the varint form carries them.
  const near = pts.map(([s, t, v]): [number, number, number] => [Math.round(s / 2), Math.round(t / 2), v]);
  const bytes = assertRoundTrip(cols(near));
  assert.ok(bytes.length < near.length * 24, 'stored as varints, not raw');
  // Steps beyond 2^53 (an int64 read as the nearest double) keep their exact double values too.
  assertRoundTrip(cols([[2 ** 60, 1, 1], [2 ** 60 + 256, 2, 2], [-(2 ** 62), 3, 3]]));
});

test('a typical series costs at most 12 bytes a point', () => {
  const n = 4096;
  const pts: Array<[number, number, number]> = [];
  for (let i = 0; i < n; i++) pts.push([1000 + i, 1_700_000_000_000 + i * 7 + (i % 3), Math.sin(i)]);
  const bytes = assertRoundTrip(cols(pts));
  assert.ok(bytes.length / n <= 12, `${(bytes.length / n).toFixed(2)} bytes a point`);
});

test('a damaged chunk is refused, not misread', () => {
  const bytes = encodeChunk(cols([[1, 2, 3], [2, 3, 4]]));
  for (const at of [0, 5, 9, bytes.length - 6, bytes.length - 1]) {
    const bad = bytes.slice();
    bad[at] ^= 0x10;
    assert.throws(() => decodeChunk(bad), ChunkCorruptError, `byte ${at}`);
  }
  assert.throws(() => decodeChunk(bytes.subarray(0, bytes.length - 3)), ChunkCorruptError);
});

test('the decoded-chunk cache stays within its byte budget and evicts the least recently used', () => {
  const chunk = (n: number): ChunkPoints => cols(Array.from({ length: n }, (_, i) => [i, i, i] as [number, number, number]));
  const one = decodedBytes(chunk(1000));
  const cache = new ChunkCache(one * 5);
  for (let i = 0; i < 5; i++) cache.set(`c${i}`, chunk(1000));
  assert.equal(cache.size, 5);
  assert.ok(cache.get('c0')); // c0 is now the most recent
  cache.set('c5', chunk(1000));
  assert.equal(cache.get('c1'), undefined, 'the least recently used went');
  assert.ok(cache.get('c0') && cache.get('c5'));
  for (let i = 6; i < 100; i++) {
    cache.set(`c${i}`, chunk(500 + (i % 7) * 100));
    assert.ok(cache.usedBytes <= cache.budgetBytes, `${cache.usedBytes} bytes after ${i}`);
  }
  cache.set('huge', chunk(100_000));
  assert.equal(cache.get('huge'), undefined, 'a chunk larger than the budget is not kept');
  assert.ok(cache.usedBytes <= cache.budgetBytes);
});
