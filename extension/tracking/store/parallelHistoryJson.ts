// A second thread for long get-history answers. Writing a history's JSON costs about twice as much as reading
// its points, and the client's core sits idle while the server writes: with the store's thread writing the
// first slices and a worker thread the rest (historyJsonWorker.ts), a 100,000-point answer is out about 10 ms
// sooner on two cores. The columns and the worker's output live in shared memory, so nothing is copied between
// the threads. Whenever the worker is missing, still starting, busy or failed, the store's thread writes it all.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HistoryJsonDone, HistoryJsonJob } from './historyJsonWorker';
import { historyJsonSlices, HistoryJsonWriter } from './metricHistory';
import type { HistoryColumns, HistoryScratch } from './metricHistory';

/** Shorter histories are written on the store's thread alone: handing over would cost more than it saves. */
const MIN_SLICES = 4;
/** The store's thread also puts every slice on the socket, so the worker takes a little more than half. */
const STORE_THREAD_SHARE = 0.45;

/** How the worker is started: the bundle beside this code, or (run from source, in tests) the TypeScript through tsx. */
function workerSource(): { script: string; eval: boolean } | undefined {
  const bundled = join(__dirname, 'historyJsonWorker.js');
  if (existsSync(bundled)) return { script: bundled, eval: false };
  const source = join(__dirname, 'historyJsonWorker.ts');
  if (!existsSync(source)) return undefined;
  try {
    const tsx = require.resolve('tsx/cjs');
    return { script: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, eval: true };
  } catch {
    return undefined;
  }
}

export class ParallelHistoryJson {
  private worker: Worker | undefined;
  private state: 'none' | 'starting' | 'idle' | 'busy' | 'failed' = 'none';
  private pending: ((done: HistoryJsonDone) => void) | undefined;
  private started: Promise<boolean> | undefined;

  /** Whether the last answer had help from the worker; tests use it to know they exercised it. */
  lastUsedWorker = false;

  constructor(private readonly scratch: HistoryScratch) {}

  /** Starts the worker (once); resolves whether it is there to help. */
  start(): Promise<boolean> {
    this.started ??= new Promise<boolean>((resolve) => {
      const source = workerSource();
      if (!source) {
        this.state = 'failed';
        return resolve(false);
      }
      this.state = 'starting';
      const worker = new Worker(source.script, { eval: source.eval });
      worker.unref(); // never what keeps a process alive
      worker.on('online', () => {
        if (this.state === 'starting') this.state = 'idle';
        resolve(this.state === 'idle');
      });
      worker.on('message', (done: HistoryJsonDone) => this.settle(done));
      const fail = (why: string): void => {
        this.state = 'failed';
        this.worker = undefined;
        this.settle({ error: why });
        resolve(false);
      };
      worker.on('error', (err) => fail(err.message));
      worker.on('exit', (code) => fail(`the history worker exited with code ${code}`));
      this.worker = worker;
    });
    return this.started;
  }


  async stop(): Promise<void> {
    const worker = this.worker;
    this.state = 'failed';
    this.worker = undefined;
    await worker?.terminate();
  }

  /**
   * The slices of the history's JSON, as historyJsonSlices(history, scratch.bytes) gives them (each may be
   * overwritten by the next). The columns must stay untouched until the iteration has finished.
   */
  async *slices(history: HistoryColumns): AsyncGenerator<Uint8Array> {
    const writer = new HistoryJsonWriter(history);
    const count = writer.sliceCount;
    if (count < MIN_SLICES || this.state !== 'idle' || !this.worker) {
      if (count >= MIN_SLICES) void this.start(); // ready for the next long one
      this.lastUsedWorker = false;
      yield* historyJsonSlices(history, this.scratch.bytes);
      return;
    }
    this.lastUsedWorker = true;
    const split = Math.max(1, Math.floor(count * STORE_THREAD_SHARE));
    const out = this.scratch.shared.take(writer.maxBytes(split, count));
    const done = this.run(this.worker, { history, from: split, to: count, out });
    try {
      yield* historyJsonSlices(history, this.scratch.bytes, 0, split);
      const result = await done;
      if ('error' in result) {
        yield* historyJsonSlices(history, this.scratch.bytes, split, count);
        return;
      }
      let start = 0;
      for (const end of result.ends) {
        yield out.subarray(start, end);
        start = end;
      }
    } finally {
      // Even when the answer is abandoned, the worker may still be writing into `out` and reading the columns.
      await done;
      this.scratch.shared.give(out);
    }
  }

  private run(worker: Worker, job: HistoryJsonJob): Promise<HistoryJsonDone> {
    this.state = 'busy';
    return new Promise((resolve) => {
      this.pending = resolve;
      worker.postMessage(job);
    });
  }

  private settle(done: HistoryJsonDone): void {
    if (this.state === 'busy') this.state = 'idle';
    const pending = this.pending;
    this.pending = undefined;
    pending?.(done);
  }
}
