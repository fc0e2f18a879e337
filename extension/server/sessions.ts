// One WorkspaceSession per workspace folder (multi-root works), started from the settings and restarted when
// they change. Everything else (views, status bar, terminals) listens to this.
import * as vscode from 'vscode';
import { isAbsolute, join } from 'node:path';
import { WorkspaceSession } from './workspaceSession';
import type { SessionState } from './sessionState';
import type { SessionLookup, SessionRef } from '../views/sessionRef';

export interface FolderSession {
  /** The folder's URI: stable id for tree node keys. */
  readonly key: string;
  readonly name: string;
  readonly folder: vscode.WorkspaceFolder;
  readonly storeDir: string;
  readonly session: WorkspaceSession;
}

export const REMOTE_TOKEN_SECRET = 'mlflowWorkbench.remoteToken';

interface FolderSettings {
  port: number;
  storeDir: string;
  remoteUri: string;
}

function settingsFor(folder: vscode.WorkspaceFolder): FolderSettings {
  const config = vscode.workspace.getConfiguration('mlflowWorkbench', folder.uri);
  const location = config.get<string>('store.location', '.mlflow').trim() || '.mlflow';
  return {
    port: config.get<number>('server.port', 0),
    storeDir: isAbsolute(location) ? location : join(folder.uri.fsPath, location),
    remoteUri: config.get<string>('tracking.remoteUri', '').trim(),
  };
}

export class Sessions implements vscode.Disposable {
  private readonly sessions = new Map<string, FolderSession & { settings: FolderSettings }>();
  private readonly stateEmitter = new vscode.EventEmitter<FolderSession>();
  private readonly writeEmitter = new vscode.EventEmitter<FolderSession>();
  private readonly listEmitter = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Serialises starts and stops: a settings change during activation must not open a store twice. */
  private queue: Promise<unknown> = Promise.resolve();

  /** A session changed mode (starting → owner, client → owner after a takeover, …). */
  readonly onDidChangeState = this.stateEmitter.event;
  /** This window's server accepted a write: views refresh. */
  readonly onDidWrite = this.writeEmitter.event;
  /** Folders were added or removed. */
  readonly onDidChangeSessions = this.listEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.stateEmitter,
      this.writeEmitter,
      this.listEmitter,
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.sync()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('mlflowWorkbench')) void this.sync();
      }),
      log.onDidChangeLogLevel((level) => {
        for (const s of this.sessions.values()) s.session.setTraceRequests(level === vscode.LogLevel.Trace);
      }),
      context.secrets.onDidChange((e) => {
        if (e.key.startsWith(REMOTE_TOKEN_SECRET)) void this.sync(true);
      }),
    );
  }

  list(): FolderSession[] {
    return [...this.sessions.values()];
  }

  get(key: string): FolderSession | undefined {
    return this.sessions.get(key);
  }

  /** The session of the active editor's folder, else the first. */
  primary(): FolderSession | undefined {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const folder = uri && vscode.workspace.getWorkspaceFolder(uri);
    return (folder && this.sessions.get(folder.uri.toString())) ?? this.list()[0];
  }

  /** Starts, restarts and stops sessions to match the folders and settings. */
  sync(remoteTokenChanged = false): Promise<void> {
    const run = this.queue.then(() => this.reconcile(remoteTokenChanged));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async reconcile(remoteTokenChanged: boolean): Promise<void> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const wanted = new Map(folders.map((f) => [f.uri.toString(), f]));
    let listChanged = false;
    for (const [key, s] of this.sessions) {
      const folder = wanted.get(key);
      const next = folder && settingsFor(folder);
      const same = next && next.port === s.settings.port && next.storeDir === s.settings.storeDir && next.remoteUri === s.settings.remoteUri;
      if (same && !(remoteTokenChanged && next.remoteUri)) continue;
      this.sessions.delete(key);
      listChanged = true;
      await s.session.stop().catch((err: unknown) => this.log.error(`Stopping ${s.name}: ${String(err)}`));
    }
    for (const [key, folder] of wanted) {
      if (this.sessions.has(key)) continue;
      const settings = settingsFor(folder);
      const remoteToken = settings.remoteUri ? await this.context.secrets.get(`${REMOTE_TOKEN_SECRET}:${settings.remoteUri}`) : undefined;
      // The callbacks only act while this session is still the folder's current one.
      let entry: (FolderSession & { settings: FolderSettings }) | undefined = undefined;
      const session = new WorkspaceSession({
        storeDir: settings.storeDir,
        port: settings.port,
        remoteUri: settings.remoteUri || undefined,
        remoteToken,
        log: this.log,
        traceRequests: this.log.logLevel === vscode.LogLevel.Trace,
        onState: (state: SessionState) => {
          this.log.debug(`${folder.name}: ${state.mode}`);
          if (entry && this.sessions.get(key) === entry) this.stateEmitter.fire(entry);
        },
        onWrite: () => {
          if (entry && this.sessions.get(key) === entry) this.writeEmitter.fire(entry);
        },
      });
      entry = { key, name: folder.name, folder, storeDir: settings.storeDir, session, settings };
      this.sessions.set(key, entry);
      listChanged = true;
      await session.start();
      this.stateEmitter.fire(entry);
    }
    if (listChanged) this.listEmitter.fire();
  }

  async stopAll(): Promise<void> {
    await this.queue;
    const all = this.list();
    this.sessions.clear();
    await Promise.all(all.map((s) => s.session.stop().catch(() => undefined)));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The trees' view of the sessions: key, name and current client (which changes on takeover). */
export function sessionLookup(sessions: Sessions): SessionLookup {
  const ref = (s: FolderSession): SessionRef => ({ key: s.key, name: s.name, client: s.session.client });
  return {
    list: () => sessions.list().map(ref),
    get: (key) => {
      const s = sessions.get(key);
      return s && ref(s);
    },
  };
}
