// Glue: one trace in an editor tab — its info and its span tree with timings, inputs, outputs, errors. Reads
// through the session's client (TrackingClient.getTrace), so the workspace store and a remote MLflow 3 server
// show the same; follows a trace still in progress.
import * as vscode from 'vscode';
import { PanelHost } from '../panels/panelHost';
import { describeError, type PanelDeps, type SessionRef } from '../panels/panelContext';
import type { Openers } from '../panels/openers';
import { OpenPanels } from '../panels/openPanels';
import { parseTraceViewRequest, type TraceViewRequest, type TraceViewUpdate } from './messages';
import { traceViewModel } from './traceModel';

const LIVE_MS = 2000;

export class TraceViewPanel {
  private static readonly open = new OpenPanels<TraceViewPanel>();

  static show(context: vscode.ExtensionContext, deps: PanelDeps, openers: Openers, session: SessionRef, traceId: string): TraceViewPanel {
    return TraceViewPanel.open.revealOrCreate(`${session.key}|${traceId}`, () => new TraceViewPanel(context, deps, openers, session, traceId));
  }

  readonly host: PanelHost<TraceViewUpdate, TraceViewRequest>;
  private inProgress = false;
  private lastJson = '';

  private constructor(
    context: vscode.ExtensionContext,
    deps: PanelDeps,
    private readonly openers: Openers,
    private readonly session: SessionRef,
    private readonly traceId: string,
  ) {
    this.host = new PanelHost<TraceViewUpdate, TraceViewRequest>({
      viewType: 'mlflowWorkbench.traceView',
      title: `Trace ${traceId.slice(0, 11)}`,
      bundle: 'traceView',
      extensionUri: context.extensionUri,
      parse: parseTraceViewRequest,
      log: deps.log,
    });
    this.host.onMessage((m) => this.handle(m));
    this.host.every(LIVE_MS, async () => {
      if (this.inProgress) await this.post(false);
    });
  }

  private async post(always: boolean): Promise<void> {
    let update: TraceViewUpdate;
    try {
      const { info, data } = await this.session.client().getTrace(this.traceId);
      const trace = traceViewModel(info, data?.spans);
      this.inProgress = info.state === 'IN_PROGRESS';
      this.host.title = `Trace: ${trace.info.name}`;
      update = { type: 'trace', trace };
    } catch (err) {
      this.inProgress = false;
      update = { type: 'trace', error: describeError(err) };
    }
    const json = JSON.stringify(update);
    if (!always && json === this.lastJson) return;
    this.lastJson = json;
    this.host.post(update);
  }

  private async handle(m: TraceViewRequest): Promise<void> {
    switch (m.type) {
      case 'ready':
      case 'refresh':
        await this.post(true);
        return;
      case 'openRun':
        this.openers.runPage(this.session, m.id);
        return;
    }
  }
}
