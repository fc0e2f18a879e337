// The workspace store and its tracking server on a worker thread (its own bundle, dist/storeWorker.js): every
// sql.js query, journal write and checkpoint runs here, so the extension host's event loop never waits on the
// store. The host reads through the server like any client; storeWorkerProtocol.ts is the whole contract.
import { parentPort, workerData } from 'node:worker_threads';
import { startTrackingServer, type RunningServer } from '../tracking/server/trackingServer';
import { StoreOwnedError, TrackingStore } from '../tracking/store/trackingStore';
import {
  LOG_FLUSH_MS, MAX_TRACE_LINES_PER_FLUSH, WRITE_NOTIFY_MS, type HostToWorker, type LogLevel, type LogLine, type StoreWorkerConfig,
  type WorkerToHost,
} from './storeWorkerProtocol';

const channel = parentPort;
if (!channel) throw new Error('storeWorker.ts runs as a worker thread only');
const config = workerData as StoreWorkerConfig;
const send = (message: WorkerToHost): void => channel.postMessage(message);

const isWrite = (method: string | undefined): boolean => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';

/** Log lines gathered and sent once per LOG_FLUSH_MS; beyond a cap, trace lines are only counted. */
class LogBuffer {
  private lines: LogLine[] = [];
  private traces = 0;
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;

  add(level: LogLevel, message: string): void {
    if (level === 'trace' && ++this.traces > MAX_TRACE_LINES_PER_FLUSH) {
      this.dropped++;
    } else {
      this.lines.push({ level, message });
    }
    this.timer ??= setTimeout(() => this.flush(), LOG_FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dropped) this.lines.push({ level: 'trace', message: `… ${this.dropped} more requests` });
    if (this.lines.length) send({ type: 'log', lines: this.lines });
    this.lines = [];
    this.traces = 0;
    this.dropped = 0;
  }
}

/** Accepted writes, told to the host at most once per `everyMs` (a 100k req/s ingest must not flood it). */
class WriteNotices {
  private count = 0;
  private lastSent = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly everyMs: number) {}

  add(): void {
    this.count++;
    if (this.timer) return;
    const wait = this.lastSent + this.everyMs - Date.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.count) return;
    send({ type: 'writes', count: this.count });
    this.count = 0;
    this.lastSent = Date.now();
  }
}

const logs = new LogBuffer();
const writes = new WriteNotices(config.writeNotifyMs ?? WRITE_NOTIFY_MS);
let traceRequests = config.traceRequests ?? false;
let stopRequested = false;
let stopNow: (() => void) | undefined;
const stopAsked = new Promise<void>((resolve) => {
  stopNow = resolve;
});
channel.on('message', (message: HostToWorker) => {
  if (message?.type === 'stop') {
    stopRequested = true;
    stopNow?.();
  } else if (message?.type === 'trace-requests') {
    traceRequests = message.on;
  }
});

async function listen(store: TrackingStore): Promise<RunningServer> {
  const log = (line: string): void => logs.add('error', line);
  try {
    return await startTrackingServer({ store, port: config.port, token: config.token, log });
  } catch (err) {
    if (config.port === 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    logs.add('warn', `Port ${config.port} is in use; the tracking server takes a free port instead.`);
    return startTrackingServer({ store, port: 0, token: config.token, log });
  }
}

/** Sends `stopped` once everything is flushed, then lets the thread end. */
function finish(last: WorkerToHost): void {
  writes.flush();
  logs.flush();
  send(last);
  channel?.close();
}

async function main(): Promise<void> {
  let store: TrackingStore;
  try {
    store = await TrackingStore.open({ dir: config.storeDir, checkpointBytes: config.checkpointBytes, checkpointIntervalMs: config.checkpointIntervalMs });
  } catch (err) {
    if (err instanceof StoreOwnedError) return finish({ type: 'owned-by-other', owner: err.owner });
    throw err;
  }
  let server: RunningServer | undefined;
  try {
    if (!stopRequested) {
      server = await listen(store);
      server.server.on('request', (req, res) => {
        res.once('finish', () => {
          if (traceRequests) logs.add('trace', `${req.method} ${req.url} → ${res.statusCode}`);
          if (isWrite(req.method) && res.statusCode < 300) writes.add();
        });
      });
      store.publishServer(server.host, server.port, config.token);
    }
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  if (server) {
    send({ type: 'started', host: server.host, port: server.port, url: server.url, token: config.token, artifactsDir: store.artifactsDir });
    logs.add('info', `Tracking server for ${config.storeDir} listening on ${server.url}`);
    await stopAsked;
    await server.close();
  }
  await store.close();
  finish({ type: 'stopped' });
}

main().catch((err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  finish({ type: 'error', message: e.message, stack: e.stack });
});
