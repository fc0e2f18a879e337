// The extension host's side of the store worker (storeWorker.ts): start it, hear its messages, stop it. No
// store code runs here; nothing here imports vscode.
import { existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LOCK_FILE, readOwner, type OwnerInfo } from '../tracking/store/ownerLock';
import { isWorkerMessage, type HostToWorker, type LogLine, type StoreWorkerConfig, type WorkerToHost } from './storeWorkerProtocol';

/** A graceful stop (server closed, final checkpoint, store closed) gets this long before the thread is terminated. */
export const STOP_TIMEOUT_MS = 15_000;

export interface StoreWorkerEvents {
  /** `count` writes were accepted since the last call (coalesced by the worker). */
  onWrites?(count: number): void;
  onLog?(line: LogLine): void;
  /** The worker failed or ended after it had started, without being asked to stop. */
  onCrash?(message: string): void;
}

export type StoreWorkerStart =
  | { kind: 'started'; worker: StoreWorker; host: string; port: number; url: string; token: string; artifactsDir: string }
  | { kind: 'owned-by-other'; owner: OwnerInfo };

/**
 * How the worker is started: `script` when given, else the bundle beside this code, or (run from source, in
 * tests) the TypeScript through tsx.
 */
function workerSource(script?: string): { script: string; eval: boolean } {
  if (script) return { script, eval: false };
  const bundled = join(__dirname, 'storeWorker.js');
  if (existsSync(bundled)) return { script: bundled, eval: false };
  const source = join(__dirname, 'storeWorker.ts');
  if (!existsSync(source)) throw new Error(`The store worker is missing beside ${__dirname}`);
  try {
    const tsx = require.resolve('tsx/cjs');
    return { script: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, eval: true };
  } catch {
    throw new Error(`The store worker is not built beside ${__dirname} (run the build)`);
  }
}

export class StoreWorker {
  private phase: 'starting' | 'running' | 'stopping' | 'ended' = 'starting';
  private started: { host: string; port: number } | undefined;
  private ended!: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    private readonly config: StoreWorkerConfig,
    private readonly events: StoreWorkerEvents,
  ) {}

  /** Starts a worker that opens and serves the store; resolves once it serves it or finds another owner. */
  static start(config: StoreWorkerConfig, events: StoreWorkerEvents = {}, script?: string): Promise<StoreWorkerStart> {
    const source = workerSource(script);
    const worker = new Worker(source.script, { eval: source.eval, workerData: config, name: 'mlflow-workbench store' });
    const handle = new StoreWorker(worker, config, events);
    return new Promise<StoreWorkerStart>((resolve, reject) => {
      let markEnded!: () => void;
      handle.ended = new Promise<void>((r) => (markEnded = r));
      const fail = (message: string, stack?: string): void => {
        const was = handle.phase;
        if (was === 'ended') return;
        handle.phase = 'ended';
        markEnded();
        void worker.terminate();
        if (was === 'starting') reject(Object.assign(new Error(message), stack ? { stack } : {}));
        else if (was === 'running') handle.crashed(message);
      };
      worker.on('message', (message: unknown) => {
        if (!isWorkerMessage(message)) return;
        const m: WorkerToHost = message;
        switch (m.type) {
          case 'started':
            handle.phase = handle.phase === 'starting' ? 'running' : handle.phase;
            handle.started = { host: m.host, port: m.port };
            resolve({ kind: 'started', worker: handle, host: m.host, port: m.port, url: m.url, token: m.token, artifactsDir: m.artifactsDir });
            break;
          case 'owned-by-other':
            handle.phase = 'ended';
            markEnded();
            void worker.terminate();
            resolve({ kind: 'owned-by-other', owner: m.owner });
            break;
          case 'error':
            fail(m.message, m.stack);
            break;
          case 'writes':
            events.onWrites?.(m.count);
            break;
          case 'log':
            for (const line of m.lines) events.onLog?.(line);
            break;
          case 'stopped':
            handle.phase = 'ended';
            markEnded();
            break;
        }
      });
      worker.on('error', (err) => fail(`The store worker failed: ${err.message}`, err.stack));
      worker.on('exit', (code) => fail(`The store worker exited with code ${code}`));
    });
  }

  /** Whether the worker sends a trace line per request (the host's log shows traces). */
  traceRequests(on: boolean): void {
    if (this.phase === 'running') this.worker.postMessage({ type: 'trace-requests', on } satisfies HostToWorker);
  }

  get threadId(): number {
    return this.worker.threadId;
  }

  /** Closes the server and the store (their final checkpoint included); terminates the thread after `timeoutMs`. */
  async stop(timeoutMs = STOP_TIMEOUT_MS): Promise<void> {
    if (this.phase === 'running') {
      this.phase = 'stopping';
      this.worker.postMessage({ type: 'stop' } satisfies HostToWorker);
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.ended.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) this.events.onLog?.({ level: 'warn', message: `The store worker did not stop within ${timeoutMs} ms; terminating it.` });
    await this.worker.terminate();
    this.phase = 'ended';
  }

  /** A crashed worker leaves the owner lock naming this (live) process: remove it so another window can take over. */
  private crashed(message: string): void {
    const owner = readOwner(this.config.storeDir);
    if (owner && owner.pid === process.pid && owner.port === this.started?.port && owner.token === this.config.token) {
      try {
        unlinkSync(join(this.config.storeDir, LOCK_FILE));
      } catch {
        /* already gone */
      }
    }
    this.events.onCrash?.(message);
  }
}
