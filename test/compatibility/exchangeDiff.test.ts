// The side-by-side comparison itself (no Python needed): it must fail on a missing or extra field, a different
// value, status or content type, a request one server got and the other did not; ids, volatile fields and
// listed known differences (only where listed, only with the values listed) are the exceptions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ABSENT, compareExchanges, formatDifferences, type KnownDifference, type VolatileField } from '../support/exchangeDiff';
import type { Exchange } from '../support/realMlflow';

let seq = 0;
function ex(path: string, responseBody: unknown, more: Partial<Exchange> = {}): Exchange {
  return { seq: seq++, method: 'GET', path, query: [], requestBody: undefined, status: 200, contentType: 'application/json', responseBody, ...more };
}
const volatile: VolatileField[] = [{ key: /_time$/, reason: 'clock' }, { entryKey: /^mlflow\.runName$/, reason: 'random' }];
const RUN_A = 'a'.repeat(32);
const RUN_B = 'b'.repeat(32);

test('ids, volatile fields, keyed-list order and thread order do not count', () => {
  const ours = [
    ex(`/runs/${RUN_A}`, { run: { run_id: RUN_A, start_time: 1, uri: `runs:/${RUN_A}/model`, tags: [{ key: 'b', value: '2' }, { key: 'mlflow.runName', value: 'x-1' }] } }),
    ex('/second', { m: 'm-' + '1'.repeat(32) }),
  ];
  const theirs = [
    ex('/second', { m: 'm-' + '2'.repeat(32) }),
    ex(`/runs/${RUN_B}`, { run: { run_id: RUN_B, start_time: 99, uri: `runs:/${RUN_B}/model`, tags: [{ key: 'mlflow.runName', value: 'y-2' }, { key: 'b', value: '2' }] } }),
  ];
  const c = compareExchanges(ours, theirs, { volatile, known: [] });
  assert.deepEqual(c.unexpected, []);
  assert.equal(c.paired, 2);
});

test('a missing field, an extra field, a different value, status, type, or request fails with route and path', () => {
  const ours = [
    ex('/a', { x: 1, extra: true, nested: { list: [1, 2] } }),
    ex('/b', {}, { status: 404 }),
    ex('/c', {}, { contentType: 'text/plain' }),
    ex('/only-ours', {}),
    ex('/d', {}, { requestBody: { k: 'v1' } }),
  ];
  const theirs = [ex('/a', { x: 2, nested: { list: [1, 2, 3] }, more: 'x' }), ex('/b', {}), ex('/c', {}), ex('/d', {}, { requestBody: { k: 'v2' } })];
  const c = compareExchanges(ours, theirs, { volatile, known: [] });
  const lines = c.unexpected.map((d) => `${d.route} ${d.path}`);
  assert.deepEqual(lines.sort(), [
    'GET /a $.extra', 'GET /a $.more', 'GET /a $.nested.list[2]', 'GET /a $.x', 'GET /b status', 'GET /c content-type', 'GET /d request$.k', 'GET /only-ours (request)',
  ]);
  assert.deepEqual(c.unexpected.find((d) => d.path === '$.extra'), { route: 'GET /a', path: '$.extra', ours: true, theirs: ABSENT });
  assert.match(formatDifferences(c.unexpected), /^GET \/a\n {2}\$\.x: ours 1 \/ mlflow 2$/m);
});

test('a volatile field still has to be present on both sides, with the same JSON type', () => {
  const c = compareExchanges([ex('/t', { start_time: 5 })], [ex('/t', { start_time: '5' })], { volatile, known: [] });
  assert.equal(c.unexpected.length, 1);
  const gone = compareExchanges([ex('/t', {})], [ex('/t', { start_time: 5 })], { volatile, known: [] });
  assert.equal(gone.unexpected[0].path, '$.start_time');
});

test('a known difference is accepted only on its route, path and values', () => {
  const known: KnownDifference[] = [{ route: /^GET \/m/, path: '**.metrics[*].value', when: (o, t) => o === 'Infinity' && t === Number.MAX_VALUE, reason: 'clamped' }];
  const ours = [ex('/m', { run: { metrics: [{ key: 'a', value: 'Infinity' }, { key: 'b', value: 1 }] } }), ex('/n', { metrics: [{ key: 'a', value: 'Infinity' }] })];
  const theirs = [ex('/m', { run: { metrics: [{ key: 'a', value: Number.MAX_VALUE }, { key: 'b', value: 2 }] } }), ex('/n', { metrics: [{ key: 'a', value: Number.MAX_VALUE }] })];
  const c = compareExchanges(ours, theirs, { volatile, known });
  assert.deepEqual(c.accepted.map((a) => `${a.diff.route} ${a.diff.path}`), ['GET /m $.run.metrics[0].value']);
  assert.deepEqual(c.unexpected.map((d) => `${d.route} ${d.path}`), ['GET /m $.run.metrics[1].value', 'GET /n $.metrics[0].value']);
});
