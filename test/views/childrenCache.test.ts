// The live-refresh cache: fetch once, re-fetch what is shown, report changes only when rows differ, and keep
// node objects (VS Code tracks tree elements by identity).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChildrenCache } from '../../extension/views/childrenCache';

interface N {
  id: string;
  value: number;
}

function tree(data: Record<string, N[]>) {
  const calls: string[] = [];
  const cache = new ChildrenCache<N>({
    key: (n) => n?.id ?? 'root',
    fetch: async (n) => {
      const key = n?.id ?? 'root';
      calls.push(key);
      return (data[key] ?? []).map((c) => ({ ...c }));
    },
    fingerprint: (n) => `${n.id}=${n.value}`,
  });
  return { cache, calls };
}

test('children are fetched once, also by concurrent callers', async () => {
  const { cache, calls } = tree({ root: [{ id: 'a', value: 1 }] });
  const [x, y] = await Promise.all([cache.children(undefined), cache.children(undefined)]);
  assert.equal(x, y);
  await cache.children(undefined);
  assert.deepEqual(calls, ['root']);
});

test('refresh reports a change only when a row differs, and reuses the node objects', async () => {
  const data: Record<string, N[]> = { root: [{ id: 'a', value: 1 }, { id: 'b', value: 2 }], a: [{ id: 'a1', value: 0 }] };
  const { cache, calls } = tree(data);
  const [a] = await cache.children(undefined);
  await cache.children(a);
  assert.equal(await cache.refresh(), false, 'nothing changed');
  data.a = [{ id: 'a1', value: 5 }];
  assert.equal(await cache.refresh(), true);
  const [again] = await cache.children(undefined);
  assert.equal(again, a, 'same object for the same key');
  assert.equal((await cache.children(a))[0].value, 5);
  assert.deepEqual(calls, ['root', 'a', 'root', 'a', 'root', 'a']);
  assert.equal(cache.parentOf((await cache.children(a))[0]), a);
});

test('a collapsed node stops being refreshed, and what disappears is pruned', async () => {
  const data: Record<string, N[]> = { root: [{ id: 'a', value: 1 }], a: [{ id: 'a1', value: 0 }], a1: [{ id: 'x', value: 0 }] };
  const { cache, calls } = tree(data);
  const [a] = await cache.children(undefined);
  const [a1] = await cache.children(a);
  await cache.children(a1);
  cache.forget(a);
  calls.length = 0;
  await cache.refresh();
  assert.deepEqual(calls, ['root']);
  assert.equal(cache.size, 1, 'a1 became unreachable');
});

test('clear drops everything; a fetch that was in flight is not kept', async () => {
  const { cache, calls } = tree({ root: [{ id: 'a', value: 1 }] });
  const pending = cache.children(undefined);
  cache.clear();
  await pending;
  await cache.children(undefined);
  assert.deepEqual(calls, ['root', 'root']);
});
