// Bursts of writes coalesce into few refreshes, a steady stream still refreshes, and refreshes never
// overlap. Timers and the clock are mocked: the test is about order and counts, not speed.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { RefreshScheduler } from '../../extension/views/refreshScheduler';

/** Lets pending promise callbacks run (refresh() is async). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function mockTime(t: TestContext): (ms: number) => Promise<void> {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  return async (ms) => {
    t.mock.timers.tick(ms);
    await settle();
  };
}

test('a burst of requests becomes one refresh after a quiet moment', async (t) => {
  const advance = mockTime(t);
  let runs = 0;
  const s = new RefreshScheduler(async () => void runs++, 300, 1000);
  for (let i = 0; i < 50; i++) s.request();
  await advance(299);
  assert.equal(runs, 0);
  await advance(1);
  assert.equal(runs, 1);
  await advance(5000);
  assert.equal(runs, 1);
  s.dispose();
});

test('a steady stream still refreshes: the wait is capped', async (t) => {
  const advance = mockTime(t);
  let runs = 0;
  const s = new RefreshScheduler(async () => void runs++, 30, 60);
  for (let elapsed = 0; elapsed < 200; elapsed += 5) {
    s.request();
    await advance(5);
  }
  // Requests every 5 ms never leave 30 ms of quiet; the 60 ms cap refreshes at 60, 125 and 190.
  assert.equal(runs, 3);
  s.dispose();
});

test('requests during a refresh lead to exactly one more, never to overlapping ones', async (t) => {
  const advance = mockTime(t);
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
  }, 10, 100);
  s.request();
  await advance(10);
  assert.equal(runs, 1);
  for (let i = 0; i < 10; i++) s.request();
  await advance(500);
  assert.equal(runs, 1, 'nothing starts while a refresh runs');
  release();
  await settle();
  await advance(10);
  assert.equal(runs, 2, 'one follow-up for all the requests made meanwhile');
  release();
  await advance(500);
  assert.equal(runs, 2);
  assert.equal(overlapped, false);
  s.dispose();
});

test('flush refreshes now; nothing runs after dispose', async (t) => {
  const advance = mockTime(t);
  let runs = 0;
  const s = new RefreshScheduler(async () => void runs++, 1000, 1000);
  s.request();
  await s.flush();
  assert.equal(runs, 1);
  await advance(2000);
  assert.equal(runs, 1, 'the flushed request does not run again');
  s.dispose();
  s.request();
  await advance(2000);
  assert.equal(runs, 1);
});
