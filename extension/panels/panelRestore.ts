// Panels survive a window reload: one serializer per panel type, all the same. An opener runs inside
// `openingPanel(identity, …)`, so the PanelHost it creates writes the identity into its page; the webview keeps
// it with its state; on reload VS Code hands that state to `deserializeWebviewPanel`, which parks the restored
// webview panel and calls the same opener, whose PanelHost adopts the parked panel instead of creating one. The
// panel classes know nothing of this; the webview finds its own state again and rebuilds from `ready`.
import * as vscode from 'vscode';
import type { Openers } from './openers';
import { sessionRef, type PanelDeps, type SessionRef } from './panelContext';
import { PANEL_KINDS, parseIdentity, viewTypeOf, type PanelIdentity, type PanelKind } from './restoreState';

let opening: PanelIdentity | undefined;
const parked = new Map<string, vscode.WebviewPanel>();

/** Runs an opener with the identity of the panel it opens (panel constructors are synchronous). */
export function openingPanel<T>(identity: PanelIdentity, open: () => T): T {
  const outer = opening;
  opening = identity;
  try {
    return open();
  } finally {
    opening = outer;
  }
}

/** For PanelHost: the identity of the panel being opened, and a restored webview panel to adopt, if any. */
export function panelToAdopt(viewType: string): { identity?: PanelIdentity; panel?: vscode.WebviewPanel } {
  const panel = parked.get(viewType);
  parked.delete(viewType);
  return { identity: opening?.kind && viewTypeOf(opening.kind) === viewType ? opening : undefined, panel };
}

/** Openers that tag each panel with its identity. */
export function restorableOpeners(open: Openers): Openers {
  const tagged = (kind: PanelKind, session: SessionRef, subject: string[], fn: () => void): void =>
    openingPanel({ kind, session: session.key, subject }, fn);
  return {
    runsTable: (s, id) => tagged('runsTable', s, [id], () => open.runsTable(s, id)),
    charts: (s, ids) => tagged('charts', s, ids, () => open.charts(s, ids)),
    compare: (s, ids) => tagged('compare', s, ids, () => open.compare(s, ids)),
    runPage: (s, id) => tagged('runPage', s, [id], () => open.runPage(s, id)),
    modelPage: (s, name) => tagged('modelPage', s, [name], () => open.modelPage(s, name)),
    traceView: (s, id) => tagged('traceView', s, [id], () => open.traceView(s, id)),
  };
}

const SESSION_WAIT_MS = 20_000;

/** Resolves once the folder's session has a client (the store is open or its owner found), or after a while. */
function sessionReady(deps: PanelDeps, key: string): Promise<void> {
  const ready = (): boolean => !!deps.sessions.get(key)?.session.client;
  if (ready()) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      subs.forEach((d) => d.dispose());
      resolve();
    };
    const check = (): void => {
      if (ready()) done();
    };
    const timer = setTimeout(done, SESSION_WAIT_MS);
    const subs = [deps.sessions.onDidChangeState(check), deps.sessions.onDidChangeSessions(check)];
  });
}

function call(openers: Openers, id: PanelIdentity, s: SessionRef): void {
  const [first] = id.subject;
  switch (id.kind) {
    case 'runsTable':
      return openers.runsTable(s, first);
    case 'charts':
      return openers.charts(s, id.subject);
    case 'compare':
      return openers.compare(s, id.subject);
    case 'runPage':
      return openers.runPage(s, first);
    case 'modelPage':
      return openers.modelPage(s, first);
    case 'traceView':
      return openers.traceView(s, first);
  }
}

/** One serializer per panel type; `openers` must be the restorable ones. */
export function registerPanelSerializers(deps: PanelDeps, openers: Openers): vscode.Disposable[] {
  return PANEL_KINDS.map((kind) =>
    vscode.window.registerWebviewPanelSerializer(viewTypeOf(kind), {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, saved: unknown): Promise<void> {
        const id = parseIdentity((saved as { restore?: unknown } | undefined)?.restore);
        if (!id || id.kind !== kind) {
          panel.dispose(); // a page from before identities, or tampered with: nothing to rebuild it from
          return;
        }
        await sessionReady(deps, id.session);
        const s = sessionRef(deps, id.session);
        if (!s) {
          deps.log.info(`Not restoring a ${kind} panel: its workspace folder is no longer open.`);
          panel.dispose();
          return;
        }
        parked.set(viewTypeOf(kind), panel);
        try {
          call(openers, id, s);
        } finally {
          // Not adopted (the same table or page was open already, which got revealed): drop the duplicate.
          if (parked.get(viewTypeOf(kind)) === panel) {
            parked.delete(viewTypeOf(kind));
            panel.dispose();
          }
        }
      },
    }),
  );
}
