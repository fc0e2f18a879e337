// The point store inside the tracking store: tails flushed by size and by the buffer budget, dedupe against
// flushed chunks (reading only the chunks that cover an older step), op atomicity, reads equal to a reference,
// segment tails written after the last checkpoint cut back on open, dropRuns and compact (crash-safe).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrackingStore, type TrackingStoreOptions } from '../../../../extension/tracking/store/trackingStore';
import type { MetricInput } from '../../../../extension/tracking/rest/types';

const T0 = 1_700_000_000_000;

function open(dir: string, extra: Partial<TrackingStoreOptions> = {}): Promise<TrackingStore> {
  return TrackingStore.open({ dir, lock: false, checkpointIntervalMs: 0, checkpointBytes: Number.MAX_SAFE_INTEGER, pointOptions: { chunkPoints: 100, bufferedPoints: 250 }, ...extra });
}

function temp(): string {
  return mkdtempSync(join(tmpdir(), 'mwb-points-'));
}

const internalId = (store: TrackingStore, run: string): number => store.db.get<{ id: number }>('SELECT id FROM runs WHERE run_uuid = ?', [run])!.id;
const keyId = (store: TrackingStore, key: string): number => store.db.get<{ id: number }>('SELECT id FROM metric_keys WHERE key = ?', [key])!.id;
const count = (store: TrackingStore, run: string, key: string): number | undefined => store.getMetricSummaries(run).find((s) => s.key === key)?.count;
const history = (store: TrackingStore, run: string, key: string): string => JSON.stringify(store.getMetricHistory(run, key).metrics.map((m) => [m.step, m.timestamp, String(m.value)]));

test('tails flush at their chunk size and, past the buffer budget, the largest first; checkpoints flush the rest', async () => {
  const dir = temp();
  const store = await open(dir);
  try {
    const run = (await store.createRun({})).info.run_id;
    const rid = internalId(store, run);
    // 3 series: a, b grow to 99 points (below a chunk), c stays small.
    for (let i = 0; i < 99; i++) await store.logBatch({ run_id: run, metrics: [{ key: 'a', value: i, timestamp: T0 + i, step: i }, { key: 'b', value: i, timestamp: T0 + i, step: i }] });
    await store.logMetric(run, { key: 'c', value: 1, timestamp: T0, step: 0 });
    assert.equal(store.points.chunkRows(rid, keyId(store, 'a')).length, 0, 'nothing flushed yet');
    assert.equal(store.points.bufferedPoints, 199);
    // The 100th point of `a` fills its chunk.
    await store.logMetric(run, { key: 'a', value: 99, timestamp: T0 + 99, step: 99 });
    assert.equal(store.points.chunkRows(rid, keyId(store, 'a')).length, 1);
    assert.equal(store.points.bufferedPoints, 100);
    // Past the budget (250): the largest tails flush until half of it remains; the small one stays.
    await store.logBatch({ run_id: run, metrics: Array.from({ length: 90 }, (_, i) => ({ key: 'd', value: i, timestamp: T0 + i, step: i })) });
    await store.logBatch({ run_id: run, metrics: Array.from({ length: 70 }, (_, i) => ({ key: 'e', value: i, timestamp: T0 + i, step: i })) });
    assert.ok(store.points.bufferedPoints <= 125, `${store.points.bufferedPoints} buffered`);
    assert.equal(store.points.chunkRows(rid, keyId(store, 'b')).length, 1, 'the largest tail went');
    assert.equal(store.points.chunkRows(rid, keyId(store, 'c')).length, 0, 'the smallest stayed');
    await store.checkpoint();
    assert.equal(store.points.bufferedPoints, 0);
    assert.equal(store.points.chunkRows(rid, keyId(store, 'c')).length, 1);
    for (const k of ['a', 'b', 'd', 'e']) assert.equal(store.getMetricHistory(run, k).metrics.length, k === 'a' ? 100 : k === 'b' ? 99 : k === 'd' ? 90 : 70);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a point equal to a flushed one is ignored and not counted; newer steps read no chunk, older ones only those covering it', async () => {
  const dir = temp();
  const store = await open(dir);
  try {
    const run = (await store.createRun({})).info.run_id;
    const pts: MetricInput[] = [];
    for (let i = 0; i < 1000; i++) pts.push({ key: 'm', value: i % 10 === 0 ? NaN : i % 13 === 0 ? -Infinity : Math.sin(i), timestamp: T0 + i, step: i });
    for (let b = 0; b < 10; b++) await store.logBatch({ run_id: run, metrics: pts.slice(b * 100, b * 100 + 100) });
    await store.checkpoint();
    const rid = internalId(store, run);
    const rows = store.points.chunkRows(rid, keyId(store, 'm'));
    assert.equal(rows.length, 10);
    let decoded = 0;
    const decode = store.points.decode.bind(store.points);
    store.points.decode = (row) => {
      decoded++;
      return decode(row);
    };
    const before = history(store, run, 'm');
    decoded = 0;
    // Newer steps: no chunk is read.
    await store.logBatch({ run_id: run, metrics: [{ key: 'm', value: 1, timestamp: T0 + 5000, step: 1000 }, { key: 'm', value: 2, timestamp: T0 + 5001, step: 1001 }] });
    assert.equal(decoded, 0, 'no chunk read for newer steps');
    // Every old point again (NaN, -Infinity, -0 for 0 included): none is new, count unchanged; one chunk read each.
    await store.logBatch({ run_id: run, metrics: [pts[420], pts[430], pts[650], { ...pts[0], value: NaN }] });
    assert.ok(decoded >= 1 && decoded <= 4, `${decoded} chunks read`);
    assert.equal(count(store, run, 'm'), 1002);
    for (let b = 0; b < 10; b++) await store.logBatch({ run_id: run, metrics: pts.slice(b * 100, b * 100 + 100) });
    assert.equal(count(store, run, 'm'), 1002);
    // Same step and timestamp, another value (or NaN where a number was): new points.
    await store.logBatch({ run_id: run, metrics: [{ key: 'm', value: 7, timestamp: T0 + 420, step: 420 }, { key: 'm', value: NaN, timestamp: T0 + 421, step: 421 }] });
    await store.logBatch({ run_id: run, metrics: [{ key: 'm', value: 7, timestamp: T0 + 420, step: 420 }] }); // now in the tail: a duplicate
    assert.equal(count(store, run, 'm'), 1004);
    const after = JSON.parse(history(store, run, 'm')) as unknown[];
    assert.equal(after.length, 1004);
    assert.ok(before.length > 0);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing op leaves no point behind; a replayed journal rebuilds the same points', async () => {
  const dir = temp();
  const copy = temp();
  const store = await open(dir);
  let reopened: TrackingStore | undefined;
  try {
    const run = (await store.createRun({})).info.run_id;
    await store.logBatch({ run_id: run, params: [{ key: 'p', value: '1' }], metrics: [{ key: 'm', value: 1, timestamp: T0, step: 0 }] });
    await assert.rejects(
      store.logBatch({ run_id: run, params: [{ key: 'p', value: '2' }], metrics: Array.from({ length: 150 }, (_, i) => ({ key: 'm', value: i, timestamp: T0 + 1 + i, step: 1 + i })) }),
      /Changing param values is not allowed/,
    );
    assert.equal(store.getMetricHistory(run, 'm').metrics.length, 1);
    assert.equal(count(store, run, 'm'), 1);
    // The same points, now in an op that succeeds, are all new.
    await store.logBatch({ run_id: run, metrics: Array.from({ length: 150 }, (_, i) => ({ key: 'm', value: i, timestamp: T0 + 1 + i, step: 1 + i })) });
    assert.equal(count(store, run, 'm'), 151);
    const want = history(store, run, 'm');
    cpSync(dir, copy, { recursive: true });
    reopened = await open(copy);
    assert.equal(history(reopened, run, 'm'), want);
    assert.equal(count(reopened, run, 'm'), 151);
  } finally {
    await reopened?.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(copy, { recursive: true, force: true });
  }
});

test('segment bytes past the checkpoint’s ends and unknown segment files are dropped on open; the journal restores the points', async () => {
  const dir = temp();
  let store = await open(dir);
  const run = (await store.createRun({})).info.run_id;
  try {
    for (let b = 0; b < 5; b++) await store.logBatch({ run_id: run, metrics: Array.from({ length: 100 }, (_, i) => ({ key: 'm', value: b * 100 + i, timestamp: T0 + b * 100 + i, step: b * 100 + i })) });
    await store.checkpoint();
    // After the checkpoint: more points flushed into segments, then "kill -9" (a copy of the files as they are).
    for (let b = 5; b < 9; b++) await store.logBatch({ run_id: run, metrics: Array.from({ length: 100 }, (_, i) => ({ key: 'm', value: b * 100 + i, timestamp: T0 + b * 100 + i, step: b * 100 + i })) });
    const want = history(store, run, 'm');
    const crashed = temp();
    cpSync(dir, crashed, { recursive: true });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    const segs = readdirSync(join(crashed, 'points'));
    // A torn write at the end of a segment and a segment file no checkpoint knows of.
    appendFileSync(join(crashed, 'points', segs[segs.length - 1]), Buffer.alloc(37, 0xab));
    writeFileSync(join(crashed, 'points', '999.seg'), Buffer.alloc(100, 1));
    store = await open(crashed);
    assert.equal(history(store, run, 'm'), want);
    assert.equal(count(store, run, 'm'), 900);
    assert.ok(!existsSync(join(crashed, 'points', '999.seg')));
  } finally {
    await store.close();
    rmSync(store.dir, { recursive: true, force: true });
  }
});

test('dropRuns removes runs’ series; compact copies live chunks, shrinks the segments and is crash-safe', async () => {
  const dir = temp();
  let store = await open(dir, { pointOptions: { chunkPoints: 100, bufferedPoints: 1000, segmentBytes: 8 * 1024 } });
  try {
    const runs: string[] = [];
    for (let r = 0; r < 6; r++) {
      const run = (await store.createRun({})).info.run_id;
      runs.push(run);
      for (let b = 0; b < 4; b++) await store.logBatch({ run_id: run, metrics: Array.from({ length: 100 }, (_, i) => ({ key: 'm', value: r * 1000 + b * 100 + i, timestamp: T0 + b * 100 + i, step: b * 100 + i })) });
    }
    await store.checkpoint();
    const keep = runs.filter((_, i) => i % 2 === 0);
    const want = keep.map((run) => history(store, run, 'm'));
    const dropped = runs.filter((_, i) => i % 2 === 1).map((run) => internalId(store, run));
    store.points.dropRuns(dropped);
    for (const id of dropped) assert.equal(store.points.chunkRows(id, keyId(store, 'm')).length, 0);
    // A crash after the compaction's copy but before its checkpoint: a copy of the folder taken at that moment.
    const crashed = temp();
    const durable = store.points.durable;
    store.points.durable = async () => {
      cpSync(dir, crashed, { recursive: true });
      await durable();
    };
    const segmentsBefore = readdirSync(join(dir, 'points'));
    const { bytesBefore, bytesAfter } = await store.points.compact();
    assert.ok(bytesAfter < bytesBefore * 0.6, `${bytesBefore} → ${bytesAfter} bytes`);
    const segmentsAfter = readdirSync(join(dir, 'points'));
    assert.ok(segmentsBefore.some((s) => !segmentsAfter.includes(s)), 'old segment files are deleted');
    assert.deepEqual(keep.map((run) => history(store, run, 'm')), want);
    await store.close();
    store = await open(dir);
    assert.deepEqual(keep.map((run) => history(store, run, 'm')), want, 'after reopening');
    const second = await store.points.compact();
    assert.equal(second.bytesAfter, second.bytesBefore, 'nothing left to compact');
    await store.close();
    // The crashed copy: its image still names the old segments, which are all there.
    store = await open(crashed);
    assert.deepEqual(keep.map((run) => history(store, run, 'm')), want, 'after a crash mid-compaction');
    rmSync(dir, { recursive: true, force: true });
  } finally {
    await store.close();
    rmSync(store.dir, { recursive: true, force: true });
  }
});
