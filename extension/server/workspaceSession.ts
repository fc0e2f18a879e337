// One workspace folder's tracking session, without VS Code: own the store and serve it, or become the REST
// client of the window that owns it (taking over when that owner goes away), or read a remote server. An owned
// store and its server live on a worker thread (storeWorker.ts): this thread only ever talks HTTP to it, like
// a client window, so no query, journal write or checkpoint can stall the extension host.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { RestClient } from '../client/restClient';
import type { TrackingClient } from '../client/trackingClient';
import type { OwnerInfo } from '../tracking/store/ownerLock';
import type { SessionState } from './sessionState';
import { StoreWorker } from './storeWorkerHost';

export interface SessionLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  trace(message: string): void;
}

export interface SessionOptions {
  /** Absolute store folder, normally `<folder>/.mlflow`. */
  storeDir: string;
  /** Port for the workspace server; 0 picks a free one. */
  port: number;
  /** When set, no local store: the views read this MLflow tracking server. */
  remoteUri?: string;
  remoteToken?: string;
  log: SessionLog;
  onState?: (state: SessionState) => void;
  /** A write reached this window's server (a script logging, another window's client): views refresh. */
  onWrite?: () => void;
  /** How often a client checks that the owner still answers (default 2 s). */
  monitorIntervalMs?: number;
  /** Store options for an owned store (tests: a small checkpoint size). */
  store?: { checkpointBytes?: number; checkpointIntervalMs?: number };
  /** How long stop() waits for the store worker's graceful close before terminating it. */
  stopTimeoutMs?: number;
  /** The store worker's script (default: dist/storeWorker.js beside this bundle; from source, through tsx). */
  workerScript?: string;
  /** Log a trace line per request to an owned server (setTraceRequests changes it later). */
  traceRequests?: boolean;
}

export class WorkspaceSession {
  private current: SessionState = { mode: 'starting' };
  private worker: StoreWorker | undefined;
  /** An open attempt under way: stop() waits for it, so a store is never left open behind a stopped session. */
  private opening: Promise<unknown> | undefined;
  private activeClient: TrackingClient | undefined;
  private monitor: NodeJS.Timeout | undefined;
  private checking = false;
  private stopped = false;

  private traceRequests: boolean;

  constructor(private readonly options: SessionOptions) {
    this.traceRequests = options.traceRequests ?? false;
  }

  get state(): SessionState {
    return this.current;
  }

  get client(): TrackingClient | undefined {
    return this.activeClient;
  }

  /** The log level changed: an owned server logs each request only while traces are shown. */
  setTraceRequests(on: boolean): void {
    this.traceRequests = on;
    this.worker?.traceRequests(on);
  }

  /** True when this window's own server sees every write, so views can refresh on push instead of polling. */
  get pushesWrites(): boolean {
    return this.current.mode === 'owner';
  }

  async start(): Promise<void> {
    const { remoteUri, remoteToken, log } = this.options;
    if (remoteUri) {
      try {
        this.activeClient = new RestClient({ baseUri: remoteUri, token: remoteToken });
        this.setState({ mode: 'remote', uri: remoteUri, token: remoteToken });
        log.info(`Using the remote MLflow tracking server ${remoteUri}`);
      } catch (err) {
        this.setState({ mode: 'error', message: (err as Error).message });
      }
      return;
    }
    try {
      const owner = await this.tryOwn();
      if (owner && !this.stopped) this.follow(owner);
    } catch (err) {
      log.error(`Cannot open the store at ${this.options.storeDir}: ${(err as Error).stack ?? String(err)}`);
      this.setState({ mode: 'error', message: (err as Error).message });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopMonitor();
    this.activeClient?.dispose();
    this.activeClient = undefined;
    await this.opening?.catch(() => undefined);
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      await worker.stop(this.options.stopTimeoutMs);
      this.options.log.info(`Stopped the tracking server and closed the store ${this.options.storeDir}`);
    }
    this.setState({ mode: 'stopped' });
  }

  /**
   * Opens the store and serves it (on a worker thread). Returns the owner when another process holds it.
   * `preferred` is a previous owner's port and token: taking those over keeps terminals that already point at
   * them working.
   */
  private tryOwn(preferred?: { port?: number; token?: string }): Promise<OwnerInfo | undefined> {
    const opening = this.own(preferred);
    this.opening = opening;
    return opening.finally(() => {
      if (this.opening === opening) this.opening = undefined;
    });
  }

  private async own(preferred?: { port?: number; token?: string }): Promise<OwnerInfo | undefined> {
    const { storeDir, log } = this.options;
    const token = preferred?.token ?? randomBytes(24).toString('hex');
    // Set once started; events of a worker that is no longer this session's are ignored.
    const mine: { worker?: StoreWorker } = {};
    const result = await StoreWorker.start(
      { storeDir, port: preferred?.port ?? this.options.port, token, traceRequests: this.traceRequests, ...this.options.store },
      {
        onWrites: () => {
          if (mine.worker && this.worker === mine.worker) this.options.onWrite?.();
        },
        onLog: (line) => log[line.level](line.message),
        onCrash: (message) => {
          if (!mine.worker || this.worker !== mine.worker) return;
          this.worker = undefined;
          this.activeClient?.dispose();
          this.activeClient = undefined;
          log.error(`The store ${storeDir} stopped: ${message}`);
          this.setState({ mode: 'error', message });
        },
      },
      this.options.workerScript,
    );
    if (result.kind === 'owned-by-other') return result.owner;
    const worker = (mine.worker = result.worker);
    if (this.stopped) {
      await worker.stop(this.options.stopTimeoutMs);
      return undefined;
    }
    this.worker = worker;
    worker.traceRequests(this.traceRequests); // it may have changed while the worker started
    this.stopMonitor();
    this.activeClient?.dispose();
    // The same client a second window uses; it also knows the artifacts are files on this machine.
    this.activeClient = new RestClient({ baseUri: result.url, token: result.token, localArtifactsDir: result.artifactsDir });
    this.setState({ mode: 'owner', uri: result.url, token: result.token });
    return undefined;
  }

  /** Becomes the client of the owning process, or waits for it to publish its server. */
  private follow(owner: OwnerInfo): void {
    const { log } = this.options;
    if (owner.hostname && owner.hostname !== hostname()) {
      this.setState({ mode: 'error', message: `The store is owned by process ${owner.pid} on another machine (${owner.hostname}).` });
      return;
    }
    if (!owner.port) {
      this.setState({ mode: 'waiting', reason: `Waiting for process ${owner.pid} to start its tracking server` });
    } else {
      const uri = `http://${owner.host ?? '127.0.0.1'}:${owner.port}`;
      const same = this.current.mode === 'client' && this.current.uri === uri && this.current.token === owner.token;
      if (!same) {
        this.activeClient?.dispose();
        this.activeClient = new RestClient({ baseUri: uri, token: owner.token });
        this.setState({ mode: 'client', uri, token: owner.token, ownerPid: owner.pid });
        log.info(`The store ${this.options.storeDir} is owned by process ${owner.pid}; using its server ${uri}`);
      }
    }
    this.startMonitor(owner);
  }

  private startMonitor(owner: OwnerInfo): void {
    this.stopMonitor();
    let failures = 0;
    this.monitor = setInterval(() => {
      if (this.checking || this.stopped) return;
      this.checking = true;
      void (async () => {
        const alive = owner.port ? await answers(`http://${owner.host ?? '127.0.0.1'}:${owner.port}/health`) : false;
        failures = alive ? 0 : failures + 1;
        if (alive && this.current.mode !== 'client') this.follow(owner);
        // Twice in a row: one slow answer from a busy owner is no reason to fight over the store.
        else if (failures >= 2 || !owner.port) await this.takeOver(owner);
      })()
        .catch((err: unknown) => this.options.log.error(`Owner check failed: ${String(err)}`))
        .finally(() => {
          this.checking = false;
        });
    }, this.options.monitorIntervalMs ?? 2000);
    this.monitor.unref();
  }

  private stopMonitor(): void {
    if (this.monitor) clearInterval(this.monitor);
    this.monitor = undefined;
  }

  private async takeOver(previous: OwnerInfo): Promise<void> {
    const next = await this.tryOwn({ port: previous.port, token: previous.token });
    if (!next) {
      if (this.current.mode === 'owner') this.options.log.info(`Took over the store ${this.options.storeDir} from process ${previous.pid}`);
      return;
    }
    const changed = next.pid !== previous.pid || next.port !== previous.port || next.token !== previous.token;
    if (changed) this.follow(next);
    else if (next.port) this.setState({ mode: 'waiting', reason: `The window owning the store (process ${next.pid}) does not answer at port ${next.port}` });
  }

  private setState(state: SessionState): void {
    this.current = state;
    this.options.onState?.(state);
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1500) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}
