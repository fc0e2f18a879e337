// The worker thread of parallelHistoryJson.ts: writes a range of a history's JSON slices into shared memory.
import { parentPort } from 'node:worker_threads';
import { HistoryJsonWriter } from './metricHistory';
import type { HistoryColumns } from './metricHistory';

/** Slices [from, to) of `history`, to be written one after another into `out` (shared with the store's thread). */
export interface HistoryJsonJob {
  history: HistoryColumns;
  from: number;
  to: number;
  out: Uint8Array;
}

/** Where each slice ends in `out`, or why the job failed. */
export type HistoryJsonDone = { ends: number[] } | { error: string };

function run(job: HistoryJsonJob): HistoryJsonDone {
  try {
    const writer = new HistoryJsonWriter(job.history);
    const ends: number[] = [];
    let pos = 0;
    for (let i = job.from; i < job.to; i++) {
      pos += writer.write(i, (size) => {
        if (pos + size > job.out.length) throw new Error(`slice ${i} does not fit the shared buffer`);
        return job.out.subarray(pos, pos + size);
      }).length;
      ends.push(pos);
    }
    return { ends };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

parentPort?.on('message', (job: HistoryJsonJob) => parentPort?.postMessage(run(job)));
