// The one contract between the extension host and the store worker (storeWorker.ts): the worker owns the
// workspace store and its tracking server, so no store work ever runs on the extension host's thread. The host
// reads and writes through the server (RestClient) like any other client; these messages only carry the
// lifecycle, write notifications and log lines. Pure types: no vscode, no store code.
import type { OwnerInfo } from '../tracking/store/ownerLock';

/** What the worker is started with (its workerData). */
export interface StoreWorkerConfig {
  /** Absolute store folder. */
  storeDir: string;
  /** Port to listen on; 0 picks a free one. A taken port falls back to a free one (logged as a warning). */
  port: number;
  /** Bearer token every request but /health must carry; published in the owner lock. */
  token: string;
  /** Store options passed through (tests use a small checkpoint size). */
  checkpointBytes?: number;
  checkpointIntervalMs?: number;
  /** At most one `writes` message per this many ms (default WRITE_NOTIFY_MS). */
  writeNotifyMs?: number;
  /** Send a trace line per request (only while the host's log shows traces: they cost the host a message). */
  traceRequests?: boolean;
}

export const WRITE_NOTIFY_MS = 100;
/** Log lines are sent at most this often, in one message, so a request trace per call cannot flood the host. */
export const LOG_FLUSH_MS = 100;
/** More trace lines than this in one flush are counted, not sent. */
export const MAX_TRACE_LINES_PER_FLUSH = 200;

export type LogLevel = 'trace' | 'info' | 'warn' | 'error';

export interface LogLine {
  level: LogLevel;
  message: string;
}

/** Host → worker. */
export type HostToWorker =
  /** Close the server, checkpoint and close the store, answer `stopped`. */
  | { type: 'stop' }
  /** The host's log level changed: send (or stop sending) a trace line per request. */
  | { type: 'trace-requests'; on: boolean };

/** Worker → host. */
export type WorkerToHost =
  /** The store is open and served at `url` (http://host:port); the owner lock names them. `artifactsDir` is
   * where the store keeps proxied artifacts on this machine (views open them as files). */
  | { type: 'started'; host: string; port: number; url: string; token: string; artifactsDir: string }
  /** Another live process holds the store's lock; the worker has exited its work and waits to be stopped. */
  | { type: 'owned-by-other'; owner: OwnerInfo }
  /** Opening or serving failed; the worker has released what it opened. */
  | { type: 'error'; message: string; stack?: string }
  /** `count` writes were accepted since the previous notice (coalesced: one message per writeNotifyMs at most). */
  | { type: 'writes'; count: number }
  | { type: 'log'; lines: LogLine[] }
  /** Answer to `stop`: the server is closed and the store checkpointed and closed. */
  | { type: 'stopped' };

const TYPES = new Set(['started', 'owned-by-other', 'error', 'writes', 'log', 'stopped']);

/** A message from the worker, checked for its type only (both sides are built from this file). */
export function isWorkerMessage(value: unknown): value is WorkerToHost {
  return typeof value === 'object' && value !== null && TYPES.has((value as { type?: unknown }).type as string);
}
