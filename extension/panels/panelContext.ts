// What every panel host needs from the rest of the extension, as a narrow interface (the Workbench object of
// extension/views/workbench.ts satisfies it), plus small editor helpers shared by the panels.
import * as vscode from 'vscode';
import type { TrackingClient } from '../client/trackingClient';
import { toClientError } from '../client/clientError';
import type { Sessions } from '../server/sessions';

export interface PanelDeps {
  readonly sessions: Sessions;
  readonly log: vscode.LogOutputChannel;
  /** Re-fetches the trees after a panel changed something (optional: the trees also poll). */
  refreshNow?(): Promise<void>;
}

/** The panels' view of one workspace folder's tracking session. */
export interface SessionRef {
  readonly key: string;
  readonly name: string;
  /** The session's client now: it changes when this window takes over or loses the store. */
  client(): TrackingClient;
  /** True when this window sees every write as it happens (no polling needed). */
  pushesWrites(): boolean;
}

export function sessionRef(deps: PanelDeps, key: string): SessionRef | undefined {
  const s = deps.sessions.get(key);
  if (!s) return undefined;
  return {
    key,
    name: s.name,
    client: () => {
      const c = deps.sessions.get(key)?.session.client;
      if (!c) throw new Error(`The MLflow tracking store of ${s.name} is not available (${s.session.state.mode}).`);
      return c;
    },
    pushesWrites: () => deps.sessions.get(key)?.session.pushesWrites ?? false,
  };
}

/** A readable message for a failure shown inside a panel. */
export function describeError(err: unknown): string {
  const e = toClientError(err);
  return e.code && e.code !== 'INTERNAL_ERROR' ? `${e.message} (${e.code})` : e.message;
}

/** Asks where to save and writes the file; false when the user cancelled. */
export async function saveFile(defaultName: string, content: Uint8Array | string, filters: Record<string, string[]>): Promise<boolean> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, defaultName) : undefined, filters });
  if (!uri) return false;
  await vscode.workspace.fs.writeFile(uri, typeof content === 'string' ? new TextEncoder().encode(content) : content);
  void vscode.window.showInformationMessage(`Saved ${vscode.workspace.asRelativePath(uri)}`);
  return true;
}
