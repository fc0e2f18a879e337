// What a panel needs to come back after a window reload: which panel, of which workspace folder's session, for
// which experiment, runs or model. The host writes it into the page (a data attribute of the shell); the
// webview's channel keeps it beside the panel's own state, which VS Code hands to our serializer on reload.
// Pure: shared by the host, the webviews and the tests.

export const PANEL_KINDS = ['runsTable', 'charts', 'compare', 'runPage', 'modelPage', 'traceView'] as const;
export type PanelKind = (typeof PANEL_KINDS)[number];

export interface PanelIdentity {
  kind: PanelKind;
  /** The session's key (the workspace folder's URI). */
  session: string;
  /** [experiment id] | run ids | [run id] | [model name] | [trace id]. */
  subject: string[];
}

/** What VS Code keeps for a webview: our identity beside the panel's own state. */
export interface SavedState<S> {
  restore?: PanelIdentity;
  state?: S;
}

export const viewTypeOf = (kind: PanelKind): string => `mlflowWorkbench.${kind}`;

const MAX_SUBJECT = 10_000;

/** Checks an identity read back from a page or a saved state (both came through a webview: untrusted). */
export function parseIdentity(value: unknown): PanelIdentity | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (!PANEL_KINDS.includes(v.kind as PanelKind) || typeof v.session !== 'string' || v.session === '') return undefined;
  if (!Array.isArray(v.subject) || v.subject.length === 0 || v.subject.length > MAX_SUBJECT) return undefined;
  if (!v.subject.every((s) => typeof s === 'string' && s !== '')) return undefined;
  return { kind: v.kind as PanelKind, session: v.session, subject: v.subject as string[] };
}

/** The panel's own state out of what VS Code kept (a state saved before identities existed passes as is). */
export function unwrapState<S>(saved: unknown): S | undefined {
  if (saved && typeof saved === 'object' && 'restore' in saved) return (saved as SavedState<S>).state;
  return (saved ?? undefined) as S | undefined;
}
