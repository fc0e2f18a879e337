// One editor-tab webview with a typed message contract: creates the panel with the strict shell (html.ts),
// checks every incoming message with the panel's parser, and forgets the webview when it is closed. State is
// the webview's own (getState/setState): it rebuilds from a `ready` message each time it is shown again, so
// no panel asks for retainContextWhenHidden. A panel restored after a window reload is adopted here.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { newNonce, panelHtml } from './html';
import { panelToAdopt } from './panelRestore';
import type { PanelIdentity } from './restoreState';

export interface PanelOptions<In> {
  viewType: string;
  title: string;
  /** The webview bundle: dist/webviews/<bundle>.js (+ .css). */
  bundle: string;
  extensionUri: vscode.Uri;
  column?: vscode.ViewColumn;
  parse: (message: unknown) => In | undefined;
  log: vscode.LogOutputChannel;
}

export class PanelHost<Out, In> implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private handler: ((message: In) => unknown) | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  private readonly identity: PanelIdentity | undefined;
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(private readonly options: PanelOptions<In>) {
    const root = vscode.Uri.joinPath(options.extensionUri, 'dist', 'webviews');
    const webviewOptions = { enableScripts: true, enableCommandUris: false, localResourceRoots: [root] };
    // After a window reload the serializer hands over the restored panel (panelRestore.ts).
    const { identity, panel } = panelToAdopt(options.viewType);
    this.identity = identity;
    if (panel) {
      this.panel = panel;
      panel.webview.options = webviewOptions;
      panel.title = options.title;
    } else {
      this.panel = vscode.window.createWebviewPanel(options.viewType, options.title, options.column ?? vscode.ViewColumn.Active, {
        ...webviewOptions,
        enableFindWidget: true,
      });
    }
    this.panel.iconPath = vscode.Uri.joinPath(options.extensionUri, 'media', 'mlflow.svg');
    this.panel.webview.html = this.html(root);
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = options.parse(raw);
        if (!message) {
          options.log.warn(`${options.viewType}: ignored a malformed message from the webview`);
          return;
        }
        Promise.resolve()
          .then(() => this.handler?.(message))
          .catch((err: unknown) => options.log.error(`${options.viewType}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`));
      }),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  private html(root: vscode.Uri): string {
    const webview = this.panel.webview;
    const script = vscode.Uri.joinPath(root, `${this.options.bundle}.js`);
    const style = vscode.Uri.joinPath(root, `${this.options.bundle}.css`);
    return panelHtml({
      cspSource: webview.cspSource,
      nonce: newNonce(),
      scriptUri: webview.asWebviewUri(script).toString(),
      styleUri: existsSync(style.fsPath) ? webview.asWebviewUri(style).toString() : undefined,
      title: this.options.title,
      panel: this.options.bundle,
      restore: this.identity,
    });
  }

  onMessage(handler: (message: In) => unknown): void {
    this.handler = handler;
  }

  /** Posts to the webview; a hidden or closed webview drops it (it asks again on `ready`). */
  post(message: Out): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage(message).then(undefined, () => undefined);
  }

  get visible(): boolean {
    return !this.disposed && this.panel.visible;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  set title(title: string) {
    if (!this.disposed) this.panel.title = title;
  }

  reveal(): void {
    if (!this.disposed) this.panel.reveal();
  }

  /** Runs `fn` every `ms` while the panel is visible (live updates); stops with the panel. */
  every(ms: number, fn: () => unknown): void {
    const timer = setInterval(() => {
      if (this.visible) Promise.resolve().then(fn).catch((err: unknown) => this.options.log.warn(`${this.options.viewType}: ${String(err)}`));
    }, ms);
    this.disposables.push({ dispose: () => clearInterval(timer) });
  }

  track(d: vscode.Disposable): void {
    if (this.disposed) d.dispose();
    else this.disposables.push(d);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.disposeEmitter.dispose();
    this.panel.dispose();
  }
}
