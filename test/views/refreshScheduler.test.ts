// Bursts of writes coalesce into few refreshes, and refreshes never overlap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RefreshScheduler } from '../../extension/views/refreshScheduler';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => boolean): Promise<void> {
  const end = Date.now() + 5000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await sleep(5);
  }
}

test('a burst of requests becomes one refresh', async () => {
  let runs = 0;
  const s = new RefreshScheduler(async () => void runs++, 20, 1000);
  for (let i = 0; i < 50; i++) s.request();
  await sleep(80);
  assert.equal(runs, 1);
  s.dispose();
});

test('requests during a refresh lead to exactly one more, never to overlapping ones', async () => {
  let running = 0;
  let overlapped = false;
  let runs = 0;
  let release: () => void = () => undefined;
  const s = new RefreshScheduler(async () => {
    runs++;
    running++;
    if (running > 1) overlapped = true;
    await new Promise<void>((r) => (release = r));
    running--;
  }, 5, 50);
  s.request();
  await until('the first refresh', () => runs === 1);
  for (let i = 0; i < 10; i++) s.request();
  release();
  await until('the follow-up refresh', () => runs === 2);
  release();
  await sleep(100);
  assert.equal(overlapped, false);
  assert.equal(runs, 2);
  s.dispose();
});

test('a steady stream still refreshes: the wait is capped', async () => {
  let runs = 0;
  const s = new RefreshScheduler(async () => void runs++, 30, 60);
  const end = Date.now() + 200;
  while (Date.now() < end) {
    s.request();
    await sleep(5);
  }
  assert.ok(runs >= 2, `refreshed ${runs} times during a 200 ms stream`);
  s.dispose();
});

test('flush refreshes now; nothing runs after dispose', async () => {
  let runs = 0;
  const s = new RefreshScheduler(async () => void runs++, 1000, 1000);
  s.request();
  await s.flush();
  assert.equal(runs, 1);
  s.dispose();
  s.request();
  await sleep(20);
  assert.equal(runs, 1);
});
