// The worker thread that writes part of a long get-history answer: a real worker_threads Worker (run from
// source through tsx), real shared memory. Its bytes must be exactly those of the single-thread writer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HistoryScratch, historyJsonSlices, SLICE_POINTS } from '../../../extension/tracking/store/metricHistory';
import type { HistoryColumns } from '../../../extension/tracking/store/metricHistory';
import { ParallelHistoryJson } from '../../../extension/tracking/store/parallelHistoryJson';

function history(scratch: HistoryScratch, length: number, key: string): HistoryColumns {
  const [step, timestamp, value] = scratch.columns.take(length);
  const specials = [NaN, Infinity, -Infinity, -0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2];
  for (let i = 0; i < length; i++) {
    step[i] = i % 5000 === 0 ? -i : i;
    timestamp[i] = 1_700_000_000_000 + i;
    value[i] = i % 1013 === 0 ? specials[(i / 1013) % specials.length] : Math.sin(i) * 10 ** ((i % 40) - 20);
  }
  return { key, length, step: step.subarray(0, length), timestamp: timestamp.subarray(0, length), value: value.subarray(0, length) };
}

async function bytes(slices: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const slice of slices) out.push(Buffer.from(slice)); // a slice may be overwritten by the next
  return Buffer.concat(out);
}

test('an answer written by two threads is byte for byte the single-thread JSON', async () => {
  const scratch = new HistoryScratch();
  const parallel = new ParallelHistoryJson(scratch);
  try {
    assert.equal(await parallel.start(), true, 'the worker starts from source');
    for (const [length, key] of [[4 * SLICE_POINTS, 'loss'], [4 * SLICE_POINTS + 1, 'val/accuracy'], [100_000, 'pérte/Δ"\\'], [13 * SLICE_POINTS - 1, 'x']] as const) {
      const h = history(scratch, length, key);
      const expected = Buffer.concat([...historyJsonSlices(h)]);
      const got = await bytes(parallel.slices(h));
      assert.equal(parallel.lastUsedWorker, true, `the worker helped with ${length} points`);
      assert.equal(got.length, expected.length);
      assert.ok(got.equals(expected), `${length} points: same bytes`);
      assert.equal((JSON.parse(got.toString()) as unknown[]).length, length);
    }
  } finally {
    await parallel.stop();
  }
});

test('short histories, a busy worker and a stopped one: the store thread writes the answer alone', async () => {
  const scratch = new HistoryScratch();
  const parallel = new ParallelHistoryJson(scratch);
  try {
    await parallel.start();
    const short = history(scratch, 3 * SLICE_POINTS, 'short');
    assert.ok((await bytes(parallel.slices(short))).equals(Buffer.concat([...historyJsonSlices(short)])));
    assert.equal(parallel.lastUsedWorker, false);

    // Two long answers at once: the first has the worker, the second is written alone; neither sees the other's bytes.
    const a = history(scratch, 60_000, 'a');
    const b = history(new HistoryScratch(), 50_000, 'b');
    const first = parallel.slices(a)[Symbol.asyncIterator]();
    const head = await first.next();
    assert.equal(parallel.lastUsedWorker, true);
    const second = await bytes(parallel.slices(b));
    assert.equal(parallel.lastUsedWorker, false, 'the busy worker was not waited for');
    assert.ok(second.equals(Buffer.concat([...historyJsonSlices(b)])));
    const rest: Buffer[] = [Buffer.from(head.value as Uint8Array)];
    for (let next = await first.next(); !next.done; next = await first.next()) rest.push(Buffer.from(next.value));
    assert.ok(Buffer.concat(rest).equals(Buffer.concat([...historyJsonSlices(a)])));

    // Abandoned after one slice (a client that hung up): the next answer is still whole and right.
    const abandoned = parallel.slices(a)[Symbol.asyncIterator]();
    await abandoned.next();
    await abandoned.return?.(undefined);
    const again = await bytes(parallel.slices(b));
    assert.equal(parallel.lastUsedWorker, true);
    assert.ok(again.equals(Buffer.concat([...historyJsonSlices(b)])));

    await parallel.stop();
    assert.ok((await bytes(parallel.slices(a))).equals(Buffer.concat([...historyJsonSlices(a)])));
    assert.equal(parallel.lastUsedWorker, false, 'a stopped worker is not used');
  } finally {
    await parallel.stop();
  }
});
