// Measures this thread's event-loop pauses: perf_hooks' delay histogram, and a timer that should fire every
// few ms. On a machine shared by many busy processes a pause also holds the time the kernel kept this thread
// waiting for a CPU; Linux counts that per thread (/proc/<pid>/task/<tid>/schedstat: run-queue wait), so each
// pause is also given without it — what this thread's own work (or a blocking call it made) cost.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

export interface PauseReport {
  /** Longest delay the histogram saw (ms). */
  histogramMax: number;
  histogramP99: number;
  /** Longest lateness of the probe timer (ms). */
  longestPause: number;
  /** Longest lateness minus the run-queue wait within it (ms): the pause this thread's own work caused. */
  longestOwnPause: number;
  /** Whether run-queue waits could be read (Linux); without them own pauses equal pauses. */
  schedstat: boolean;
  /** The few pauses with the most of their own: when (ms since start), how late, how much of it this thread
   * waited for a CPU and how much it ran (the rest it slept: a blocking call, a page fault, a lock). */
  worst: Array<{ at: number; late: number; waited: number; ran: number }>;
  /** This thread's garbage collections longer than 5 ms: when and how long (ms). */
  gcs: Array<{ at: number; ms: number; kind: string }>;
}

const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weak' };
const SCHEDSTAT = `/proc/${process.pid}/task/${process.pid}/schedstat`;

/** Reads this (main) thread's run and run-queue wait nanoseconds, re-reading one open file into one buffer: the
 * probe itself must not make garbage for the thread's collector. */
class SchedStat {
  private readonly fd: number;
  private readonly buf = Buffer.alloc(128);
  ran = 0;
  waited = 0;

  constructor() {
    this.fd = openSync(SCHEDSTAT, 'r');
  }

  read(): boolean {
    const n = readSync(this.fd, this.buf, 0, this.buf.length, 0);
    let field = 0;
    let value = 0;
    for (let i = 0; i < n && field < 2; i++) {
      const c = this.buf[i];
      if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
      else {
        if (field === 0) this.ran = value;
        else this.waited = value;
        field++;
        value = 0;
      }
    }
    return field === 2;
  }

  close(): void {
    closeSync(this.fd);
  }
}

function openSchedStat(): SchedStat | undefined {
  if (!existsSync(SCHEDSTAT)) return undefined;
  try {
    const s = new SchedStat();
    if (s.read()) return s;
    s.close();
  } catch {
    /* not Linux, or no schedstats */
  }
  return undefined;
}

export function startPauseProbe(everyMs = 5, resolutionMs = 2): { stop(): PauseReport } {
  if (!isMainThread) throw new Error('the probe reads the main thread');
  const sched = openSchedStat();
  const gcs: PauseReport['gcs'] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = GC_KINDS[((e as unknown as { detail?: { kind?: number } }).detail)?.kind ?? 0] ?? 'gc';
      if (e.duration > 5) gcs.push({ at: Math.round(e.startTime - t0), ms: Math.round(e.duration), kind });
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  const t0 = performance.now();
  let last = t0;
  let lastRan = sched?.ran ?? 0;
  let lastWaited = sched?.waited ?? 0;
  let longestPause = 0;
  let longestOwnPause = 0;
  const worst: PauseReport['worst'] = [];
  const timer = setInterval(() => {
    const now = performance.now();
    sched?.read();
    const late = Math.max(0, now - last - everyMs);
    const waited = ((sched?.waited ?? 0) - lastWaited) / 1e6;
    const ran = ((sched?.ran ?? 0) - lastRan) / 1e6;
    last = now;
    lastRan = sched?.ran ?? 0;
    lastWaited = sched?.waited ?? 0;
    longestPause = Math.max(longestPause, late);
    longestOwnPause = Math.max(longestOwnPause, late - waited);
    if (late > 10) {
      const r = (ms: number): number => Math.round(ms * 10) / 10;
      worst.push({ at: Math.round(now - t0), late: r(late), waited: r(waited), ran: r(ran) });
      worst.sort((a, b) => b.late - b.waited - (a.late - a.waited));
      worst.length = Math.min(worst.length, 5);
    }
  }, everyMs);
  return {
    stop(): PauseReport {
      clearInterval(timer);
      histogram.disable();
      gcObserver.disconnect();
      sched?.close();
      return {
        histogramMax: histogram.max / 1e6,
        histogramP99: histogram.percentile(99) / 1e6,
        longestPause,
        longestOwnPause: Math.max(0, longestOwnPause),
        schedstat: sched !== undefined,
        worst,
        gcs,
      };
    },
  };
}

/**
 * Run as a process of its own (`node --import tsx eventLoopProbe.ts`), it measures an idle thread until its
 * stdin ends, then prints the report: how much a thread that does nothing is paused by the machine meanwhile.
 */
if (require.main === module) {
  const probe = startPauseProbe();
  process.stdin.resume();
  process.stdin.on('end', () => {
    process.stdout.write(`${JSON.stringify(probe.stop())}\n`);
  });
}
