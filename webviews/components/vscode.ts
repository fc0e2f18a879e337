// The webview side of a panel's message contract: typed posting, typed receiving, and the state VS Code keeps
// for a hidden webview (getState/setState), so a panel rebuilds exactly where it was when shown again. The
// page's identity (data-restore, written by the host) is kept beside that state: after a window reload VS Code
// gives both to the extension's serializer, which reopens the panel (extension/panels/panelRestore.ts).
import { parseIdentity, unwrapState, type SavedState } from '../../extension/panels/restoreState.js';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface Channel<Out, In, State> {
  post(message: Out): void;
  onMessage(handler: (message: In) => void): void;
  getState(): State | undefined;
  setState(state: State): void;
}

let api: VsCodeApi | undefined;

function pageIdentity(): SavedState<unknown>['restore'] {
  const text = document.body.dataset.restore;
  if (!text) return undefined;
  try {
    return parseIdentity(JSON.parse(text));
  } catch {
    return undefined;
  }
}

export function channel<Out, In, State>(): Channel<Out, In, State> {
  api ??= acquireVsCodeApi();
  const vs = api;
  const restore = pageIdentity();
  const save = (state: State | undefined): void => vs.setState(restore ? ({ restore, state } satisfies SavedState<State>) : state);
  // Keep the identity from the first moment, before the panel saves any state of its own.
  if (restore) save(unwrapState<State>(vs.getState()));
  return {
    post: (m) => vs.postMessage(m),
    onMessage: (handler) =>
      window.addEventListener('message', (e: MessageEvent) => {
        // Messages come from the extension host via VS Code; anything without a type is not ours.
        if (e.data && typeof e.data === 'object' && typeof (e.data as { type?: unknown }).type === 'string') handler(e.data as In);
      }),
    getState: () => unwrapState<State>(vs.getState()),
    setState: (s) => save(s),
  };
}
