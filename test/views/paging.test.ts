// "Load more" paging over server pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchUpTo, MAX_REQUEST, PageSizes } from '../../extension/views/paging';
import type { Page } from '../../extension/tracking/rest/types';

function server(total: number) {
  const requests: { maxResults: number; token?: string }[] = [];
  const fetchPage = async (maxResults: number, token: string | undefined): Promise<Page<number>> => {
    requests.push({ maxResults, token });
    const offset = token ? Number(token) : 0;
    const items = Array.from({ length: Math.max(0, Math.min(maxResults, total - offset)) }, (_, i) => offset + i);
    return offset + items.length < total ? { items, next_page_token: String(offset + items.length) } : { items };
  };
  return { fetchPage, requests };
}

test('takes the wanted number and says whether there is more', async () => {
  const s = server(250);
  assert.deepEqual(await fetchUpTo(100, s.fetchPage).then((r) => [r.items.length, r.hasMore]), [100, true]);
  assert.deepEqual(await fetchUpTo(300, s.fetchPage).then((r) => [r.items.length, r.hasMore]), [250, false]);
  assert.deepEqual(await fetchUpTo(250, s.fetchPage).then((r) => [r.items.length, r.hasMore]), [250, false]);
});

test('large lists are fetched in bounded requests', async () => {
  const s = server(2500);
  const r = await fetchUpTo(2200, s.fetchPage);
  assert.equal(r.items.length, 2200);
  assert.equal(r.items[2199], 2199);
  assert.deepEqual(s.requests.map((q) => q.maxResults), [MAX_REQUEST, MAX_REQUEST, 200]);
});

test('each list grows by a page on "load more"', () => {
  const sizes = new PageSizes(100);
  assert.equal(sizes.get('e1'), 100);
  assert.equal(sizes.more('e1'), 200);
  assert.equal(sizes.get('e1'), 200);
  assert.equal(sizes.get('e2'), 100);
});
