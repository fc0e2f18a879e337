// What command modules share: the sessions, the two trees and their views, and small UI helpers
// (resolve the node a command acts on, run a mutation with errors shown and views refreshed).
import * as vscode from 'vscode';
import { toClientError } from '../client/clientError';
import type { TrackingClient } from '../client/trackingClient';
import type { ExperimentsTree } from '../experiments/experimentsTree';
import type { TrackingNode } from '../experiments/trackingNodes';
import type { ModelNode } from '../models/modelItems';
import type { ModelsTree } from '../models/modelsTree';
import type { FolderSession, Sessions } from '../server/sessions';

export interface Workbench {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly sessions: Sessions;
  readonly experiments: ExperimentsTree;
  readonly experimentsView: vscode.TreeView<TrackingNode>;
  readonly models: ModelsTree;
  readonly modelsView: vscode.TreeView<ModelNode>;
  /** Re-fetches both trees now (after this window changed something). */
  refreshNow(): Promise<void>;
}

/** The node a command targets: its argument (context menu, inline action) or the view's selection (palette). */
export function targetNode<N extends { kind: string }, K extends N['kind']>(
  arg: unknown,
  view: vscode.TreeView<N>,
  kinds: readonly K[],
): Extract<N, { kind: K }> | undefined {
  const candidates = [arg, ...view.selection];
  for (const c of candidates) {
    if (c && typeof c === 'object' && kinds.includes((c as N).kind as K)) return c as Extract<N, { kind: K }>;
  }
  return undefined;
}

/** A session with a client: the node's, the only one, or one the user picks. */
export async function pickSession(wb: Workbench, sessionKey?: string): Promise<(FolderSession & { client: TrackingClient }) | undefined> {
  const withClient = (s: FolderSession | undefined) => (s?.session.client ? { ...s, client: s.session.client } : undefined);
  if (sessionKey) return withClient(wb.sessions.get(sessionKey));
  const all = wb.sessions.list();
  if (all.length === 0) {
    void vscode.window.showWarningMessage('Open a folder to use MLflow tracking.');
    return undefined;
  }
  if (all.length === 1) {
    const s = withClient(all[0]);
    if (!s) void vscode.window.showWarningMessage(`The MLflow tracking store of ${all[0].name} is not available (${all[0].session.state.mode}).`);
    return s;
  }
  const picked = await vscode.window.showQuickPick(
    all.map((s) => ({ label: s.name, description: s.session.state.mode, session: s })),
    { placeHolder: 'Workspace folder' },
  );
  return withClient(picked?.session);
}

/** Runs a change against the store; shows failures; refreshes the views either way. */
export async function mutate(wb: Workbench, what: string, fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    const e = toClientError(err);
    wb.log.warn(`${what} failed: ${e.code}: ${e.message}`);
    void vscode.window.showErrorMessage(`${what} failed: ${e.message}`);
    return false;
  } finally {
    await wb.refreshNow();
  }
}

export function nonEmpty(label: string): (value: string) => string | undefined {
  return (value) => (value.trim() ? undefined : `${label} cannot be empty.`);
}

/** A modal yes/no for destructive actions; true when the user chose `action`. */
export async function confirmModal(message: string, detail: string, action: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
}
