// Incremental checkpoints: only changed pages are written, through a CRC'd double-write file; a crash at any step
// of an image write leaves a folder that opens with the last acknowledged image (or the one being written, once
// its pages file is durable), and a store that opens with every acknowledged write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmdirSync, openSync, closeSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKPOINT_FILE } from '../../../extension/tracking/store/durability';
import { encodePages, ImageWriter, PAGES_FILE, readImage, sqlitePageSize } from '../../../extension/tracking/store/imageWriter';
import { loadSqlJs } from '../../../extension/tracking/store/sqlite';
import type { Database } from '../../../extension/tracking/store/sqlite';
import { TrackingStore } from '../../../extension/tracking/store/trackingStore';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'mwb-img-'));

/** Pages of `next` that differ from `prev` (or lie past its end), by plain byte comparison. */
function differingPages(prev: Uint8Array, next: Uint8Array, pageSize: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < next.length / pageSize; p++) {
    const a = Buffer.from(next.buffer, next.byteOffset + p * pageSize, pageSize);
    if ((p + 1) * pageSize > prev.length || !a.equals(Buffer.from(prev.buffer, prev.byteOffset + p * pageSize, pageSize))) out.push(p);
  }
  return out;
}

const same = (a: Uint8Array | undefined, b: Uint8Array): boolean => a !== undefined && Buffer.from(a).equals(Buffer.from(b));

async function database(rows: number): Promise<Database> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.exec('PRAGMA page_size = 4096; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)');
  insert(db, 0, rows);
  return db;
}

function insert(db: Database, from: number, to: number): void {
  db.exec('BEGIN');
  const stmt = db.prepare('INSERT INTO t(id, v) VALUES (?, ?)');
  for (let i = from; i < to; i++) stmt.run([i, `row ${i} `.repeat(8)]);
  stmt.free();
  db.exec('COMMIT');
}

test('a write after a small change writes a few pages, and tracking.db is then the new image byte for byte', async () => {
  const dir = tempDir();
  try {
    const db = await database(20_000);
    const writer = new ImageWriter(dir);
    const first = db.export();
    const whole = await writer.write(first);
    assert.equal(whole.bytesWritten, first.length, 'the first image is written whole');
    db.run("UPDATE t SET v = 'changed' WHERE id = 12345");
    const second = db.export();
    const result = await writer.write(second);
    assert.ok(result.pagesWritten >= 1 && result.pagesWritten <= 4, `${result.pagesWritten} pages`);
    assert.ok(result.bytesWritten * 50 < second.length, `${result.bytesWritten} of ${second.length} bytes`);
    assert.ok(same(readFileSync(join(dir, CHECKPOINT_FILE)), second));
    assert.ok(!existsSync(join(dir, PAGES_FILE)), 'the pages file is removed once applied');
    // Growth and shrinkage change the file's length too.
    insert(db, 20_000, 23_000);
    const grown = db.export();
    assert.ok(grown.length > second.length);
    const grow = await writer.write(grown);
    assert.ok(grow.bytesWritten < grown.length / 2);
    assert.ok(same(readFileSync(join(dir, CHECKPOINT_FILE)), grown));
    db.exec('DELETE FROM t WHERE id >= 19000; VACUUM');
    const shrunk = db.export();
    assert.ok(shrunk.length < grown.length);
    await writer.write(shrunk);
    assert.ok(same(readFileSync(join(dir, CHECKPOINT_FILE)), shrunk));
    // Nothing changed: nothing written.
    assert.deepEqual(await writer.write(db.export()), { pagesWritten: 0, bytesWritten: 0 });
    // Most pages changed: the image is replaced whole (cheaper than twice the changed pages), and the next small
    // change is incremental again.
    db.run("UPDATE t SET v = 'everything changed'");
    const rewritten = db.export();
    assert.equal((await writer.write(rewritten)).bytesWritten, rewritten.length);
    assert.ok(same(readFileSync(join(dir, CHECKPOINT_FILE)), rewritten));
    db.run("UPDATE t SET v = 'one' WHERE id = 3");
    const afterWhole = db.export();
    assert.ok((await writer.write(afterWhole)).pagesWritten <= 4);
    assert.ok(same(readFileSync(join(dir, CHECKPOINT_FILE)), afterWhole));
    // A new writer (as after reopening) compares its first image with the file: incremental too.
    const reader = new ImageWriter(dir);
    db.run("UPDATE t SET v = 'again' WHERE id = 7");
    const third = db.export();
    const again = await reader.write(third);
    assert.ok(again.pagesWritten <= 4 && again.bytesWritten * 50 < third.length);
    assert.ok(same(readImage(dir), third));
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a write that fails after its pages file is durable is finished by the next write, which then compares with the file', async () => {
  const dir = tempDir();
  try {
    const db = await database(5000);
    const writer = new ImageWriter(dir);
    await writer.write(db.export());
    db.run("UPDATE t SET v = 'w' WHERE id = 2000");
    assert.ok((await writer.write(db.export())).pagesWritten <= 4, 'the writer knows the file (hashes)');
    db.run("UPDATE t SET v = 'x' WHERE id = 10");
    // tracking.db cannot be opened for the in-place step (a folder stands in its place for a moment).
    renameSync(join(dir, CHECKPOINT_FILE), join(dir, 'aside'));
    mkdirSync(join(dir, CHECKPOINT_FILE));
    await assert.rejects(writer.write(db.export()));
    assert.ok(existsSync(join(dir, PAGES_FILE)), 'the durable pages file stays for recovery');
    rmdirSync(join(dir, CHECKPOINT_FILE));
    renameSync(join(dir, 'aside'), join(dir, CHECKPOINT_FILE));
    db.run("UPDATE t SET v = 'y' WHERE id = 4000");
    const latest = db.export();
    const next = await writer.write(latest);
    assert.ok(next.pagesWritten >= 1 && next.pagesWritten <= 4, `${next.pagesWritten} pages`);
    assert.ok(!existsSync(join(dir, PAGES_FILE)));
    assert.ok(same(readFileSync(join(dir, CHECKPOINT_FILE)), latest));
    db.run("UPDATE t SET v = 'z' WHERE id = 1");
    assert.ok((await writer.write(db.export())).pagesWritten <= 4, 'and incremental again after');
    assert.ok(same(readImage(dir), db.export()));
    // The same failure, then an image that replaces the file whole: the stale pages file must not outlive it.
    db.run("UPDATE t SET v = 'stale' WHERE id = 20");
    renameSync(join(dir, CHECKPOINT_FILE), join(dir, 'aside'));
    mkdirSync(join(dir, CHECKPOINT_FILE));
    await assert.rejects(writer.write(db.export()));
    rmdirSync(join(dir, CHECKPOINT_FILE));
    renameSync(join(dir, 'aside'), join(dir, CHECKPOINT_FILE));
    db.run("UPDATE t SET v = 'all new'");
    const whole = db.export();
    assert.equal((await writer.write(whole)).bytesWritten, whole.length);
    assert.ok(same(readImage(dir), whole), 'reading it back redoes nothing stale');
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a crash at every step of an image write: the folder reads as the last acknowledged image, or the new one once its pages file is whole', async () => {
  const base = tempDir();
  try {
    const db = await database(20_000);
    const writer = new ImageWriter(base);
    await writer.write(db.export());
    db.run("UPDATE t SET v = 'acknowledged' WHERE id < 50");
    const acknowledged = db.export();
    await writer.write(acknowledged);
    // The next image changes pages here and there, grows the file, and is interrupted.
    db.run("UPDATE t SET v = 'next' WHERE id % 1000 = 0");
    insert(db, 20_000, 21_000);
    const next = db.export();
    const pageSize = sqlitePageSize(next)!;
    assert.equal(pageSize, 4096);
    const changed = differingPages(acknowledged, next, pageSize);
    assert.ok(changed.length > 10 && next.length > acknowledged.length);
    const pagesFile = encodePages(next, pageSize, changed);

    const cases: Array<[string, (dir: string) => void, Uint8Array]> = [
      ['no pages file yet', () => undefined, acknowledged],
      ['a pages file with its header only', (dir) => writeFileSync(join(dir, PAGES_FILE), pagesFile.subarray(0, 24)), acknowledged],
      ['a pages file torn in its records', (dir) => writeFileSync(join(dir, PAGES_FILE), pagesFile.subarray(0, Math.floor(pagesFile.length / 2))), acknowledged],
      ['a pages file short of its CRC', (dir) => writeFileSync(join(dir, PAGES_FILE), pagesFile.subarray(0, pagesFile.length - 1)), acknowledged],
      ['a pages file of full length whose tail never reached the disk (zeros)', (dir) => {
        const torn = Buffer.from(pagesFile);
        torn.fill(0, torn.length - 5000);
        writeFileSync(join(dir, PAGES_FILE), torn);
      }, acknowledged],
      ['a pages file with one flipped bit', (dir) => {
        const bad = Buffer.from(pagesFile);
        bad[100] ^= 1;
        writeFileSync(join(dir, PAGES_FILE), bad);
      }, acknowledged],
      ['a complete pages file, tracking.db untouched', (dir) => writeFileSync(join(dir, PAGES_FILE), pagesFile), next],
      ['a complete pages file, tracking.db half rewritten', (dir) => {
        writeFileSync(join(dir, PAGES_FILE), pagesFile);
        const fd = openSync(join(dir, CHECKPOINT_FILE), 'r+');
        for (const p of changed.slice(0, changed.length >> 1)) writeSync(fd, next, p * pageSize, pageSize, p * pageSize);
        closeSync(fd);
      }, next],
      ['a complete pages file, a page of tracking.db torn mid-write', (dir) => {
        writeFileSync(join(dir, PAGES_FILE), pagesFile);
        const fd = openSync(join(dir, CHECKPOINT_FILE), 'r+');
        writeSync(fd, next, changed[0] * pageSize, pageSize >> 1, changed[0] * pageSize);
        closeSync(fd);
      }, next],
      ['a complete pages file, every page rewritten but the length not yet set', (dir) => {
        writeFileSync(join(dir, PAGES_FILE), pagesFile);
        const fd = openSync(join(dir, CHECKPOINT_FILE), 'r+');
        for (const p of changed) writeSync(fd, next, p * pageSize, pageSize, p * pageSize);
        closeSync(fd);
        truncateSync(join(dir, CHECKPOINT_FILE), acknowledged.length + pageSize);
      }, next],
      ['a complete pages file already applied, crash before its removal', (dir) => {
        writeFileSync(join(dir, PAGES_FILE), pagesFile);
        writeFileSync(join(dir, CHECKPOINT_FILE), next);
      }, next],
    ];
    for (const [name, crash, expected] of cases) {
      const dir = tempDir();
      try {
        cpSync(base, dir, { recursive: true });
        crash(dir);
        assert.ok(same(readImage(dir), expected), name);
        assert.ok(!existsSync(join(dir, PAGES_FILE)), `${name}: the pages file is gone after recovery`);
        assert.ok(same(readImage(dir), expected), `${name}: recovery is idempotent`);
        // The recovered image is a sound database.
        const SQL = await loadSqlJs();
        const check = new SQL.Database(readImage(dir));
        assert.equal(check.exec('PRAGMA integrity_check')[0].values[0][0], 'ok', name);
        check.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    db.close();
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('a store crashed in the middle of a checkpoint opens with every acknowledged write, whatever step the image write reached', async () => {
  const dir = tempDir();
  const store = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
  const crashed: string[] = [];
  try {
    const run = (await store.createRun({ experiment_id: '0', run_name: 'c' })).info.run_id;
    const batch = (from: number, n: number) => store.logBatch({ run_id: run, metrics: Array.from({ length: n }, (_, i) => ({ key: 'm', value: from + i, timestamp: 1, step: from + i })) });
    for (let b = 0; b < 20; b++) await batch(b * 1000, 1000);
    await store.checkpoint();
    const before = readFileSync(join(dir, CHECKPOINT_FILE));
    // Acknowledged after the last checkpoint: in the journal only.
    await batch(20_000, 1000);
    await store.setTag(run, 'late', 'yes');
    // What the disk holds when the next checkpoint starts (store open: lock file left aside) …
    const atStart = tempDir();
    cpSync(dir, atStart, { recursive: true });
    rmSync(join(atStart, 'owner.lock'), { force: true });
    // … and the image that checkpoint writes.
    await store.checkpoint();
    // The checkpoint wrote and fsync'ed the point segments before any image byte: every crash below finds them.
    cpSync(join(dir, 'points'), join(atStart, 'points'), { recursive: true });
    assert.ok(store.lastCheckpoint!.bytesWritten < store.lastCheckpoint!.imageBytes / 2, `the checkpoint was incremental: ${JSON.stringify(store.lastCheckpoint)}`);
    const after = readFileSync(join(dir, CHECKPOINT_FILE));
    const pageSize = sqlitePageSize(after)!;
    const changed = differingPages(before, after, pageSize);
    const pagesFile = encodePages(after, pageSize, changed);
    const steps: Array<[string, (d: string) => void]> = [
      ['before the pages file', () => undefined],
      ['pages file torn', (d) => writeFileSync(join(d, PAGES_FILE), pagesFile.subarray(0, pagesFile.length - 100))],
      ['pages file complete', (d) => writeFileSync(join(d, PAGES_FILE), pagesFile)],
      ['tracking.db half rewritten', (d) => {
        writeFileSync(join(d, PAGES_FILE), pagesFile);
        const fd = openSync(join(d, CHECKPOINT_FILE), 'r+');
        for (const p of changed.filter((_, i) => i % 2 === 0)) writeSync(fd, after, p * pageSize, pageSize, p * pageSize);
        closeSync(fd);
      }],
    ];
    for (const [name, crash] of steps) {
      const copy = tempDir();
      crashed.push(copy);
      cpSync(atStart, copy, { recursive: true });
      crash(copy);
      const reopened = await TrackingStore.open({ dir: copy, checkpointIntervalMs: 0 });
      try {
        const values = reopened.getMetricHistory(run, 'm').metrics.map((m) => m.value);
        assert.equal(values.length, 21_000, name);
        assert.deepEqual(values.slice(-3), [20_997, 20_998, 20_999], name);
        assert.ok(reopened.getRun(run).data.tags!.some((t) => t.key === 'late' && t.value === 'yes'), name);
        await reopened.logMetric(run, { key: 'm', value: -1, timestamp: 2, step: 30_000 });
      } finally {
        await reopened.close();
      }
      const again = await TrackingStore.open({ dir: copy, checkpointIntervalMs: 0 });
      try {
        assert.equal(again.getMetricHistory(run, 'm').metrics.length, 21_001, `${name}, then reopened`);
      } finally {
        await again.close();
      }
    }
    rmSync(atStart, { recursive: true, force: true });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    for (const d of crashed) rmSync(d, { recursive: true, force: true });
  }
});

test('a store checkpoint after a small change writes a few pages, also the first one after reopening', async () => {
  const dir = tempDir();
  try {
    const store = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
    const run = (await store.createRun({})).info.run_id;
    // Metric points live outside the image (points/): runs with params make an image of a few MB.
    for (let r = 0; r < 400; r++) {
      const other = (await store.createRun({ run_name: `run-${r}` })).info.run_id;
      await store.logBatch({ run_id: other, params: Array.from({ length: 60 }, (_, i) => ({ key: `param_${i}`, value: `value ${r} ${i} ${'x'.repeat(20)}` })) });
    }
    for (let b = 0; b < 50; b++) {
      await store.logBatch({ run_id: run, metrics: Array.from({ length: 1000 }, (_, i) => ({ key: `m${i % 5}`, value: i, timestamp: 1, step: b * 200 + Math.floor(i / 5) })) });
    }
    await store.checkpoint();
    const full = store.lastCheckpoint!;
    await store.logMetric(run, { key: 'm0', value: 1, timestamp: 2, step: 10_000 });
    await store.checkpoint();
    const small = store.lastCheckpoint!;
    assert.ok(small.pagesWritten <= 16, `${small.pagesWritten} pages`);
    assert.ok(small.bytesWritten * 10 < small.imageBytes, `${small.bytesWritten} of ${small.imageBytes} bytes`);
    assert.ok(full.imageBytes > 1_000_000);
    await store.close();
    const reopened = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
    try {
      await reopened.logMetric(run, { key: 'm0', value: 2, timestamp: 3, step: 10_001 });
      await reopened.checkpoint();
      const first = reopened.lastCheckpoint!;
      assert.ok(first.bytesWritten * 10 < first.imageBytes, `first after reopen: ${first.bytesWritten} of ${first.imageBytes} bytes`);
      assert.equal(reopened.getMetricHistory(run, 'm0').metrics.length, 10_002);
    } finally {
      await reopened.close();
    }
    const SQL = await loadSqlJs();
    const check = new SQL.Database(readImage(dir));
    assert.equal(check.exec('PRAGMA integrity_check')[0].values[0][0], 'ok');
    check.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
