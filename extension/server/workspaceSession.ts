// One workspace folder's tracking session, without VS Code: own the store and serve it, or become the REST
// client of the window that owns it (taking over when that owner goes away), or read a remote server.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { InProcessClient } from '../client/inProcessClient';
import { LoggedModelStore } from '../loggedModels/loggedModelStore';
import { TraceStore } from '../traces/traceStore';
import { InProcessRegistryClient } from '../client/inProcessRegistry';
import { RestClient } from '../client/restClient';
import type { TrackingClient } from '../client/trackingClient';
import { RegistryStore } from '../registry/registryStore';
import { startTrackingServer, type RunningServer } from '../tracking/server/trackingServer';
import type { OwnerInfo } from '../tracking/store/ownerLock';
import { StoreOwnedError, TrackingStore } from '../tracking/store/trackingStore';
import type { SessionState } from './sessionState';

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
}

type Owned = { store: TrackingStore; server: RunningServer };

const isWrite = (method: string | undefined): boolean => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';

export class WorkspaceSession {
  private current: SessionState = { mode: 'starting' };
  private owned: Owned | undefined;
  private activeClient: TrackingClient | undefined;
  private monitor: NodeJS.Timeout | undefined;
  private checking = false;
  private stopped = false;

  constructor(private readonly options: SessionOptions) {}

  get state(): SessionState {
    return this.current;
  }

  get client(): TrackingClient | undefined {
    return this.activeClient;
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
      if (owner) this.follow(owner);
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
    const owned = this.owned;
    this.owned = undefined;
    if (owned) {
      await owned.server.close();
      await owned.store.close();
      this.options.log.info(`Stopped the tracking server and closed the store ${this.options.storeDir}`);
    }
    this.setState({ mode: 'stopped' });
  }

  /**
   * Opens the store and serves it. Returns the owner when another process holds it. `preferred` is a previous
   * owner's port and token: taking those over keeps terminals that already point at them working.
   */
  private async tryOwn(preferred?: { port?: number; token?: string }): Promise<OwnerInfo | undefined> {
    const { storeDir, log } = this.options;
    let store: TrackingStore;
    try {
      store = await TrackingStore.open({ dir: storeDir });
    } catch (err) {
      if (err instanceof StoreOwnedError) return err.owner;
      throw err;
    }
    if (this.stopped) {
      await store.close();
      return undefined;
    }
    try {
      const token = preferred?.token ?? randomBytes(24).toString('hex');
      const server = await this.listen(store, token, preferred?.port ?? this.options.port);
      server.server.on('request', (req, res) => {
        res.once('finish', () => {
          log.trace(`${req.method} ${req.url} → ${res.statusCode}`);
          if (isWrite(req.method) && res.statusCode < 300) this.options.onWrite?.();
        });
      });
      store.publishServer(server.host, server.port, token);
      this.owned = { store, server };
      this.stopMonitor();
      this.activeClient?.dispose();
      this.activeClient = new InProcessClient(store, new InProcessRegistryClient(new RegistryStore(store)), {
        loggedModels: new LoggedModelStore(store),
        traces: new TraceStore(store),
      });
      this.setState({ mode: 'owner', uri: server.url, token });
      log.info(`Tracking server for ${storeDir} listening on ${server.url}`);
      return undefined;
    } catch (err) {
      await store.close().catch(() => undefined);
      throw err;
    }
  }

  private async listen(store: TrackingStore, token: string, port: number): Promise<RunningServer> {
    const log = (line: string): void => this.options.log.error(line);
    try {
      return await startTrackingServer({ store, port, token, log });
    } catch (err) {
      if (port === 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      this.options.log.warn(`Port ${port} is in use; the tracking server takes a free port instead.`);
      return startTrackingServer({ store, port: 0, token, log });
    }
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
