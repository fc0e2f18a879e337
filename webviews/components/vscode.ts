// The webview side of a panel's message contract: typed posting, typed receiving, and the state VS Code keeps
// for a hidden webview (getState/setState), so a panel rebuilds exactly where it was when shown again.

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

export function channel<Out, In, State>(): Channel<Out, In, State> {
  api ??= acquireVsCodeApi();
  const vs = api;
  return {
    post: (m) => vs.postMessage(m),
    onMessage: (handler) =>
      window.addEventListener('message', (e: MessageEvent) => {
        // Messages come from the extension host via VS Code; anything without a type is not ours.
        if (e.data && typeof e.data === 'object' && typeof (e.data as { type?: unknown }).type === 'string') handler(e.data as In);
      }),
    getState: () => (vs.getState() as State | undefined) ?? undefined,
    setState: (s) => vs.setState(s),
  };
}
