// Durability: acknowledged writes survive a crash; a torn journal tail never prevents opening; checkpoints
// replace the image atomically; one owner per store, with stale locks taken over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreOwnedError, TrackingStore } from '../../../extension/tracking/store/trackingStore';
import { readOwner } from '../../../extension/tracking/store/ownerLock';
import { Journal } from '../../../extension/tracking/store/journal';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'mwb-dur-'));

/** What is on disk right now is exactly what a kill -9 would leave behind. */
function crashCopy(dir: string): string {
  const copy = tempDir();
  cpSync(dir, copy, { recursive: true });
  rmSync(join(copy, 'owner.lock'), { force: true });
  return copy;
}

function journals(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith('journal-')).sort();
}

test('acknowledged writes are in the journal before the promise resolves, and replay rebuilds them', async () => {
  const dir = tempDir();
  const store = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
  const exp = await store.createExperiment('durable');
  const run = (await store.createRun({ experiment_id: exp, run_name: 'r' })).info.run_id;
  await store.logBatch({ run_id: run, params: [{ key: 'p', value: 'v' }], metrics: Array.from({ length: 500 }, (_, i) => ({ key: 'm', value: i, timestamp: i, step: i })) });
  await store.setTag(run, 't', 'x');
  const copy = crashCopy(dir); // the store is still open: no checkpoint has covered these writes
  await store.close();
  const reopened = await TrackingStore.open({ dir: copy, checkpointIntervalMs: 0 });
  try {
    const r = reopened.getRun(run);
    assert.equal(r.info.run_name, 'r');
    assert.deepEqual(r.data.params, [{ key: 'p', value: 'v' }]);
    assert.ok(r.data.tags!.some((t) => t.key === 't' && t.value === 'x'));
    assert.equal(reopened.getMetricHistory(run, 'm').metrics.length, 500);
    assert.equal(reopened.getMetricSummaries(run)[0].count, 500);
    assert.equal(reopened.getExperimentByName('durable').experiment_id, exp);
  } finally {
    await reopened.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(copy, { recursive: true, force: true });
  }
});

/** Where the journal's records end: the file runs on with the zeros of its reserve while the store is open. */
function recordsEnd(path: string): number {
  const bytes = readFileSync(path);
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return end;
}

for (const [tail, tear] of [
  ['followed by the reserve', (path: string, end: number) => writeSync(openSync(path, 'r+'), Buffer.alloc(7), 0, 7, end - 7)],
  ['followed by garbage', (path: string, end: number) => {
    truncateSync(path, end - 7);
    appendFileSync(path, Buffer.from([1, 2, 3]));
  }],
] as const) {
  test(`a torn journal tail ${tail} is cut off and the store opens with everything before it`, async () => {
    const dir = tempDir();
    const store = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
    const run = (await store.createRun({})).info.run_id;
    for (let i = 0; i < 10; i++) await store.logMetric(run, { key: 'm', value: i, timestamp: i, step: i });
    const copy = crashCopy(dir);
    await store.close();
    const [journal] = journals(copy);
    const path = join(copy, journal);
    const end = recordsEnd(path);
    assert.ok(statSync(path).size > end, 'an open journal runs on past its records');
    tear(path, end); // the last record is torn in the middle
    const reopened = await TrackingStore.open({ dir: copy, checkpointIntervalMs: 0 });
    try {
      const points = reopened.getMetricHistory(run, 'm').metrics.map((m) => m.value);
      assert.deepEqual(points, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      await reopened.logMetric(run, { key: 'm', value: 99, timestamp: 99, step: 99 }); // and it keeps working
    } finally {
      await reopened.close();
    }
    const again = await TrackingStore.open({ dir: copy, checkpointIntervalMs: 0 });
    try {
      assert.equal(again.getMetricHistory(run, 'm').metrics.length, 10);
    } finally {
      await again.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(copy, { recursive: true, force: true });
    }
  });
}

test('a journal writes into a reserve ahead of its records, and is cut after its last record when closed', async () => {
  const dir = tempDir();
  const path = join(dir, 'journal.log');
  try {
    const journal = Journal.open<{ n: number }>(path);
    for (let n = 0; n < 5000; n++) void journal.append({ lsn: n + 1, op: { n } });
    await journal.drain();
    assert.ok(statSync(path).size > journal.size, 'the file runs on past the records');
    assert.equal(recordsEnd(path), journal.size);
    assert.deepEqual(Journal.replay<{ n: number }>(path).map((e) => e.op.n), Array.from({ length: 5000 }, (_, n) => n), 'replay stops at the reserve');
    await journal.close();
    assert.equal(statSync(path).size, recordsEnd(path), 'closed, it ends at its last record');
    assert.equal(Journal.replay(path).length, 5000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a checkpoint folds the journal into the image; a crash between rename and cleanup replays nothing twice', async () => {
  const dir = tempDir();
  const store = await TrackingStore.open({ dir, checkpointIntervalMs: 0, checkpointBytes: 20_000 });
  const run = (await store.createRun({})).info.run_id;
  for (let b = 0; b < 20; b++) {
    await store.logBatch({ run_id: run, metrics: Array.from({ length: 100 }, (_, i) => ({ key: 'm', value: b * 100 + i, timestamp: 1, step: b * 100 + i })) });
  }
  await store.checkpoint();
  assert.equal(journals(dir).length, 1, 'old journals are removed after a checkpoint');
  const oldJournal = journals(dir)[0];
  await store.logMetric(run, { key: 'm', value: -1, timestamp: 2, step: 5000 });
  const copy = crashCopy(dir);
  // Simulate the crash window: an already-checkpointed journal still lying beside the image.
  writeFileSync(join(copy, 'journal-00000000.log'), '');
  await store.close();
  const reopened = await TrackingStore.open({ dir: copy, checkpointIntervalMs: 0 });
  try {
    assert.equal(reopened.getMetricHistory(run, 'm').metrics.length, 2001);
    assert.equal(reopened.getMetricSummaries(run)[0].count, 2001);
    assert.ok(oldJournal);
  } finally {
    await reopened.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(copy, { recursive: true, force: true });
  }
});

test('one owner per store: a second opener learns the owner; a dead owner’s lock is taken over', async () => {
  const dir = tempDir();
  const store = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
  store.publishServer('127.0.0.1', 4321, 'secret');
  try {
    await assert.rejects(TrackingStore.open({ dir }), (err: unknown) => {
      assert.ok(err instanceof StoreOwnedError);
      assert.equal(err.owner.pid, process.pid);
      assert.equal(err.owner.port, 4321);
      assert.equal(err.owner.token, 'secret');
      return true;
    });
  } finally {
    await store.close();
  }
  // A lock left by a process that no longer exists.
  const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']);
  const deadPid = Number(dead.stdout.toString().trim());
  writeFileSync(join(dir, 'owner.lock'), JSON.stringify({ pid: deadPid, hostname: (await import('node:os')).hostname(), startedAt: 1, port: 1 }));
  const takeover = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
  try {
    assert.equal(readOwner(dir)!.pid, process.pid);
  } finally {
    await takeover.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
