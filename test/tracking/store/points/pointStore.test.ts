// The point store inside the tracking store: tails flushed by size and by the buffer budget, dedupe against
// flushed chunks (reading only the chunks that cover an older step), op atomicity, reads equal to a reference,
// segment tails written after the last checkpoint cut back on open, dropRuns and compact (crash-safe).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

test('tails flush at their chunk size and, past the buffer budget, the largest first; a checkpoint keeps them in a tails file', async () => {
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
    // Past the budget (250): the largest tails flush until 1/16 of it is free; the smaller ones stay.
    await store.logBatch({ run_id: run, metrics: Array.from({ length: 90 }, (_, i) => ({ key: 'd', value: i, timestamp: T0 + i, step: i })) });
    await store.logBatch({ run_id: run, metrics: Array.from({ length: 70 }, (_, i) => ({ key: 'e', value: i, timestamp: T0 + i, step: i })) });
    assert.equal(store.points.bufferedPoints, 1 + 90 + 70, 'b (99) went: 161 ≤ 250 − 250/16');
    assert.equal(store.points.chunkRows(rid, keyId(store, 'b')).length, 1, 'the largest tail went');
    assert.equal(store.points.chunkRows(rid, keyId(store, 'd')).length, 0, 'the next largest stayed');
    assert.equal(store.points.chunkRows(rid, keyId(store, 'c')).length, 0, 'the smallest stayed');
    const buffered = store.points.bufferedPoints;
    await store.checkpoint();
    assert.equal(store.points.bufferedPoints, buffered, 'a checkpoint flushes no tail');
    assert.equal(store.points.chunkRows(rid, keyId(store, 'c')).length, 0);
    assert.deepEqual(readdirSync(join(dir, 'points')).filter((n) => n.startsWith('tails-')).length, 1);
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

test('with 1,000 series written together, checkpoints do not cut chunks: the chunk count follows the points, not the checkpoints', async () => {
  const dir = temp();
  const copy = temp();
  // A checkpoint every ~10 batches of 1,000 points; 1,000 series (50 runs × 20 keys), 200 points each.
  const options: Partial<TrackingStoreOptions> = { checkpointBytes: 200_000, pointOptions: { chunkPoints: 64, bufferedPoints: 100_000 } };
  const store = await open(dir, options);
  let reopened: TrackingStore | undefined;
  try {
    const runs: string[] = [];
    for (let r = 0; r < 50; r++) runs.push((await store.createRun({})).info.run_id);
    let checkpoints = 0;
    const checkpoint = store.checkpoint.bind(store);
    store.checkpoint = () => {
      checkpoints++;
      return checkpoint();
    };
    for (let step = 0; step < 200; step++) {
      for (let r = 0; r < 50; r += 2) {
        const metrics: MetricInput[] = [];
        for (const rr of [r, r + 1]) for (let k = 0; k < 20; k++) metrics.push({ key: `k${k}`, value: rr * 1e6 + k * 1e3 + step, timestamp: T0 + step, step });
        await store.logBatch({ run_id: runs[r], metrics: metrics.slice(0, 20) });
        await store.logBatch({ run_id: runs[r + 1], metrics: metrics.slice(20) });
      }
    }
    await store.checkpoint();
    assert.ok(checkpoints >= 30, `${checkpoints} checkpoints`);
    const points = 50 * 20 * 200;
    const chunks = Number(store.db.get<{ n: number }>('SELECT count(*) AS n FROM metric_chunks')!.n);
    // 200 points a series → 3 full chunks of 64 each; the rest (8) waits in the tail. A flush per checkpoint
    // would have made ≥ 30 chunks a series.
    assert.equal(chunks, 1000 * 3, `${chunks} chunks for ${points} points`);
    assert.equal(store.points.bufferedPoints, 1000 * 8);
    const want = runs.slice(0, 5).flatMap((run) => ['k0', 'k7', 'k19'].map((k) => history(store, run, k)));
    // The folder as it is (image + tails file, an empty journal): it reopens to identical histories and counts.
    cpSync(dir, copy, { recursive: true });
    reopened = await open(copy, options);
    assert.equal(reopened.points.bufferedPoints, 1000 * 8, 'the tails came back from the tails file');
    assert.deepEqual(runs.slice(0, 5).flatMap((run) => ['k0', 'k7', 'k19'].map((k) => history(reopened!, run, k))), want);
    assert.equal(count(reopened, runs[3], 'k7'), 200);
    // Dedupe still sees the reloaded tails: the last points again are not new.
    await reopened.logBatch({ run_id: runs[3], metrics: [{ key: 'k7', value: 3 * 1e6 + 7 * 1e3 + 199, timestamp: T0 + 199, step: 199 }] });
    assert.equal(count(reopened, runs[3], 'k7'), 200);
  } finally {
    await reopened?.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(copy, { recursive: true, force: true });
  }
});

test('the tails file: only the latest survives a checkpoint, a damaged or missing one refuses to open, dropped runs leave it', async () => {
  const dir = temp();
  let store = await open(dir);
  try {
    const a = (await store.createRun({})).info.run_id;
    const b = (await store.createRun({})).info.run_id;
    const tailsFiles = (): string[] => readdirSync(join(store.dir, 'points')).filter((n) => n.startsWith('tails-'));
    for (let i = 0; i < 3; i++) {
      await store.logBatch({ run_id: a, metrics: [{ key: 'm', value: NaN, timestamp: T0 + i, step: i }, { key: 'n', value: -Infinity, timestamp: T0 - i, step: -i }] });
      await store.logBatch({ run_id: b, metrics: [{ key: 'm', value: i / 3, timestamp: T0 + i, step: 2 ** 60 + i }] });
      await store.checkpoint();
      assert.equal(tailsFiles().length, 1, 'older tails files are deleted');
    }
    const want = [history(store, a, 'm'), history(store, a, 'n'), history(store, b, 'm')];
    await store.close();
    store = await open(dir);
    assert.deepEqual([history(store, a, 'm'), history(store, a, 'n'), history(store, b, 'm')], want);
    await store.close();

    const [name] = tailsFiles();
    const damaged = temp();
    cpSync(dir, damaged, { recursive: true });
    const path = join(damaged, 'points', name);
    const bytes = readFileSync(path);
    bytes[bytes.length >> 1] ^= 0x40;
    writeFileSync(path, bytes);
    await assert.rejects(open(damaged), /tails-\d+\.bin is damaged/);
    rmSync(path);
    await assert.rejects(open(damaged), /tails-\d+\.bin is missing/);
    rmSync(damaged, { recursive: true, force: true });
    // A tails file no image names (a checkpoint that never wrote its image) is deleted on open.
    writeFileSync(join(dir, 'points', 'tails-999.bin'), Buffer.alloc(10));

    store = await open(dir);
    assert.ok(!existsSync(join(dir, 'points', 'tails-999.bin')));
    store.points.dropRuns([internalId(store, a)]);
    await store.checkpoint();
    await store.close();
    store = await open(dir);
    assert.equal(store.points.bufferedPoints, 3, 'only run b’s tail is left');
    assert.equal(history(store, b, 'm'), want[2]);
  } finally {
    await store.close();
    rmSync(store.dir, { recursive: true, force: true });
  }
});
